package fleet

import (
	"github.com/kindred-hri/kindred/internal/refusals/refusalstest"
	"strings"
	"testing"
	"time"
)

// Refused control messages (unsigned, signed with another key, stale) go
// to ReportRefusals coalesced, not to the log: the first at once, the rest
// of the window held until FlushRefusals, which reports them with the
// latest reason, so every one is counted once. A command that is fine
// passes as before. Fails with the refusals only logged (refuse not
// noting), and with each reported on its own.
func TestRefusedControlMessagesAreReportedCoalesced(t *testing.T) {
	b := careHome(t, "")
	rep := make(reports, 100)
	var got refusalstest.Recorder
	o := robotOpts(b.url(), rep)
	o.ReportRefusals, o.RefusalEvery = got.Add, time.Hour
	c, _ := runClient(t, o)
	sup := dial(t, b.url(), "supervisor-1", supervisorAccount)
	now := time.Now()
	publish(t, sup, "kindred/kiri/control", false, []byte(`{"cmd":"pause"}`)) // unsigned
	for range 3 {
		publish(t, sup, "kindred/kiri/control", false, sign(t, otherKey, `{"cmd":"pause"}`, now))
	}
	publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"pause"}`, now.Add(-time.Hour)))
	publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"resume"}`, now))
	if ctl := nextControl(t, c); ctl.Cmd != "resume" { // the messages keep their order: the bad ones were refused
		t.Fatalf("%s reached the robot, want resume", ctl.Cmd)
	}
	if rs := got.All(); len(rs) != 1 || rs[0].N != 1 || !strings.Contains(rs[0].Latest, ErrBadEnvelope.Error()) {
		t.Fatalf("reported %+v before the flush; want the first refusal, at once", rs)
	}
	c.FlushRefusals()
	rs := got.All()
	if len(rs) != 2 || rs[1].N != 4 || !strings.Contains(rs[1].Latest, ErrStale.Error()) {
		t.Fatalf("reported %+v; want the other 4 flushed, the latest stale", rs)
	}
	for _, l := range rep.drain() {
		if strings.Contains(l, "control") {
			t.Errorf("logged %q; want refusals reported only as refusals", l)
		}
	}
	if st := c.Stats(); st.ControlsBad != 5 || st.ControlsIn != 1 {
		t.Errorf("stats %+v, want 5 bad and 1 in", st)
	}
}

// A command the robot does not take in time (the Controls channel is full)
// is a refusal too, as the console's 503 is; so is a retained one.
func TestControlsNotTakenAndRetainedAreRefusals(t *testing.T) {
	b := careHome(t, "")
	sup := dial(t, b.url(), "supervisor-1", supervisorAccount)
	publish(t, sup, "kindred/kiri/control", true, sign(t, testKey, `{"cmd":"opt_out"}`, time.Now()))
	t.Cleanup(func() { publish(t, sup, "kindred/kiri/control", true, nil) })
	var got refusalstest.Recorder
	o := robotOpts(b.url(), make(reports, 100))
	o.ReportRefusals, o.RefusalEvery, o.Controls = got.Add, time.Hour, 1
	c, _ := runClient(t, o)
	for range 3 {
		publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"pause"}`, time.Now()))
	}
	deadline := time.Now().Add(20 * time.Second)
	for c.Stats().ControlsDropped < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v: want 2 dropped", c.Stats())
		}
		time.Sleep(20 * time.Millisecond) // waiting for the broker, not logic
	}
	c.FlushRefusals()
	rs := got.All()
	total := 0
	for _, r := range rs {
		total += r.N
	}
	if len(rs) != 2 || total != 3 || !strings.Contains(rs[0].Latest, "retained") ||
		!strings.Contains(rs[1].Latest, "not taking commands") {
		t.Fatalf("reported %+v; want the retained one at once, then the 2 not taken", rs)
	}
}
