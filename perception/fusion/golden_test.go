package fusion

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/goldenfile"
)

// TestGoldenTrajectories records, every two seconds, what fusion made of
// each built-in scenario (with the patient test robot comforting). A change
// in scoring shows up as a readable diff; regenerate with -update after
// checking that the new numbers are better.
func TestGoldenTrajectories(t *testing.T) {
	for _, name := range []string{"pain-episode", "laughter", "opt-out"} {
		t.Run(name, func(t *testing.T) {
			r := play(t, load(t, name), 2*time.Minute, true, nil)
			var b strings.Builder
			if r.comfortedAt >= 0 {
				fmt.Fprintf(&b, "# comforted at %v\n", r.comfortedAt)
			}
			fmt.Fprintln(&b, "# time  score band      breath vocal face body consol  conf  pspi  cues")
			for _, a := range r.assessments {
				if a.At%(2*time.Second) != 0 {
					continue
				}
				fmt.Fprintf(&b, "%6.1f %5.2f %-9s %5.2f %5.2f %5.2f %5.2f %5.2f  %4.2f %5.1f  %s\n",
					a.At.Seconds(), a.Score, a.Band, a.Items.Breathing, a.Items.Vocalisation, a.Items.Face,
					a.Items.Body, a.Items.Consolability, a.Confidence, a.PSPI, strings.Join(a.Cues, "; "))
			}
			goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(b.String()))
		})
	}
}
