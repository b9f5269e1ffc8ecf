package companion

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

func TestIdentitiesAssumeTheResidentWithoutRecognisingFaces(t *testing.T) {
	arrive := func(p string) perception.Event { return perception.Event{Kind: perception.EventArrived, Person: p} }
	leave := func(p string) perception.Event { return perception.Event{Kind: perception.EventLeft, Person: p} }
	id := NewIdentities("ada", "Ada")

	a := id.resolve(arrive("face-1"))
	if a.Person != "ada" || a.Text != "Ada" {
		t.Fatalf("first face: %+v, want the resident", a)
	}
	v := id.resolve(arrive("face-2"))
	if !strings.HasPrefix(v.Person, "visitor-") || v.Text != "" {
		t.Fatalf("second face while Ada is seen: %+v, want an unnamed pseudonym", v)
	}
	if again := id.resolve(arrive("face-2")); again.Person != v.Person {
		t.Errorf("the visitor's track changed person: %s then %s", v.Person, again.Person)
	}
	if l := id.resolve(leave("face-2")); l.Person != v.Person {
		t.Errorf("visitor left as %s, arrived as %s", l.Person, v.Person)
	}
	if l := id.resolve(leave("face-1")); l.Person != "ada" {
		t.Errorf("Ada left as %s", l.Person)
	}
	if b := id.resolve(arrive("face-3")); b.Person != "ada" {
		t.Errorf("a face after Ada's track ended: %s, want Ada again", b.Person)
	}
	// Not a camera track: a scenario's person passes through.
	if s := id.resolve(perception.Event{Kind: perception.EventArrived, Person: "margaret", Text: "Margaret"}); s.Person != "margaret" || s.Text != "Margaret" {
		t.Errorf("scenario person rewritten: %+v", s)
	}
	// Nobody assumed: every face is a stranger, never spoken to by an id.
	none := NewIdentities("", "")
	if n := none.resolve(arrive("face-1")); !strings.HasPrefix(n.Person, "visitor-") || n.Text != "" {
		t.Errorf("no resident configured: %+v", n)
	}
}

// A scene cut starts a new track before the old one times out: when the
// resident's track ends with one face still there, that face is them.
func TestIdentitiesHandTheResidentToTheOneFaceLeft(t *testing.T) {
	arrive := func(p string) perception.Event { return perception.Event{Kind: perception.EventArrived, Person: p} }
	leave := func(p string) perception.Event { return perception.Event{Kind: perception.EventLeft, Person: p} }
	id := NewIdentities("ada", "Ada")
	id.resolveAll(arrive("face-1"))
	v := id.resolveAll(arrive("face-2"))[0].Person
	got := id.resolveAll(leave("face-1"))
	if len(got) != 2 || got[0].Person != "ada" || got[1].Kind != perception.EventArrived || got[1].Person != "ada" || got[1].Text != "Ada" {
		t.Fatalf("resident's track ended with one face left: %+v", got)
	}
	if l := id.resolveAll(leave("face-2")); l[0].Person != "ada" || len(l) != 1 {
		t.Errorf("the face handed to Ada left as %+v (it arrived as %s)", l, v)
	}
	// Two strangers left: the robot cannot tell, nobody is promoted.
	id = NewIdentities("ada", "Ada")
	id.resolveAll(arrive("face-1"))
	id.resolveAll(arrive("face-2"))
	id.resolveAll(arrive("face-3"))
	if got := id.resolveAll(leave("face-1")); len(got) != 1 {
		t.Errorf("with two faces left one was taken for Ada: %+v", got)
	}
}

