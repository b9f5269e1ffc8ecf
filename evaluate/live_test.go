package evaluate

import (
	"strings"
	"testing"
)

// TestLiveCount reads a run's journal events as `kindred eval --only
// words-live` counts them: first questions and why they were put,
// repeats, what became of the answers, every answer understood and every
// alert.
func TestLiveCount(t *testing.T) {
	events := strings.Join([]string{
		`{"type":"transition","at":82.3,"from":"attending","to":"concerned","reason":"said \"it hurts\""}`,
		`{"type":"transition","at":82.3,"from":"concerned","to":"attending","reason":"pain 0.1 < 2 for 10s"}`,
		`{"type":"self_report","at":82.3,"question":"rating","outcome":"asked","attempt":1}`,
		`{"type":"self_report","at":98.4,"question":"rating","outcome":"unclear","attempt":1,"heard":"(sun her)"}`,
		`{"type":"self_report","at":98.4,"question":"rating","outcome":"asked","attempt":2}`,
		`{"type":"self_report","at":103.8,"question":"rating","outcome":"answered","attempt":2,"heard":"like eight","rating":8}`,
		`{"type":"self_report","at":104,"question":"place","outcome":"asked","attempt":1}`,
		`{"type":"self_report","at":118,"question":"place","outcome":"answered","attempt":1,"heard":"my back","places":["back"]}`,
		`{"type":"alert","at":117.8,"level":"warning","reason":"said \"stop\" while in distress"}`,
		`{"type":"self_report","at":400,"question":"rating","outcome":"asked","attempt":1}`,
		`{"type":"self_report","at":420,"question":"rating","outcome":"no_answer","attempt":1}`,
		`{"type":"self_report","at":1012,"question":"call","outcome":"asked","attempt":1}`,
		`{"type":"self_report","at":1030,"question":"call","outcome":"answered","attempt":1,"heard":"yes","answer":"yes"}`,
		`{"type":"self_report","at":1040,"question":"call","outcome":"late","attempt":0,"heard":"(end)"}`,
	}, "\n")
	var p LivePart
	if err := p.count(strings.NewReader(events)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what      string
		got, want any
	}{
		{"asked", p.Asked.String(), "call 1, place 1, rating 2"},
		{"why", p.Why.String(), `check-in 1, no transition: call 1, no transition: place 1, said "it hurts" 1`},
		{"repeats", p.Repeats, 1},
		{"unclear", p.Unclear, 1},
		{"no answer", p.NoAnswer, 1},
		{"late", p.Late, 1},
		{"ratings", p.Ratings, 1},
		{"places", p.Places, 1},
		{"yes/no", p.YesNo, 1},
		{"answers", len(p.Answers), 3},
		{"first answer", p.Answers[0].Answer, "rating 8"},
		{"alerts", p.Alerts.String(), "warning 1"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.what, tc.got, tc.want)
		}
	}
}

// TestLiveBehind tells a run that kept up with its audio from one that
// fell behind it.
func TestLiveBehind(t *testing.T) {
	for _, tc := range []struct {
		seconds, wall float64
		want          bool
	}{
		{1822, 1825, false}, // the real half in real time
		{1822, 1855, false}, // start-up
		{1822, 2200, true},
	} {
		if got := (LivePart{Seconds: tc.seconds, Wall: tc.wall}).Behind(); got != tc.want {
			t.Errorf("%.0f s of audio in %.0f s: behind %v, want %v", tc.seconds, tc.wall, got, tc.want)
		}
	}
}
