package fusion_test

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// A Fuser is a scenario.Sink: play a scenario into it and assess.
func ExampleFuser_Assess() {
	f, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := scenario.Load("pain-episode")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := scenario.NewPlayer(s)
	for _, at := range []time.Duration{10 * time.Second, 60 * time.Second} {
		for t := p.Now(); t < at; t += 100 * time.Millisecond { // assess as Run would, at 10 Hz
			p.Step(t, f, false)
			f.Assess(t)
		}
		p.Step(at, f, false)
		a := f.Assess(at)
		fmt.Printf("%v %s: %s, face %.0f, voice %.0f, body %.0f\n", at, a.Person, a.Band, a.Items.Face, a.Items.Vocalisation, a.Items.Body)
	}
	// Output:
	// 10s margaret: none, face 0, voice 0, body 0
	// 1m0s margaret: severe, face 2, voice 2, body 2
}
