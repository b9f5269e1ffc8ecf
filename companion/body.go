package companion

import (
	"context"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/robot"
)

// runBody runs the limiter. When it ends with an error while the run goes
// on (the body's bus failed more times in a row than robot.LimiterOpts.Retries),
// the body is lost, not the run: the robot can no longer move, but it can
// still see, hear, speak and alert, and an elder left alone needs that. So
// the loss is one fault (component "body") and a warning to the carer
// (behavior.BodyLost), and the commands mimicry and the mouth still send
// are drained until the run stops, so neither blocks. The limiter is not
// restarted (robot.Limiter.Run may be called once); Halt is still called
// at the end (runStages).
func (c *Companion) runBody(ctx context.Context, cmds <-chan robot.Command) error {
	err := c.limiter.Run(ctx, cmds)
	if err == nil || ctx.Err() != nil {
		return err
	}
	c.noteFault("body", err)
	c.sendInput(behavior.BodyLostInput(behavior.BodyLost{At: c.clock.Now(), Why: err.Error()}))
	for range cmds {
	}
	return nil
}
