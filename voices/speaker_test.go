package voices

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// recordingPlayer plays silently in bubble time and records each clip; with
// fail set it refuses like a machine with no sound server, or, with refuse
// set, only the calls refuse marks (by the call's index).
type recordingPlayer struct {
	mu     sync.Mutex
	clips  []Audio
	fail   error
	refuse []bool
	calls  int
}

func (p *recordingPlayer) Play(ctx context.Context, a Audio) (Playing, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	call := p.calls
	p.calls++
	if p.fail != nil && (p.refuse == nil || call < len(p.refuse) && p.refuse[call]) {
		return nil, p.fail
	}
	p.clips = append(p.clips, a)
	return SilentPlayer{}.Play(ctx, a)
}

func (p *recordingPlayer) played() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clips)
}

type timedCommand struct {
	at  time.Duration // since the harness started
	cmd robot.Command
}

// harness runs a Speaker in a synctest bubble and collects its output.
type harness struct {
	t       *testing.T
	sp      *Speaker
	player  *recordingPlayer
	intents chan behavior.Intent
	start   time.Time
	errc    chan error
	cancel  context.CancelFunc

	mu     sync.Mutex
	mouth  []timedCommand
	spoken []Spoken
	done   sync.WaitGroup
}

func newHarness(t *testing.T, player *recordingPlayer, o Opts) *harness {
	sp, err := NewSpeaker(&toneSynth{t: t}, player, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	h := &harness{t: t, sp: sp, player: player, intents: make(chan behavior.Intent), start: time.Now(), errc: make(chan error, 1), cancel: cancel}
	mouth := make(chan robot.Command, 16)
	events := make(chan Spoken)
	go func() { h.errc <- sp.Run(ctx, h.intents, mouth, events) }()
	h.done.Add(2)
	go func() {
		defer h.done.Done()
		for c := range mouth {
			h.mu.Lock()
			h.mouth = append(h.mouth, timedCommand{time.Since(h.start), c})
			h.mu.Unlock()
		}
	}()
	go func() {
		defer h.done.Done()
		for s := range events {
			h.mu.Lock()
			h.spoken = append(h.spoken, s)
			h.mu.Unlock()
		}
	}()
	return h
}

// finish closes the intents, waits for Run and the collectors.
func (h *harness) finish() {
	close(h.intents)
	if err := <-h.errc; err != nil {
		h.t.Errorf("Run: %v", err)
	}
	h.done.Wait()
	h.cancel()
}

func say(kind behavior.IntentKind, text string, tone behavior.Tone) behavior.Intent {
	return behavior.Intent{Kind: kind, Say: &behavior.Utterance{Text: text}, Tone: tone, Person: "Ada"}
}

func TestSpeakerSpeaksAndMovesTheMouth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, &recordingPlayer{}, DefaultOpts())
		observed := time.Unix(1000, 0)
		in := say(behavior.IntentGreet, "", behavior.ToneCheerful)
		in.At, in.Observed = 42*time.Second, observed
		h.intents <- in
		h.intents <- behavior.Intent{Kind: behavior.IntentComfort} // Say nil: nothing to say
		h.finish()

		if len(h.spoken) != 1 {
			t.Fatalf("spoken %+v, want one utterance", h.spoken)
		}
		s := h.spoken[0]
		if s.Interrupted || s.Skipped || s.Silent || s.Intent != behavior.IntentGreet || s.Lang != "en" || s.At != 42*time.Second || s.Tone != behavior.ToneCheerful {
			t.Errorf("spoken %+v", s)
		}
		if !strings.Contains(s.Text, "Ada") {
			t.Errorf("greeting %q does not use the name", s.Text)
		}
		full := h.player.clips[0].Duration()
		if s.Duration != full {
			t.Errorf("spoken for %v, the clip is %v", s.Duration, full)
		}
		if len(h.mouth) < int(full/(100*time.Millisecond)) {
			t.Fatalf("%d mouth commands for %v of speech", len(h.mouth), full)
		}
		if !h.mouth[0].cmd.Observed.Equal(observed) || !h.mouth[1].cmd.Observed.IsZero() {
			t.Error("only the first mouth command should carry the observation time")
		}
		for _, c := range h.mouth {
			if c.cmd.Source != robot.SourceSpeech || len(c.cmd.Pose) != 3 {
				t.Fatalf("command %+v", c.cmd)
			}
			if c.at > full+20*time.Millisecond {
				t.Errorf("mouth command at %v, after the speech ended at %v", c.at, full)
			}
		}
		last := h.mouth[len(h.mouth)-1].cmd.Pose
		if last[robot.Jaw] != DefaultMouthOpts().JawClosed {
			t.Errorf("mouth left at %v, want closed", last)
		}
	})
}

