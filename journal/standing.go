package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Standing returns the alerts robot's latest session left standing, with
// that session: for each person (the technical alerts' "" among them),
// the most urgent alert raised since the person's last resolved alert,
// unless a carer acknowledged one of theirs after it. ok is false when
// the robot has no session in the journal.
//
// A run stopped (or killed) with an alert standing may not have handed it
// to the broker (it was away, and the outbox lives in memory), and the
// next run knows nothing of it: the carer was never told, or told of pain
// that nobody has seen ease since. The next run carries it, as an alert of
// its own session, until a carer acknowledges it or the pain is seen to
// ease (behavior.Carried); told twice is better than never (an alert lost
// is the failure a nurse call system must not have; IEC 60601-1-8 §6.2).
//
// Only a session that watched a person live (its SettingSources setting is
// SourcesLive, or it has none) leaves its own alerts standing: a
// scenario's simulated person or a recording played is nobody a carer can
// go to. A session that was not live still leaves standing the alerts it
// carried from an earlier one (ToldAgain's reason says so), until a carer
// acknowledged them there: a scenario played between two restarts must not
// lose a real person's alert, nor may its simulated person's resolutions
// end it.
func (j *Journal) Standing(ctx context.Context, robot string) (Session, []Alert, bool, error) {
	ss, err := j.querySessions(ctx, "WHERE robot = ?", robot)
	if err != nil || len(ss) == 0 {
		return Session{}, nil, false, err
	}
	last := ss[0] // newest first
	// A session from before its sources were recorded may have been live.
	var sources string
	err = j.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE session = ? AND key = ?`, last.ID, SettingSources).Scan(&sources)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return last, nil, true, fmt.Errorf("journal: standing alerts of %s: %w", last.ID, err)
	}
	live := err != nil || sources == SourcesLive
	rows, err := j.db.QueryContext(ctx, `SELECT at_ns, person, level, score, reason, 0 FROM alerts WHERE session = ?
		UNION ALL SELECT at_ns, person, '', 0, reason, 1 FROM acknowledgements WHERE session = ?
		ORDER BY 1, 6`, last.ID, last.ID)
	if err != nil {
		return last, nil, true, fmt.Errorf("journal: standing alerts of %s: %w", last.ID, err)
	}
	defer rows.Close()
	standing := map[string]Alert{}
	var order []string
	for rows.Next() {
		var a Alert
		var at int64
		var ack bool
		if err := rows.Scan(&at, &a.Person, &a.Level, &a.Score, &a.Reason, &ack); err != nil {
			return last, nil, true, fmt.Errorf("journal: standing alerts of %s: %w", last.ID, err)
		}
		a.At = time.Duration(at)
		switch {
		case !live && !carried(a.Reason):
			// Not live: only what it carried, and its acknowledgement.
		case ack || a.Level == LevelResolved:
			delete(standing, a.Person)
		case rank(a.Level) >= rank(standing[a.Person].Level):
			if !slices.Contains(order, a.Person) {
				order = append(order, a.Person)
			}
			standing[a.Person] = a
		}
	}
	if err := rows.Err(); err != nil {
		return last, nil, true, fmt.Errorf("journal: standing alerts of %s: %w", last.ID, err)
	}
	var out []Alert
	for _, p := range order {
		if a, ok := standing[p]; ok {
			out = append(out, a)
		}
	}
	return last, out, true, nil
}

// rank orders alert levels by urgency; "" (none) is lowest.
func rank(l Level) int {
	switch l {
	case LevelUrgent:
		return 3
	case LevelWarning:
		return 2
	case LevelInfo:
		return 1
	}
	return 0
}

// ToldAgain is a, which session from left standing, as the next run tells
// it again: at session time 0, its reason saying why and when it was
// raised, for a carer reading it days later must not take it for pain
// seen now ("severe pain 7.4 for 4s (standing when this robot's last run
// stopped: raised 49s into session ID, begun 2026-12-04 18:49 UTC; not
// seen resolved since)"). An alert carried already, through a restart
// before anyone answered it, says so already, and when it was first
// raised: its reason is kept up to that, without a repeat's "(again: …)"
// after it, so a crash loop neither grows it nor makes it look new.
func ToldAgain(from Session, a Alert) Alert {
	raised := a.At
	a.At = 0
	if i := strings.Index(a.Reason, toldAgainFrom); i >= 0 {
		if j := strings.Index(a.Reason[i:], toldAgainTo); j >= 0 {
			a.Reason = a.Reason[:i+j+len(toldAgainTo)]
			return a
		}
	}
	a.Reason = fmt.Sprintf("%s%sraised %v into session %s, begun %s%s",
		a.Reason, toldAgainFrom, raised.Round(time.Second), from.ID, from.Started.UTC().Format("2006-01-02 15:04 UTC"), toldAgainTo)
	return a
}

// ToldAgain's words around when and where an alert was raised.
const (
	toldAgainFrom = " (standing when this robot's last run stopped: "
	toldAgainTo   = "; not seen resolved since)"
)

// carried says whether reason is that of an alert told again (ToldAgain),
// or of an acknowledgement of one.
func carried(reason string) bool {
	i := strings.Index(reason, toldAgainFrom)
	return i >= 0 && strings.Contains(reason[i:], toldAgainTo)
}
