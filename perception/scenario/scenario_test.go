package scenario

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

// recorder keeps everything a player emits, in order.
type recorder struct {
	faces    []perception.FaceObs
	voices   []perception.VoiceObs
	postures []perception.PostureObs
	events   []perception.Event
	order    []time.Duration
}

func (r *recorder) Face(o perception.FaceObs) {
	r.faces = append(r.faces, o)
	r.order = append(r.order, o.At)
}
func (r *recorder) Voice(o perception.VoiceObs) {
	r.voices = append(r.voices, o)
	r.order = append(r.order, o.At)
}
func (r *recorder) Posture(o perception.PostureObs) {
	r.postures = append(r.postures, o)
	r.order = append(r.order, o.At)
}
func (r *recorder) Event(e perception.Event) {
	r.events = append(r.events, e)
	r.order = append(r.order, e.At)
}

func mustLoad(t *testing.T, name string) *Scenario {
	t.Helper()
	s, err := Load(name)
	if err != nil {
		t.Fatalf("Load(%q): %v", name, err)
	}
	return s
}

func TestBuiltinsLoad(t *testing.T) {
	want := []string{"laughter", "opt-out", "pain-episode", "visit"}
	if got := Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		s := mustLoad(t, n)
		if s.Name != n || len(s.Phases) == 0 || s.Person.ID == "" {
			t.Errorf("%s: name %q, %d phases, person %q", n, s.Name, len(s.Phases), s.Person.ID)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"unknown field", "phases:\n  - duration: 5s\n    colour: red\n", []string{"x.yaml", "line 3", "colour"}},
		{"no phases", "name: x\n", []string{"line 1", "phases", "at least one"}},
		{"bad class", "phases:\n  - duration: 5s\n  - duration: 5s\n    voice:\n      class: yodel\n",
			[]string{"line 5", "phases.1.voice.class", "yodel"}},
		{"AU out of range", "phases:\n  - duration: 5s\n    face:\n      au: {AU04: 7}\n",
			[]string{"line 4", "phases.0.face.au.AU04", "0..5"}},
		{"bad duration", "phases:\n  - duration: soon\n", []string{"line 2", "soon"}},
		{"missing duration", "phases:\n  - name: a\n", []string{"phases.0.duration", "at least"}},
		{"bad until", "phases:\n  - duration: 5s\n    until: lunch\n", []string{"line 3", "phases.0.until"}},
		{"event outside phase", "phases:\n  - duration: 5s\n    events:\n      - {at: 9s, kind: touch}\n",
			[]string{"line 4", "phases.0.events.0.at"}},
		{"keyword without text", "phases:\n  - duration: 5s\n    events:\n      - {at: 1s, kind: keyword}\n",
			[]string{"phases.0.events.0.text"}},
		{"empty", "", []string{"empty"}},
		// NaN passes a check written as "v < lo || v > hi", and a face or
		// posture rate of NaN, or one so small its period overflows, put
		// every observation at one instant: the player emitted them
		// without end, deaf to --for and Ctrl-C.
		{"NaN face rate", "face_rate: .nan\nphases:\n  - duration: 5s\n", []string{"line 1", "face_rate", "1 and 120"}},
		{"tiny face rate", "face_rate: 1e-300\nphases:\n  - duration: 5s\n", []string{"line 1", "face_rate"}},
		{"NaN posture rate", "posture_rate: .nan\nphases:\n  - duration: 5s\n", []string{"line 1", "posture_rate"}},
		{"tiny posture rate", "posture_rate: 0.001\nphases:\n  - duration: 5s\n", []string{"line 1", "posture_rate"}},
		{"NaN confidence", "phases:\n  - duration: 5s\n    face: {confidence: .nan}\n", []string{"line 3", "phases.0.face.confidence"}},
		{"NaN distress", "phases:\n  - duration: 5s\n    voice: {class: moan, distress: .nan}\n", []string{"phases.0.voice.distress"}},
		{"NaN F0", "phases:\n  - duration: 5s\n    voice: {f0: .nan}\n", []string{"phases.0.voice.f0"}},
		{"NaN intensity", "phases:\n  - duration: 5s\n    voice: {intensity: .nan}\n", []string{"phases.0.voice.intensity"}},
		{"NaN HNR", "phases:\n  - duration: 5s\n    voice: {hnr: .nan}\n", []string{"phases.0.voice.hnr"}},
		{"infinite noise floor", "phases:\n  - duration: 5s\n    voice: {noise_floor: .inf}\n", []string{"phases.0.voice.noise_floor"}},
		{"NaN posture", "phases:\n  - duration: 5s\n    posture: {amplitude: .nan}\n", []string{"phases.0.posture.amplitude"}},
		{"NaN breathing", "phases:\n  - duration: 5s\n    posture: {breathing: .nan}\n", []string{"phases.0.posture.breathing"}},
		{"infinite pose", "phases:\n  - duration: 5s\n    face: {pose: {yaw: .inf}}\n", []string{"line 3", "phases.0.face.pose.yaw", "-90..90"}},
		{"NaN sway", "phases:\n  - duration: 5s\n    face: {sway: {pitch: .nan, period: 2s}}\n", []string{"phases.0.face.sway.pitch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			if !errors.Is(err, ErrBadScenario) {
				t.Fatalf("err = %v, want ErrBadScenario", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadFileAndMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte("phases:\n  - duration: 2s\n    voice: {class: speech}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil || s.Name != "mine" {
		t.Fatalf("Load(file) = %v, %v", s, err)
	}
	for _, name := range []string{"nosuch", filepath.Join(dir, "nosuch.yaml")} {
		if _, err := Load(name); !errors.Is(err, ErrBadScenario) {
			t.Errorf("Load(%q) = %v, want ErrBadScenario", name, err)
		}
	}
}

func TestRatesAndOrder(t *testing.T) {
	p := NewPlayer(mustLoad(t, "visit"))
	var r recorder
	p.Step(10*time.Second, &r, true)
	if n := len(r.faces); n < 299 || n > 301 {
		t.Errorf("faces in 10 s = %d, want ~300", n)
	}
	if n := len(r.voices); n != 1001 {
		t.Errorf("voice hops in 10 s = %d, want 1001 (0..10 s every 10 ms)", n)
	}
	if n := len(r.postures); n != 101 {
		t.Errorf("postures in 10 s = %d, want 101", n)
	}
	for i := 1; i < len(r.order); i++ {
		if r.order[i] < r.order[i-1] {
			t.Fatalf("emission %d at %v after %v: out of order", i, r.order[i], r.order[i-1])
		}
	}
	if len(r.events) == 0 || r.events[0].Kind != perception.EventArrived || r.events[0].Person != "harold" || r.events[0].Text != "Harold" {
		t.Errorf("first event = %+v, want Harold arriving", r.events)
	}
	for _, f := range r.faces {
		if f.PSPI != f.AU.PSPI() {
			t.Fatalf("face at %v: PSPI %v != AUs.PSPI() %v", f.At, f.PSPI, f.AU.PSPI())
		}
	}
}

func TestVisitLoopsAndLosesTheFace(t *testing.T) {
	s := mustLoad(t, "visit")
	var total time.Duration
	for _, ph := range s.Phases {
		total += ph.Duration
	}
	p := NewPlayer(s)
	var r recorder
	if p.Step(2*total+time.Second, &r, true) {
		t.Fatal("a looping visit finished")
	}
	var lost, back int
	for _, e := range r.events {
		switch e.Kind {
		case perception.EventModalityLost:
			lost++
		case perception.EventModalityBack:
			back++
		}
	}
	if lost != 2 || back != 2 {
		t.Errorf("two passes: %d modality_lost, %d modality_back, want 2 and 2", lost, back)
	}
	last := r.faces[len(r.faces)-1]
	if last.At < 2*total {
		t.Errorf("last face at %v, want past %v", last.At, 2*total)
	}
	p2 := NewPlayer(s)
	var once recorder
	if !p2.Step(2*total, &once, false) {
		t.Error("a non-looping visit did not finish")
	}
}

// painAt returns the mean PSPI over faces in [from, to).
func meanPSPI(faces []perception.FaceObs, from, to time.Duration) float64 {
	var sum float64
	var n int
	for _, f := range faces {
		if f.At >= from && f.At < to {
			sum += f.PSPI
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}

func TestPainEpisodeWaitsForComfort(t *testing.T) {
	s := mustLoad(t, "pain-episode")
	// Without comfort the peak holds for as long as we look.
	p := NewPlayer(s)
	var r recorder
	if p.Step(5*time.Minute, &r, false) {
		t.Fatal("pain-episode finished without comfort")
	}
	if m := meanPSPI(r.faces, 4*time.Minute, 5*time.Minute); m < 8 {
		t.Errorf("uncomforted PSPI at 4–5 min = %.1f, want it to stay high", m)
	}
	// With comfort at 60 s: still high at 62 s, low a minute later.
	p = NewPlayer(s)
	r = recorder{}
	p.Step(60*time.Second, &r, false)
	p.Comforted(60 * time.Second)
	finished := p.Step(10*time.Minute, &r, false)
	if !finished {
		t.Fatal("pain-episode did not finish after comfort")
	}
	if m := meanPSPI(r.faces, 60*time.Second, 65*time.Second); m < 8 {
		t.Errorf("PSPI right after comfort = %.1f, want still high (reaction time)", m)
	}
	if m := meanPSPI(r.faces, 100*time.Second, 120*time.Second); m > 2 {
		t.Errorf("PSPI a minute after comfort = %.1f, want low", m)
	}
	var moan, ouch bool
	for _, v := range r.voices {
		moan = moan || v.Vocalisation.Class == perception.VocalMoan
		ouch = ouch || v.Keyword == "ouch"
	}
	if !moan || !ouch {
		t.Errorf("moaning %v, keyword ouch on a hop %v; want both", moan, ouch)
	}
}

func TestLaughterIsNotPainFaced(t *testing.T) {
	p := NewPlayer(mustLoad(t, "laughter"))
	var r recorder
	p.Step(time.Minute, &r, false)
	var maxPSPI float64
	for _, f := range r.faces {
		if f.AU.AU04 > 0.01 {
			t.Fatalf("laughter face at %v has AU4 %.2f", f.At, f.AU.AU04)
		}
		if f.Expression == perception.ExprPain {
			t.Fatalf("laughter face at %v labelled pain", f.At)
		}
		maxPSPI = max(maxPSPI, f.PSPI)
	}
	if maxPSPI < 5 {
		t.Errorf("laughter max PSPI %.1f; the scenario should raise PSPI (AU6/AU10) to test the smile trap", maxPSPI)
	}
}

func TestOptOutSaysStop(t *testing.T) {
	p := NewPlayer(mustLoad(t, "opt-out"))
	var r recorder
	p.Step(time.Minute, &r, false)
	var ev, hop time.Duration = -1, -1
	for _, e := range r.events {
		if e.Kind == perception.EventKeyword && e.Text == "stop" {
			ev = e.At
		}
	}
	for _, v := range r.voices {
		if v.Keyword == "stop" {
			hop = v.At
		}
	}
	if ev != 22*time.Second || hop != 22*time.Second { // the last of two, 21 s and 22 s
		t.Errorf("stop: last event at %v, last voice hop at %v; want both at 22s", ev, hop)
	}
}

// TestPlayPacesAgainstTheClock plays at speed 20 in a synctest bubble: the
// same observations as stepping, delivered no earlier than their time/20.
func TestPlayPacesAgainstTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := mustLoad(t, "opt-out")
		p := NewPlayer(s)
		var r pacedRecorder
		r.start = time.Now()
		if err := p.Play(context.Background(), PlayOpts{Clock: speed(t, 20), For: 30 * time.Second}, &r); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(r.start); got != 1500*time.Millisecond {
			t.Errorf("30 s at speed 20 took %v of (fake) wall time, want 1.5s", got)
		}
		if r.early > 0 {
			t.Errorf("%d observations emitted before their time", r.early)
		}
		var ref recorder
		NewPlayer(s).Step(30*time.Second, &ref, false)
		if len(r.voices) != len(ref.voices) || len(r.faces) != len(ref.faces) || len(r.events) != len(ref.events) {
			t.Errorf("played %d/%d/%d, stepped %d/%d/%d (voice/face/events)",
				len(r.voices), len(r.faces), len(r.events), len(ref.voices), len(ref.faces), len(ref.events))
		}
	})
}

func TestPlayStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPlayer(mustLoad(t, "visit"))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		var r recorder
		go func() { done <- p.Play(ctx, PlayOpts{Loop: true}, &r) }()
		time.Sleep(3 * time.Second) // fake time inside the bubble
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Play after cancel = %v, want nil", err)
		}
		if at := r.voices[len(r.voices)-1].At; at != 3*time.Second {
			t.Errorf("last voice hop at %v after 3 s of wall time at speed 1", at)
		}
	})
}

