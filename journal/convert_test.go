package journal

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

func TestLevelOf(t *testing.T) {
	for _, tc := range []struct {
		in   behavior.AlertLevel
		want Level
	}{
		{behavior.AlertWarning, LevelWarning},
		{behavior.AlertUrgent, LevelUrgent},
		{behavior.AlertResolved, LevelResolved},
		{"novel", "novel"}, // recorded as spelt, never dropped
	} {
		if got := LevelOf(tc.in); got != tc.want {
			t.Errorf("LevelOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRecordsOfEngineOutputs(t *testing.T) {
	a := behavior.Alert{At: 3 * time.Second, Level: behavior.AlertUrgent, Reason: "call for help", Person: "ada", Score: 7.5}
	if got, want := AlertOf(a), (Alert{At: 3 * time.Second, Person: "ada", Level: LevelUrgent, Score: 7.5, Reason: "call for help"}); got != want {
		t.Errorf("AlertOf = %+v, want %+v", got, want)
	}
	tr := behavior.Transition{At: time.Second, From: behavior.StateIdle, To: behavior.StatePaused, Reason: "pause", Source: behavior.SourceConsole}
	if got, want := TransitionOf(tr), (Transition{At: time.Second, From: string(behavior.StateIdle), To: string(behavior.StatePaused),
		Reason: "pause", Source: "console"}); got != want {
		t.Errorf("TransitionOf = %+v, want %+v", got, want)
	}
	k := behavior.Acknowledged{At: 4 * time.Second, By: "Mary", Source: behavior.SourceConsole}
	if got, want := AcknowledgementOf(k), (Acknowledgement{At: 4 * time.Second, By: "Mary", Source: "console"}); got != want {
		t.Errorf("AcknowledgementOf without an open alert = %+v, want %+v", got, want)
	}
	k.Alert = &a
	if got, want := AcknowledgementOf(k), (Acknowledgement{At: 4 * time.Second, By: "Mary", Person: "ada", AlertLevel: LevelUrgent,
		Score: 7.5, Reason: "call for help", Source: "console"}); got != want {
		t.Errorf("AcknowledgementOf = %+v, want %+v", got, want)
	}
}
