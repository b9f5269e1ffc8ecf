package robot_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
	"github.com/kindred-hri/kindred/sessiontime"
)

// A limiter drives the simulated body: targets are clamped to range and
// reached at limited speed, and Halt brings the body back to its safe pose.
func ExampleLimiter() {
	p, err := robot.LoadProfile("sim")
	if err != nil {
		panic(err)
	}
	body := sim.New(p)
	o := robot.DefaultOpts()
	o.Clock, _ = sessiontime.New(50) // 50 times real time: one second of motion in 20 ms
	o.Watchdog = time.Hour
	arrived := make(chan struct{})
	o.OnWrite = func(pose robot.Pose) {
		if pose[robot.HeadPan] == 30 && pose[robot.Jaw] == 30 {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}
	lim, err := robot.NewLimiter(p.Specs(), body, o)
	if err != nil {
		panic(err)
	}
	cmds := make(chan robot.Command)
	done := make(chan error)
	go func() { done <- lim.Run(context.Background(), cmds) }()

	cmds <- robot.Command{Pose: robot.Pose{robot.HeadPan: 30, robot.Jaw: 99}, Source: robot.SourceMimicry}
	<-arrived
	s := body.Snapshot()
	fmt.Printf("head_pan %v, jaw %v (clamped)\n", s[robot.HeadPan], s[robot.Jaw])

	if err := lim.Halt(); err != nil {
		panic(err)
	}
	<-done
	s = body.Snapshot()
	fmt.Printf("after Halt: head_pan %v, jaw %v\n", s[robot.HeadPan], s[robot.Jaw])
	// Output:
	// head_pan 30.0°, jaw 30.0° (clamped)
	// after Halt: head_pan 0.0°, jaw 0.0°
}

func ExampleLoadProfile() {
	p, err := robot.LoadProfile("tabletop-pca9685")
	if err != nil {
		panic(err)
	}
	pan, _ := p.Joint(robot.HeadPan)
	fmt.Printf("%s on %s bus %d address %#x, %d joints\n", p.Name, p.Board.Kind, p.Board.Bus, p.Board.Address, len(p.Joints))
	fmt.Printf("head_pan channel %d: 30° is %v\n", pan.Channel, pan.PulseAt(robot.Degrees(30)))

	_, err = robot.ParseProfile("head.yaml", []byte("name: head\nboard: {kind: sim}\njoints:\n  - id: head_pan\n    colour: red\n"))
	fmt.Println(err)
	// Output:
	// tabletop-pca9685 on pca9685 bus 1 address 0x40, 12 joints
	// head_pan channel 0: 30° is 1800µs
	// head.yaml:5: unknown field "colour" in joint
}
