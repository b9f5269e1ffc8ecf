package fleet

import (
	"fmt"
	"testing"
)

// A run of days meets many faces, each visitor a new person id: the
// client's pseudonyms in memory stay at maxPseudonyms, the least recently
// used forgotten, so the resident seen all along keeps theirs. Without the
// bound the cache holds all 10,000.
func TestPseudonymCacheIsBounded(t *testing.T) {
	c := &Client{}
	resident := c.pseudonym("ada")
	for i := range 10000 {
		if c.pseudonym(fmt.Sprintf("visitor-%d", i)) == "" {
			t.Fatal("no pseudonym")
		}
		if i%100 == 0 && c.pseudonym("ada") != resident {
			t.Fatalf("after %d visitors the resident's pseudonym changed", i)
		}
	}
	if n := len(c.pseud.known); n > maxPseudonyms {
		t.Fatalf("%d pseudonyms kept, want at most %d", n, maxPseudonyms)
	}
}