type pacedRecorder struct {
	recorder
	start time.Time
	early int
}

func (r *pacedRecorder) check(at time.Duration) {
	if time.Since(r.start) < at/20 {
		r.early++
	}
}
func (r *pacedRecorder) Face(o perception.FaceObs)       { r.check(o.At); r.recorder.Face(o) }
func (r *pacedRecorder) Voice(o perception.VoiceObs)     { r.check(o.At); r.recorder.Voice(o) }
func (r *pacedRecorder) Posture(o perception.PostureObs) { r.check(o.At); r.recorder.Posture(o) }
func (r *pacedRecorder) Event(e perception.Event)        { r.check(e.At); r.recorder.Event(e) }

func BenchmarkStepMinute(b *testing.B) {
	s, err := Load("pain-episode")
	if err != nil {
		b.Fatal(err)
	}
	var r discard
	for b.Loop() {
		NewPlayer(s).Step(time.Minute, r, false)
	}
}

type discard struct{}

func (discard) Face(perception.FaceObs)       {}
func (discard) Voice(perception.VoiceObs)     {}
func (discard) Posture(perception.PostureObs) {}
func (discard) Event(perception.Event)        {}

// FuzzParse: whatever the bytes, Parse returns a scenario or ErrBadScenario,
// never a panic, and a parsed scenario plays.
func FuzzParse(f *testing.F) {
	for _, n := range Names() {
		data, err := builtins.ReadFile("builtin/" + n + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("phases:\n  - duration: 1s\n    until: comfort\n"))
	f.Add([]byte("face_rate: .nan\nphases:\n  - duration: 1s\n"))
	f.Add([]byte("posture_rate: 1e-300\nphases:\n  - duration: 1s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, ErrBadScenario) {
				t.Fatalf("error without ErrBadScenario: %v", err)
			}
			return
		}
		NewPlayer(s).Step(5*time.Second, discard{}, true)
	})
}

