package companion

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// AnswerRecogniser hears a spoken answer to one of the robot's questions
// (sphinx.Recogniser): Listen starts an answer to a question of kind k,
// Feed adds 16 kHz mono samples in -1..1, End closes the answer and says
// what was understood (Reply.Clear false when nothing was).
type AnswerRecogniser interface {
	Listen(k selfreport.Kind) error
	Feed(samples []float32) error
	End() (selfreport.Reply, error)
}

// ErrNoRecogniser is what an AnswerRecogniser's Listen says when there is
// none to listen with (its model is not installed): the question lapses
// unanswered, as with no recogniser at all, and it is no fault.
var ErrNoRecogniser = errors.New("no answer recogniser")

// Listening modes of the answer desk, read by the audio source without a
// lock.
const (
	listenNone int32 = iota
	listenVoice
)

// Answer windows in session time.
const (
	// openFallback opens the window this long after the question was
	// decided when the voice stage never says it was spoken (no speaker
	// report: muted, skipped, a fake).
	openFallback = 6 * time.Second
	// faceFresh is how recently a face must have been seen when an answer
	// is taken for the person to count as in view (Answered.Face), so that
	// a nod could be read. Face observations come at the camera's rate (30
	// a second); a gap this long is the face gone, not a missed frame.
	faceFresh = 2 * time.Second
	// headLead is how much of the head's poses before a question the desk
	// keeps, for a reader that must know whether the head was still before
	// the question was put (Listen.FromStill): the stillness a nod needs
	// before it (mimicry.AnswerSettle), and a second more.
	headLead = mimicry.AnswerSettle + time.Second
	// headKept bounds the poses kept, at any frame rate (headLead at 60 a
	// second).
	headKept = 180
)

// deskMsg is a question to listen for, or the report that an utterance
// was said.
type deskMsg struct {
	listen *behavior.Listen
	said   behavior.IntentKind
}

type headObs struct {
	at    time.Duration
	track int
	pose  perception.HeadPose
}

// answerDesk listens for the answers to the engine's questions. One
// goroutine (run) owns the recogniser, the head-gesture reader and the
// window; the sources hand it audio without blocking, only while it
// listens by voice, and head poses without blocking, always: a question
// whose nodded yes must come from a still head is read with the poses
// from before it.
type answerDesk struct {
	c    *Companion
	rec  AnswerRecogniser // nil: no voice answers (the engine lets them lapse)
	mode atomic.Int32
	// lastFace is the session time of the newest face observation, plus
	// one (0: none yet); written by the face source, read by run.
	lastFace atomic.Int64
	// inbox carries the engine's questions and the voice's reports of
	// what it said, in one queue: a question is always queued before the
	// report that it was said.
	inbox    chan deskMsg
	audio    chan []float32
	heads    chan headObs
	recorded chan []scenario.Answer // a scenario's recorded answers, set once before it plays
}

func newAnswerDesk(c *Companion, rec AnswerRecogniser) *answerDesk {
	return &answerDesk{c: c, rec: rec, inbox: make(chan deskMsg, 32),
		audio: make(chan []float32, 128), heads: make(chan headObs, 64), recorded: make(chan []scenario.Answer, 1)}
}

// listen is the engine's request; it never blocks the router for long.
func (d *answerDesk) listen(ctx context.Context, l behavior.Listen) {
	select {
	case d.inbox <- deskMsg{listen: &l}:
	case <-ctx.Done():
	}
}

// said tells the desk an utterance of kind k has been spoken (or skipped).
func (d *answerDesk) said(k behavior.IntentKind) {
	select {
	case d.inbox <- deskMsg{said: k}:
	default: // the desk is behind; the fallback opens the window
	}
}

// hear takes microphone samples while the desk listens by voice; it copies
// them, and drops them rather than hold up the voice stage.
func (d *answerDesk) hear(samples []float32) {
	if d.mode.Load() != listenVoice || len(samples) == 0 {
		return
	}
	select {
	case d.audio <- append([]float32(nil), samples...):
	default:
	}
}

