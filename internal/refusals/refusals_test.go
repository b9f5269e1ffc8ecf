package refusals

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"
)

// A Coalescer reports the first refusal at once, the rest of a window at
// its end, and what is pending on Flush; Flush with nothing pending
// reports nothing; nil ones and ones without a report function count
// nothing and do not panic. (The console's and the fleet's tests check
// the windows through their doors.)
func TestCoalescer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []int
		c := New(0, func(n int, _ string) { got = append(got, n) })
		c.Flush()
		c.Note("a")
		c.Note("b")
		c.Note("c")
		time.Sleep(DefaultEvery)
		synctest.Wait()
		c.Note("d")
		c.Flush()
		if want := []int{1, 2, 1}; len(got) != len(want) || got[0] != 1 || got[1] != 2 || got[2] != 1 {
			t.Fatalf("reports of %v refusals, want %v", got, want)
		}
		var none *Coalescer
		none.Note("x")
		none.Flush()
		New(time.Second, nil).Note("x")
	})
}

// A reason is bounded, whole runes, marked as cut.
func TestClip(t *testing.T) {
	for _, s := range []string{"short", strings.Repeat("é", 3000), strings.Repeat("x", MaxReason+1)} {
		got := clip(s)
		if len(got) > MaxReason+len("…") || !utf8.ValidString(got) || (len(s) > MaxReason) != strings.HasSuffix(got, "…") {
			t.Errorf("clip(%d bytes) = %d bytes %q…", len(s), len(got), got[:min(len(got), 20)])
		}
	}
}
