package companion

import (
	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// Carry hands the engine, as the run starts, the alerts the robot's last
// session (from) left standing (journal.Standing), each told again with
// journal.ToldAgain's reason. The engine owns them from then on as alerts
// of this session (behavior.Carried): recorded, pinned on the console,
// published, repeated each cooldown until a carer acknowledges them, and,
// when live says this run watches the robot's room, resolved when their
// person is seen with the pain eased. Call it before Run; nothing standing
// hands nothing.
func (c *Companion) Carry(from journal.Session, standing []journal.Alert, live bool) {
	if len(standing) == 0 {
		return
	}
	in := behavior.Carried{Live: live}
	for _, a := range standing {
		a = journal.ToldAgain(from, a)
		// A level the engine does not raise (an old journal's "info") is
		// still a carer's business: at least a warning.
		level := behavior.AlertWarning
		if a.Level == journal.LevelUrgent {
			level = behavior.AlertUrgent
		}
		in.Alerts = append(in.Alerts, behavior.Alert{Level: level, Person: a.Person, Score: a.Score, Reason: a.Reason})
	}
	c.carried = behavior.CarriedInput(in)
}
