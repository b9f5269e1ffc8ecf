package voices

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func sine(f, amp float64, d time.Duration) Audio {
	const rate = 22050
	a := Audio{SampleRate: rate, Samples: make([]int16, int(d.Seconds()*rate))}
	for i := range a.Samples {
		a.Samples[i] = int16(amp * 32767 * math.Sin(2*math.Pi*f*float64(i)/rate))
	}
	return a
}

func TestMeasure(t *testing.T) {
	noise := Audio{SampleRate: 22050, Samples: make([]int16, 22050)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Samples {
		noise.Samples[i] = int16(rng.IntN(16000) - 8000)
	}
	tests := []struct {
		name            string
		a               Audio
		rms             float64 // dBFS
		f0              float64
		voicedMin, vMax float64
	}{
		{"120 Hz", sine(120, 0.5, time.Second), -9.03, 120, 0.9, 1},
		{"220 Hz", sine(220, 0.5, time.Second), -9.03, 220, 0.9, 1},
		{"440 Hz quiet", sine(440, 0.05, time.Second), -29.03, 440, 0.9, 1},
		{"noise", noise, -17.0, 0, 0, 0.1},
	}
	for _, tt := range tests {
		st := Measure(tt.a)
		if math.Abs(st.RMSdBFS-tt.rms) > 0.5 {
			t.Errorf("%s: RMS %.2f dBFS, want %.2f", tt.name, st.RMSdBFS, tt.rms)
		}
		if tt.f0 > 0 && math.Abs(st.F0Median-tt.f0) > tt.f0*0.01 {
			t.Errorf("%s: F0 %.1f Hz, want %.1f", tt.name, st.F0Median, tt.f0)
		}
		if st.VoicedFraction < tt.voicedMin || st.VoicedFraction > tt.vMax {
			t.Errorf("%s: voiced fraction %.2f, want %.2f..%.2f", tt.name, st.VoicedFraction, tt.voicedMin, tt.vMax)
		}
	}
	if st := Measure(Audio{}); st.Duration != 0 || !math.IsInf(st.RMSdBFS, -1) {
		t.Errorf("empty audio: %+v", st)
	}
}

func TestWAVRoundTrip(t *testing.T) {
	a := toneAudio(300*time.Millisecond, 180)
	var buf bytes.Buffer
	if err := WriteWAV(&buf, a); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 44+2*len(a.Samples) {
		t.Errorf("WAV of %d bytes, want %d", buf.Len(), 44+2*len(a.Samples))
	}
	b, err := ReadWAV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b.SampleRate != a.SampleRate || !reflect.DeepEqual(b.Samples, a.Samples) {
		t.Error("samples changed on the round trip")
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WAVX"), buf.Bytes()[:10]} {
		if _, err := ReadWAV(bytes.NewReader(bad)); err == nil {
			t.Errorf("ReadWAV(%q): no error", bad)
		}
	}
	if err := WriteWAV(&buf, Audio{}); err == nil {
		t.Error("WriteWAV without a sample rate: no error")
	}
}
