package voice

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func TestRunSummarisesUtterances(t *testing.T) {
	var x []float32
	x = append(x, make([]float32, Rate/2)...)
	x = append(x, tone(150, 1, 0.3)...)
	x = append(x, make([]float32, Rate)...)
	x = append(x, tone(250, 0.8, 0.3)...)
	x = append(x, make([]float32, Rate*6/10)...)
	var got []Utterance
	o := DefaultOpts()
	o.OnUtterance = func(u Utterance) { got = append(got, u) }
	a, err := NewAnalyzer(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(t.Context(), NewSliceSource(x), func(perception.VoiceObs) {}, nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d utterances, want 2: %+v", len(got), got)
	}
	want := []struct {
		start, end time.Duration
		f0         float64
	}{{500 * time.Millisecond, 1500 * time.Millisecond, 150}, {2500 * time.Millisecond, 3300 * time.Millisecond, 250}}
	for i, w := range want {
		u := got[i]
		if d := u.Start - w.start; d < -40*time.Millisecond || d > 40*time.Millisecond {
			t.Errorf("utterance %d starts at %v, want about %v", i, u.Start, w.start)
		}
		if d := u.End - w.end; d < -40*time.Millisecond || d > 200*time.Millisecond {
			t.Errorf("utterance %d ends at %v, want about %v", i, u.End, w.end)
		}
		if math.Abs(u.Summary.F0Mean-w.f0) > 1 || u.Summary.JitterLocal > 0.3 || u.Summary.HNR < 20 {
			t.Errorf("utterance %d: F0 %.1f jitter %.2f HNR %.1f", i, u.Summary.F0Mean, u.Summary.JitterLocal, u.Summary.HNR)
		}
		if u.Summary.Functionals.F0Semitones.N == 0 || u.Vocalisation.Class == perception.VocalSilence {
			t.Errorf("utterance %d: %+v", i, u.Vocalisation)
		}
	}
}
