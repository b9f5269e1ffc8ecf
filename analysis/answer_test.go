package analysis

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// tone is d of a 220 Hz tone at amplitude 0.3, at voice.Rate: sound as
// loud as speech, for the answer-sizing rules.
func tone(d time.Duration) []float32 {
	x := make([]float32, int(d.Seconds()*voice.Rate))
	for i := range x {
		x[i] = 0.3 * float32(math.Sin(2*math.Pi*220*float64(i)/voice.Rate))
	}
	return x
}

// quiet is d of digital silence at voice.Rate.
func quiet(d time.Duration) []float32 { return make([]float32, int(d.Seconds()*voice.Rate)) }

// TestAnswerSized holds the bound on what analyze searches for an answer:
// the sound from its first loud 10 ms to its last, silence around it not
// counted, lasts at most answerWindow.
func TestAnswerSized(t *testing.T) {
	tests := []struct {
		name string
		x    []float32
		want bool
	}{
		{"silence", quiet(10 * time.Second), false},
		{"one word amid silence", slices.Concat(quiet(5*time.Second), tone(time.Second), quiet(6*time.Second)), true},
		{"words with pauses within the window", slices.Concat(quiet(time.Second), tone(time.Second), quiet(3*time.Second), tone(2*time.Second), quiet(time.Second)), true},
		{"sound filling the window", slices.Concat(quiet(time.Second), tone(answerWindow-20*time.Millisecond), quiet(time.Second)), true},
		{"sound longer than the window", slices.Concat(quiet(time.Second), tone(answerWindow+time.Second), quiet(time.Second)), false},
		{"two words further apart than the window", slices.Concat(tone(time.Second), quiet(answerWindow), tone(time.Second)), false},
	}
	for _, tc := range tests {
		if got := answerSized(tc.x); got != tc.want {
			t.Errorf("%s: answerSized %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAnalyzeAudioHearsARecordedAnswer: a recording of a spoken answer
// (flite's slt, a voice the robot never uses) with seconds of silence
// before and after gives its rating or yes/no; the same answer said again
// further on than an answer's window is talk, and gives none.
func TestAnalyzeAudioHearsARecordedAnswer(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	if _, err := os.Stat("/usr/share/pocketsphinx/model/en-us/en-us"); err != nil {
		t.Skip("pocketsphinx-en-us not installed")
	}
	dir := t.TempDir()
	seven, yes := flite(t, dir, "Seven out of ten."), flite(t, dir, "Yes please.")
	tests := []struct {
		name   string
		x      []float32
		rating any
		answer any
	}{
		{"rating", slices.Concat(quiet(2*time.Second), seven, quiet(3*time.Second)), 7, nil},
		{"yes", slices.Concat(quiet(3*time.Second), yes, quiet(2*time.Second)), nil, "yes"},
		{"rating said twice 10 s apart", slices.Concat(quiet(time.Second), seven, quiet(10*time.Second), seven, quiet(time.Second)), nil, nil},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, "answer.wav")
		writeWAV16k(t, p, tc.x)
		sum, _, err := analyzeAudio(t.Context(), p, wav.DefaultMaxDuration)
		if err != nil {
			t.Fatal(err)
		}
		if got := deref(sum.SelfReport); got != tc.rating {
			t.Errorf("%s: self_report %v, want %v", tc.name, got, tc.rating)
		}
		if got := deref(sum.Answer); got != tc.answer {
			t.Errorf("%s: answer %v, want %v", tc.name, got, tc.answer)
		}
	}
}

// flite says text with its slt voice, as 16 kHz mono samples.
func flite(t *testing.T, dir, text string) []float32 {
	t.Helper()
	p := filepath.Join(dir, "flite.wav")
	if out, err := exec.Command("flite", "-voice", "slt", "-t", text, "-o", p).CombinedOutput(); err != nil {
		t.Skipf("flite: %v: %s", err, out)
	}
	a, err := wav.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return a.Mono16k()
}

// writeWAV16k writes x (−1…1) as a 16-bit 16 kHz mono WAV file.
func writeWAV16k(t *testing.T, path string, x []float32) {
	t.Helper()
	data := make([]byte, 44+2*len(x))
	copy(data, "RIFF")
	binary.LittleEndian.PutUint32(data[4:], uint32(36+2*len(x)))
	copy(data[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(data[16:], 16)
	binary.LittleEndian.PutUint16(data[20:], 1) // PCM
	binary.LittleEndian.PutUint16(data[22:], 1) // mono
	binary.LittleEndian.PutUint32(data[24:], voice.Rate)
	binary.LittleEndian.PutUint32(data[28:], 2*voice.Rate)
	binary.LittleEndian.PutUint16(data[32:], 2)
	binary.LittleEndian.PutUint16(data[34:], 16)
	copy(data[36:], "data")
	binary.LittleEndian.PutUint32(data[40:], uint32(2*len(x)))
	for i, v := range x {
		binary.LittleEndian.PutUint16(data[44+2*i:], uint16(int16(math.Round(float64(max(-1, min(1, v)))*32767))))
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// answerModelSpy stands for the answer model and counts its loads.
type answerModelSpy struct{ loads, closes int }

func (s *answerModelSpy) open(sphinx.Opts) (answerRecogniser, error) {
	s.loads++
	return s, nil
}

func (s *answerModelSpy) RecogniseRecording(k selfreport.Kind, _ []float32) (selfreport.Reply, error) {
	return selfreport.Reply{Kind: k, Rating: 7}, nil
}

func (s *answerModelSpy) Close() error { s.closes++; return nil }

// TestAnswerModelOnlyForAnAnswer: the answer model is loaded only for a
// recording that holds an utterance of an answer's length
// (sphinx.Opts.AnswerStretches) within an answer's window, and what it
// hears is then the reply; without one the reply is none and nothing is
// loaded.
func TestAnswerModelOnlyForAnAnswer(t *testing.T) {
	o := sphinx.DefaultOpts()
	tests := []struct {
		name string
		x    []float32
		load bool
	}{
		{"silence", quiet(10 * time.Second), false},
		{"one word amid silence", slices.Concat(quiet(3*time.Second), tone(time.Second), quiet(3*time.Second)), true},
		{"words with a pause", slices.Concat(quiet(time.Second), tone(time.Second), quiet(2*time.Second), tone(time.Second), quiet(time.Second)), true},
		{"an utterance as long as an answer may be", slices.Concat(quiet(time.Second), tone(o.MaxAnswer-500*time.Millisecond), quiet(time.Second)), true},
		{"one utterance longer than an answer, within the window", slices.Concat(quiet(time.Second), tone(o.MaxAnswer+time.Second), quiet(time.Second)), false},
		{"sound longer than the window", slices.Concat(quiet(time.Second), tone(answerWindow+time.Second), quiet(time.Second)), false},
	}
	for _, tc := range tests {
		var spy answerModelSpy
		rep, err := heardAnswer(tc.x, o, spy.open)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := spy.loads > 0; got != tc.load {
			t.Errorf("%s: model loaded %d times, want loaded %v", tc.name, spy.loads, tc.load)
		}
		if spy.closes != spy.loads {
			t.Errorf("%s: model loaded %d times, closed %d", tc.name, spy.loads, spy.closes)
		}
		if want := map[bool]selfreport.Rating{true: 7, false: selfreport.NoRating}[tc.load]; rep.Rating != want {
			t.Errorf("%s: rating %v, want %v", tc.name, rep.Rating, want)
		}
	}
}
