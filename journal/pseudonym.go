package journal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// Pseudonyms are what the fleet publishes instead of a person's ID: the ID
// is usually the person's name, slugified, and an MQTT broker is shared by
// a whole care home. The mapping lives only here, in the robot's own
// journal, so deleting a person (deletePseudonyms) also deletes the link
// between what went over the broker and who it was about.

// pseudonymLen is 12 base32 characters: 60 random bits, so a subscriber
// cannot guess a person's pseudonym from another's, and two people on one
// robot collide with probability ~2⁻⁶⁰ (the UNIQUE constraint catches it).
const pseudonymLen = 12

// pseudonymTable is created on first use, not in the schema: journals
// written before it exist, and a journal that never fed a fleet needs none.
const pseudonymTable = `CREATE TABLE IF NOT EXISTS pseudonyms(person TEXT PRIMARY KEY,
	pseudonym TEXT NOT NULL UNIQUE)`

// NewPseudonym makes a random pseudonym: lower-case base32 (RFC 4648), safe
// as an MQTT topic segment.
func NewPseudonym() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux (Go ≥1.24 panics instead)
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	return strings.ToLower(s[:pseudonymLen])
}

// Pseudonym returns the person's pseudonym, creating a random one on first
// use. The same person always gets the same pseudonym from this journal.
func (j *Journal) Pseudonym(ctx context.Context, person string) (string, error) {
	if person == "" {
		return "", errors.New("journal: pseudonym: empty person")
	}
	if _, err := j.db.ExecContext(ctx, pseudonymTable); err != nil {
		return "", fmt.Errorf("journal: %s: pseudonyms: %w", j.path, err)
	}
	// INSERT OR IGNORE then SELECT: a second robot process on the same file
	// (or a retry) reads the pseudonym the first one made.
	var err error
	for range 3 { // a fresh pseudonym colliding with another person's (2⁻⁶⁰): draw again
		_, err = j.db.ExecContext(ctx, `INSERT INTO pseudonyms(person, pseudonym) VALUES(?,?)
			ON CONFLICT(person) DO NOTHING`, person, NewPseudonym())
		if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("journal: %s: pseudonym: %w", j.path, err)
	}
	var p string
	err = j.db.QueryRowContext(ctx, `SELECT pseudonym FROM pseudonyms WHERE person = ?`, person).Scan(&p)
	if err != nil {
		return "", fmt.Errorf("journal: %s: pseudonym: %w", j.path, err)
	}
	return p, nil
}

// deletePseudonyms removes a person's pseudonym; deleting a person must call
// it in the same transaction, or the broker's history stays linkable to them.
// A journal that never had a fleet has no table, which is not an error.
func deletePseudonyms(ctx context.Context, x querier, person string) error {
	var n int
	if err := x.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'pseudonyms'`).Scan(&n); err != nil {
		return fmt.Errorf("pseudonyms: %w", err)
	}
	if n == 0 {
		return nil
	}
	if _, err := x.ExecContext(ctx, `DELETE FROM pseudonyms WHERE person = ?`, person); err != nil {
		return fmt.Errorf("pseudonyms: %w", err)
	}
	return nil
}

// querier is what deletePseudonyms needs: a transaction or the database.
type querier interface {
	execer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
