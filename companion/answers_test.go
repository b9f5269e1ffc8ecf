package companion

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/sessiontime"
)

// fakeRecogniser records what the desk asks of it and answers with the
// next of replies, then reply (or fails with endErr).
type fakeRecogniser struct {
	mu        sync.Mutex
	calls     []string
	fed       int
	replies   []string
	reply     string
	endErr    error
	listenErr error
	current   selfreport.Kind
}

func (f *fakeRecogniser) Listen(k selfreport.Kind) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "listen "+k.String())
	f.current, f.fed = k, 0
	return f.listenErr
}

func (f *fakeRecogniser) Feed(s []float32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fed += len(s)
	return nil
}

func (f *fakeRecogniser) End() (selfreport.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "end")
	if f.endErr != nil {
		return selfreport.Reply{Kind: f.current, Rating: selfreport.NoRating}, f.endErr
	}
	reply := f.reply
	if len(f.replies) > 0 {
		reply, f.replies = f.replies[0], f.replies[1:]
	}
	return selfreport.Parse(f.current, reply), nil
}

func (f *fakeRecogniser) log() ([]string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...), f.fed
}

// reportingFuser records the ratings fusion is handed.
type reportingFuser struct {
	mu      sync.Mutex
	reports []perception.SelfReport
}

func (f *reportingFuser) Run(ctx context.Context, in fusion.Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-in.Reports:
			f.mu.Lock()
			f.reports = append(f.reports, r)
			f.mu.Unlock()
		case <-in.Faces:
		case <-in.Voices:
		case <-in.Postures:
		case <-in.Events:
		}
	}
}

// askingEngine asks a question on arrival and reports each answer the way
// the real engine does; it records the answers it got.
func askingEngine(by behavior.AnswerMode, window time.Duration) func(behavior.Input) []behavior.Output {
	return func(in behavior.Input) []behavior.Output {
		switch x := in.(type) {
		case *behavior.Observed:
			if x.Kind != perception.EventArrived {
				return nil
			}
			kind, intent := selfreport.RatingQuestion, behavior.IntentAskRating
			if by == behavior.ByNod {
				kind, intent = selfreport.YesNoQuestion, behavior.IntentAskPainNod
			}
			return []behavior.Output{
				behavior.Listen{At: x.At, Question: behavior.QuestionRating, Kind: kind, By: by,
					Window: window, Attempt: 1, Intent: intent},
				behavior.Intent{At: x.At, Kind: intent, Say: &behavior.Utterance{}},
			}
		case *behavior.Answered:
			out := behavior.OutcomeAnswered
			if !x.Reply.Clear() {
				out = behavior.OutcomeUnclear
			}
			return []behavior.Output{behavior.Reported{At: x.At, Question: x.Question, By: x.By,
				Attempt: 1, Outcome: out, Person: "ada", Reply: x.Reply, Err: x.Err}}
		}
		return nil
	}
}

// arriveAndStop runs the rig's companion in the synctest bubble until Ada
// has arrived and everything that follows has settled, then stops it.
func arriveAndStop(t *testing.T, r *rig) {
	t.Helper()
	r.comp.Bind(t.Context())
	err := r.comp.Run(func(ctx context.Context) error {
		r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
		synctest.Wait()
		r.comp.Stop()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func answerRig(t *testing.T, rec AnswerRecogniser, respond func(behavior.Input) []behavior.Output) (*rig, *reportingFuser) {
	t.Helper()
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	fu := &reportingFuser{}
	r := &rig{engine: &fakeEngine{respond: respond}, act: &fakeActuator{}, rec: &recorder{}, log: nil}
	r.comp, err = New(Parts{Clock: clock, Fuser: fu, Engine: r.engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: r.act, Records: r.rec, Answers: rec})
	if err != nil {
		t.Fatal(err)
	}
	return r, fu
}

func (e *fakeEngine) answers() []behavior.Answered {
	var out []behavior.Answered
	for _, in := range e.got() {
		if a, ok := in.(*behavior.Answered); ok {
			out = append(out, *a)
		}
	}
	return out
}

func (r *recorder) selfReports() []journal.SelfReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []journal.SelfReport
	for _, rec := range r.records {
		if s, ok := rec.(journal.SelfReport); ok {
			out = append(out, s)
		}
	}
	return out
}

// tone is n samples of a 200 Hz tone at amplitude amp (0 for silence).
func tone(n int, amp float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = amp * float32(math.Sin(2*math.Pi*200*float64(i)/16000))
	}
	return s
}

// The question said, the microphone's audio goes to the recogniser until
// the answer is over; the reply reaches the engine, the journal and fusion.
func TestAnswerHeardFromTheMicrophone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		audio [][]float32
	}{
		// A little room noise, the answer (0.6 s), then quiet.
		{"after a pause", [][]float32{tone(3200, 0.001), tone(9600, 0.3), tone(24000, 0.001)}},
		// The answer at once, before any quiet was heard.
		{"at once", [][]float32{tone(9600, 0.3), tone(24000, 0.001)}},
	} {
		t.Run(tc.name, func(t *testing.T) { answerHeardFromTheMicrophone(t, tc.audio) })
	}
}

