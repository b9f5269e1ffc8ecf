package journal

import (
	"context"
	"testing"
)

// Deleting a person deletes the pseudonym the fleet published them under:
// a new one is drawn if they come back, unlinkable to the old topics.
func TestDeletePersonDeletesTheirPseudonym(t *testing.T) {
	ctx := context.Background()
	j, _ := openTemp(t)
	before, err := j.Pseudonym(ctx, "p-zelda")
	if err != nil {
		t.Fatal(err)
	}
	record(t, j, WriterOpts{}, Session{ID: "s1", Robot: "kiri", Person: "p-zelda"}, sample("p-zelda"))
	if _, err := j.DeletePerson(ctx, "p-zelda"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM pseudonyms WHERE person = 'p-zelda' OR pseudonym = ?`, before).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d pseudonym rows left for a deleted person (%v)", n, err)
	}
	after, err := j.Pseudonym(ctx, "p-zelda")
	if err != nil || after == before {
		t.Errorf("pseudonym after deletion %q (before %q), %v: want a new one", after, before, err)
	}
}
