package companion

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
)

// Identities names the people a live camera sees, without recognising
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
// A carer corrects it from the console (identify): "this is a visitor"
// gives the face in view a new pseudonym and stops assuming until nobody is
// in view, "this is Ada" makes it Ada's and Ada the assumed person from
// then on (with nobody in view: the next face), which is also how a
// session with a named person starts.
//
// Ids that are not camera tracks ("face-N"), such as a scenario's person,
// pass through unchanged.
type Identities struct {
	assumed, name string
	// residents are the people a carer may name (id → name to speak);
	// calibrated are those with a stored calibration.
	residents  map[string]string
	calibrated map[string]bool

	mu       sync.Mutex
	tracks   map[string]string // camera track id → person id
	attached string            // the track the assumed person is on, or ""
	current  string            // the track of the latest arrival still in view, or ""
	// doubted: a carer said the face in view was not the resident, so no
	// face is assumed to be them until nobody is in view.
	doubted bool
	// confirmed are the tracks a carer named: not assumptions.
	confirmed map[string]bool
	// scripted is the person a scenario says is there (not a camera track).
	scripted Presence
	// unscripted are the pseudonyms of scenario people deleted while the
	// run went on, by the id their script goes on giving them: the script
	// names them on, and the run knows them only by these.
	unscripted map[string]string
	scripts    bool // a scenario names people (scripted)
	// gone is who the last face in view was and when it went: a face that
	// appears within returnGap, with nobody else in view, is taken to be
	// them again (a detector losing a face for a moment starts a new track).
	gone struct {
		person string
		at     time.Duration
	}
	returnGap time.Duration
}

// SetReturnGap sets how long a face may be lost and still be taken for the
// same person (default 10 s); gap must be positive.
func (id *Identities) SetReturnGap(gap time.Duration) {
	id.mu.Lock()
	defer id.mu.Unlock()
	id.returnGap = gap
}

// DefaultReturnGap is how long a face may be lost and still be taken for
// the same person when a face appears again with nobody else in view.
const DefaultReturnGap = 10 * time.Second

// resolveAll is resolve for the companion: a leaving of the resident's
// track may hand them to the one face still there, announced as an arrival
// after the leaving.
func (id *Identities) resolveAll(e perception.Event) []perception.Event {
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
		id.tracks[track], id.attached, id.current = id.assumed, track, track
		out = append(out, perception.Event{At: e.At, Kind: perception.EventArrived, Person: id.assumed,
			Text: id.name, Modality: e.Modality})
	}
	return out
}

// NewIdentities assumes the person assumed (spoken to as name; "" for
// nobody) is the face the camera sees.
func NewIdentities(assumed, name string) *Identities {
	id := &Identities{assumed: assumed, name: name, tracks: map[string]string{}, residents: map[string]string{},
		confirmed: map[string]bool{}, calibrated: map[string]bool{}, returnGap: DefaultReturnGap}
	if assumed != "" {
		id.residents[assumed] = name
	}
	return id
}

// AddResident lets a carer name person (spoken to as name) at the console.
func (id *Identities) AddResident(person, name string, calibrated bool) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if _, ok := id.residents[person]; !ok || name != "" {
		id.residents[person] = name
	}
	id.calibrated[person] = calibrated
}

// uncalibrated marks a resident whose stored calibration turned out
// unusable as they arrived: the console no longer shows their calibrated
// baseline in use, since fusion scores them against the population.
func (id *Identities) uncalibrated(person string) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.calibrated[person] {
		id.calibrated[person] = false
	}
}

// errNobodyInView refuses "this is a visitor" when there is no face to name.
var errNobodyInView = errors.New("identify: nobody is in view")

// identify carries out a carer's "this is <person>" (a resident's id, or
// behavior.Visitor). It returns the arrival that moves what follows to the
// person now in view (ok false when nobody is in view) and the id recorded.
func (id *Identities) identify(person string) (ev perception.Event, ok bool, err error) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if person == behavior.Visitor {
		if id.current == "" {
			return ev, false, errNobodyInView
		}
		p := pseudonym()
		id.tracks[id.current] = p
		if id.attached == id.current {
			id.attached = ""
		}
		id.doubted, id.confirmed[id.current] = true, true
		return perception.Event{Kind: perception.EventArrived, Person: p}, true, nil
	}
	name, known := id.residents[person]
	if !known {
		return ev, false, fmt.Errorf("identify: %q is not one of the residents (config persons, primary or --person)", person)
	}
	id.assumed, id.name, id.doubted = person, name, false
	if id.current == "" {
		// Nobody in view: the next face is them (a session started for them).
		id.attached, id.gone.person = "", ""
		return ev, false, nil
	}
	if id.attached != "" && id.attached != id.current {
		// They cannot be on two tracks: the other face is someone else.
		id.tracks[id.attached] = pseudonym()
		delete(id.confirmed, id.attached)
	}
	id.tracks[id.current], id.attached, id.confirmed[id.current] = person, id.current, true
	return perception.Event{Kind: perception.EventArrived, Person: person, Text: name}, true, nil
}

// personOf is who a camera track is taken to be ("" when not tracked).
func (id *Identities) personOf(track int) string {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.tracks[trackPrefix+strconv.Itoa(track)]
}

