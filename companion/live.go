package companion

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/posture"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/sessiontime"
)

// FaceStage finds faces in frames (face.Pipeline): out gets the faces of
// each frame, attended first, on the goroutine that called Next.
type FaceStage interface {
	Run(ctx context.Context, src face.FrameSource, out func([]perception.FaceObs), events chan<- perception.Event) error
}

// VoiceStage analyses audio hops (voice.Analyzer).
type VoiceStage interface {
	Run(ctx context.Context, src voice.AudioSource, out func(perception.VoiceObs), events chan<- perception.Event) error
}

// Live is what a live run watches and listens to, opened by the caller
// (cmd/kindred holds the camera, microphone and face libraries). A file
// and a device of the same modality are not both given; nil means none.
type Live struct {
	// VideoFile is a recording's frames, played on the session clock;
	// CloseVideo (may be nil) is called when it has played.
	VideoFile  face.FrameSource
	CloseVideo func()
	// Camera opens the camera (again after the person opts back in); its
	// events are the device's own (lost, back).
	Camera func(events chan<- perception.Event) (src face.FrameSource, close func(), err error)
	// AudioFile is a recording's audio, already paced on the session clock.
	AudioFile voice.AudioSource
	// Mic opens the microphone (again after the person opts back in).
	Mic func() (src voice.AudioSource, close func(), err error)
	// Faces builds the face stage, scoring each face against the calibrated
	// face baseline gives for its track (nil: learn one per face).
	Faces func(baseline func(track int) *face.Baseline) (stage FaceStage, close func(), err error)
	// Voice builds the voice stage; live is true for a microphone.
	Voice func(live bool) (stage VoiceStage, close func(), err error)
	// For stops the run after this much session time (0: when the files
	// end, or at Ctrl-C), as a scenario's scenario.PlayOpts.For does.
	For time.Duration
}

// StartLive returns a start function that feeds the companion from the
// live sources. Each modality runs on its own: a camera that is missing or
// lost leaves voice running, and the other way round. Files are played at
// the session's speed; when every file has ended and no device is open
// the run stops, and so it does at in.For of session time.
func (c *Companion) StartLive(in Live) func(ctx context.Context) error {
	// A file is played: fusion takes every observation of it, in order
	// (timeline.go). The video's lane joins first, for a fixed order.
	var videoLane, audioLane *lane
	if in.VideoFile != nil {
		videoLane = c.playedLane()
		c.faceLane, c.postureLane = videoLane, videoLane
	}
	if in.AudioFile != nil {
		audioLane = c.playedLane()
		c.voiceLane = audioLane
	}
	return func(ctx context.Context) error {
		events := make(chan perception.Event, 32)
		g, ctx := errgroup.WithContext(ctx)
		// A live device that delivers nothing is watched (senses.go): a
		// fault, and a carer told if it lasts. Files end; they are not lost.
		watches := map[perception.Modality]*senseWatch{}
		if in.Camera != nil && in.VideoFile == nil {
			watches[perception.ModFace] = newSenseWatch(c, perception.ModFace)
		}
		if in.Mic != nil && in.AudioFile == nil {
			watches[perception.ModVoice] = newSenseWatch(c, perception.ModVoice)
		}
		for _, w := range watches {
			g.Go(func() error { return w.run(ctx) })
		}
		g.Go(func() error {
			for {
				select {
				case <-ctx.Done():
					return nil
				case e := <-events:
					if w := watches[e.Modality]; w != nil && e.Kind == perception.EventModalityLost {
						w.deviceLost(e.Text)
					}
					c.Event(e) // a file's stage sends its own in step (inStep)
				}
			}
		})
		gate := newSensorGate()
		c.onSensors = append(c.onSensors, gate.set)
		if in.For > 0 {
			g.Go(func() error {
				// The session clock follows the media (a file plays from
				// when its models are loaded): wait until it reads in.For.
				for left := in.For - c.Now(); left > 0; left = in.For - c.Now() {
					if c.clock.scale.Sleep(ctx, left) != nil {
						return nil
					}
				}
				c.Stop()
				return nil
			})
		}

		var files sync.WaitGroup
		switch {
		case in.VideoFile != nil:
			files.Add(1)
			g.Go(func() error {
				defer files.Done()
				defer videoLane.end()
				if in.CloseVideo != nil {
					defer in.CloseVideo()
				}
				return c.watchVideo(ctx, in, paced(in.VideoFile, c.clock.scale), events)
			})
		case in.Camera != nil:
			g.Go(func() error {
				// The camera is closed while the person has opted out.
				return gate.whileOn(ctx, func(ctx context.Context) error {
					cam, closeCam, err := in.Camera(events)
					if err != nil {
						watches[perception.ModFace].deviceLost(err.Error())
						return nil // voice and posture go on; a later opt-in tries again
					}
					defer closeCam()
					return c.watchVideo(ctx, in, watchedFrames{src: cam, w: watches[perception.ModFace]}, events)
				})
			})
		}
		switch {
		case in.AudioFile != nil:
			files.Add(1)
			g.Go(func() error {
				defer files.Done()
				defer audioLane.end()
				return c.listen(ctx, in, in.AudioFile, false, events)
			})
		case in.Mic != nil:
			g.Go(func() error {
				return gate.whileOn(ctx, func(ctx context.Context) error {
					mic, closeMic, err := in.Mic()
					if err != nil {
						watches[perception.ModVoice].deviceLost(err.Error())
						return nil
					}
					defer closeMic()
					return c.listen(ctx, in, watchedAudio{src: mic, w: watches[perception.ModVoice]}, true, events)
				})
			})
		}
		if in.VideoFile != nil || in.AudioFile != nil {
			g.Go(func() error {
				files.Wait()
				if (in.Camera == nil || in.VideoFile != nil) && (in.Mic == nil || in.AudioFile != nil) {
					// Only files: the session ends with them, once fusion has
					// taken all they played and, as after a scenario, the
					// last decisions have had a second to reach the body.
					c.played.handed(ctx)
					c.settleAndStop(ctx)
				}
				return nil
			})
		}
		return g.Wait()
	}
}

