package console

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/console/consoletest"
	"github.com/kindred-hri/kindred/journal"
)

// forgetStore deletes a person as the run's journal does, and the robot
// then no longer names them in its status.
type forgetStore struct{ st *carerStatus }

func (forgetStore) Sessions(context.Context) ([]journal.Session, error) { return nil, nil }
func (forgetStore) Export(context.Context, string, journal.Format, io.Writer) error {
	return nil
}
func (f forgetStore) DeletePerson(_ context.Context, id string) error {
	f.st.set(func(s *Status) {
		s.Residents = slices.DeleteFunc(s.Residents, func(r Resident) bool { return r.ID == id })
		if s.Present != nil && s.Present.ID == id {
			s.Present = nil
		}
	})
	return nil
}

// A carer deletes Ana (from another device) while a console page is open on
// her urgent alert: the page takes her id and name out of its log and its
// banner at once, without a reload, and keeps the banner up, naming nobody;
// Bo's lines stay as they were.
func TestBrowserForgetsADeletedPerson(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	st := &carerStatus{st: Status{Robot: "kiri", State: "alerting", Person: "p-ana",
		Present:   &Present{ID: "p-ana", Name: "Ana", Resident: true},
		Residents: []Resident{{ID: "p-ana", Name: "Ana"}, {ID: "p-bo", Name: "Bo"}}}}
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Status: st.Status, Sessions: forgetStore{st}})
	c.Publish(journal.Utterance{At: 30 * time.Second, Person: "p-bo", Intent: "greet", Text: "Good morning, Bo"})
	c.Publish(journal.Fault{At: 35 * time.Second, Component: "calibration", Message: "person p-ana: persons/p-ana.yaml: unreadable"})
	c.Publish(journal.Utterance{At: 38 * time.Second, Person: "p-ana", Intent: "ask_rating", Text: "Ana, how much does it hurt?"})
	c.Publish(urgent) // p-ana
	b := consoletest.Open(t, srv.URL+"/")
	banner := `!document.getElementById("alert-banner").classList.contains("hidden")`
	html := `document.documentElement.outerHTML`
	named := `(` + html + `.includes("p-ana") || /\bAna\b/.test(` + html + `))`
	ready := `document.getElementById("conn").textContent === "live" && ` + banner +
		` && document.getElementById("alert-text").textContent.startsWith("p-ana: ") && ` + named + ` && "ready"`
	if v, err := b.WaitFor(ready, 30*time.Second); err != nil || v != "ready" {
		t.Fatalf("page not ready: %q %v", v, err)
	}

	if code, body := do(t, "DELETE", srv.URL+"/api/v1/persons/p-ana", "", auth); code != 200 {
		t.Fatalf("delete: %d %s", code, body)
	}
	forgot := `!` + named + ` && "forgotten"`
	if v, err := b.WaitFor(forgot, 30*time.Second); err != nil || v != "forgotten" {
		left, _ := b.Eval(`[...document.documentElement.outerHTML.matchAll(/.{0,80}(p-ana|\bAna\b).{0,80}/g)].map((m) => m[0]).join("\n")`)
		t.Fatalf("after the delete the page still names Ana (%q, %v):\n%s", v, err, left)
	}
	got, err := b.Eval(`[` + banner + `, document.getElementById("alert-text").textContent.startsWith("(a deleted person): severe pain"),
		[...document.querySelectorAll("#log li")].some((li) => li.textContent.endsWith("said: Good morning, Bo")),
		[...document.querySelectorAll("#log li")].some((li) => li.textContent.endsWith("said: (a deleted person), how much does it hurt?")),
		document.body.dataset.resyncs || "0"].join("|")`)
	if err != nil || got != "true|true|true|true|0" {
		t.Errorf("after the delete: banner up|banner names nobody|Bo's line kept|Ana's line redacted|resyncs = %q, %v; want true|true|true|true|0", got, err)
	}
	shot(t, b, "forgotten.png")
}
