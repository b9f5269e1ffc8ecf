package voices

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// Opts configure a Speaker.
type Opts struct {
	Persona Persona
	Bank    *Bank  // phrase banks; nil for the built-in ones
	Seed    uint64 // phrase choice; the same seed gives the same phrases
	Mouth   MouthOpts
	Turns   TurnOpts
	// Tick is how often the mouth follows the playback position.
	Tick time.Duration
	// Lead sends mouth targets this much ahead of the sound, to make up for
	// servo lag on a real body; 0 on the simulator.
	Lead time.Duration
	// MaxHold is how long (observation time) an utterance may wait for the
	// person to finish talking before it is dropped as stale.
	MaxHold time.Duration
	// EchoGateDB, when not zero, is the mic intensity (dB, as in
	// perception.VoiceObs.IntensityDB) that voicing must reach to count as
	// the person barging in while the robot itself is speaking: the robot's
	// own voice reaches the microphone too. Set it from calibration (the
	// level of the robot's voice at the mic plus a margin), or leave it 0
	// when the microphone is echo-cancelled (PulseAudio module-echo-cancel).
	EchoGateDB float64
	// Warn receives a problem that does not stop the run (no audio output:
	// the Speaker goes on silently), once per kind of problem. May be nil.
	Warn func(error)
}

// DefaultOpts: the built-in "companion" persona, 50 Hz mouth updates.
func DefaultOpts() Opts {
	p, err := DefaultPersona("en")
	if err != nil {
		// The built-in personas are embedded and tested; failing here means
		// the binary itself is broken.
		panic(err)
	}
	return Opts{
		Persona: p,
		Mouth:   DefaultMouthOpts(),
		Turns:   DefaultTurnOpts(),
		Tick:    20 * time.Millisecond,
		MaxHold: 8 * time.Second,
	}
}

// Validate checks the options.
func (o Opts) Validate() error {
	if err := o.Persona.Validate(); err != nil {
		return fmt.Errorf("voices: %w", err)
	}
	if o.Tick <= 0 || o.Tick > time.Second {
		return fmt.Errorf("voices: tick %v outside (0, 1s]", o.Tick)
	}
	if o.Lead < 0 || o.Lead > time.Second {
		return fmt.Errorf("voices: lead %v outside [0, 1s]", o.Lead)
	}
	if o.Turns.Onset < 0 || o.Turns.Release <= 0 {
		return fmt.Errorf("voices: turn onset %v and release %v must be positive", o.Turns.Onset, o.Turns.Release)
	}
	return nil
}

// Spoken reports one utterance for the journal and the console.
type Spoken struct {
	At          time.Duration // session time of the intent that asked for it
	Intent      behavior.IntentKind
	Text        string
	Lang        string
	Tone        behavior.Tone
	Person      string
	Source      behavior.Source // a supervisor's route that had it said; empty for the robot's own choice
	Duration    time.Duration   // how much of it was played
	Interrupted bool            // cut short: the person spoke, or behaviour asked for stillness
	Skipped     bool            // never started: superseded, stale, or nothing speakable
	Silent      bool            // played with no audio output (mouth only)
	// Failed says why this utterance could not be spoken (synthesis or
	// playback failed); it is also Skipped. The speaker goes on with the
	// next one: one bad line never ends the run.
	Failed string
}

// Speaker is the voice stage: it turns intents into speech, moves the mouth
// with it and yields the turn when the person speaks.
type Speaker struct {
	synth Synthesizer
	out   Player
	o     Opts
	bank  *Bank

	heard   chan hearing
	dropped atomic.Int64
}

type hearing struct {
	obs perception.VoiceObs
	set *bool // an explicit override instead of an observation
}