// watchVideo runs the face pipeline and movement analysis on frames.
func (c *Companion) watchVideo(ctx context.Context, in Live, src face.FrameSource, events chan<- perception.Event) error {
	pipe, closeFace, err := in.Faces(c.faceBaselineFor)
	if err != nil {
		c.noteFault("face", err)
		return nil
	}
	defer closeFace()
	if c.ids != nil {
		defer c.ids.pipelineEnded() // its tracks end with it
	}
	if lf, ok := pipe.(leafFaults); ok {
		// A detector failing frame after frame is a robot gone blind.
		lf.OnLeafFault(func(err error) { c.noteFault("face", err) })
	}
	attend, err := NewAttention()
	if err != nil {
		return err
	}
	// One frame that cannot be decoded is a fault, not the end of sight.
	tee := &lastFrame{src: &skippingFrames{src: src, fault: func(err error) { c.noteFault("video", err) }}}
	// A file's faces tracked and lost go with the frame's faces (inStep).
	stageEvents, take := c.inStep(c.faceLane, events)
	err = pipe.Run(ctx, tee, func(faces []perception.FaceObs) {
		take()
		attended, moved := attend.Read(tee.frame, faces)
		if attended != nil {
			c.Face(*attended)
		}
		c.Posture(moved)
	}, stageEvents)
	take()
	if err != nil && ctx.Err() == nil {
		c.noteFault("video", err)
	}
	return nil
}

// inStep carries a played source's stage events (a face tracked or lost,
// a word spotted) to fusion in order with its observations: a stage sends
// them on its own goroutine before the observations they go with
// (face.Pipeline.Run, voice.Analyzer.Run), and take, called on that
// goroutine before each observation, puts them on the lane first. Sent to
// events, the goroutine that takes every stage's events might put them
// on the lane after the next observations. A stage sends few a step (a
// frame has at most two per face tracked, face.Opts.MaxFaces 4). With no
// lane (a live device) the stage sends to events and take does nothing.
func (c *Companion) inStep(l *lane, events chan<- perception.Event) (chan<- perception.Event, func()) {
	if l == nil {
		return events, func() {}
	}
	ch := make(chan perception.Event, 64)
	return ch, func() {
		for {
			select {
			case e := <-ch:
				c.event(e, l)
			default:
				return
			}
		}
	}
}

// Attention reads one frame's faces as the companion attends to them: the
// first face (the face pipeline puts the largest first) is the person in
// front of the robot, and movement is measured on the frame anchored on
// that face. The live run and `kindred analyze` both read frames through
// it, one paced by the session clock and one as fast as the file decodes.
type Attention struct {
	moves *posture.Analyzer
}

// NewAttention starts a recording's or a run's movement analysis.
func NewAttention() (*Attention, error) {
	moves, err := posture.New(posture.DefaultOpts())
	if err != nil {
		return nil, err
	}
	return &Attention{moves: moves}, nil
}

// Read returns the attended face among faces (nil when there is none; it
// points into faces) and the movement on f anchored on it.
func (a *Attention) Read(f perception.Frame, faces []perception.FaceObs) (*perception.FaceObs, perception.PostureObs) {
	var attended *perception.FaceObs
	if len(faces) > 0 {
		attended = &faces[0]
	}
	return attended, a.moves.Update(f, attended)
}

// leafFaults is a face stage that can report its detector's failures,
// which it otherwise drops with the frame's detections (face.Pipeline).
type leafFaults interface{ OnLeafFault(func(error)) }

