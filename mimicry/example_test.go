package mimicry_test

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// A pain face is shown back as concern: the inner brows rise and the head
// tilts, while the brows never lower into a frown.
func Example() {
	body := []robot.JointSpec{
		{ID: robot.BrowInnerLeft, Min: 60, Max: 120, Neutral: 90},
		{ID: robot.HeadRoll, Min: -25, Max: 25, Neutral: 0},
	}
	o := mimicry.DefaultOpts()
	o.Idle = false
	m, err := mimicry.New(body, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	m.SetIntent(behavior.Intent{Kind: behavior.IntentCheckIn,
		Mirror: behavior.MirrorSettings{Enabled: true, Gain: 0.6, Delay: 300 * time.Millisecond, Concern: 1}})
	pain := perception.AUs{AU04: 4, AU06: 3, AU07: 4, AU10: 3, AU43: 1}
	var last robot.Command
	for at := time.Duration(0); at <= 3*time.Second; at += 40 * time.Millisecond {
		m.Face(perception.FaceObs{At: at, Track: 1, AU: pain, PSPI: pain.PSPI(), Expression: perception.ExprPain})
		if cmd, ok := m.Step(at); ok {
			last = cmd
		}
	}
	fmt.Println(last.Source, last.Pose[robot.BrowInnerLeft] > 100, last.Pose[robot.HeadRoll] > 3)
	// Output: mimicry true true
}
