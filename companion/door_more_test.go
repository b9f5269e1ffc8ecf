package companion

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/console"
	"github.com/kindred-hri/kindred/internal/refusals"
)

// fleetDoor is a door like fleet.Client without a broker: it refuses what
// the test tells it to, through the coalescer the fleet uses.
type fleetDoor struct {
	ctls    chan behavior.Command
	refused *refusals.Coalescer
}

func (d *fleetDoor) Controls() <-chan behavior.Command { return d.ctls }
func (d *fleetDoor) FlushRefusals()                    { d.refused.Flush() }

// The console's refused access (no token, a wrong one) and the fleet's
// refused control messages are fault records of their own, apart from the
// console's malformed commands, flushed into the session's record before
// the journal ends it, each refusal counted in the summary. Fails without
// DoorUnauthorised wired into the console, and without the fleet's door
// added (its refusals never flushed).
func TestRefusedAccessAndFleetMessagesAreFaults(t *testing.T) {
	const token = "door-token-0123456789abcdef"
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		j, comp, log := journalledCompanion(t, ctx, path)
		con, err := console.New(console.Opts{Token: token, Rate: 1000, Burst: 1000,
			ReportRefusals:     comp.DoorRefusals(behavior.SourceConsole),
			ReportUnauthorised: comp.DoorUnauthorised(behavior.SourceConsole)})
		if err != nil {
			t.Fatal(err)
		}
		fl := &fleetDoor{ctls: make(chan behavior.Command), refused: refusals.New(time.Hour, comp.DoorRefusals(behavior.SourceMQTT))}
		comp.AddDoor(con, behavior.SourceConsole)
		comp.AddDoor(fl, behavior.SourceMQTT)

		door := con.Handler()
		post := func(n int, auth, body string, want int) {
			t.Helper()
			for range n {
				req := httptest.NewRequest("POST", "/api/v1/control", strings.NewReader(body))
				req.Host = "localhost"
				if auth != "" {
					req.Header.Set("Authorization", "Bearer "+auth)
				}
				rec := httptest.NewRecorder()
				door.ServeHTTP(rec, req)
				if rec.Code != want {
					t.Errorf("%s: answered %d, want %d", body, rec.Code, want)
				}
			}
		}
		err = comp.Run(func(ctx context.Context) error {
			post(2, "", `{"cmd":"pause"}`, http.StatusUnauthorized)
			post(1, token, `{"cmd":"dance"}`, http.StatusBadRequest)
			post(3, "not-the-token-0123456789", `{"cmd":"pause"}`, http.StatusUnauthorized)
			fl.refused.Note("bad signature")
			fl.refused.Note("timestamp outside the window")
			time.Sleep(time.Second)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range faultsIn(sessionRecords(t, ctx, j)) {
			got = append(got, f.Component+": "+f.Message)
		}
		want := []string{
			`console access: refused 1 unauthorised request(s) (latest: "401 no bearer token`,
			`console command: refused 1 control request(s) at the door (latest: "control: unknown cmd`,
			`mqtt command: refused 1 control message(s) from the fleet (latest: "bad signature")`,
			`console access: refused 4 unauthorised request(s) (latest: "401 wrong bearer token`,
			`mqtt command: refused 1 control message(s) from the fleet (latest: "timestamp outside the window")`,
		}
		if len(got) != len(want) {
			t.Fatalf("the journal holds %d fault records, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		}
		for i := range want {
			// The flush order of the doors is theirs; match each wanted record once.
			found := false
			for k, g := range got {
				if strings.HasPrefix(g, want[i]) {
					got = append(got[:k], got[k+1:]...)
					found = true
					break
				}
			}
			if !found {
				t.Errorf("no fault record %q… among %q", want[i], got)
			}
		}
		if st := comp.Stats(); st.Faults != 8 {
			t.Errorf("the summary counts %d faults, want 8 (every refusal)", st.Faults)
		}
		if strings.Contains(log.String(), "not-the-token") {
			t.Errorf("the log carries the token given:\n%s", log.String())
		}
	})
}