// The jaw, as commanded over time, must line up with the loudness of the
// sound being played: the best cross-correlation lag within ±50 ms.
func TestMouthStaysInSyncWithPlayback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, &recordingPlayer{}, DefaultOpts())
		h.intents <- say(behavior.IntentSay, "A long sentence to watch the mouth follow the sound closely.", behavior.ToneNeutral)
		h.finish()
		lag := MouthLag(h.player.clips[0], jawSeries(h.mouth, h.player.clips[0].Duration()))
		if lag < -50*time.Millisecond || lag > 50*time.Millisecond {
			t.Errorf("jaw lags the sound by %v, want within ±50 ms", lag)
		}
	})
}

// jawSeries samples the commanded jaw every 10 ms (each command holds until
// the next).
func jawSeries(cmds []timedCommand, d time.Duration) []float64 {
	out := make([]float64, int(d/(10*time.Millisecond))+1)
	j := 0
	jaw := 0.0
	for i := range out {
		at := time.Duration(i) * 10 * time.Millisecond
		for j < len(cmds) && cmds[j].at <= at {
			jaw = cmds[j].cmd.Pose[robot.Jaw].Degrees()
			j++
		}
		out[i] = jaw
	}
	return out
}

func TestSpeakerYieldsWhenThePersonSpeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, &recordingPlayer{}, DefaultOpts())
		h.intents <- say(behavior.IntentSay, "This is a rather long thing to say, so there is time to interrupt it.", "")
		time.Sleep(500 * time.Millisecond)
		for i := range 20 { // 200 ms of voicing, media time
			h.sp.Hear(perception.VoiceObs{At: time.Duration(i) * 10 * time.Millisecond, Voiced: true})
		}
		synctest.Wait()
		h.mu.Lock()
		if len(h.spoken) != 1 || !h.spoken[0].Interrupted || h.spoken[0].Duration != 500*time.Millisecond {
			t.Errorf("after barge-in: %+v, want one interrupted after 500ms", h.spoken)
		}
		if n := len(h.mouth); n == 0 || h.mouth[n-1].cmd.Pose[robot.Jaw] != 0 {
			t.Error("the mouth did not close on barge-in")
		}
		h.mu.Unlock()

		// While they talk, new speech waits.
		h.intents <- say(behavior.IntentReassure, "", behavior.ToneGentle)
		time.Sleep(2 * time.Second)
		if n := h.player.played(); n != 1 {
			t.Fatalf("%d clips played while the person was speaking, want 1", n)
		}
		// 600 ms of quiet gives the turn back.
		for i := range 61 {
			h.sp.Hear(perception.VoiceObs{At: 200*time.Millisecond + time.Duration(i)*10*time.Millisecond})
		}
		synctest.Wait()
		if n := h.player.played(); n != 2 {
			t.Fatalf("%d clips played after the person stopped, want 2", n)
		}
		h.finish()
		if len(h.spoken) != 2 || h.spoken[1].Interrupted || h.spoken[1].Intent != behavior.IntentReassure {
			t.Errorf("spoken %+v", h.spoken)
		}
	})
}

