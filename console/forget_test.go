package console

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// names reports whether msg names Ana by id or name, as a word.
func namesAna(msg []byte) bool {
	return journal.Redact(string(msg), "p-ana") != string(msg) || journal.Redact(string(msg), "Ana") != string(msg)
}

// A person deleted from a running robot leaves nothing in the hub that
// names them: the backlog's events and the pinned alert about them stay,
// naming "(a deleted person)"; the alert stays pinned, and acknowledging
// and resolving it still work; other people's events are untouched; an
// open page is told; a page opened later reads no trace of them.
func TestForgetRedactsTheBacklogAndPinnedAlert(t *testing.T) {
	h := newHub(4, 64)
	said := pub(t, h, journal.Utterance{At: 38 * time.Second, Person: "p-ana", Intent: "ask_rating", Text: "Ana, how much does it hurt?"})
	fault := pub(t, h, journal.Fault{At: 39 * time.Second, Component: "calibration", Message: "person p-ana: /persons/p-ana.yaml: bad"})
	pub(t, h, hubAlert) // p-ana, urgent: it leaves the ring below, stays pinned
	var others [][]byte
	for _, r := range []journal.Record{
		journal.Assessment{At: 41 * time.Second, Person: "p-bo", Score: 2},
		journal.Utterance{At: 42 * time.Second, Person: "p-bo", Intent: "greet", Text: "Hello Bo, and Banana"},
		journal.Fault{At: 43 * time.Second, Component: "body", Message: "p-anabel's servo: timeout"},
		journal.Transition{At: 44 * time.Second, From: "idle", To: "engaging", Reason: "face", Person: "p-bo"},
	} {
		others = append(others, pub(t, h, r))
	}
	open, _ := h.subscribe()

	h.forget([]byte(`{"type":"forgotten","person":"p-ana","names":["Ana"]}`), "p-ana", "Ana")

	select {
	case msg := <-open.ch:
		if !strings.Contains(string(msg), `"forgotten"`) {
			t.Errorf("the open page was sent %s, want the forgotten event", msg)
		}
	default:
		t.Error("the open page was not told")
	}
	_, past := h.subscribe()
	if len(past) != 5 {
		t.Fatalf("a page opened after the delete reads %d events, want the pinned alert and the ring of 4:\n%s", len(past), bytes.Join(past, []byte("\n")))
	}
	for _, msg := range past {
		if namesAna(msg) {
			t.Errorf("after the delete, the console still sends %s", msg)
		}
		if strings.Contains(string(msg), `"forgotten"`) {
			t.Errorf("the forgotten event was kept: %s", msg)
		}
	}
	var alert journal.Alert
	if err := json.Unmarshal(past[0], &alert); err != nil || alert.Level != journal.LevelUrgent || alert.Person != journal.DeletedPerson || alert.Reason != hubAlert.Reason {
		t.Errorf("the pinned alert is %s (%v), want the urgent alert naming %q", past[0], err, journal.DeletedPerson)
	}
	for i, msg := range past[1:] {
		if !bytes.Equal(msg, others[i]) {
			t.Errorf("someone else's event changed:\n got %s\nwant %s", msg, others[i])
		}
	}

	// What the ring held about Ana, in a larger backlog.
	h2 := newHub(8, 64)
	pub(t, h2, journal.Utterance{At: 38 * time.Second, Person: "p-ana", Intent: "ask_rating", Text: "Ana, how much does it hurt?"})
	pub(t, h2, journal.Fault{At: 39 * time.Second, Component: "calibration", Message: "person p-ana: /persons/p-ana.yaml: bad"})
	h2.forget(nil, "p-ana", "Ana")
	_, past2 := h2.subscribe()
	want := []string{
		`"person":"(a deleted person)"`, `"text":"(a deleted person), how much does it hurt?"`,
		`"message":"person (a deleted person): /persons/(a deleted person).yaml: bad"`,
	}
	got := string(bytes.Join(past2, nil))
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("after the delete the backlog is %s, want %s in it (was %s, %s)", got, w, said, fault)
		}
	}

	// The alert, naming nobody, is acknowledged and resolved as before.
	ack := pub(t, h, journal.Acknowledgement{At: 45 * time.Second, By: "Sam", AlertLevel: journal.LevelUrgent, Score: 8})
	for i := range 4 {
		pub(t, h, assessmentAt(500+i))
	}
	_, past = h.subscribe()
	if len(past) != 6 || indexOf(past, ack) != 1 || !strings.Contains(string(past[0]), `"level":"urgent"`) {
		t.Errorf("acknowledged: a new page reads\n%s\nwant the alert and its acknowledgement pinned before the ring", bytes.Join(past, []byte("\n")))
	}
	pub(t, h, journal.Alert{At: 90 * time.Second, Level: journal.LevelResolved, Score: 2, Reason: "pain eased to 2.0"})
	for i := range 4 {
		pub(t, h, assessmentAt(600+i))
	}
	if _, past = h.subscribe(); len(past) != 4 {
		t.Errorf("resolved: a new page reads %d events, want only the ring's 4", len(past))
	}
}

// A person deleted by another process is forgotten through Forget, with
// the names the run knew them by: the console's events name them no more,
// and an open page is told, as for a deletion through the console. The
// name given and the one the console's own status knows both go.
func TestForgetADeletionFromElsewhere(t *testing.T) {
	c, err := New(Opts{Token: testToken, Status: func() Status {
		return Status{Residents: []Resident{{ID: "p-ana", Name: "Ana"}}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []journal.Record{
		journal.Utterance{At: time.Second, Person: "Ana", Intent: "comfort", Text: "Ana, I'm here."},
		journal.Alert{At: 2 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Reason: "Anita said \"help\""},
		journal.Assessment{At: 3 * time.Second, Person: "p-ana", Score: 7},
	} {
		if err := c.Publish(r); err != nil {
			t.Fatal(err)
		}
	}
	open, _ := c.hub.subscribe()
	c.Forget("p-ana", "Anita")
	select {
	case msg := <-open.ch:
		if !strings.Contains(string(msg), `"forgotten"`) || !strings.Contains(string(msg), `"Anita"`) {
			t.Errorf("the open page was sent %s, want the forgotten event naming both names", msg)
		}
	default:
		t.Error("the open page was not told")
	}
	_, past := c.hub.subscribe()
	for _, msg := range past {
		if namesAna(msg) || strings.Contains(string(msg), "Anita") {
			t.Errorf("after the deletion, the console still sends %s", msg)
		}
	}
}
