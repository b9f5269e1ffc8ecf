package companion

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/sessiontime"
)

// hangingCamera gives a frame every 100 ms, except between stall and
// resume (wall time since its first frame; resume 0: never again), when
// its read hangs, as a driver's may, saying nothing.
type hangingCamera struct {
	start         time.Time
	stall, resume time.Duration
	seq           int
}

func (c *hangingCamera) Next(ctx context.Context) (perception.Frame, error) {
	if c.start.IsZero() {
		c.start = time.Now()
	}
	wait := 100 * time.Millisecond
	if el := time.Since(c.start) + wait; el >= c.stall && (c.resume == 0 || el < c.resume) {
		if c.resume == 0 {
			<-ctx.Done()
			return perception.Frame{}, ctx.Err()
		}
		wait = c.resume - time.Since(c.start)
	}
	select {
	case <-ctx.Done():
		return perception.Frame{}, ctx.Err()
	case <-time.After(wait):
	}
	c.seq++
	return perception.Frame{At: time.Since(c.start), Seq: c.seq, Wall: time.Now()}, nil
}

// steadyMic gives 20 ms of quiet every 20 ms.
type steadyMic struct{}

func (steadyMic) Read(ctx context.Context, buf []float32) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(20 * time.Millisecond):
	}
	n := min(len(buf), 320)
	clear(buf[:n])
	return n, nil
}

// readingFaces reads frames and sees no face in them.
type readingFaces struct{}

func (readingFaces) Run(ctx context.Context, src face.FrameSource, _ func([]perception.FaceObs), _ chan<- perception.Event) error {
	for {
		if _, err := src.Next(ctx); err != nil {
			return nil
		}
	}
}

// countingVoice reads audio and counts the reads, the care that goes on by
// ear while the camera is away.
type countingVoice struct{ reads *int }

func (v countingVoice) Run(ctx context.Context, src voice.AudioSource, _ func(perception.VoiceObs), _ chan<- perception.Event) error {
	buf := make([]float32, 320)
	for {
		if _, err := src.Read(ctx, buf); err != nil {
			return nil
		}
		*v.reads++
	}
}

// A live camera that hangs for minutes while the microphone goes on: the
// loss is a fault (journal, stderr, summary) after ten seconds, the carer
// is told at warning level once alert.sense_lost (2m) has passed since the
// last frame, and told again when frames come back; listening never stops.
// Without the watch (StartLive handing the camera on unwatched) no fault is
// recorded and nobody is told: the test fails.
func TestHangingCameraTellsTheCarer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cam := &hangingCamera{stall: 10 * time.Second, resume: 4 * time.Minute}
		reads := 0
		r := runLive(t, Live{
			Camera: func(chan<- perception.Event) (face.FrameSource, func(), error) { return cam, func() {}, nil },
			Mic:    func() (voice.AudioSource, func(), error) { return steadyMic{}, func() {}, nil },
			Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
				return readingFaces{}, func() {}, nil
			},
			Voice: func(bool) (VoiceStage, func(), error) { return countingVoice{&reads}, func() {}, nil },
		}, 5*time.Minute)
		if len(r.faults) != 1 || r.faults[0].Component != "camera" || r.faults[0].Message != "no frame for 10s" {
			t.Errorf("faults %+v, want one: camera, no frame for 10s", r.faults)
		}
		if a := r.alerts; len(a) != 2 || a[0].Level != journal.LevelWarning ||
			a[0].Reason != "camera lost for 2m0s: the robot cannot see" ||
			a[0].At < 2*time.Minute+5*time.Second || a[0].At > 2*time.Minute+20*time.Second ||
			a[1].Level != journal.LevelResolved || !strings.HasPrefix(a[1].Reason, "camera back after 3m5") {
			t.Errorf("alerts %+v, want the camera lost at ~2m10s, then back", a)
		}
		if r.stats.Alerts != 1 || r.stats.Faults != 1 {
			t.Errorf("stats: %d alerts, %d faults; want 1 and 1", r.stats.Alerts, r.stats.Faults)
		}
		for _, want := range []string{"kindred: fault: camera: no frame for 10s\n",
			"kindred: alert (warning) : camera lost for 2m0s: the robot cannot see\n"} {
			if !strings.Contains(r.log, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.log)
			}
		}
		if reads < 14000 { // 5 min of 20 ms reads
			t.Errorf("%d audio reads in 5 min: listening stopped with the camera", reads)
		}
	})
}

// lostMic gives audio for its first 5 s, then says it is lost, as the
// microphone package's watchdog does, and never comes back.
type lostMic struct{ start time.Time }

func (m *lostMic) Read(ctx context.Context, buf []float32) (int, error) {
	if m.start.IsZero() {
		m.start = time.Now()
	}
	if time.Since(m.start) >= 5*time.Second {
		return 0, fmt.Errorf("microphone \"usb\": no audio for 2s: %w", voice.ErrSourceLost)
	}
	return steadyMic{}.Read(ctx, buf)
}

