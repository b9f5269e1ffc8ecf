package companion

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// Observations the real fusion rejects (a NaN PSPI, an infinite F0, a NaN
// breathing rate) are faults of the run, coalesced as the doors' refusals
// are: the first one record at once, the two after it one record flushed
// into the session before the journal ends it; a valid face between them
// is no fault. The summary counts all 3, and each record is a line on the
// log. Fails without Inputs.Rejected wired to the coalescer (no records),
// and without the flush once the stages end (the last record never
// reaches the journal).
func TestRejectedObservationsAreCoalescedFaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		fu, err := fusion.New(fusion.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		j, comp, log := journalledWithFuser(t, ctx, path, fu, &fakeEngine{})
		err = comp.Run(func(ctx context.Context) error {
			// A second between them: fusion takes each from its
			// latest-value slot before the next is put.
			comp.Face(perception.FaceObs{At: time.Second, PSPI: math.NaN(), Confidence: 0.9})
			time.Sleep(time.Second)
			comp.Face(perception.FaceObs{At: 2 * time.Second, PSPI: 2, Confidence: 0.9})
			time.Sleep(time.Second)
			comp.Voice(perception.VoiceObs{At: 3 * time.Second, F0: math.Inf(1)})
			time.Sleep(time.Second)
			comp.Posture(perception.PostureObs{At: 4 * time.Second, BreathingRate: math.NaN()})
			time.Sleep(time.Second)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range endedSessionFaults(t, ctx, j) {
			got = append(got, f.Component+": "+f.Message)
		}
		want := []string{
			`fusion: rejected 1 observation(s) (latest: "face: NaN PSPI")`,
			`fusion: rejected 2 observation(s) (latest: "posture: NaN breathing rate")`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("fault records %q, want %q", got, want)
		}
		if st := comp.Stats(); st.Faults != 3 {
			t.Errorf("the summary counts %d faults, want 3 (every rejected observation)", st.Faults)
		}
		for _, w := range want {
			if !strings.Contains(log.String(), "kindred: fault: "+w+"\n") {
				t.Errorf("no log line %q:\n%s", w, log)
			}
		}
	})
}
