package companion

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/sessiontime"
)

// slowFuser records every observation it takes, in the order it takes
// them, taking a millisecond over each (a busy machine), or each, and
// assesses nothing.
type slowFuser struct {
	mu   sync.Mutex
	got  []string
	each time.Duration
}

func (f *slowFuser) Run(ctx context.Context, in fusion.Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	for {
		var seen string
		select {
		case <-ctx.Done():
			return nil
		case o := <-in.Faces:
			seen = fmt.Sprintf("face %v", o.At)
		case o := <-in.Voices:
			seen = fmt.Sprintf("voice %v", o.At)
		case o := <-in.Postures:
			seen = fmt.Sprintf("posture %v", o.At)
		case e := <-in.Events:
			seen = fmt.Sprintf("%s %v", e.Kind, e.At)
		}
		f.mu.Lock()
		f.got = append(f.got, seen)
		f.mu.Unlock()
		time.Sleep(cmp.Or(f.each, time.Millisecond))
	}
}

func (f *slowFuser) taken() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

// scriptedPerson plays a fixed list of observations as fast as the sink
// takes them, as a scenario at a high --speed does on a busy machine.
type scriptedPerson struct {
	play func(sink scenario.Sink)
}

func (p scriptedPerson) Play(ctx context.Context, o scenario.PlayOpts, sink scenario.Sink) error {
	p.play(sink)
	return nil
}
func (scriptedPerson) Comforted(time.Duration) {}

// TestAPlayedScenarioReachesFusionWhole: every face, voice hop, posture
// and event a scenario plays reaches fusion, in the order played (a
// person's arrival before the face that came with it, so the assessments
// after it, and only those, name them), however slowly
// fusion takes them, so the same scenario gives the same assessments at
// any speed on any machine. With the latest-value mailboxes of a live
// device, a fusion slower than the player sees only some of them.
func TestAPlayedScenarioReachesFusionWhole(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
	}{
		{"a second", 10},
		{"ten seconds", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock, err := sessiontime.New(1)
				if err != nil {
					t.Fatal(err)
				}
				fuser := &slowFuser{}
				comp, err := New(Parts{Clock: clock, Fuser: fuser, Engine: &fakeEngine{}, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}})
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				person := scriptedPerson{play: func(sink scenario.Sink) {
					for i := range tc.n {
						at := time.Duration(i) * 100 * time.Millisecond
						if i == tc.n/2 {
							sink.Event(perception.Event{At: at, Kind: perception.EventArrived, Person: "ada"})
						}
						sink.Face(perception.FaceObs{At: at})
						sink.Voice(perception.VoiceObs{At: at + 10*time.Millisecond})
						sink.Posture(perception.PostureObs{At: at + 20*time.Millisecond})
					}
				}}
				for i := range tc.n {
					at := time.Duration(i) * 100 * time.Millisecond
					if i == tc.n/2 {
						want = append(want, fmt.Sprintf("%s %v", perception.EventArrived, at))
					}
					want = append(want, fmt.Sprintf("face %v", at), fmt.Sprintf("voice %v", at+10*time.Millisecond),
						fmt.Sprintf("posture %v", at+20*time.Millisecond))
				}
				comp.Bind(t.Context())
				if err := comp.Run(comp.PlayScenario("scripted", person, scenario.PlayOpts{})); err != nil {
					t.Fatal(err)
				}
				if got := fuser.taken(); !slices.Equal(got, want) {
					t.Errorf("fusion took %d observations, want all %d in order\n got %v\nwant %v", len(got), len(want), got, want)
				}
			})
		})
	}
}

