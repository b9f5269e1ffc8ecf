package journal

import (
	"github.com/kindred-hri/kindred/behavior"
)

// The engine's decisions become records through these functions, one
// place that maps each field, rather than by casting one vocabulary's
// types to the other's.

// LevelOf is the record's level for an engine alert level. A level the
// journal does not know is recorded as it is spelt, never dropped.
func LevelOf(l behavior.AlertLevel) Level {
	switch l {
	case behavior.AlertWarning:
		return LevelWarning
	case behavior.AlertUrgent:
		return LevelUrgent
	case behavior.AlertResolved:
		return LevelResolved
	}
	return Level(l)
}

// AlertOf records an engine alert.
func AlertOf(a behavior.Alert) Alert {
	return Alert{At: a.At, Person: a.Person, Level: LevelOf(a.Level), Score: a.Score, Reason: a.Reason, Sense: a.Sense}
}

// TransitionOf records an engine state change.
func TransitionOf(t behavior.Transition) Transition {
	return Transition{At: t.At, From: string(t.From), To: string(t.To), Reason: t.Reason, Source: string(t.Source)}
}

// SelfReportOf records one step of the self-report dialogue.
func SelfReportOf(r behavior.Reported) SelfReport {
	s := SelfReport{At: r.At, Person: r.Person, Question: string(r.Question), Outcome: string(r.Outcome),
		AnswerBy: string(r.By), Attempt: r.Attempt, Heard: r.Reply.Heard, Answer: string(r.Reply.Answer),
		Confidence: r.Reply.Confidence, Error: r.Err}
	if r.Reply.Rating.Valid() {
		v := int(r.Reply.Rating)
		s.Rating = &v
	}
	for _, p := range r.Reply.Places {
		s.Places = append(s.Places, string(p))
	}
	return s
}

// AcknowledgementOf records a carer's acknowledgement, with the alert it
// answered when one was open.
func AcknowledgementOf(k behavior.Acknowledged) Acknowledgement {
	r := Acknowledgement{At: k.At, By: k.By, Source: string(k.Source)}
	if a := k.Alert; a != nil {
		r.Person, r.AlertLevel, r.Score, r.Reason = a.Person, LevelOf(a.Level), a.Score, a.Reason
	}
	return r
}
