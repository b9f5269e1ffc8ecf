package fusion

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// The companion feeds fusion's face, voice and posture through
// latest-value slots, and at the run's stop the newest of each may be left
// in its slot, unread. That is safe only while no single observation is
// decisive: one hop, even a scream with "help" on it, must not move the
// vocal item near the 1 that corroborates a call for help (behavior's
// painTracker), nor the score near concern. The word itself reaches the
// engine as an event through its queue. Measured after 10 s of calm
// speech, one of each (the screaming hop, a grimace, rocking): vocalisation
// 0.07, face 0.09, body 0.12, score 0.33. With the smoothing's rise made
// instant (Rise 1 ms) this fails (1.05, 1.37, score 4.99): then the last
// observations left in the slots could decide an alert, and the slots
// would have to be drained at the stop.
func TestOneObservationIsNeverDecisive(t *testing.T) {
	f, err := New(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Event(perception.Event{At: 0, Kind: perception.EventArrived, Person: "ada"})
	calm := perception.Vocalisation{Class: perception.VocalSpeech, Distress: 0.1}
	for at := time.Duration(0); at < 10*time.Second; at += 10 * time.Millisecond {
		f.Voice(perception.VoiceObs{At: at, Voiced: true, F0: 180, Vocalisation: calm})
		if at%(100*time.Millisecond) == 0 {
			f.Assess(at)
		}
	}
	at := 10 * time.Second
	f.Voice(perception.VoiceObs{At: at, Voiced: true, F0: 400, Keyword: "help",
		Vocalisation: perception.Vocalisation{Class: perception.VocalScream, Distress: 1}})
	f.Face(perception.FaceObs{At: at, Confidence: 1, PSPI: 12, Expression: perception.ExprPain,
		AU: perception.AUs{AU04: 4, AU06: 3, AU07: 3, AU09: 2, AU10: 2, AU43: 1}})
	f.Posture(perception.PostureObs{At: at, Rocking: 1, Restlessness: 1, Guarding: 1})
	a := f.Assess(at)
	if a.Items.Vocalisation >= 0.5 || a.Items.Face >= 0.5 || a.Score >= 2 {
		t.Errorf("one observation of each moved vocalisation to %.2f, face to %.2f, the score to %.2f: "+
			"it could decide an alert from a slot left unread at the stop", a.Items.Vocalisation, a.Items.Face, a.Score)
	}
}
