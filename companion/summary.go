package companion

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// Summary is the contract's `kindred run --summary` object
// (docs/OUTPUTS.md), plus what makes the run reproducible.
type Summary struct {
	DurationS     float64           `json:"duration_s"`
	StatesVisited []string          `json:"states_visited"`
	Transitions   int               `json:"transitions"`
	Utterances    int               `json:"utterances"`
	JointCommands int64             `json:"joint_commands"`
	Alerts        int               `json:"alerts"`
	MaxPain       float64           `json:"max_pain"`
	DroppedFrames int64             `json:"dropped_frames"`
	LatencyMS     LatencySummary    `json:"latency_ms"`
	Faults        int               `json:"faults"`
	SensorsOn     bool              `json:"sensors_on"` // false when the run ended opted out, camera and microphone closed
	Speed         float64           `json:"speed"`
	Condition     *ConditionSummary `json:"condition,omitempty"`
	Seed          uint64            `json:"seed"`
	// Version is the build that ran (kindred --version's line) and Session
	// the journal's session id, which its export carries; the caller fills
	// them in (empty Session: no journal).
	Version string `json:"version,omitempty"`
	Session string `json:"session,omitempty"`
	// WallClock names the figures above counted on the machine's clock,
	// which the same input at another --speed, or on a busier machine,
	// changes: WallClockFields.
	WallClock []string `json:"wall_clock"`
}

// WallClockFields are the summary's figures that are not the session's:
// the limiter's writes (a control step at least every 20 ms of session
// time but never less than 1 ms of wall time apart, one more for each
// command, and the mouth following speech played in real time), the faces
// a busy stage never took, and the processing latency.
var WallClockFields = []string{"joint_commands", "dropped_frames", "latency_ms"}

// ConditionSummary is the experiment condition, so a run can be reproduced.
type ConditionSummary struct {
	Name          string  `json:"name"`
	Mimicry       string  `json:"mimicry"`
	Gain          float64 `json:"gain"`
	DelayMS       int64   `json:"delay_ms"`
	ComfortSpeech bool    `json:"comfort_speech"`
	PresenceOnly  bool    `json:"presence_only"`
}

// LatencySummary is the limiter's command latency, in milliseconds, and
// how many commands it was measured on: with N 0 nothing was measured (no
// command was caused by an observation), which zeros alone cannot tell
// from instant commands.
type LatencySummary struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
	N   int     `json:"n"`
}

// Summary sums up the run so far: the companion's own figures, the body's
// from its limiter (ls), and the session clock's speed.
func (c *Companion) Summary(ls robot.LimiterStats, speed float64) Summary {
	st := c.Stats()
	s := Summary{
		DurationS:     c.Now().Seconds(),
		StatesVisited: st.Visited,
		Transitions:   st.Transitions,
		Utterances:    st.Utterances,
		JointCommands: ls.JointCommands,
		Alerts:        st.Alerts,
		MaxPain:       st.MaxPain,
		DroppedFrames: st.DroppedFaces, // stale faces replaced before a stage took them
		LatencyMS:     LatencySummary{P50: ls.Latency.P50, P95: ls.Latency.P95, Max: ls.Latency.Max, N: ls.Latency.N},
		Faults:        st.Faults,
		SensorsOn:     st.SensorsOn,
		Speed:         speed,
		WallClock:     slices.Clone(WallClockFields),
	}
	if st.Session != nil {
		cond := st.Session.Condition
		s.Condition = &ConditionSummary{Name: cond.Name, Mimicry: string(cond.Mimicry), Gain: cond.Gain,
			DelayMS: cond.Delay.Milliseconds(), ComfortSpeech: cond.ComfortSpeech, PresenceOnly: cond.PresenceOnly}
		s.Seed = st.Session.Seed
	}
	return s
}

// EndLine is a run's last word on stderr: which session it was (none
// without a journal), how much session time it covered, how many alerts
// went out, how many of the alerts the last run left standing were
// carried into this one (they, and their repeats, are among the alerts
// that went out: Carry), and where the summary is ("" when none was
// written).
func EndLine(session string, ended time.Duration, alerts, carried int, summary string) string {
	var b strings.Builder
	b.WriteString("kindred: run ended")
	if session != "" {
		fmt.Fprintf(&b, ", session %s", session)
	}
	fmt.Fprintf(&b, " (%v of session time)", ended.Round(time.Second))
	switch alerts {
	case 0:
		b.WriteString("; no alerts went out")
	case 1:
		b.WriteString("; 1 alert went out")
	default:
		fmt.Fprintf(&b, "; %d alerts went out", alerts)
	}
	if carried > 0 {
		fmt.Fprintf(&b, " (with %d standing from the last run, carried into this one)", carried)
	}
	if summary != "" {
		fmt.Fprintf(&b, "; summary in %s", summary)
	}
	return b.String()
}