func answerHeardFromTheMicrophone(t *testing.T, audio [][]float32) {
	synctest.Test(t, func(t *testing.T) {
		fr := &fakeRecogniser{reply: "about a seven"}
		r, fu := answerRig(t, fr, askingEngine(behavior.ByVoice, 8*time.Second))
		r.comp.Bind(t.Context())
		mic := &scriptedMic{}
		err := r.comp.Run(func(ctx context.Context) error {
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			synctest.Wait()
			src := teeAudio{src: mic, desk: r.comp.answers}
			buf := make([]float32, 1600)
			for _, chunk := range audio {
				mic.next = chunk
				for len(mic.next) > 0 {
					if _, err := src.Read(ctx, buf); err != nil {
						return err
					}
					synctest.Wait()
				}
			}
			time.Sleep(100 * time.Millisecond)
			synctest.Wait()
			r.comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		calls, fed := fr.log()
		if len(calls) != 2 || calls[0] != "listen rating" || calls[1] != "end" {
			t.Errorf("recogniser calls %v, want listen rating then end", calls)
		}
		if total := len(slices.Concat(audio...)); fed < 9600 || fed >= total {
			t.Errorf("fed %d samples: want the answer, ended early by the quiet after it", fed)
		}
		got := r.engine.answers()
		if len(got) != 1 || got[0].Reply.Rating != 7 || got[0].Question != behavior.QuestionRating {
			t.Fatalf("engine got answers %+v, want one rating 7", got)
		}
		if sr := r.rec.selfReports(); len(sr) != 1 || sr[0].Rating == nil || *sr[0].Rating != 7 || sr[0].Heard != "about a seven" {
			t.Errorf("journal self-reports %+v, want the rating 7 heard", sr)
		}
		if len(fu.reports) != 1 || fu.reports[0].Rating != 7 {
			t.Errorf("fusion got %+v, want the rating 7", fu.reports)
		}
		if l := r.comp.LastSelfReport(); l == nil || *l.Rating != 7 {
			t.Errorf("last self-report %+v", l)
		}
	})
}

// scriptedMic hands out what the test puts in next.
type scriptedMic struct{ next []float32 }

func (m *scriptedMic) Read(ctx context.Context, buf []float32) (int, error) {
	n := copy(buf, m.next)
	m.next = m.next[n:]
	return n, nil
}

// A recogniser that fails is a recorded fault: the engine hears an
// unclear answer with the error, and the run goes on.
func TestRecogniserErrorIsAFaultNotTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fr := &fakeRecogniser{endErr: errors.New("decoding failed")}
		r, _ := answerRig(t, fr, askingEngine(behavior.ByVoice, 3*time.Second))
		r.comp.Bind(t.Context())
		err := r.comp.Run(func(ctx context.Context) error {
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			time.Sleep(5 * time.Second) // the window ends without an answer
			synctest.Wait()
			r.comp.Event(perception.Event{At: 7 * time.Second, Kind: perception.EventLeft})
			synctest.Wait()
			r.comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatalf("Run = %v: a recogniser error ended the run", err)
		}
		got := r.engine.answers()
		if len(got) != 1 || got[0].Err == "" || got[0].Reply.Clear() {
			t.Fatalf("engine got %+v, want one unclear answer carrying the error", got)
		}
		if st := r.comp.Stats(); st.Faults != 1 {
			t.Errorf("%d faults, want the recogniser's", st.Faults)
		}
		var left bool
		for _, in := range r.engine.got() {
			if o, ok := in.(*behavior.Observed); ok && o.Kind == perception.EventLeft {
				left = true
			}
		}
		if !left {
			t.Error("the run did not go on after the fault")
		}
	})
}