// see notes that the attended face is in view, and takes its head pose
// when it was measured on this frame.
func (d *answerDesk) see(o perception.FaceObs) {
	d.lastFace.Store(int64(o.At) + 1)
	if o.Carried {
		return // an earlier frame's pose (face.Opts.MeshRate): no movement to read
	}
	select {
	case d.heads <- headObs{at: o.At, track: o.Track, pose: o.Pose}:
	default:
	}
}

// faceSeen says whether a face was seen within faceFresh of session time
// at: the person answered in view, and a nod could be read.
func (d *answerDesk) faceSeen(at time.Duration) bool {
	last := d.lastFace.Load()
	return last != 0 && at-time.Duration(last-1) <= faceFresh
}

// window is one open question.
type window struct {
	l       behavior.Listen
	open    bool
	started bool // the recogniser is listening
	end     selfreport.AnswerEnd
}

// run serves the engine's questions until ctx ends.
func (d *answerDesk) run(ctx context.Context) error {
	clock := d.c.clock.scale
	var (
		w        *window
		heads    mimicry.HeadAnswers
		recent   []headObs // the head's poses of the last headLead
		recorded []scenario.Answer
		timer    *time.Timer
		timeout  <-chan time.Time
	)
	stopTimer := func() {
		if timer != nil {
			timer.Stop()
		}
		timer, timeout = nil, nil
	}
	after := func(dur time.Duration) {
		stopTimer()
		timer = clock.NewTimer(dur)
		timeout = timer.C
	}
	defer stopTimer()
	select {
	case recorded = <-d.recorded: // PlayScenario runs before Run
	default:
	}
	abandon := func() {
		d.mode.Store(listenNone)
		if w != nil && w.started {
			_, _ = d.rec.End() // superseded by a newer question
		}
		w = nil
		stopTimer()
	}
	// deliver hands the engine the answer given at session time at (its
	// end: recognising it takes a moment more).
	deliver := func(at time.Duration, rep selfreport.Reply, err error) {
		l := w.l
		d.mode.Store(listenNone)
		w = nil
		stopTimer()
		// A recorded answer ends after now: the face is judged as it is now.
		a := behavior.Answered{At: at, Question: l.Question, By: l.By, Reply: rep,
			Face: d.faceSeen(min(at, d.c.clock.Now()))}
		if err != nil {
			a.Err = err.Error()
			d.c.noteFault("answers", err)
		}
		d.c.sendInput(behavior.AnswerInput(a))
	}
	none := func() selfreport.Reply {
		return selfreport.Reply{Kind: w.l.Kind, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}
	}
	finish := func() {
		at := d.c.clock.Now()
		if w.l.By == behavior.ByNod || !w.started {
			deliver(at, none(), nil)
			return
		}
		rep, err := d.rec.End()
		w.started = false
		deliver(at, rep, err)
	}
	open := func() {
		w.open = true
		if w.l.By == behavior.ByNod {
			if w.l.FromStill {
				// The reader has had the poses from before the question
				// and while it was said: only a nod from a still head
				// that begins from now on is a yes.
				heads.Asked(d.c.clock.Now())
			} else {
				heads.Reset()
			}
			after(w.l.Window)
			return
		}
		if a, ok := takeRecorded(&recorded, w.l.Question); ok {
			// Played from the window's start: the answer ends its length later.
			at := d.c.clock.Now()
			rep, length, err := d.playRecorded(a, w.l.Kind)
			deliver(at+length, rep, err)
			return
		}
		if d.rec == nil {
			// Nobody can hear an answer: the engine's wait lets the
			// question lapse, and it is recorded as unanswered.
			w = nil
			stopTimer()
			return
		}
		if err := d.rec.Listen(w.l.Kind); errors.Is(err, ErrNoRecogniser) {
			w = nil
			stopTimer()
			return
		} else if err != nil {
			deliver(d.c.clock.Now(), none(), fmt.Errorf("listening for the %s answer: %w", w.l.Question, err))
			return
		}
		w.started = true
		d.mode.Store(listenVoice)
		after(w.l.Window)
	}
	for {
		select {
		case <-ctx.Done():
			abandon()
			return nil
		case r := <-d.recorded:
			recorded = r
		case m := <-d.inbox:
			switch {
			case m.listen != nil:
				abandon()
				w = &window{l: *m.listen}
				after(openFallback)
				if w.l.By == behavior.ByNod && w.l.FromStill {
					heads.Reset()
					for _, h := range recent {
						heads.Observe(h.at, h.track, h.pose) // before the question: no answer
					}
				}
			case w != nil && !w.open && m.said == w.l.Intent:
				open()
			}
		case <-timeout:
			switch {
			case w == nil:
			case !w.open:
				open()
			default:
				finish()
			}
		case s := <-d.audio:
			if w == nil || !w.started {
				continue
			}
			if err := d.rec.Feed(s); err != nil {
				w.started = false
				deliver(d.c.clock.Now(), none(), fmt.Errorf("hearing the %s answer: %w", w.l.Question, err))
				continue
			}
			if w.end.Over(s) {
				finish()
			}
		case h := <-d.heads:
			recent = keepRecent(recent, h)
			if w == nil || w.l.By != behavior.ByNod {
				continue
			}
			if !w.open {
				if w.l.FromStill {
					heads.Observe(h.at, h.track, h.pose) // while the question is said: no answer
				}
				continue
			}
			if ans := heads.Observe(h.at, h.track, h.pose); ans != selfreport.NoAnswer {
				gesture := map[selfreport.Answer]string{selfreport.Yes: "nod", selfreport.No: "head-shake"}[ans]
				deliver(h.at, selfreport.Reply{Kind: w.l.Kind, Heard: gesture, Rating: selfreport.NoRating, Answer: ans, Confidence: 1}, nil)
			}
		}
	}
}