// A microphone that reports itself lost, heard through the real voice
// stage: one fault saying what the device said, at once, and after
// alert.sense_lost the carer is told the robot cannot hear, with the
// device's reason. Without deviceLost taking the device's report the fault
// is only the stall's, ten seconds later, and the reason is bare.
func TestLostMicrophoneTellsTheCarer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runLive(t, Live{
			Mic: func() (voice.AudioSource, func(), error) { return &lostMic{}, func() {}, nil },
			Voice: func(bool) (VoiceStage, func(), error) {
				an, err := voice.NewAnalyzer(voice.DefaultOpts())
				return an, func() {}, err
			},
		}, 3*time.Minute)
		why := `microphone "usb": no audio for 2s: audio source lost`
		if len(r.faults) != 1 || r.faults[0].Component != "microphone" || r.faults[0].Message != why ||
			r.faults[0].At > 6*time.Second {
			t.Errorf("faults %+v, want one at ~5s: microphone, %s", r.faults, why)
		}
		if a := r.alerts; len(a) != 1 || a[0].Level != journal.LevelWarning ||
			a[0].Reason != "microphone lost for 2m0s: the robot cannot hear ("+why+")" {
			t.Errorf("alerts %+v, want the microphone lost", a)
		}
	})
}

// liveRun is what a live run left behind.
type liveRun struct {
	alerts []journal.Alert
	faults []journal.Fault
	log    string
	stats  Stats
}

// runLive runs a companion with the real engine on live for d, in the
// caller's synctest bubble.
func runLive(t *testing.T, live Live, d time.Duration) liveRun {
	t.Helper()
	return runLiveWith(t, live, d, func(*Companion) {})
}

// runLiveWith is runLive with during run beside the stages as they start.
func runLiveWith(t *testing.T, live Live, d time.Duration, during func(*Companion)) liveRun {
	t.Helper()
	return runLiveStall(t, live, d, during, 0)
}

// runLiveStall is runLiveWith with Parts.SenseStall set to stall.
func runLiveStall(t *testing.T, live Live, d time.Duration, during func(*Companion), stall time.Duration) liveRun {
	t.Helper()
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := behavior.New(behavior.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rec, log := &recorder{}, &bytes.Buffer{}
	comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Log: log, SenseStall: stall})
	if err != nil {
		t.Fatal(err)
	}
	comp.Bind(t.Context())
	go func() {
		time.Sleep(d)
		comp.Stop()
	}()
	go during(comp)
	if err := comp.Run(comp.StartLive(live)); err != nil {
		t.Fatal(err)
	}
	r := liveRun{log: log.String(), stats: comp.Stats()}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, x := range rec.records {
		switch x := x.(type) {
		case journal.Alert:
			r.alerts = append(r.alerts, x)
		case journal.Fault:
			r.faults = append(r.faults, x)
		}
	}
	return r
}

// The person's opt-out closes the camera, and a closed camera is not lost:
// no fault, no alert, however long the opt-out lasts. Without the watch
// standing down while sensors are off, the closed camera is a fault after
// ten seconds.
func TestOptedOutCameraIsNotLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cam := &hangingCamera{stall: time.Hour}
		r := runLiveWith(t, Live{
			Camera: func(chan<- perception.Event) (face.FrameSource, func(), error) { return cam, func() {}, nil },
			Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
				return readingFaces{}, func() {}, nil
			},
		}, 5*time.Minute, func(comp *Companion) {
			time.Sleep(2 * time.Second)
			if err := comp.Control(behavior.Command{Cmd: behavior.CmdOptOut}, behavior.SourceConsole); err != nil {
				t.Error(err)
			}
		})
		if len(r.faults) != 0 || len(r.alerts) != 0 || r.stats.SensorsOn {
			t.Errorf("opted out: faults %+v, alerts %+v, sensors on %v; want none, none, off", r.faults, r.alerts, r.stats.SensorsOn)
		}
	})
}

// scriptedFaces is a face stage whose n-th run (a new pipeline each time
// the camera opens) sends scripts[n]'s events, then reads frames.
type scriptedFaces struct {
	mu      sync.Mutex
	runs    int
	scripts [][]perception.Event
}

func (s *scriptedFaces) Run(ctx context.Context, src face.FrameSource, _ func([]perception.FaceObs), events chan<- perception.Event) error {
	s.mu.Lock()
	script := s.scripts[min(s.runs, len(s.scripts)-1)]
	s.runs++
	s.mu.Unlock()
	for _, e := range script {
		events <- e
	}
	return readingFaces{}.Run(ctx, src, nil, nil)
}

