package behavior

import (
	"testing"
)

// Moaning that begins as the face calms is pain that has not eased: no
// "resolved" goes out while it is heard. Before, the pain eased on the calm
// face in Pain.EaseDwell (10 s), before the moaning filled half of its
// 30 s window (15 s), and the carer was told the severe pain was resolved
// mid-moan, then warned again 15 s later at a lower level. The fuzzer
// found the same with a "stop" said while moaning (its corpus entry
// 21a60473d15e3148). Once the voice is calm, the pain eases.
func TestNoEasingWhileMoaningBegins(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // cooldown 10m
	h.seen(0, 30, 8, "ada")             // urgent at 4 s
	h.moansCalmFace(30, 200, 0)
	for _, a := range alertsAt(h.outs) {
		if a.level == AlertResolved {
			t.Fatalf("resolved at %v while moaning: %v\n%s", a.at, a, describe(h.outs))
		}
	}
	checkPages(t, h, []wantPage{{AlertUrgent, 4, 5, "severe pain"}})
	h.calmSeen(200, 260)
	got := alertsAt(h.outs)
	t.Logf("%v", got)
	if last := got[len(got)-1]; last.level != AlertResolved || last.at < sec(228) {
		t.Errorf("voice calm from 200 s: last alert %v, want resolved once it was calm for 30 s\n%s", last, describe(h.outs))
	}
}