// With no answer model the person nods: the head-gesture reader's yes
// reaches the engine.
func TestNodAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, _ := answerRig(t, nil, askingEngine(behavior.ByNod, 8*time.Second))
		r.comp.Bind(t.Context())
		err := r.comp.Run(func(ctx context.Context) error {
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			synctest.Wait()
			for at := time.Second; at < 5*time.Second; at += 33 * time.Millisecond {
				pitch := 0.0
				if at >= 2*time.Second && at < 3200*time.Millisecond {
					pitch = 8 * math.Sin(2*math.Pi*float64(at-2*time.Second)/float64(600*time.Millisecond))
				}
				r.comp.Face(perception.FaceObs{At: at, Track: 1, Pose: perception.HeadPose{Pitch: perception.Degrees(pitch)}})
				synctest.Wait()
			}
			r.comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := r.engine.answers()
		if len(got) != 1 || got[0].Reply.Answer != selfreport.Yes || got[0].By != behavior.ByNod {
			t.Fatalf("engine got %+v, want one yes by nod", got)
		}
	})
}

// A scenario's recorded answer is played to the recogniser after the
// question.
func TestScenarioRecordedAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "answer.wav")
	writeWAV(t, path, tone(8000, 0.3))
	synctest.Test(t, func(t *testing.T) {
		fr := &fakeRecogniser{reply: "three"}
		r, fu := answerRig(t, fr, askingEngine(behavior.ByVoice, 8*time.Second))
		r.comp.answers.recorded <- []scenario.Answer{{Question: "call", Audio: "/nowhere.wav"}, {Question: "rating", Audio: path}}
		arriveAndStop(t, r)
		if _, fed := fr.log(); fed != 8000 {
			t.Errorf("recogniser fed %d samples, want the recording's 8000", fed)
		}
		if got := r.engine.answers(); len(got) != 1 || got[0].Reply.Rating != 3 {
			t.Errorf("engine got %+v, want the rating 3", got)
		}
		if len(fu.reports) != 1 || fu.reports[0].Rating != 3 {
			t.Errorf("fusion got %+v", fu.reports)
		}
	})
}