// The camera closed for an opt-out and opened again is a new face
// pipeline, whose tracks are numbered from face-1 again: the resident, its
// first face, is the resident, not the person an old track of that number
// was. Without watchVideo telling the Identities the pipeline ended, she is
// given a visitor's pseudonym.
func TestReopenedCameraStartsItsTracksAfresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ev := func(kind perception.EventKind, p string, s int) perception.Event {
			return perception.Event{Kind: kind, Person: p, At: time.Duration(s) * time.Second, Modality: perception.ModFace}
		}
		faces := &scriptedFaces{scripts: [][]perception.Event{
			{ev(perception.EventArrived, "face-1", 1), ev(perception.EventLeft, "face-1", 2),
				ev(perception.EventArrived, "face-2", 3), ev(perception.EventArrived, "face-3", 4)},
			{ev(perception.EventArrived, "face-1", 100)},
		}}
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		engine := &fakeEngine{respond: func(in behavior.Input) []behavior.Output {
			if c, ok := in.(*behavior.Command); ok {
				return []behavior.Output{behavior.SensorsChange{On: c.Cmd == behavior.CmdOptIn}}
			}
			return nil
		}}
		comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}, Identities: NewIdentities("ada", "Ada")})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		go func() {
			time.Sleep(10 * time.Second)
			comp.Control(behavior.Command{Cmd: behavior.CmdOptOut}, behavior.SourceConsole)
			time.Sleep(10 * time.Second)
			comp.Control(behavior.Command{Cmd: behavior.CmdOptIn}, behavior.SourceConsole)
			time.Sleep(10 * time.Second)
			comp.Stop()
		}()
		err = comp.Run(comp.StartLive(Live{
			Camera: func(chan<- perception.Event) (face.FrameSource, func(), error) {
				return &hangingCamera{stall: time.Hour}, func() {}, nil
			},
			Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) { return faces, func() {}, nil },
		}))
		if err != nil {
			t.Fatal(err)
		}
		var arrivals []string
		for _, in := range engine.got() {
			if o, ok := in.(*behavior.Observed); ok && o.Kind == perception.EventArrived {
				arrivals = append(arrivals, o.Person)
			}
		}
		if len(arrivals) != 4 || arrivals[3] != "ada" {
			t.Errorf("arrivals %q: want the reopened camera's first face to be ada", arrivals)
		}
	})
}

// brokenSpotter fails on every chunk, as a keyword decoder that has gone
// wrong would.
type brokenSpotter struct{}

func (brokenSpotter) Spot([]float32, time.Duration) ([]voice.Keyword, error) {
	return nil, errors.New("decoder gone")
}

// A keyword spotter that fails is one recorded fault, and the robot goes on
// hearing: the microphone is still read, so it is never lost and no carer
// is told the robot cannot hear. Without the wiring's fault handler the
// spotter's first failure ended the voice stage, and with it everything
// the microphone feeds.
func TestBrokenSpotterIsAFaultNotDeafness(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runLive(t, Live{
			Mic: func() (voice.AudioSource, func(), error) { return steadyMic{}, func() {}, nil },
			Voice: func(bool) (VoiceStage, func(), error) {
				o := voice.DefaultOpts()
				o.Keywords = brokenSpotter{}
				an, err := voice.NewAnalyzer(o)
				return an, func() {}, err
			},
		}, 3*time.Minute)
		if len(r.faults) != 1 || r.faults[0].Component != "audio" || !strings.Contains(r.faults[0].Message, "decoder gone") {
			t.Errorf("faults %+v, want one: audio, the spotter's failure", r.faults)
		}
		if len(r.alerts) != 0 {
			t.Errorf("alerts %+v, want none: the microphone was heard throughout", r.alerts)
		}
	})
}

// flakyVideo is a recording of n frames, 40 ms apart, whose frames bad
// names cannot be decoded (the frame is read and lost, as a video's is).
type flakyVideo struct {
	n, seq int
	bad    func(seq int) bool
	gray   *image.Gray // each frame's picture (nil: none)
}

func (v *flakyVideo) Next(ctx context.Context) (perception.Frame, error) {
	if v.seq >= v.n {
		return perception.Frame{}, io.EOF
	}
	v.seq++
	if v.bad(v.seq) {
		return perception.Frame{}, fmt.Errorf("camera: video frame %d: frame pixels: bad", v.seq)
	}
	return perception.Frame{At: time.Duration(v.seq) * 40 * time.Millisecond, Seq: v.seq, Gray: v.gray}, nil
}

// countingFaces is the face stage's contract (face.Pipeline.Run): it ends
// with the source's error, nil at the end, and counts the frames it saw.
type countingFaces struct{ frames *int }

func (s countingFaces) Run(ctx context.Context, src face.FrameSource, _ func([]perception.FaceObs), _ chan<- perception.Event) error {
	for {
		_, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("face: frame source: %w", err)
		}
		*s.frames++
	}
}