// Presence is who the robot takes a face to be, for the console.
type Presence struct {
	Person, Name string
	Resident     bool // one of the residents (else an unknown's pseudonym)
	Calibrated   bool // their calibrated baseline is in use
	Assumed      bool // the robot's assumption, not a carer's word
}

// present reports the face in view (ok false when none is).
func (id *Identities) present() (p Presence, ok bool) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.current == "" {
		return id.scripted, id.scripted.Person != ""
	}
	p.Person = id.tracks[id.current]
	p.Name, p.Resident = id.residents[p.Person]
	p.Calibrated = id.calibrated[p.Person]
	p.Assumed = !id.confirmed[id.current]
	return p, true
}

// residentList is the residents a carer can name, by id.
func (id *Identities) residentList() []Presence {
	id.mu.Lock()
	defer id.mu.Unlock()
	out := make([]Presence, 0, len(id.residents))
	for p, n := range id.residents {
		out = append(out, Presence{Person: p, Name: n, Resident: true, Calibrated: id.calibrated[p]})
	}
	slices.SortFunc(out, func(a, b Presence) int { return strings.Compare(a.Person, b.Person) })
	return out
}

const trackPrefix = "face-"

// VisitorPrefix starts every unknown person's pseudonym.
const VisitorPrefix = "visitor-"

// resolve rewrites an arrival or leaving event's person from a camera
// track to a person id, and gives an arrival the name to speak.
func (id *Identities) resolve(e perception.Event) perception.Event {
	if e.Kind != perception.EventArrived && e.Kind != perception.EventLeft {
		return e
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	if !strings.HasPrefix(e.Person, trackPrefix) {
		// A scenario's person, named by the script: shown, not renamed,
		// unless they were deleted (forget).
		id.scripts = true
		if as, ok := id.unscripted[e.Person]; ok {
			e.Person, e.Text = as, ""
		}
		id.scripted = Presence{}
		if e.Kind == perception.EventArrived && e.Person != "" {
			id.scripted = Presence{Person: e.Person, Name: e.Text, Resident: e.Text != ""}
		}
		return e
	}
	track := e.Person
	switch e.Kind {
	case perception.EventArrived:
		p, ok := id.tracks[track]
		if !ok && len(id.tracks) == 0 && id.gone.person != "" {
			if e.At-id.gone.at <= id.returnGap {
				// The face that was lost a moment ago, back.
				p, ok = id.gone.person, true
				id.tracks[track] = p
				if p == id.assumed {
					id.attached = track
				}
			} else {
				id.doubted = false // nobody for a while: the resident again
			}
			id.gone.person = ""
		}
		if !ok {
			if id.assumed != "" && id.attached == "" && !id.doubted {
				p, id.attached = id.assumed, track
			} else {
				p = pseudonym()
			}
			id.tracks[track] = p
		}
		id.current = track
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
		delete(id.confirmed, track)
		if id.current == track {
			id.current = ""
			if len(id.tracks) == 1 { // the one face still in view
				for t := range id.tracks {
					id.current = t
				}
			}
		}
		if len(id.tracks) == 0 {
			id.gone.person, id.gone.at = p, e.At
		}
		e.Person = p
	}
	return e
}

// forget makes person (just deleted) nobody the robot knows: whoever is
// taken to be them, in view or lost a moment ago, is an unknown face under
// a fresh pseudonym (as) from now on; nobody is assumed to be them, nor can
// a carer name them, until a carer names someone; and their name is
// forgotten. It returns as and the names they were known by. Before, the
// tracks, the assumption and the residents kept their id, so every later
// assessment, alert and greeting named them again after their deletion.
func (id *Identities) forget(person string) (as string, names []string) {
	id.mu.Lock()
	defer id.mu.Unlock()
	as = pseudonym()
	name := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if n, ok := id.residents[person]; ok {
		name(n)
		delete(id.residents, person)
	}
	delete(id.calibrated, person)
	if id.assumed == person {
		name(id.name)
		id.assumed, id.name = "", ""
	}
	for track, p := range id.tracks {
		if p == person {
			id.tracks[track] = as
			delete(id.confirmed, track)
			if id.attached == track {
				id.attached = ""
			}
		}
	}
	if id.gone.person == person {
		id.gone.person = as
	}
	if id.scripted.Person == person {
		name(id.scripted.Name)
		id.scripted = Presence{Person: as}
	}
	if id.scripts {
		// The scenario's script may name them again.
		if id.unscripted == nil {
			id.unscripted = map[string]string{}
		}
		id.unscripted[person] = as
	}
	return as, names
}

// pipelineEnded forgets the camera tracks: the face pipeline that numbered
// them has ended (its camera closed for an opt-out, or reopened after a
// loss) without saying who left, and the next one numbers its own tracks
// from face-1 again, who are not the old tracks' people. A carer's doubt
// about the face in view goes with them.
func (id *Identities) pipelineEnded() {
	id.mu.Lock()
	defer id.mu.Unlock()
	clear(id.tracks)
	clear(id.confirmed)
	id.attached, id.current, id.doubted = "", "", false
	id.gone.person = ""
}

// pseudonym is a random id for someone the robot does not know: their
// records can be kept, attached to a person later, or deleted, and nothing
// in it says who they are.
func pseudonym() string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return VisitorPrefix + hex.EncodeToString(b[:])
}
