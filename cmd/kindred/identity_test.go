package main

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

func TestIdentitiesAssumeTheResidentWithoutRecognisingFaces(t *testing.T) {
	arrive := func(p string) perception.Event { return perception.Event{Kind: perception.EventArrived, Person: p} }
	leave := func(p string) perception.Event { return perception.Event{Kind: perception.EventLeft, Person: p} }
	id := newIdentities("ada", "Ada")

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
	none := newIdentities("", "")
	if n := none.resolve(arrive("face-1")); !strings.HasPrefix(n.Person, "visitor-") || n.Text != "" {
		t.Errorf("no resident configured: %+v", n)
	}
}

// A scene cut starts a new track before the old one times out: when the
// resident's track ends with one face still there, that face is them.
func TestIdentitiesHandTheResidentToTheOneFaceLeft(t *testing.T) {
	arrive := func(p string) perception.Event { return perception.Event{Kind: perception.EventArrived, Person: p} }
	leave := func(p string) perception.Event { return perception.Event{Kind: perception.EventLeft, Person: p} }
	id := newIdentities("ada", "Ada")
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
	id = newIdentities("ada", "Ada")
	id.resolveAll(arrive("face-1"))
	id.resolveAll(arrive("face-2"))
	id.resolveAll(arrive("face-3"))
	if got := id.resolveAll(leave("face-1")); len(got) != 1 {
		t.Errorf("with two faces left one was taken for Ada: %+v", got)
	}
}