// A frame that cannot be decoded is skipped, one fault for each run of
// them, and the face stage watches on; a source failing frame after frame
// is broken, not one frame bad, and ends the stage after a second's worth.
// Before, the first bad frame ended the face stage: no faces, no movement,
// for the rest of the recording.
func TestBadFrameIsAFaultNotBlindness(t *testing.T) {
	for _, tc := range []struct {
		name       string
		bad        func(seq int) bool
		wantFrames int
		wantFaults int
	}{
		{"one bad frame", func(seq int) bool { return seq == 10 }, 99, 1},
		{"two runs of bad frames", func(seq int) bool { return seq == 10 || seq >= 50 && seq < 53 }, 96, 2},
		{"every frame from the 10th bad", func(seq int) bool { return seq >= 10 }, 9, 2}, // the run of failures, then the end
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				frames := 0
				r := runLive(t, Live{
					VideoFile: &flakyVideo{n: 100, bad: tc.bad},
					Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
						return countingFaces{frames: &frames}, func() {}, nil
					},
				}, time.Minute)
				time.Sleep(time.Minute) // the recording ended the run: let runLive's timer go
				if frames != tc.wantFrames {
					t.Errorf("the face stage saw %d frames, want %d", frames, tc.wantFrames)
				}
				if len(r.faults) != tc.wantFaults {
					t.Errorf("faults %+v, want %d", r.faults, tc.wantFaults)
				}
				for _, f := range r.faults {
					if f.Component != "video" || !strings.Contains(f.Message, "frame pixels: bad") {
						t.Errorf("fault %+v, want the video's bad frame", f)
					}
				}
			})
		})
	}
}

// deadDetector fails on every frame, as a face model whose forward pass
// has gone wrong would.
type deadDetector struct{}

func (deadDetector) Detect(*image.Gray) ([]face.Detection, error) {
	return nil, errors.New("forward failed")
}

func (deadDetector) Landmarks(*image.Gray, image.Rectangle) ([68]perception.Point, error) {
	return [68]perception.Point{}, errors.New("no face")
}

// A face detector that fails on every frame is one recorded fault: the
// face stage drops the frame's detections and goes on, as it did, but the
// blindness is no longer silent. Without the wiring the run recorded
// nothing.
func TestDeadFaceDetectorIsAFault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gray := image.NewGray(image.Rect(0, 0, 64, 48))
		video := &flakyVideo{n: 3 * 60 * 25, bad: func(int) bool { return false }, gray: gray}
		r := runLive(t, Live{
			VideoFile: video,
			Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
				p, err := face.NewPipeline(deadDetector{}, deadDetector{}, nil, face.DefaultOpts())
				return p, func() {}, err
			},
		}, 4*time.Minute)
		time.Sleep(4 * time.Minute) // the recording ended the run: let runLive's timer go
		if len(r.faults) != 1 || r.faults[0].Component != "face" || !strings.Contains(r.faults[0].Message, "face: detector: forward failed") {
			t.Errorf("faults %+v, want one: face, the detector's failure", r.faults)
		}
	})
}

// Parts.SenseStall sets how long a silent camera waits to be lost: a 20 s
// hang is a fault under the default 10 s, none under 30 s, and under 5 s the
// fault says 5 s. Out of range, New refuses it.
func TestSenseStallIsConfigured(t *testing.T) {
	for _, tc := range []struct {
		stall time.Duration
		fault string // "": none
	}{
		{0, "no frame for 10s"},
		{30 * time.Second, ""},
		{5 * time.Second, "no frame for 5s"},
	} {
		t.Run(tc.stall.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cam := &hangingCamera{stall: 10 * time.Second, resume: 30 * time.Second}
				r := runLiveStall(t, Live{
					Camera: func(chan<- perception.Event) (face.FrameSource, func(), error) { return cam, func() {}, nil },
					Faces: func(func(int) *face.Baseline) (FaceStage, func(), error) {
						return readingFaces{}, func() {}, nil
					},
				}, time.Minute, func(*Companion) {}, tc.stall)
				var got []string
				for _, f := range r.faults {
					got = append(got, f.Message)
				}
				if (tc.fault == "" && len(got) != 0) || (tc.fault != "" && (len(got) != 1 || got[0] != tc.fault)) {
					t.Errorf("faults %q, want %q", got, tc.fault)
				}
			})
		})
	}
	for _, bad := range []time.Duration{-time.Second, 500 * time.Millisecond, 11 * time.Minute} {
		if _, err := New(Parts{Clock: sessiontime.RealTime(), Fuser: &fakeFuser{}, Engine: &fakeEngine{}, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}, SenseStall: bad}); err == nil {
			t.Errorf("sense stall %v: no error", bad)
		}
	}
}