// A carer's word at the console: "this is a visitor" renames the face in
// view and keeps new faces strangers while anyone is in view (a face lost
// for a moment comes back as the same stranger); "this is Ada" names it,
// or with nobody in view makes the next face Ada's.
func TestIdentitiesFollowTheCarersWord(t *testing.T) {
	at := func(s int) time.Duration { return time.Duration(s) * time.Second }
	arrive := func(p string, s int) perception.Event {
		return perception.Event{At: at(s), Kind: perception.EventArrived, Person: p}
	}
	leave := func(p string, s int) perception.Event {
		return perception.Event{At: at(s), Kind: perception.EventLeft, Person: p}
	}
	id := NewIdentities("ada", "Ada")
	id.AddResident("bob", "Bob", true)
	if _, _, err := id.identify(behavior.Visitor); !errors.Is(err, errNobodyInView) {
		t.Errorf("visitor with nobody in view: %v", err)
	}
	if _, _, err := id.identify("eve"); err == nil {
		t.Error("a person who is not a resident was accepted")
	}
	id.resolveAll(arrive("face-1", 0))
	ev, inView, err := id.identify(behavior.Visitor)
	if err != nil || !inView || !strings.HasPrefix(ev.Person, "visitor-") || ev.Text != "" || ev.Kind != perception.EventArrived {
		t.Fatalf("this is a visitor: %+v, %v, %v", ev, inView, err)
	}
	v := ev.Person
	if p, ok := id.present(); !ok || p.Person != v || p.Resident || p.Assumed || p.Name != "" {
		t.Errorf("present after the correction: %+v", p)
	}
	if l := id.resolveAll(leave("face-1", 1)); l[0].Person != v {
		t.Errorf("the visitor left as %s", l[0].Person)
	}
	// Lost for 3 s, back: the same stranger, not Ada.
	if a := id.resolveAll(arrive("face-2", 4)); a[0].Person != v {
		t.Errorf("the visitor's face back after 3 s is %s, want %s", a[0].Person, v)
	}
	if a := id.resolveAll(arrive("face-3", 5)); a[0].Person == "ada" {
		t.Error("a second face while the carer's visitor is in view was taken for Ada")
	}
	id.resolveAll(leave("face-3", 6))
	id.resolveAll(leave("face-2", 7))
	// Nobody for longer than the gap: the next face is Ada again.
	if a := id.resolveAll(arrive("face-4", 7+10+1)); a[0].Person != "ada" || a[0].Text != "Ada" {
		t.Errorf("after 11 s with nobody in view: %+v, want Ada", a[0])
	}
	if p, _ := id.present(); !p.Assumed || !p.Resident {
		t.Errorf("present: %+v, want Ada, assumed", p)
	}
	// "This is Bob" on the face in view: Bob from now on, and assumed.
	ev, inView, err = id.identify("bob")
	if err != nil || !inView || ev.Person != "bob" || ev.Text != "Bob" {
		t.Fatalf("this is Bob: %+v, %v, %v", ev, inView, err)
	}
	if p, _ := id.present(); p.Person != "bob" || p.Assumed || !p.Calibrated {
		t.Errorf("present: %+v, want Bob, named by a carer, calibrated", p)
	}
	// A session with Ada started while nobody is in view: the next face.
	id.resolveAll(leave("face-4", 20))
	if _, inView, err := id.identify("ada"); err != nil || inView {
		t.Fatalf("start a session with Ada, nobody in view: %v %v", inView, err)
	}
	if a := id.resolveAll(arrive("face-5", 22)); a[0].Person != "ada" {
		t.Errorf("the next face after a session started with Ada: %s", a[0].Person)
	}
}

// A resident's calibrated face applies to the track taken to be them, and
// to no one else in view.
func TestCalibratedFaceOnlyForTheResidentsTrack(t *testing.T) {
	ada := &face.Baseline{}
	c := &Companion{ids: NewIdentities("ada", "Ada"), faceBaselines: map[string]*face.Baseline{"ada": ada}}
	c.ids.resolveAll(perception.Event{Kind: perception.EventArrived, Person: "face-1"})
	c.ids.resolveAll(perception.Event{Kind: perception.EventArrived, Person: "face-2"})
	if got := c.faceBaselineFor(1); got != ada {
		t.Errorf("Ada's track: %p, want her calibrated face", got)
	}
	if got := c.faceBaselineFor(2); got != nil {
		t.Error("the visitor's face is scored against Ada's calibrated face")
	}
	if _, _, err := c.ids.identify(behavior.Visitor); err != nil { // face-2 is current: a carer says so again
		t.Fatal(err)
	}
	c.ids.identify("ada") // and then that face-2 is Ada after all
	if c.faceBaselineFor(2) != ada || c.faceBaselineFor(1) != nil {
		t.Error("after the carer named face-2 Ada, her calibrated face did not follow")
	}
}

// A face pipeline that ends (the camera closed for an opt-out, or lost
// and reopened) says nobody left, and the next one numbers its tracks from
// face-1 again: its faces are new, not the old tracks' people. Before the
// old tracks were forgotten, the resident, the new pipeline's first face,
// got a visitor's pseudonym (the stale track she was on still held the
// assumption), and the visitor was taken for her.
func TestIdentitiesForgetTracksOfAPipelineThatEnded(t *testing.T) {
	at := func(kind perception.EventKind, p string, s int) perception.Event {
		return perception.Event{Kind: kind, Person: p, At: time.Duration(s) * time.Second}
	}
	id := NewIdentities("ada", "Ada")
	id.resolve(at(perception.EventArrived, "face-1", 1))
	id.resolve(at(perception.EventLeft, "face-1", 2)) // lost a moment,
	if a := id.resolve(at(perception.EventArrived, "face-2", 3)); a.Person != "ada" {
		t.Fatalf("back within the return gap: %+v, want Ada", a) // ...and back as face-2
	}
	v := id.resolve(at(perception.EventArrived, "face-3", 4)).Person // a visitor
	id.pipelineEnded()                                               // the camera closes: no one "leaves"
	if a := id.resolve(at(perception.EventArrived, "face-1", 100)); a.Person != "ada" || a.Text != "Ada" {
		t.Errorf("the new pipeline's first face %+v, want Ada", a)
	}
	if w := id.resolve(at(perception.EventArrived, "face-2", 101)); w.Person == "ada" || w.Person == v {
		t.Errorf("the new pipeline's second face is %s, want a new visitor", w.Person)
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	if len(id.tracks) != 2 {
		t.Errorf("%d tracks kept, want the new pipeline's 2: %v", len(id.tracks), id.tracks)
	}
}