// NewSpeaker returns a speaker that synthesises with synth and plays
// through out (SilentPlayer{} when there is no audio output).
func NewSpeaker(synth Synthesizer, out Player, o Opts) (*Speaker, error) {
	if synth == nil || out == nil {
		return nil, errors.New("voices: speaker needs a synthesizer and a player")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	bank := o.Bank
	if bank == nil {
		var err error
		if bank, err = BuiltinBank(); err != nil {
			return nil, err
		}
	}
	return &Speaker{synth: synth, out: out, o: o, bank: bank, heard: make(chan hearing, 256)}, nil
}

// Hear passes one hop of the person's voice to the speaker, from any
// goroutine; it never blocks (a full queue drops the hop and counts it).
func (s *Speaker) Hear(obs perception.VoiceObs) {
	select {
	case s.heard <- hearing{obs: obs}:
	default:
		s.dropped.Add(1)
	}
}

// SetUserSpeaking says directly whether the person is speaking, for wiring
// that already runs its own voice-activity decision.
func (s *Speaker) SetUserSpeaking(speaking bool) {
	select {
	case s.heard <- hearing{set: &speaking}:
	default:
		s.dropped.Add(1)
	}
}

// Dropped is how many voice hops were dropped because Run fell behind.
func (s *Speaker) Dropped() int64 { return s.dropped.Load() }

// Run speaks the intents until ctx ends or intents is closed (after the
// current utterance finishes). It closes mouth and events when it returns.
// Mouth commands are best effort (a full channel drops a stale target);
// events are never dropped. Intent.Say nil means nothing to say;
// IntentStill stops any speech at once. A new utterance waits for the
// current one, and the newest waiting one replaces an older one. Run
// returns nil when ctx ends or intents is closed: an utterance that cannot be
// synthesised or played is reported with Spoken.Failed, never as an error.
func (s *Speaker) Run(ctx context.Context, intents <-chan behavior.Intent, mouth chan<- robot.Command, events chan<- Spoken) error {
	defer close(events)
	defer close(mouth)
	st := &speaking{
		s:      s,
		out:    s.out,
		picker: NewPicker(s.bank, s.o.Seed),
		turns:  NewTurns(s.o.Turns),
		mouth:  mouth,
		events: events,
		warned: map[string]bool{},
	}
	defer st.stopTicker()
	for {
		var tick <-chan time.Time
		var done <-chan struct{}
		if st.cur != nil {
			tick = st.ticker.C
			done = st.cur.playing.Done()
		}
		select {
		case <-ctx.Done():
			if st.cur != nil {
				st.cur.playing.Stop()
			}
			return nil
		case in, ok := <-intents:
			if !ok {
				intents = nil
				if err := st.startPending(ctx); err != nil {
					return err
				}
				if st.cur == nil {
					return st.drain(ctx)
				}
				continue
			}
			if err := st.intent(ctx, in); err != nil {
				return err
			}
		case h := <-s.heard:
			if err := st.hear(ctx, h); err != nil {
				return err
			}
		case <-tick:
			st.follow()
		case <-done:
			if err := st.finish(ctx, false); err != nil {
				return err
			}
			if err := st.startPending(ctx); err != nil {
				return err
			}
			if intents == nil && st.cur == nil {
				return st.drain(ctx)
			}
		}
	}
}

// utterance is one thing to say, from intent to the end of playback.
type utterance struct {
	intent   behavior.Intent
	text     string
	lang     string
	queuedAt time.Duration // observation time when it started waiting
	playing  Playing
	track    MouthTrack
	silent   bool
	moved    bool // a mouth command went out
	last     MouthFrame
}

// speaking is Run's state; only Run's goroutine touches it.
type speaking struct {
	s       *Speaker
	out     Player
	picker  *Picker
	turns   *Turns
	mouth   chan<- robot.Command
	events  chan<- Spoken
	cur     *utterance
	pending *utterance
	ticker  *time.Ticker
	silent  bool
	refused bool // the output refused the last clip it was given
	warned  map[string]bool
}

func (st *speaking) intent(ctx context.Context, in behavior.Intent) error {
	if in.Kind == behavior.IntentStill {
		if st.pending != nil {
			if err := st.skip(ctx, st.pending); err != nil {
				return err
			}
			st.pending = nil
		}
		if st.cur != nil {
			st.cur.playing.Stop()
			return st.finish(ctx, true)
		}
		return nil
	}
	if in.Say == nil {
		return nil
	}
	u := &utterance{intent: in, lang: in.Say.Lang, text: in.Say.Text, queuedAt: st.turns.LastObserved()}
	if u.lang == "" {
		u.lang = st.s.o.Persona.Language
	}
	if u.text == "" {
		text, err := st.picker.Pick(u.lang, in.Kind, in.Person)
		if err != nil {
			st.warn("phrase", err)
			return st.skip(ctx, u)
		}
		u.text = text
	}
	if st.cur != nil || st.turns.Speaking() {
		if st.pending != nil {
			if err := st.skip(ctx, st.pending); err != nil {
				return err
			}
		}
		st.pending = u
		return nil
	}
	return st.start(ctx, u)
}

func (st *speaking) hear(ctx context.Context, h hearing) error {
	if h.set != nil {
		st.turns.Set(*h.set)
	} else {
		obs := h.obs
		if gate := st.s.o.EchoGateDB; gate != 0 && st.cur != nil && obs.Voiced && obs.IntensityDB < gate {
			obs.Voiced = false // quieter than the robot's own voice at the mic: echo
		}
		st.turns.Observe(obs)
	}
	if st.turns.Speaking() {
		if st.cur != nil {
			// Barge-in: the person has the turn.
			st.cur.playing.Stop()
			return st.finish(ctx, true)
		}
		return nil
	}
	if st.cur == nil {
		return st.startPending(ctx)
	}
	return nil
}

func (st *speaking) startPending(ctx context.Context) error {
	u := st.pending
	if u == nil || st.cur != nil || st.turns.Speaking() {
		return nil
	}
	st.pending = nil
	if hold := st.s.o.MaxHold; hold > 0 && st.turns.LastObserved()-u.queuedAt > hold {
		return st.skip(ctx, u)
	}
	return st.start(ctx, u)
}

func (st *speaking) start(ctx context.Context, u *utterance) error {
	v, err := NewVoice(st.s.o.Persona, u.lang, u.intent.Tone)
	if err != nil {
		st.warn("voice", err)
		return st.skip(ctx, u)
	}
	u.lang = v.Lang.Code
	audio, err := Render(ctx, st.s.synth, u.text, v)
	if errors.Is(err, ErrNothingToSay) {
		return st.skip(ctx, u)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return st.fail(ctx, u, fmt.Errorf("voices: saying %q: %w", u.text, err))
	}
	u.track = NewMouthTrack(audio, st.s.o.Mouth, v.Prosody.Smile)
	u.silent = st.silent
	if !st.silent {
		p, err := st.out.Play(ctx, audio)
		switch {
		case err == nil:
			u.playing = p
			st.refused = false
		case errors.Is(err, ErrNoAudioOutput):
			// No sound, but the run goes on: the mouth still moves in
			// time and the journal still records what was said.
			st.warn("playback", fmt.Errorf("voices: playback failed, speaking silently from now on: %w", err))
			st.silent, u.silent = true, true
			st.out = SilentPlayer{}
		default:
			// The output refused this clip, not every clip: it is said
			// silently and the next is tried aloud. One warning for each
			// run of refusals.
			if !st.refused && st.s.o.Warn != nil {
				st.s.o.Warn(fmt.Errorf("voices: playback refused %q, said silently: %w", u.text, err))
			}
			st.refused, u.silent = true, true
		}
	}
	if u.playing == nil {
		if u.playing, err = (SilentPlayer{}).Play(ctx, audio); err != nil {
			return st.fail(ctx, u, fmt.Errorf("voices: silent playback: %w", err))
		}
	}
	st.cur = u
	st.ticker = time.NewTicker(st.s.o.Tick)
	st.follow()
	return nil
}

// follow moves the mouth to where the sound is now.
func (st *speaking) follow() {
	u := st.cur
	f := u.track.At(u.playing.Position() + st.s.o.Lead)
	if u.moved && closeFrames(f, u.last) {
		return
	}
	cmd := robot.Command{Pose: f.Pose(), Source: robot.SourceSpeech}
	if !u.moved {
		// Only the first movement is the reaction to what behaviour saw;
		// later ones follow the sound and would inflate latency figures.
		cmd.Observed = u.intent.Observed
	}
	select {
	case st.mouth <- cmd:
		u.moved, u.last = true, f
	default:
		// A stale mouth target is worthless; the next tick sends a fresh one.
	}
}

func closeFrames(a, b MouthFrame) bool {
	const eps = 0.25 // degrees: below what a hobby servo resolves
	return math.Abs(float64(a.Jaw-b.Jaw)) < eps &&
		math.Abs(float64(a.CornerLeft-b.CornerLeft)) < eps &&
		math.Abs(float64(a.CornerRight-b.CornerRight)) < eps
}

// finish ends the current utterance: mouth to rest, report it.
func (st *speaking) finish(ctx context.Context, interrupted bool) error {
	u := st.cur
	st.cur = nil
	st.stopTicker()
	if u.moved {
		select {
		case st.mouth <- robot.Command{Pose: u.track.Rest.Pose(), Source: robot.SourceSpeech}:
		case <-ctx.Done():
			return nil
		}
	}
	return st.report(ctx, u, Spoken{Duration: u.playing.Position(), Interrupted: interrupted, Silent: u.silent})
}

// fail reports an utterance that could not be spoken, with why, and lets
// the speaker go on.
func (st *speaking) fail(ctx context.Context, u *utterance, err error) error {
	return st.report(ctx, u, Spoken{Skipped: true, Failed: err.Error()})
}

func (st *speaking) skip(ctx context.Context, u *utterance) error {
	return st.report(ctx, u, Spoken{Skipped: true})
}

func (st *speaking) report(ctx context.Context, u *utterance, sp Spoken) error {
	sp.At = u.intent.At
	sp.Intent = u.intent.Kind
	sp.Text = u.text
	sp.Lang = u.lang
	sp.Tone = u.intent.Tone
	if sp.Tone == "" {
		sp.Tone = behavior.ToneNeutral
	}
	sp.Person = u.intent.Person
	sp.Source = u.intent.Source
	select {
	case st.events <- sp:
	case <-ctx.Done():
	}
	return nil
}

// drain runs when intents are closed and nothing is playing: a waiting
// utterance can no longer be heard out, so it is reported as skipped.
func (st *speaking) drain(ctx context.Context) error {
	if st.pending != nil {
		u := st.pending
		st.pending = nil
		return st.skip(ctx, u)
	}
	return nil
}

func (st *speaking) stopTicker() {
	if st.ticker != nil {
		st.ticker.Stop()
		st.ticker = nil
	}
}

func (st *speaking) warn(kind string, err error) {
	if st.warned[kind] || st.s.o.Warn == nil {
		return
	}
	st.warned[kind] = true
	st.s.o.Warn(err)
}