// TestTimelineMergesLanesByTime: a video and an audio file decoded at
// different speeds reach fusion in the order they were recorded, the
// video first at the same instant, whichever source ran ahead.
func TestTimelineMergesLanesByTime(t *testing.T) {
	frames := []time.Duration{0, 33 * time.Millisecond, 66 * time.Millisecond, 100 * time.Millisecond}
	hops := []time.Duration{0, 10 * time.Millisecond, 40 * time.Millisecond, 70 * time.Millisecond, 100 * time.Millisecond, 110 * time.Millisecond}
	want := []string{"face 0s", "voice 0s", "voice 10ms", "face 33ms", "voice 40ms", "face 66ms", "voice 70ms",
		"face 100ms", "voice 100ms", "voice 110ms"}
	for _, tc := range []struct {
		name              string
		videoWait, hopGap time.Duration // how long each source takes per item
	}{
		{"audio ahead", 50 * time.Millisecond, 0},
		{"video ahead", 0, 50 * time.Millisecond},
		{"both at once", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tl := newTimeline()
				video, audio := tl.join(), tl.join()
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				go tl.run(ctx, nil)
				go func() {
					defer video.end()
					for _, at := range frames {
						time.Sleep(tc.videoWait)
						video.put(ctx, observation{at: at, face: &perception.FaceObs{At: at}})
					}
				}()
				go func() {
					defer audio.end()
					for _, at := range hops {
						time.Sleep(tc.hopGap)
						audio.put(ctx, observation{at: at, voice: &perception.VoiceObs{At: at}})
					}
				}()
				var got []string
				for len(got) < len(want) {
					select {
					case o := <-tl.faces:
						got = append(got, fmt.Sprintf("face %v", o.At))
					case o := <-tl.voices:
						got = append(got, fmt.Sprintf("voice %v", o.At))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("got  %v\nwant %v", got, want)
				}
				synctest.Wait()
				if tl.open() {
					t.Error("the timeline is open after both files ended")
				}
			})
		})
	}
}

// tickCounter is an engine that counts the ticks it gets.
type tickCounter struct {
	mu    sync.Mutex
	ticks int
}

func (e *tickCounter) Run(ctx context.Context, in <-chan behavior.Input, out chan<- behavior.Output) error {
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case i := <-in:
			if _, tick := i.(*behavior.Tick); tick {
				e.mu.Lock()
				e.ticks++
				e.mu.Unlock()
			}
		}
	}
}

func (e *tickCounter) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ticks
}

// TestNoWallClockTicksWhileAScenarioPlays: while a played source feeds
// fusion, the engine's time comes from the assessments, not from ticks
// read off the wall clock between them (a dwell then completed wherever the
// scheduler put the tick); once it has played, ticks move time again.
func TestNoWallClockTicksWhileAScenarioPlays(t *testing.T) {
	for _, tc := range []struct {
		name      string
		optedOut  bool
		wantTicks bool
	}{
		{"playing", false, false},
		{"playing, sensors closed", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock, err := sessiontime.New(1)
				if err != nil {
					t.Fatal(err)
				}
				engine := &tickCounter{}
				comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}})
				if err != nil {
					t.Fatal(err)
				}
				comp.sensorsOn.Store(!tc.optedOut)
				var during int
				person := scriptedPerson{play: func(sink scenario.Sink) {
					for i := range 20 {
						sink.Face(perception.FaceObs{At: time.Duration(i) * 100 * time.Millisecond})
						time.Sleep(100 * time.Millisecond)
					}
					during = engine.count()
				}}
				comp.Bind(t.Context())
				if err := comp.Run(comp.PlayScenario("scripted", person, scenario.PlayOpts{})); err != nil {
					t.Fatal(err)
				}
				if got := during > 0; got != tc.wantTicks {
					t.Errorf("%d ticks in the 2 s the scenario played, want ticks: %v", during, tc.wantTicks)
				}
				if after := engine.count() - during; after == 0 {
					t.Error("no ticks in the second after it played")
				}
			})
		})
	}
}

// presenceFaces is a face stage that, as face.Pipeline does, sends a
// frame's presence events before its faces: the face arrives on the 3rd
// frame and leaves on the 6th.
type presenceFaces struct{}

func (presenceFaces) Run(ctx context.Context, src face.FrameSource, out func([]perception.FaceObs), events chan<- perception.Event) error {
	for {
		f, err := src.Next(ctx)
		if err != nil {
			return nil
		}
		var faces []perception.FaceObs
		switch {
		case f.Seq == 3:
			events <- perception.Event{At: f.At, Kind: perception.EventArrived, Person: "face-1", Modality: perception.ModFace}
			faces = []perception.FaceObs{{At: f.At, Track: 1}}
		case f.Seq == 6:
			events <- perception.Event{At: f.At, Kind: perception.EventLeft, Person: "face-1", Modality: perception.ModFace}
		case f.Seq > 3 && f.Seq < 6:
			faces = []perception.FaceObs{{At: f.At, Track: 1}}
		}
		out(faces)
	}
}

