package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Standing returns the alerts robot's latest session left standing, with
// that session, when that session watched a person live (its SettingSources
// setting is SourcesLive, or it has none): for each person (the technical alerts' "" among them),
// the most urgent alert raised since the person's last resolved alert,
// unless a carer acknowledged one of theirs after it. ok is false when
// the robot has no session in the journal.
//
// A run stopped (or killed) with an alert standing may not have handed it
// to the broker (it was away, and the outbox lives in memory), and the
// next run knows nothing of it: the carer was never told, or told of pain
// that nobody has seen ease since. The next run tells them again from
// this (cmd/kindred); told twice is better than never (an alert lost is
// the failure a nurse call system must not have; IEC 60601-1-8 §6.2).
func (j *Journal) Standing(ctx context.Context, robot string) (Session, []Alert, bool, error) {
	ss, err := j.querySessions(ctx, "WHERE robot = ?", robot)
	if err != nil || len(ss) == 0 {
		return Session{}, nil, false, err
	}
	last := ss[0] // newest first
	// Only a session with a person before the robot tells of pain again:
	// a scenario's simulated person or a recording played is nobody a
	// carer can go to. A session from before its sources were recorded
	// may have been live, so it is told.
	var sources string
	err = j.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE session = ? AND key = ?`, last.ID, SettingSources).Scan(&sources)
	switch {
	case err == nil && sources != SourcesLive:
		return last, nil, true, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return last, nil, true, fmt.Errorf("journal: standing alerts of %s: %w", last.ID, err)
	}
	rows, err := j.db.QueryContext(ctx, `SELECT at_ns, person, level, score, reason, 0 FROM alerts WHERE session = ?
		UNION ALL SELECT at_ns, person, '', 0, '', 1 FROM acknowledgements WHERE session = ?
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
// seen resolved since)").
func ToldAgain(from Session, a Alert) Alert {
	a.Reason = fmt.Sprintf("%s (standing when this robot's last run stopped: raised %v into session %s, begun %s; not seen resolved since)",
		a.Reason, a.At.Round(time.Second), from.ID, from.Started.UTC().Format("2006-01-02 15:04 UTC"))
	a.At = 0
	return a
}
