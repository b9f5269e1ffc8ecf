package fusion

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

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
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update once)", err)
			}
			if got := b.String(); got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s differs at line %d:\n got %s\nwant %s\n(rerun with -update if the change is intended)", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s: %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}
