package voices

import (
	"math"
	"testing"
	"time"
)

func TestMouthFollowsTheEnvelope(t *testing.T) {
	a := toneAudio(time.Second, 200)
	o := DefaultMouthOpts()
	tr := NewMouthTrack(a, o, 0)
	if len(tr.Frames) != 100 || tr.Step != 10*time.Millisecond {
		t.Fatalf("%d frames every %v, want 100 every 10ms", len(tr.Frames), tr.Step)
	}
	// The toneAudio envelope peaks at 125 ms + k·250 ms (on "a" marks) and
	// is silent at k·250 ms (on "m" marks).
	for _, peak := range []time.Duration{375, 875} {
		open := tr.At(peak * time.Millisecond).Jaw
		if open < 0.6*o.JawOpen {
			t.Errorf("jaw at the %v peak is %v, want at least %v", peak, open, 0.6*o.JawOpen)
		}
	}
	for _, trough := range []time.Duration{250, 500, 750} {
		if closed := tr.At(trough * time.Millisecond).Jaw; closed > 0.1*o.JawOpen {
			t.Errorf("jaw in the %v trough is %v, want nearly closed", trough, closed)
		}
	}
	for i, f := range tr.Frames {
		if f.Jaw < o.JawClosed || f.Jaw > o.JawOpen {
			t.Fatalf("frame %d: jaw %v outside %v..%v", i, f.Jaw, o.JawClosed, o.JawOpen)
		}
	}
	if r := tr.At(2 * time.Second); r != tr.Rest || r.Jaw != o.JawClosed {
		t.Errorf("after the audio: %+v, want rest", r)
	}
	if r := tr.At(-time.Millisecond); r != tr.Rest {
		t.Errorf("before the audio: %+v, want rest", r)
	}
}

func TestMouthVisemes(t *testing.T) {
	tests := []struct {
		name                string
		open, spread, round float64
	}{
		{"a", 1, 0, 0}, {"aI", 1, 0, 0}, {"m", 0.05, 0, 0}, {"b", 0.05, 0, 0},
		{"i:", 0.45, 0.8, 0}, {"u:", 0.5, 0, 1}, {"_:", 0, 0, 0}, {"@", 0.7, 0.4, 0},
	}
	for _, tt := range tests {
		v := visemeOf(tt.name)
		if v.open != tt.open || v.spread != tt.spread || v.round != tt.round {
			t.Errorf("visemeOf(%q) = %+v", tt.name, v)
		}
	}
}

func TestCheerfulSmiles(t *testing.T) {
	a := toneAudio(500*time.Millisecond, 200)
	o := DefaultMouthOpts()
	plain, smiling := NewMouthTrack(a, o, 0), NewMouthTrack(a, o, 0.6)
	at := 250 * time.Millisecond
	if d := smiling.At(at).CornerLeft - plain.At(at).CornerLeft; math.Abs(float64(d)-0.6*float64(o.CornerSpread)) > 1e-9 {
		t.Errorf("smile raised the corners by %v, want %v", d, 0.6*o.CornerSpread)
	}
	if smiling.Rest != plain.Rest {
		t.Error("the resting mouth should not depend on the tone")
	}
}

func TestMouthLagSeesAShift(t *testing.T) {
	a := toneAudio(2*time.Second, 200)
	tr := NewMouthTrack(a, DefaultMouthOpts(), 0)
	for _, shift := range []int{-8, 0, 5, 12} { // × 10 ms
		jaw := make([]float64, len(tr.Frames))
		for i := range jaw {
			if k := i - shift; k >= 0 && k < len(tr.Frames) {
				jaw[i] = tr.Frames[k].Jaw.Degrees()
			}
		}
		// The syllable rate is 4 Hz, so only lags under ±125 ms are unambiguous.
		if got, want := MouthLag(a, jaw), time.Duration(shift)*10*time.Millisecond; got < want-10*time.Millisecond || got > want+10*time.Millisecond {
			t.Errorf("shift %v: MouthLag = %v", want, got)
		}
	}
}
