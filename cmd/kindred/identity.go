package main

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/kindred-hri/kindred/perception"
)

// identities names the people a live camera sees, without recognising
// faces: the robot assumes the person it was told is here (`--person`, or
// the config's primary or only resident) is the face it sees. That person
// stays attached to one track while it lasts. A face that arrives while
// they are on another track is a stranger: a random pseudonym, no name.
// When their track ends (the camera lost them, a scene cut) and exactly one
// stranger's track is still there, that face is taken to be them from then
// on, since one resident is who the robot mostly sees; with several faces
// the robot cannot tell and keeps them strangers. A face arriving when
// nobody is attached is the resident again.
//
// Ids that are not camera tracks ("face-N"), such as a scenario's person,
// pass through unchanged.
type identities struct {
	assumed, name string

	mu       sync.Mutex
	tracks   map[string]string // camera track id → person id
	attached string            // the track the assumed person is on, or ""
}

// resolveAll is resolve for the companion: a leaving of the resident's
// track may hand them to the one face still there, announced as an arrival
// after the leaving.
func (id *identities) resolveAll(e perception.Event) []perception.Event {
	out := []perception.Event{id.resolve(e)}
	if e.Kind != perception.EventLeft || id.assumed == "" || out[0].Person != id.assumed {
		return out
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.attached != "" || len(id.tracks) != 1 {
		return out
	}
	for track := range id.tracks {
		id.tracks[track], id.attached = id.assumed, track
		out = append(out, perception.Event{At: e.At, Kind: perception.EventArrived, Person: id.assumed,
			Text: id.name, Modality: e.Modality})
	}
	return out
}

func newIdentities(assumed, name string) *identities {
	return &identities{assumed: assumed, name: name, tracks: map[string]string{}}
}

const trackPrefix = "face-"

// resolve rewrites an arrival or leaving event's person from a camera
// track to a person id, and gives an arrival the name to speak.
func (id *identities) resolve(e perception.Event) perception.Event {
	if !strings.HasPrefix(e.Person, trackPrefix) ||
		(e.Kind != perception.EventArrived && e.Kind != perception.EventLeft) {
		return e
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	track := e.Person
	switch e.Kind {
	case perception.EventArrived:
		p, ok := id.tracks[track]
		if !ok {
			if id.assumed != "" && id.attached == "" {
				p, id.attached = id.assumed, track
			} else {
				p = pseudonym()
			}
			id.tracks[track] = p
		}
		e.Person = p
		e.Text = ""
		if p == id.assumed {
			e.Text = id.name
		}
	case perception.EventLeft:
		p, ok := id.tracks[track]
		if !ok {
			p = pseudonym()
		}
		delete(id.tracks, track)
		if id.attached == track {
			id.attached = ""
		}
		e.Person = p
	}
	return e
}

// pseudonym is a random id for someone the robot does not know: their
// records can be kept, attached to a person later, or deleted, and nothing
// in it says who they are.
func pseudonym() string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "visitor-" + hex.EncodeToString(b[:])
}