// speed is a session clock at the given speed.
func speed(t *testing.T, x float64) *sessiontime.Clock {
	t.Helper()
	c, err := sessiontime.New(x)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Recorded answers are read in order, their paths beside the file, and a
// bad one names its line.
func TestScenarioAnswers(t *testing.T) {
	const doc = `
phases:
  - {name: calm, duration: 10s}
answers:
  - {question: rating, audio: seven.wav}
  - {question: call, audio: /abs/yes.wav}
`
	s, err := Parse("/data/run/ask.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Answer{{Question: "rating", Audio: "/data/run/seven.wav"}, {Question: "call", Audio: "/abs/yes.wav"}}
	if got := NewPlayer(s).Answers(); !reflect.DeepEqual(got, want) {
		t.Errorf("answers %+v, want %+v", got, want)
	}
	for _, q := range []string{"place", "breathe", "opt_out", "opt_out_confirm", "any"} {
		if _, err := Parse("ask.yaml", []byte(doc+"  - {question: "+q+", audio: knee.wav}\n")); err != nil {
			t.Errorf("question %s: %v", q, err)
		}
	}
	_, err = Parse("ask.yaml", []byte(doc+"  - {question: where, audio: knee.wav}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 7: answers.2.question") {
		t.Errorf("a question the robot does not ask: %v", err)
	}
}

// A built-in scenario's recorded answers are in the binary: they open
// wherever kindred runs, and are WAV files.
func TestBuiltinAnswersOpen(t *testing.T) {
	var n int
	for _, name := range Names() {
		s, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range NewPlayer(s).Answers() {
			n++
			f, err := a.Open()
			if err != nil {
				t.Fatalf("%s: answer %s: %v", name, a.Audio, err)
			}
			head := make([]byte, 12)
			_, err = io.ReadFull(f, head)
			f.Close()
			if err != nil || string(head[:4]) != "RIFF" || string(head[8:]) != "WAVE" {
				t.Errorf("%s: answer %s is not a WAV file (%q, %v)", name, a.Audio, head, err)
			}
		}
	}
	if n == 0 {
		t.Error("no built-in scenario gives a recorded answer; the opt-out scenario answers its question")
	}
}

// A scenario file's recorded answers are read with the file, as hostile
// input: one that is missing, a named pipe, a directory or too large is
// bad input at start (exit 2), naming its line and field, and one that is
// read is kept, so it plays even if the file goes away. An answer of a
// scenario only parsed that names a pipe fails at once when opened.
// Checked against the change switched off (answers opened with os.Open when
// asked for): every bad row loads, and the answer is gone with its file.
// Opening the pipe then waits for ever; in kindred run that kept the
// goroutine hearing answers, and with it the run, from ever stopping: the
// end of --for and Ctrl-C were ignored until the forced exit, the body
// never halted.
func TestScenarioAnswersAreReadWithTheFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "yes.wav")
	if err := os.WriteFile(good, []byte("RIFF....WAVE"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.wav")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.wav")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxAnswerBytes+1); err != nil {
		t.Fatal(err)
	}
	load := func(audio string) (*Scenario, error) {
		path := filepath.Join(dir, "ask.yaml")
		doc := "phases:\n  - {name: calm, duration: 10s}\nanswers:\n  - {question: rating, audio: yes.wav}\n  - {question: call, audio: " + audio + "}\n"
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return Load(path)
	}
	for _, tc := range []struct{ name, audio, want string }{
		{"missing", "none.wav", "no such file"},
		{"named pipe", "pipe.wav", "is a named pipe"},
		{"directory", ".", "is a directory"},
		{"too large", "huge.wav", "file too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(tc.audio)
			if !errors.Is(err, ErrBadScenario) || !strings.Contains(err.Error(), "line 5: answers.1.audio") ||
				!strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line: bad scenario, line 5: answers.1.audio, %q", err, tc.want)
			}
		})
	}
	s, err := load("yes.wav")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(good); err != nil {
		t.Fatal(err)
	}
	f, err := NewPlayer(s).Answers()[1].Open()
	if err != nil {
		t.Fatalf("an answer read at load: %v", err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "RIFF....WAVE" {
		t.Errorf("the answer read at load holds %q", b)
	}
	parsed, err := Parse(filepath.Join(dir, "ask.yaml"), []byte("phases:\n  - {name: calm, duration: 10s}\nanswers:\n  - {question: any, audio: pipe.wav}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parsed.Answers[0].Open(); err == nil || !strings.Contains(err.Error(), "is a named pipe") {
		t.Errorf("opening a named pipe: %v, want it refused at once", err)
	}
}

// A file or folder in the current directory whose name has no dot or slash
// is read as a file, and refused for what it is. Before, `--scenario
// empty` (a file) and `--scenario adir` (a folder) were "neither a
// built-in nor a file".
func TestLoadANameThatIsAFileHere(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("empty", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("mine", []byte("phases:\n  - duration: 2s\n    voice: {class: speech}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir("adir", 0o755); err != nil {
		t.Fatal(err)
	}
	if s, err := Load("mine"); err != nil || s.Name != "mine" {
		t.Errorf(`Load("mine") = %v, %v; want the file`, s, err)
	}
	for name, want := range map[string]string{"empty": "empty file", "adir": "is a directory", "nosuch": "neither a built-in"} {
		_, err := Load(name)
		if !errors.Is(err, ErrBadScenario) || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%q) = %v, want ErrBadScenario saying %q", name, err, want)
		}
	}
}
