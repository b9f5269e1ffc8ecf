package companion

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

// A person deleted while the robot runs (Identities.forget) is nobody it
// knows from then on: the face taken to be them, in view or lost a moment
// ago, is an unknown face under a fresh pseudonym, as is the next face,
// since nobody is assumed to be them; a carer cannot name them; and a
// scenario's script, which goes on naming them, is taken to mean the
// pseudonym. Before, the tracks, the assumption and the residents kept
// their id, and every later arrival named them again.
func TestAForgottenPersonIsNobodyTheRobotKnows(t *testing.T) {
	arrive := func(p string) perception.Event { return perception.Event{Kind: perception.EventArrived, Person: p} }
	leave := func(p string, at time.Duration) perception.Event {
		return perception.Event{At: at, Kind: perception.EventLeft, Person: p}
	}
	for _, tc := range []struct {
		name string
		then func(id *Identities) []perception.Event // after the deletion
	}{
		{"in view", func(id *Identities) []perception.Event {
			return []perception.Event{id.resolve(arrive("face-1")), id.resolve(leave("face-1", time.Minute)),
				id.resolve(arrive("face-2"))}
		}},
		{"lost a moment ago", func(id *Identities) []perception.Event {
			return []perception.Event{id.resolve(arrive("face-2"))}
		}},
		{"scripted", func(id *Identities) []perception.Event {
			return []perception.Event{id.resolve(leave("ada", time.Minute)),
				id.resolve(perception.Event{Kind: perception.EventArrived, Person: "ada", Text: "Ada"})}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := NewIdentities("ada", "Ada")
			id.AddResident("ada", "Ada", true)
			switch tc.name {
			case "in view":
				id.resolve(arrive("face-1"))
			case "lost a moment ago":
				id.resolve(arrive("face-1"))
				id.resolve(leave("face-1", time.Second))
			case "scripted":
				id.resolve(perception.Event{Kind: perception.EventArrived, Person: "ada", Text: "Ada"})
			}
			as, names := id.forget("ada")
			if !strings.HasPrefix(as, VisitorPrefix) || len(names) != 1 || names[0] != "Ada" {
				t.Fatalf("forget: %q, names %q; want a pseudonym and Ada", as, names)
			}
			if p, ok := id.present(); ok && (p.Person != as || p.Name != "" || p.Resident) {
				t.Errorf("present %+v, want %s, nobody known", p, as)
			}
			for _, e := range tc.then(id) {
				if e.Person == "ada" || e.Text != "" {
					t.Errorf("after the deletion: %+v, want an unknown face", e)
				}
			}
			if tc.name != "in view" {
				if e := id.resolve(arrive("face-9")); e.Person == "ada" {
					t.Errorf("a new face was taken for ada")
				}
			}
			for _, r := range id.residentList() {
				if r.Person == "ada" {
					t.Errorf("ada is still a resident a carer can name: %+v", r)
				}
			}
			if _, _, err := id.identify("ada"); err == nil {
				t.Errorf("a carer could name the deleted ada")
			}
		})
	}
}

// Companion.Forget tells fusion and the engine (perception.EventForgotten,
// with the pseudonym), and whatever they, or the voice, still put out
// naming the person as the deletion came is recorded without them: here
// a fuser and an engine that never stop naming ada. Before, the run's
// record sink passed on every assessment, alert and line said naming
// them until the run ended.
func TestForgetTakesThemOutOfWhatTheStagesStillSay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(20)
		if err != nil {
			t.Fatal(err)
		}
		engine := &fakeEngine{respond: func(in behavior.Input) []behavior.Output {
			ev, ok := in.(*behavior.Observed)
			if !ok || ev.Kind != perception.EventKeyword {
				return nil
			}
			return []behavior.Output{
				behavior.Alert{At: ev.At, Person: "ada", Level: behavior.AlertUrgent, Reason: "ada said \"help\""},
				behavior.Intent{At: ev.At, Kind: behavior.IntentComfort, Person: "Ada",
					Say: &behavior.Utterance{Text: "Ada, I'm letting a carer know."}},
			}
		}}
		rec := &recorder{}
		comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Identities: NewIdentities("ada", "Ada")})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		comp.Bind(ctx)
		var before int
		var names []string
		start := func(ctx context.Context) error {
			comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada", Text: "Ada"})
			comp.Face(perception.FaceObs{At: time.Second})
			comp.Event(perception.Event{At: time.Second, Kind: perception.EventKeyword, Text: "help"})
			synctest.Wait()
			rec.mu.Lock()
			before = len(rec.records)
			rec.mu.Unlock()
			names = comp.Forget("ada")
			comp.Face(perception.FaceObs{At: 2 * time.Second})
			comp.Event(perception.Event{At: 2 * time.Second, Kind: perception.EventKeyword, Text: "help"})
			synctest.Wait()
			comp.Stop()
			return nil
		}
		if err := comp.Run(start); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names, []string{"Ada"}) {
			t.Errorf("Forget gave names %q, want Ada", names)
		}
		told := false
		for _, in := range engine.got() {
			if ev, ok := in.(*behavior.Observed); ok && ev.Kind == perception.EventForgotten {
				told = ev.Person == "ada" && strings.HasPrefix(ev.Text, VisitorPrefix)
			}
		}
		if !told {
			t.Error("the engine was not told ada is forgotten, under a pseudonym")
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		after := rec.records[before:]
		if len(after) < 3 {
			t.Fatalf("%d records after the deletion, want the assessment, the alert and the line said", len(after))
		}
		for _, r := range after {
			if s := fmt.Sprintf("%+v", r); strings.Contains(s, "ada") || strings.Contains(s, "Ada") {
				t.Errorf("recorded after the deletion: %s", s)
			}
		}
	})
}
