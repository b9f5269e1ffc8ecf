package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// pseudonymLookup bounds the one wait for the store on a person's first record.
const pseudonymLookup = 2 * time.Second

// pseudonymCache keeps the pseudonyms of this run in memory in front of the
// store, so only a person's first record waits for it. Without a store (no
// journal), or when the store fails, the person gets a random pseudonym for
// this run: never their name.
//
// A run lasts days and every visitor's face is a new person id, so it keeps
// at most maxPseudonyms, forgetting the one used longest ago: with a store
// that costs one more lookup; without one, a person not seen among the
// last maxPseudonyms people seen is published under a new pseudonym.
type pseudonymCache struct {
	store Pseudonyms

	mu    sync.Mutex
	known map[string]*cachedPseudonym
	uses  uint64 // a clock of uses, for forgetting the least recently used
}

type cachedPseudonym struct {
	s    string
	used uint64
}

// maxPseudonyms bounds the pseudonyms a client keeps in memory.
const maxPseudonyms = 1024

// pseudonym returns the person's pseudonym ("" stays "": no person).
func (c *Client) pseudonym(person string) string {
	if person == "" {
		return ""
	}
	p := &c.pseud
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uses++
	if e, ok := p.known[person]; ok {
		e.used = p.uses
		return e.s
	}
	s := journal.NewPseudonym()
	if p.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), pseudonymLookup)
		s = c.stored(ctx, person)
		cancel()
	}
	if p.known == nil {
		p.known = map[string]*cachedPseudonym{}
	}
	if len(p.known) >= maxPseudonyms {
		oldest, at := "", p.uses
		for k, e := range p.known {
			if e.used < at {
				oldest, at = k, e.used
			}
		}
		delete(p.known, oldest)
	}
	p.known[person] = &cachedPseudonym{s: s, used: p.uses}
	return s
}

// stored asks the store for the person's pseudonym.
func (c *Client) stored(ctx context.Context, person string) string {
	s, err := c.pseud.store.Pseudonym(ctx, person)
	if err != nil || !validSegment(s) {
		if err == nil {
			err = fmt.Errorf("unusable pseudonym %q", s)
		}
		c.report(fmt.Errorf("fleet: pseudonyms: %w (using ones for this run only)", err))
		return journal.NewPseudonym()
	}
	return s
}

// Forget drops what the client keeps of a person just deleted: their
// pseudonym, so that their records from now on go out under a new one the
// journal gives (the old one is in no file any more, and going on with it
// would tie what the stations heard before the deletion to what they hear
// after), and the retained status, when it names them, which the broker
// keeps (on disk, with persistence) for every station that subscribes
// later until the robot's state next changes: it is replaced by the same
// status naming nobody.
func (c *Client) Forget(person string) {
	if person == "" {
		return
	}
	p := &c.pseud
	p.mu.Lock()
	e, ok := p.known[person]
	delete(p.known, person)
	p.mu.Unlock()
	if !ok {
		return
	}
	for {
		old := c.status.Load()
		if old == nil {
			return
		}
		var s Status
		if err := json.Unmarshal(*old, &s); err != nil || s.Person != e.s {
			return
		}
		s.Person = ""
		b, err := json.Marshal(s)
		if err != nil {
			return
		}
		if c.status.CompareAndSwap(old, &b) {
			c.kickStatus()
			return
		}
	}
}
