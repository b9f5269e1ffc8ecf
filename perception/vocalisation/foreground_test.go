package vocalisation

import (
	"maps"
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
)

// beside is seconds of a loud voice (a moan beside the robot: samples at
// 0.8, hops at 70 dB) then seconds of a quieter one that runs on (the
// television: samples at 0.2 and hops at 70-down dB, active and voiced as
// speech is). loudnessScorer hears the first as a groan, the second as
// laughter.
func beside(loud, quiet float64, down float64) ([]float32, []voice.HopFeatures) {
	n := int((loud + quiet) * soundevents.Rate)
	x := make([]float32, n)
	for i := range x {
		x[i] = 0.2
		if i < int(loud*soundevents.Rate) {
			x[i] = 0.8
		}
	}
	hops := make([]voice.HopFeatures, n/voice.HopSamples)
	for i := range hops {
		at := time.Duration(i)*voice.Hop + voice.Hop/2
		h := voice.HopFeatures{At: at, Active: true, Voiced: true, F0: 150, IntensityDB: 70, SNRDB: 30, HNR: 15, HasHNR: true}
		if at.Seconds() >= loud {
			h.IntensityDB, h.SNRDB, h.F0 = 70-down, 30-down, 220
		}
		hops[i] = h
	}
	return x, hops
}

// A television 20 dB below the person beside the robot is background: a
// whole recording is judged on the person's hops and the YAMNet windows
// that hear them, as if the television were silence. A second voice as
// loud as the first is not background, and neither is a quiet one when
// nothing louder sounds.
func TestClipFeaturesJudgeTheForeground(t *testing.T) {
	cm := classMap(t)
	for _, tc := range []struct {
		name       string
		loud, tv   float64 // s
		down       float64 // dB the second voice is below the first
		laughHeard bool    // the second voice's windows count
		tvVoiced   bool    // the second voice's hops count
	}{
		{"a television 20 dB down is background", 2, 2, 20, false, false},
		{"a second voice as loud is foreground", 2, 2, 0, true, true},
		{"a voice 8 dB down is foreground", 2, 2, 8, true, true},
		{"a quiet voice alone is foreground", 0, 3, 20, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, hops := beside(tc.loud, tc.tv, tc.down)
			ws, err := soundevents.ScoreAll(t.Context(), &loudnessScorer{cm: cm}, x)()
			if err != nil {
				t.Fatal(err)
			}
			f, ok := ClipFeatures(cm, hops, ws)
			if !ok {
				t.Fatal("no features for a sounding recording")
			}
			if got := f["y_laugh"] > 0; got != tc.laughHeard {
				t.Errorf("y_laugh = %.2f: the second voice's windows heard %v, want %v", f["y_laugh"], got, tc.laughHeard)
			}
			// The second voice's hops count when the sound lasts past
			// the first voice.
			if d := math.Exp(f["a_log_duration"]); (d > tc.loud+0.5) != tc.tvVoiced {
				t.Errorf("sounding for %.2f s: the second voice's hops counted %v, want %v", d, !tc.tvVoiced, tc.tvVoiced)
			}
			if tc.tvVoiced {
				return
			}
			alone := make([]voice.HopFeatures, len(hops))
			for i, h := range hops {
				if h.IntensityDB == 70 {
					alone[i] = h
				} else {
					alone[i] = voice.HopFeatures{At: h.At, IntensityDB: h.IntensityDB}
				}
			}
			var loudWins []soundevents.Window
			for _, w := range ws {
				if w.At.Seconds() < tc.loud {
					loudWins = append(loudWins, w)
				}
			}
			want := Extract(voice.ClipFeatures(alone), cm.Clip(loudWins))
			want[featF0Breaks], want[featStableRun] = continuity(alone)
			if !maps.Equal(f, want) {
				t.Errorf("features %v,\nwant those of the person alone %v", f, want)
			}
		})
	}
}

// The running classifier judges each context's foreground: while a moan
// is in the context, the television's windows after it are left out, so a
// combiner that hears laughter in them (as this scorer does) still hears
// the moan; once the moan has left the context, the television is all
// there is and is judged as itself.
func TestStreamJudgesTheContextsForeground(t *testing.T) {
	cm := classMap(t)
	m := &Model{Features: []string{"y_laugh"}, Classes: []string{"laugh", "moan"},
		Mean: []float64{0.5}, Scale: []float64{0.25}, Weights: [][]float64{{0, 4}, {0, -4}}}
	x, hops := beside(2, 6, 20)
	ws, err := soundevents.ScoreAll(t.Context(), &loudnessScorer{cm: cm}, x)()
	if err != nil {
		t.Fatal(err)
	}
	got := LabelHops(m, cm, hops, ws)
	for _, tc := range []struct {
		at   time.Duration
		want perception.VocalClass
	}{
		{1 * time.Second, perception.VocalMoan},
		// Windows from 1.44 s: the last starts at 2.4 s, after the moan.
		{2900 * time.Millisecond, perception.VocalMoan},
		{6 * time.Second, perception.VocalLaugh},
	} {
		if c := got[int(tc.at/voice.Hop)].Class; c != tc.want {
			t.Errorf("hop at %v: %s, want %s", tc.at, c, tc.want)
		}
	}
}
