package scenario_test

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// counter is a Sink that counts what it is given.
type counter struct{ faces, voices, postures, events int }

func (c *counter) Face(perception.FaceObs)       { c.faces++ }
func (c *counter) Voice(perception.VoiceObs)     { c.voices++ }
func (c *counter) Posture(perception.PostureObs) { c.postures++ }
func (c *counter) Event(e perception.Event) {
	c.events++
	fmt.Printf("%v %s %s\n", e.At, e.Kind, e.Text)
}

// Step emits a timeline without waiting; Play would pace the same
// observations against the wall clock.
func ExamplePlayer_Step() {
	s, err := scenario.Load("opt-out")
	if err != nil {
		fmt.Println(err)
		return
	}
	var c counter
	scenario.NewPlayer(s).Step(30*time.Second, &c, false)
	fmt.Println(c.faces, "faces,", c.voices, "voice hops,", c.postures, "postures")
	// Output:
	// 0s arrived Ruth
	// 21s keyword stop
	// 22s keyword stop
	// 901 faces, 3001 voice hops, 301 postures
}
