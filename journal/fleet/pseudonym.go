package fleet

import (
	"context"
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
type pseudonymCache struct {
	store Pseudonyms

	mu    sync.Mutex
	known map[string]string
}

// pseudonym returns the person's pseudonym ("" stays "": no person).
func (c *Client) pseudonym(person string) string {
	if person == "" {
		return ""
	}
	p := &c.pseud
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.known[person]; ok {
		return s
	}
	s := journal.NewPseudonym()
	if p.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), pseudonymLookup)
		s = c.stored(ctx, person)
		cancel()
	}
	if p.known == nil {
		p.known = map[string]string{}
	}
	p.known[person] = s
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