// TestAPlayedVideoTellsPresenceWithItsFrame: a video file's face tracked
// and lost reach fusion with the frame they came with, before its face,
// whichever goroutine ran first (before, the arrival went by the events
// goroutine and fusion took it before or after the first faces as it
// happened, so the first assessments named the person in one run and
// nobody in the next), and the run ends once fusion has taken the last
// frame, not with frames still waiting for it.
func TestAPlayedVideoTellsPresenceWithItsFrame(t *testing.T) {
	for _, frames := range []int{8, 20} {
		t.Run(fmt.Sprint(frames, " frames"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock, err := sessiontime.New(1)
				if err != nil {
					t.Fatal(err)
				}
				fuser := &slowFuser{each: 200 * time.Millisecond} // seconds behind the video by its end
				comp, err := New(Parts{Clock: clock, Fuser: fuser, Engine: &fakeEngine{}, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}})
				if err != nil {
					t.Fatal(err)
				}
				comp.Bind(t.Context())
				err = comp.Run(comp.StartLive(Live{
					VideoFile: &flakyVideo{n: frames, bad: func(int) bool { return false }},
					Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
						return presenceFaces{}, func() {}, nil
					},
				}))
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				postures := 0
				for _, s := range fuser.taken() {
					if strings.HasPrefix(s, "posture") {
						postures++
					} else {
						got = append(got, s)
					}
				}
				if postures != frames {
					t.Errorf("fusion took %d postures of the %d frames: the run ended before it took the last", postures, frames)
				}
				want := []string{"arrived 120ms", "face 120ms", "face 160ms", "face 200ms", "left 240ms"}
				if !slices.Equal(got, want) {
					t.Errorf("fusion took %v, want %v", got, want)
				}
			})
		})
	}
}

// wordyVoice is a voice stage that, as voice.Analyzer does, sends a word
// it spots before the hop it was heard in: "ouch" in the 5th of 30 hops.
type wordyVoice struct{}

func (wordyVoice) Run(ctx context.Context, _ voice.AudioSource, out func(perception.VoiceObs), events chan<- perception.Event) error {
	for i := range 30 {
		at := time.Duration(i) * 10 * time.Millisecond
		if i == 5 {
			events <- perception.Event{At: at, Kind: perception.EventKeyword, Text: "ouch", Modality: perception.ModVoice}
		}
		out(perception.VoiceObs{At: at})
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

type silentFile struct{}

func (silentFile) Read(context.Context, []float32) (int, error) { return 0, io.EOF }

// TestAPlayedAudioTellsWordsWithTheirHop: a word spotted in an audio file
// reaches fusion with the hop it was heard in, before it; before, it went
// by the goroutine that takes every stage's events, and the same file's
// 'said "it hurts"' cue came with the assessment at 233.1 s in one run
// and 243.1 s in the next.
func TestAPlayedAudioTellsWordsWithTheirHop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		fuser := &slowFuser{each: 200 * time.Millisecond}
		comp, err := New(Parts{Clock: clock, Fuser: fuser, Engine: &fakeEngine{}, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		err = comp.Run(comp.StartLive(Live{
			AudioFile: silentFile{},
			Voice:     func(bool) (VoiceStage, func(), error) { return wordyVoice{}, func() {}, nil },
		}))
		if err != nil {
			t.Fatal(err)
		}
		got := fuser.taken()
		if len(got) != 31 {
			t.Fatalf("fusion took %d observations and events, want 30 hops and the word: %v", len(got), got)
		}
		if want := []string{"voice 40ms", "keyword 50ms", "voice 50ms"}; !slices.Equal(got[4:7], want) {
			t.Errorf("fusion took %v, want %v", got[4:7], want)
		}
	})
}
