package journal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// Every record marshals to the console's stream event shape.
func ExampleAssessment() {
	a := journal.Assessment{At: 2500 * time.Millisecond, Person: "p-3f9a", Score: 4,
		Items: journal.Items{Face: 2, Vocalisation: 1, Body: 1}, Band: "moderate", Cues: []string{"brow lowered"}, Present: true}
	b, _ := json.Marshal(a)
	fmt.Println(string(b))
	// Output:
	// {"type":"assessment","at":2.5,"person":"p-3f9a","score":4,"items":{"breathing":0,"vocalisation":1,"face":2,"body":1,"consolability":0},"pspi":0,"band":"moderate","confidence":0,"cues":["brow lowered"],"present":true}
}

func ExampleParseControl() {
	c, err := journal.ParseControl([]byte(`{"cmd":"mimicry","gain":0.5,"delay_ms":300}`))
	fmt.Println(c.Cmd, *c.Gain, c.Delay(), err)
	_, err = journal.ParseControl([]byte(`{"cmd":"pause","now":true}`))
	fmt.Println(err)
	// Output:
	// mimicry 0.5 300ms <nil>
	// control: pause: unknown field "now"
}

// A run opens the journal, runs one writer and submits records without
// ever blocking; ending the context ends the session and commits.
func ExampleWriter() {
	dir, _ := os.MkdirTemp("", "journal-example")
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := journal.Open(ctx, filepath.Join(dir, "journal.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()
	w := j.NewWriter(journal.DefaultWriterOpts())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	s, _ := w.Begin(ctx, journal.Session{ID: "demo", Robot: "kiri", Condition: "mirror"})
	w.Submit(journal.Transition{At: time.Second, From: "idle", To: "engaged", Reason: "person arrived"})
	w.Submit(journal.Alert{At: 90 * time.Second, Person: "p-3f9a", Level: journal.LevelWarning, Score: 5, Reason: "pain not easing"})
	cancel()
	<-done
	sessions, _ := j.Sessions(context.Background())
	fmt.Println(s.ID, sessions[0].Status, w.Stats().Written)
	j.Export(context.Background(), "demo", journal.FormatJSONL, os.Stdout)
	// Output:
	// demo complete 2
	// {"type":"transition","at":1,"from":"idle","to":"engaged","reason":"person arrived"}
	// {"type":"alert","at":90,"person":"p-3f9a","level":"warning","score":5,"reason":"pain not easing"}
}
