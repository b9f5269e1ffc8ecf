package behavior_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
)

// A person arrives, says "ouch", then "stop": the engine greets, checks in,
// and opts out, turning sensing off.
func Example() {
	cfg := behavior.DefaultConfig()
	e, err := behavior.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	in, out := make(chan behavior.Input), make(chan behavior.Output, 64)
	go func() {
		defer close(in)
		in <- behavior.EventInput(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "Ada"})
		in <- behavior.EventInput(perception.Event{At: 3 * time.Second, Kind: perception.EventKeyword, Text: "ouch"})
		// "Stop" cried in pain stills the robot and tells a carer; sensing
		// stays on. A touch on the head opts out at any time.
		in <- behavior.EventInput(perception.Event{At: 9 * time.Second, Kind: perception.EventKeyword, Text: "stop"})
		in <- behavior.EventInput(perception.Event{At: 12 * time.Second, Kind: perception.EventTouch, Text: "head"})
	}()
	if err := e.Run(context.Background(), in, out); err != nil {
		fmt.Println(err)
	}
	for o := range out {
		switch o := o.(type) {
		case behavior.Transition:
			fmt.Printf("%v %s -> %s: %s\n", o.At, o.From, o.To, o.Reason)
		case behavior.Intent:
			fmt.Printf("%v   %s (spoken %v)\n", o.At, o.Kind, o.Say != nil)
		case behavior.SensorsChange:
			fmt.Printf("%v   sensors on: %v\n", o.At, o.On)
		}
	}
	// Output:
	// 1s idle -> engaging: arrived
	// 1s   greet (spoken true)
	// 3s engaging -> concerned: said "ouch"
	// 3s   check_in (spoken false)
	// 9s   still (spoken false)
	// 9s concerned -> alerting: said "stop" while in distress: the robot is still and quiet for 2m0s, and still watching
	// 12s alerting -> opted_out: touch "head"
	// 12s   sensors on: false
	// 12s   still (spoken false)
	// 12s   opt_out_ack (spoken true)
}