// keywordFaults is a voice stage that can report a keyword spotter's
// failure and listen on (voice.Analyzer).
type keywordFaults interface{ OnKeywordFault(func(error)) }

// listen runs voice analysis (and keyword spotting, when the stage has it)
// on an audio source.
func (c *Companion) listen(ctx context.Context, in Live, src voice.AudioSource, live bool, events chan<- perception.Event) error {
	an, closeVoice, err := in.Voice(live)
	if err != nil {
		return err
	}
	defer closeVoice()
	src = teeAudio{src: src, desk: c.answers} // the answers to questions are heard in the same audio
	if kf, ok := an.(keywordFaults); ok {
		// One failed chunk or call for help is a fault, not the end of hearing.
		kf.OnKeywordFault(func(err error) { c.noteFault("audio", err) })
	}
	// A file's words spotted go with its voice hops (inStep).
	var played *lane
	if !live {
		played = c.voiceLane
	}
	stageEvents, take := c.inStep(played, events)
	err = an.Run(ctx, src, func(o perception.VoiceObs) { take(); c.Voice(o) }, stageEvents)
	take()
	if err != nil && ctx.Err() == nil {
		c.noteFault("audio", err)
	}
	return nil
}

// lastFrame remembers the frame the pipeline is working on, so movement
// analysis sees the same frame as the face it is anchored to. Pipeline.Run
// calls Next and then out on one goroutine.
type lastFrame struct {
	src   face.FrameSource
	frame perception.Frame
}

func (l *lastFrame) Next(ctx context.Context) (perception.Frame, error) {
	f, err := l.src.Next(ctx)
	l.frame = f
	return f, err
}

// maxBadFrames is how many frames in a row may fail before the source is
// taken as broken rather than a frame as bad: a second of video at 30 fps.
const maxBadFrames = 30

// skippingFrames skips a frame its source fails on (one that cannot be
// decoded, say): fault hears the first of each run of failures, and the
// next frame is read. A run longer than maxBadFrames is returned as the
// source's error. The end of a file and a context done are passed on.
type skippingFrames struct {
	src   face.FrameSource
	fault func(error)
	bad   int // frames failed in a row
}

func (s *skippingFrames) Next(ctx context.Context) (perception.Frame, error) {
	for {
		f, err := s.src.Next(ctx)
		switch {
		case err == nil:
			s.bad = 0
			return f, nil
		case errors.Is(err, io.EOF) || ctx.Err() != nil:
			return f, err
		}
		s.bad++
		if s.bad > maxBadFrames {
			return f, fmt.Errorf("%d frames in a row failed: %w", s.bad, err)
		}
		if s.bad == 1 {
			s.fault(fmt.Errorf("%w (the frame is skipped; watching goes on)", err))
		}
	}
}

// pacedVideo releases a file's frames at their media time on the session
// clock, as a camera would deliver them.
type pacedVideo struct {
	src   face.FrameSource
	clock *sessiontime.Clock
	start time.Time
}

func paced(src face.FrameSource, clock *sessiontime.Clock) *pacedVideo {
	return &pacedVideo{src: src, clock: clock}
}

func (p *pacedVideo) Next(ctx context.Context) (perception.Frame, error) {
	f, err := p.src.Next(ctx)
	if err != nil {
		return f, err
	}
	if p.start.IsZero() {
		p.start = time.Now()
	}
	if err := sessiontime.WaitUntil(ctx, p.clock.WallAt(p.start, f.At)); err != nil {
		return f, err
	}
	f.Wall = time.Now()
	return f, nil
}

// sensorGate closes the camera and microphone while the person has opted
// out and reopens them when they opt back in.
type sensorGate struct {
	mu      sync.Mutex
	on      bool
	changed chan struct{}
}

func newSensorGate() *sensorGate { return &sensorGate{on: true, changed: make(chan struct{})} }

func (s *sensorGate) set(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on == on {
		return
	}
	s.on = on
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *sensorGate) state() (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.on, s.changed
}

// whileOn runs use while the gate is on, cancelling it when the gate turns
// off and starting it again when it turns back on, until ctx ends.
func (s *sensorGate) whileOn(ctx context.Context, use func(ctx context.Context) error) error {
	for {
		on, changed := s.state()
		if !on {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return nil
			}
		}
		uctx, cancel := context.WithCancel(ctx)
		finished := make(chan error, 1)
		go func() { finished <- use(uctx) }()
		select {
		case <-changed:
			cancel()
			if err := <-finished; err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
		case err := <-finished:
			cancel()
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
				return err
			}
			// The device gave up by itself (reported as a fault); wait for
			// the next change rather than spin.
			select {
			case <-changed:
			case <-ctx.Done():
				return nil
			}
		case <-ctx.Done():
			cancel()
			<-finished
			return nil
		}
	}
}
