package journal

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
)

func TestPseudonymIsRandomStableAndDeletable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ada, err := j.Pseudonym(ctx, "ada-lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[a-z2-7]{12}$`).MatchString(ada) {
		t.Errorf("pseudonym %q: want 12 lower-case base32 characters", ada)
	}
	again, err := j.Pseudonym(ctx, "ada-lovelace")
	if err != nil || again != ada {
		t.Errorf("second lookup %q, %v; want %q", again, err, ada)
	}
	bob, err := j.Pseudonym(ctx, "bob")
	if err != nil || bob == ada {
		t.Errorf("bob's pseudonym %q (%v) equals ada's", bob, err)
	}
	// A later process on the same file keeps the mapping.
	j.Close()
	if j, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if p, err := j.Pseudonym(ctx, "ada-lovelace"); err != nil || p != ada {
		t.Errorf("after reopening %q, %v; want %q", p, err, ada)
	}
	if _, err := j.Pseudonym(ctx, ""); err == nil {
		t.Error("empty person accepted")
	}

	if err := deletePseudonyms(ctx, j.db, "ada-lovelace"); err != nil {
		t.Fatal(err)
	}
	if p, err := j.Pseudonym(ctx, "ada-lovelace"); err != nil || p == ada {
		t.Errorf("after deletion ada is %q (%v): the old pseudonym must not come back", p, err)
	}
}

// A journal that never fed a fleet has no pseudonym table; deleting a
// person from it must still work.
func TestDeletePseudonymsWithoutTable(t *testing.T) {
	ctx := context.Background()
	j, err := Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := deletePseudonyms(ctx, j.db, "ada"); err != nil {
		t.Fatal(err)
	}
}