// keepRecent adds h to the poses kept and forgets those more than
// headLead older than it, and the oldest past headKept.
func keepRecent(recent []headObs, h headObs) []headObs {
	recent = append(recent, h)
	drop := 0
	for drop < len(recent) && (recent[drop].at < h.at-headLead || len(recent)-drop > headKept) {
		drop++
	}
	if drop > 0 {
		recent = append(recent[:0], recent[drop:]...)
	}
	return recent
}

// takeRecorded takes the first recorded answer meant for question q.
func takeRecorded(list *[]scenario.Answer, q behavior.Question) (scenario.Answer, bool) {
	for i, a := range *list {
		if a.Question == string(q) || a.Question == "any" {
			*list = append((*list)[:i:i], (*list)[i+1:]...)
			return a, true
		}
	}
	return scenario.Answer{}, false
}

// playRecorded decodes a scenario's recorded answer and hears it; it
// returns the reply and how long the recording lasts.
func (d *answerDesk) playRecorded(a scenario.Answer, k selfreport.Kind) (selfreport.Reply, time.Duration, error) {
	none := selfreport.Reply{Kind: k, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}
	if d.rec == nil {
		return none, 0, fmt.Errorf("recorded answer %s: no answer recogniser", a.Audio)
	}
	f, err := a.Open() // a built-in scenario's answers are in the binary
	if err != nil {
		return none, 0, fmt.Errorf("recorded answer: %w", err)
	}
	au, err := wav.DefaultOpts().DecodeMono16k(f)
	f.Close()
	if err != nil {
		return none, 0, fmt.Errorf("recorded answer %s: %w", a.Audio, err)
	}
	length := time.Duration(float64(len(au.Samples)) / 16000 * float64(time.Second))
	if err := d.rec.Listen(k); err != nil {
		return none, length, err
	}
	if err := d.rec.Feed(au.Samples); err != nil {
		_, _ = d.rec.End()
		return none, length, err
	}
	rep, err := d.rec.End()
	return rep, length, err
}

// teeAudio hands what the voice stage reads to the answer desk too.
type teeAudio struct {
	src  voice.AudioSource
	desk *answerDesk
}

func (t teeAudio) Read(ctx context.Context, buf []float32) (int, error) {
	n, err := t.src.Read(ctx, buf)
	if n > 0 {
		t.desk.hear(buf[:n])
	}
	return n, err
}
