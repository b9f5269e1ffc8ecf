package body

import (
	"fmt"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/firmata"
	"github.com/kindred-hri/kindred/robot/pca9685"
	"github.com/kindred-hri/kindred/robot/sensors"
	"github.com/kindred-hri/kindred/robot/sim"
)

// Body is an opened body.
type Body struct {
	Profile  *robot.Profile
	Actuator robot.Actuator    // give it to robot.NewLimiter; its Halt closes the board
	Pins     sensors.PinReader // nil when the board has no input pins
	Sim      *sim.Body         // the simulated body, when it is one (snapshots, touch)
}

// Open connects to the profile's board. Errors name the board and port;
// they are runtime failures (exit 1), the profile having been checked by
// robot.LoadProfile.
func Open(p *robot.Profile) (*Body, error) {
	b := &Body{Profile: p}
	switch p.Board.Kind {
	case robot.BoardSim:
		s := sim.New(p)
		b.Actuator, b.Pins, b.Sim = s, s, s
	case robot.BoardPCA9685:
		d, err := pca9685.Open(p)
		if err != nil {
			return nil, fmt.Errorf("body %s: %w", p.Name, err)
		}
		b.Actuator = d
	case robot.BoardFirmata:
		d, err := firmata.Open(p)
		if err != nil {
			return nil, fmt.Errorf("body %s: %w", p.Name, err)
		}
		b.Actuator, b.Pins = d, d
	default:
		return nil, fmt.Errorf("body %s: no driver for %q boards", p.Name, p.Board.Kind)
	}
	return b, nil
}