func TestSpeakerDropsStaleSpeechAndStopsOnStill(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, &recordingPlayer{}, DefaultOpts())
		h.sp.SetUserSpeaking(true)
		synctest.Wait()
		h.intents <- say(behavior.IntentGreet, "", "")
		h.intents <- say(behavior.IntentCheckIn, "", "") // replaces the greeting
		// The person talks for 10 s of media time: too long to hold on to it.
		for i := range 1000 {
			h.sp.Hear(perception.VoiceObs{At: time.Duration(i) * 10 * time.Millisecond, Voiced: true})
			if i%100 == 0 {
				synctest.Wait()
			}
		}
		for i := range 70 {
			h.sp.Hear(perception.VoiceObs{At: 10*time.Second + time.Duration(i)*10*time.Millisecond})
		}
		synctest.Wait()
		if n := h.player.played(); n != 0 {
			t.Fatalf("%d clips played, want none (stale)", n)
		}

		h.intents <- say(behavior.IntentComfort, "", behavior.ToneGentle)
		time.Sleep(300 * time.Millisecond)
		h.intents <- behavior.Intent{Kind: behavior.IntentStill}
		h.finish()
		want := []struct {
			kind                 behavior.IntentKind
			skipped, interrupted bool
		}{{behavior.IntentGreet, true, false}, {behavior.IntentCheckIn, true, false}, {behavior.IntentComfort, false, true}}
		if len(h.spoken) != len(want) {
			t.Fatalf("spoken %+v", h.spoken)
		}
		for i, w := range want {
			s := h.spoken[i]
			if s.Intent != w.kind || s.Skipped != w.skipped || s.Interrupted != w.interrupted {
				t.Errorf("spoken[%d] = %+v, want %+v", i, s, w)
			}
		}
		if d := h.spoken[2].Duration; d != 300*time.Millisecond {
			t.Errorf("stilled after %v, want 300ms", d)
		}
	})
}

func TestSpeakerGoesOnSilentlyWithoutAudio(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var warnings []error
		o := DefaultOpts()
		o.Warn = func(err error) { warnings = append(warnings, err) }
		h := newHarness(t, &recordingPlayer{fail: ErrNoAudioOutput}, o)
		start := time.Now()
		h.intents <- say(behavior.IntentGreet, "", "")
		h.intents <- say(behavior.IntentGoodbye, "", "")
		h.finish()
		if len(warnings) != 1 || !errors.Is(warnings[0], ErrNoAudioOutput) {
			t.Errorf("warnings %v, want exactly one about the audio output", warnings)
		}
		if len(h.spoken) != 2 || !h.spoken[0].Silent || !h.spoken[1].Silent || h.spoken[0].Duration == 0 {
			t.Fatalf("spoken %+v", h.spoken)
		}
		if took := time.Since(start); took < h.spoken[0].Duration+h.spoken[1].Duration {
			t.Errorf("silent speech took %v, less than its %v", took, h.spoken[0].Duration+h.spoken[1].Duration)
		}
		if len(h.mouth) < 10 {
			t.Errorf("%d mouth commands: the mouth should move without sound", len(h.mouth))
		}
	})
}

// A clip the output refuses (here one with a sample rate it cannot play) is
// spoken silently, the mouth moving in time, and the next line is tried
// aloud again: only a missing output (ErrNoAudioOutput) silences the robot
// for the run. One warning for each run of refusals. Before, one refused
// clip muted the robot for the rest of the run.
func TestSpeakerSpeaksAloudAgainAfterARefusedClip(t *testing.T) {
	for _, tc := range []struct {
		name         string
		refuse       []bool
		wantSilent   []bool
		wantWarnings int
	}{
		{"one refused", []bool{true}, []bool{true, false, false}, 1},
		{"a run of two refused", []bool{true, true}, []bool{true, true, false}, 1},
		{"refused, played, refused", []bool{true, false, true}, []bool{true, false, true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var warnings []error
				o := DefaultOpts()
				o.Warn = func(err error) { warnings = append(warnings, err) }
				p := &recordingPlayer{fail: errors.New("playback: sample rate 0"), refuse: tc.refuse}
				h := newHarness(t, p, o)
				for _, line := range []string{"one", "two", "three"} {
					h.intents <- say(behavior.IntentSay, line, "")
					time.Sleep(time.Second) // said in full before the next
				}
				h.finish()
				if len(h.spoken) != len(tc.wantSilent) {
					t.Fatalf("spoken %+v, want %d lines", h.spoken, len(tc.wantSilent))
				}
				for i, want := range tc.wantSilent {
					if s := h.spoken[i]; s.Silent != want || s.Skipped || s.Duration == 0 {
						t.Errorf("line %d: %+v, want spoken with Silent %v", i+1, s, want)
					}
				}
				if len(warnings) != tc.wantWarnings {
					t.Errorf("warnings %v, want %d", warnings, tc.wantWarnings)
				}
			})
		})
	}
}

