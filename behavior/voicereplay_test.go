package behavior

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// TestReplayVoiceWithCalmFace is a measurement, not a check: it runs a real
// recording's voice through fusion and the engine, as `kindred run` does,
// with a calm face in view, and logs the alerts. KINDRED_VOICE_CSV is the
// voice CSV `kindred analyze --audio F --out X` writes (X.voice.csv: the
// live running classifier's class and distress per hop, and the keywords
// spotted); KINDRED_FACE_FROM (seconds, default 0) is when the face comes
// into view, nobody being seen before. The face is held calm (neutral,
// PSPI 0, confidence 0.9) and the body still, at 5 Hz; fusion assesses at
// 10 Hz. Unlike `kindred run --speed 1` it does not need a machine that
// keeps up with real time. See README.md ("Moaning with a calm face").
func TestReplayVoiceWithCalmFace(t *testing.T) {
	path := os.Getenv("KINDRED_VOICE_CSV")
	if path == "" {
		t.Skip("KINDRED_VOICE_CSV not set")
	}
	faceFrom := 0.0
	if v := os.Getenv("KINDRED_FACE_FROM"); v != "" {
		var err error
		if faceFrom, err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatalf("KINDRED_FACE_FROM: %v", err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v (%d rows)", path, err, len(rows))
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	num := func(r []string, name string) float64 {
		x, _ := strconv.ParseFloat(r[col[name]], 64) // empty (unvoiced F0, HNR) is 0
		return x
	}
	fu, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, DefaultConfig())
	next, nextFace, seen := 0.0, 0.0, false
	var n, heard, calm, inPain int
	assess := func(upTo float64) {
		for ; next <= upTo; next += 0.1 {
			if next >= faceFrom {
				if !seen {
					ev := perception.Event{At: sec(next), Kind: perception.EventArrived, Person: "p"}
					fu.Event(ev)
					h.feed(EventInput(ev))
					seen, nextFace = true, next
				}
				for ; nextFace <= next; nextFace += 0.2 {
					fu.Face(perception.FaceObs{At: sec(nextFace), Track: 1, Confidence: 0.9, Expression: perception.ExprNeutral})
					fu.Posture(perception.PostureObs{At: sec(nextFace)})
				}
			}
			a := fu.Assess(sec(next))
			n++
			if a.Items.Vocalisation >= 1 {
				heard++
				switch {
				case !a.Present || a.Confidence < h.e.cfg.Pain.MinConfidence:
				case a.Score >= h.e.cfg.Pain.Concern:
					inPain++
				default:
					calm++
				}
			}
			h.feed(AssessmentInput(a))
		}
	}
	for _, r := range rows[1:] {
		at := num(r, "time_s")
		assess(at)
		kw := r[col["keyword"]]
		fu.Voice(perception.VoiceObs{At: sec(at), Voiced: r[col["voiced"]] == "1", F0: num(r, "f0_hz"),
			IntensityDB: num(r, "intensity_db"), HNR: num(r, "hnr_db"), Keyword: kw,
			Vocalisation: perception.Vocalisation{Class: perception.VocalClass(r[col["vocalisation"]]), Distress: num(r, "distress")}})
		if kw != "" {
			ev := perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: kw}
			fu.Event(ev)
			h.feed(EventInput(ev))
		}
	}
	t.Logf("%d assessments; vocalisation item 1 or more in %d: %d seen confidently under pain.concern, %d at it",
		n, heard, calm, inPain)
	for _, a := range alertsAt(h.outs) {
		t.Logf("alert %v", a)
	}
}