// writeWAV writes 16 kHz mono 16-bit PCM.
func writeWAV(t *testing.T, path string, s []float32) {
	t.Helper()
	n := len(s) * 2
	b := make([]byte, 0, 44+n)
	le32 := func(v uint32) { b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	le16 := func(v uint16) { b = append(b, byte(v), byte(v>>8)) }
	b = append(b, "RIFF"...)
	le32(uint32(36 + n))
	b = append(b, "WAVEfmt "...)
	le32(16)
	le16(1)
	le16(1)
	le32(16000)
	le32(32000)
	le16(2)
	le16(16)
	b = append(b, "data"...)
	le32(uint32(n))
	for _, v := range s {
		le16(uint16(int16(v * 32767)))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAnswerToRecord is the companion's share of "from the end of the
// answer to the recorded value": from the audio that completes the quiet
// after an answer to the rating reaching the journal's sink, through the
// desk, the recogniser (a fake here; sphinx's BenchmarkEndOfAnswer is the
// real one's), the engine and the router. The quiet itself (selfreport.AnswerQuiet)
// is the answer's length of silence, not processing.
func BenchmarkAnswerToRecord(b *testing.B) {
	fr := &fakeRecogniser{reply: "seven"}
	clock, err := sessiontime.New(1)
	if err != nil {
		b.Fatal(err)
	}
	rec := &recorder{}
	engine := &fakeEngine{respond: askingEngine(behavior.ByVoice, 30*time.Second)}
	comp, err := New(Parts{Clock: clock, Fuser: &reportingFuser{}, Engine: engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Answers: fr})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	comp.Bind(ctx)
	loud := tone(4800, 0.3)
	quiet := tone(int(selfreport.AnswerQuiet.Seconds()*16000)-selfreport.AnswerChunk, 0.001)
	last := tone(2*selfreport.AnswerChunk, 0.001)
	done := make(chan error, 1)
	go func() {
		done <- comp.Run(func(ctx context.Context) error {
			for i := range b.N {
				before := len(rec.selfReports())
				comp.Event(perception.Event{At: time.Duration(i+1) * time.Minute, Kind: perception.EventArrived, Person: "ada"})
				for comp.answers.mode.Load() != listenVoice {
					time.Sleep(50 * time.Microsecond)
				}
				comp.answers.hear(loud)
				comp.answers.hear(quiet)
				time.Sleep(2 * time.Millisecond) // the desk takes the answer in
				b.StartTimer()
				comp.answers.hear(last)
				for len(rec.selfReports()) == before {
					time.Sleep(20 * time.Microsecond)
				}
				b.StopTimer()
			}
			comp.Stop()
			return nil
		})
	}()
	b.StopTimer()
	b.ResetTimer()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// A recogniser without its model is no fault: the question lapses, as with
// no recogniser at all, and the engine's wait records it unanswered.
func TestNoAnswerModelIsNoFault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fr := &fakeRecogniser{listenErr: fmt.Errorf("%w: model not installed", ErrNoRecogniser)}
		r, _ := answerRig(t, fr, askingEngine(behavior.ByVoice, 3*time.Second))
		r.comp.Bind(t.Context())
		err := r.comp.Run(func(ctx context.Context) error {
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			time.Sleep(10 * time.Second)
			synctest.Wait()
			r.comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.engine.answers(); len(got) != 0 {
			t.Errorf("engine got %+v, want no answer (the engine's wait lets it lapse)", got)
		}
		if st := r.comp.Stats(); st.Faults != 0 {
			t.Errorf("%d faults, want none", st.Faults)
		}
	})
}

// Where it hurts joins the rating it followed in fusion, keeping the
// rating's age, so the console and the fleet show "says 6, looks … ·
// back"; a place with no rating before it reaches only the journal.
func TestPlaceAnswerJoinsTheRating(t *testing.T) {
	rating := behavior.Reported{At: 2 * time.Second, Question: behavior.QuestionRating, By: behavior.ByVoice, Attempt: 1,
		Outcome: behavior.OutcomeAnswered, Person: "ada",
		Reply: selfreport.Reply{Kind: selfreport.RatingQuestion, Heard: "six", Rating: 6, Confidence: 1}}
	place := behavior.Reported{At: 5 * time.Second, Question: behavior.QuestionPlace, By: behavior.ByVoice, Attempt: 1,
		Outcome: behavior.OutcomeAnswered, Person: "ada",
		Reply: selfreport.Reply{Kind: selfreport.WhereQuestion, Heard: "my back", Rating: selfreport.NoRating,
			Places: []selfreport.Place{selfreport.Back}, Confidence: 1}}
	for _, tc := range []struct {
		name string
		outs []behavior.Reported
		want []perception.SelfReport
	}{
		{"after a rating", []behavior.Reported{rating, place}, []perception.SelfReport{
			{At: 2 * time.Second, Rating: 6, Heard: "six"},
			{At: 2 * time.Second, Rating: 6, Heard: "six", Places: []string{"back"}}}},
		{"alone", []behavior.Reported{place}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, fu := answerRig(t, nil, func(in behavior.Input) []behavior.Output {
					if o, ok := in.(*behavior.Observed); !ok || o.Kind != perception.EventArrived {
						return nil
					}
					var outs []behavior.Output
					for _, rep := range tc.outs {
						outs = append(outs, rep)
					}
					return outs
				})
				arriveAndStop(t, r)
				if !reflect.DeepEqual(fu.reports, tc.want) {
					t.Errorf("fusion got %+v, want %+v", fu.reports, tc.want)
				}
				if sr := r.rec.selfReports(); len(sr) != len(tc.outs) {
					t.Errorf("journal has %d self-reports, want %d", len(sr), len(tc.outs))
				}
				if l := r.comp.LastSelfReport(); len(tc.want) > 0 && (l == nil || !slices.Equal(l.Places, []string{"back"})) {
					t.Errorf("last self-report %+v, want the rating with the place", l)
				}
			})
		})
	}
}