// One line the synthesiser cannot say is a recorded failure; the speaker
// goes on with the next. It once ended the run, and with it all care.
func TestSpeakerReportsSynthesisFailureAndGoesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("engine on fire")
		sp, err := NewSpeaker(&toneSynth{t: t, fail: boom, failOn: "bad"}, &recordingPlayer{}, DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		intents := make(chan behavior.Intent, 2)
		intents <- say(behavior.IntentSay, "a bad line", "")
		intents <- say(behavior.IntentSay, "a good line", "")
		close(intents)
		events := make(chan Spoken, 4)
		mouth := make(chan robot.Command, 1024)
		if err := sp.Run(t.Context(), intents, mouth, events); err != nil {
			t.Fatalf("Run = %v, want nil: one failed utterance must not end the run", err)
		}
		var got []Spoken
		for s := range events {
			got = append(got, s)
		}
		if len(got) != 2 {
			t.Fatalf("spoken %+v, want the failure and the next line", got)
		}
		if !got[0].Skipped || !strings.Contains(got[0].Failed, boom.Error()) || got[0].Text != "a bad line" {
			t.Errorf("first: %+v, want skipped with the synthesis error", got[0])
		}
		if got[1].Skipped || got[1].Failed != "" || got[1].Text != "a good line" || got[1].Duration == 0 {
			t.Errorf("second: %+v, want spoken", got[1])
		}
	})
}

func TestNewSpeakerValidates(t *testing.T) {
	o := DefaultOpts()
	o.Tick = 0
	if _, err := NewSpeaker(&toneSynth{t: t}, SilentPlayer{}, o); err == nil {
		t.Error("zero tick: no error")
	}
	if _, err := NewSpeaker(nil, SilentPlayer{}, DefaultOpts()); err == nil {
		t.Error("nil synthesizer: no error")
	}
}

func TestEchoGateIgnoresTheRobotsOwnVoice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := DefaultOpts()
		o.EchoGateDB = 65
		h := newHarness(t, &recordingPlayer{}, o)
		h.intents <- say(behavior.IntentSay, "A sentence long enough to be heard by its own microphone.", "")
		time.Sleep(100 * time.Millisecond)
		at := time.Duration(0)
		hop := func(db float64) {
			h.sp.Hear(perception.VoiceObs{At: at, Voiced: true, IntensityDB: db})
			at += 10 * time.Millisecond
		}
		for range 50 { // half a second of its own voice at 58 dB
			hop(58)
		}
		synctest.Wait()
		h.mu.Lock()
		if len(h.spoken) != 0 {
			t.Fatalf("the robot's own voice interrupted it: %+v", h.spoken)
		}
		h.mu.Unlock()
		for range 20 { // the person, louder, for 200 ms
			hop(72)
		}
		synctest.Wait()
		h.mu.Lock()
		if len(h.spoken) != 1 || !h.spoken[0].Interrupted {
			t.Errorf("the person's voice did not interrupt: %+v", h.spoken)
		}
		h.mu.Unlock()
		h.finish()
	})
}

// Who had a line said goes with what was said, so the journal tells a
// supervisor's line from the robot's own.
func TestSpokenCarriesTheSupervisorsRoute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, &recordingPlayer{}, DefaultOpts())
		in := say(behavior.IntentSay, "I am here.", behavior.ToneGentle)
		in.Source = behavior.SourceConsole
		h.intents <- in
		h.intents <- say(behavior.IntentComfort, "You are not alone.", behavior.ToneGentle)
		h.finish()
		if len(h.spoken) != 2 || h.spoken[0].Source != behavior.SourceConsole || h.spoken[1].Source != "" {
			t.Errorf("spoken %+v; want the console's line, then the robot's own", h.spoken)
		}
	})
}
