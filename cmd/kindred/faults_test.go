package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/internal/bench"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// Fault injection across the run. Faults whose fake belongs to one package
// are tested there (and not repeated here):
//   - camera unplugged and replugged: perception/camera TestCameraLostAndBack
//     (the leaf's retry path: lost at once, back after refused reopens);
//   - microphone lost at the analyser: perception/voice TestRunReportsLostAndBack;
//   - PCA9685 I²C errors: robot/pca9685 TestI2CErrorsOnOneChannelGoLimpTheRestCarriesOn;
//   - Firmata disconnect: robot/firmata TestFirmataUnpluggedMidRun;
//   - a joint failing in the limiter: robot TestLimiterFaultGoesLimp;
//   - sound output failing in the speaker: voices TestSpeakerGoesOnSilentlyWithoutAudio;
//   - MQTT broker stopped and restarted mid-run (real mosquitto), alerts
//     held and all delivered: journal/fleet TestAlertsWaitForTheBrokerAndNoneAreLost
//     and TestBrokerDownAtStartAlertsAreHeld;
//   - journal store failing: journal TestWriteFailureReportedOnceAndNeverBlocks.
// The tests below check that the whole run, or the stages together, carry on.

// flakyMic is a microphone that delivers real speech, goes away for a few
// reads (an unplugged USB microphone), then delivers speech again.
type flakyMic struct {
	t     *testing.T
	steps []micStep
}

type micStep struct {
	samples []float32
	err     error
}

func (m *flakyMic) Read(ctx context.Context, buf []float32) (int, error) {
	if len(m.steps) == 0 {
		m.t.Error("read after the end of the stream")
		return 0, io.EOF
	}
	s := &m.steps[0]
	if s.err != nil {
		m.steps = m.steps[1:]
		return 0, s.err
	}
	n := copy(buf, s.samples)
	s.samples = s.samples[n:]
	if len(s.samples) == 0 {
		m.steps = m.steps[1:]
	}
	return n, nil
}

// A microphone lost mid-session: voice analysis reports the loss and the
// return, fusion says "no voice input" while it is gone (rather than
// reading silence as calm) and stops saying so once speech is heard again.
func TestFaultMicrophoneLostAndBackThroughFusion(t *testing.T) {
	files, err := bench.LibriVoxWAVs()
	if err != nil {
		t.Skip(err)
	}
	a, err := wav.DecodeFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	speech := a.Mono16k()
	if len(speech) < 4*voice.Rate {
		t.Fatalf("%s: %d samples, want at least 4 s", files[0], len(speech))
	}
	synctest.Test(t, func(t *testing.T) {
		lost := fmt.Errorf("microphone: device unplugged: %w", voice.ErrSourceLost)
		mic := &flakyMic{t: t, steps: []micStep{
			{samples: slices.Clone(speech[:2*voice.Rate])},
			{err: lost}, {err: lost}, {err: lost},
			{samples: slices.Clone(speech[2*voice.Rate : 4*voice.Rate])},
			{err: io.EOF},
		}}
		an, err := voice.NewAnalyzer(voice.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		events := make(chan perception.Event, 16)
		var hops []perception.VoiceObs
		if err := an.Run(t.Context(), mic, func(o perception.VoiceObs) { hops = append(hops, o) }, events); err != nil {
			t.Fatalf("run ended with %v; a lost microphone must not end it", err)
		}
		close(events)
		var evs []perception.Event
		for e := range events {
			evs = append(evs, e)
		}
		if len(evs) != 2 || evs[0].Kind != perception.EventModalityLost || evs[1].Kind != perception.EventModalityBack ||
			evs[0].Modality != perception.ModVoice {
			t.Fatalf("events %+v, want voice lost then back", evs)
		}
		if len(hops) < 350 {
			t.Fatalf("%d hops for 4 s of speech", len(hops))
		}

		// Fusion sees the stream in observation-time order, as a run does.
		fu, err := fusion.New(fusion.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		lostAt, backAt := evs[0].At, evs[1].At
		end := hops[len(hops)-1].At
		next, ev := 0, 0
		var during, after []perception.PainAssessment
		for at := 100 * time.Millisecond; at <= end; at += 100 * time.Millisecond {
			// In time order: a hop heard before the loss comes before it.
			for {
				hopDue := next < len(hops) && hops[next].At <= at
				evDue := ev < len(evs) && evs[ev].At <= at
				if hopDue && (!evDue || hops[next].At < evs[ev].At) {
					fu.Voice(hops[next])
					next++
				} else if evDue {
					fu.Event(evs[ev])
					ev++
				} else {
					break
				}
			}
			as := fu.Assess(at)
			switch {
			case ev == 1:
				during = append(during, as)
			case ev == 2 && at >= backAt+time.Second:
				after = append(after, as)
			}
		}
		t.Logf("lost at %v, back at %v; %d assessments while lost, %d after", lostAt, backAt, len(during), len(after))
		hasCue := func(a perception.PainAssessment) bool { return slices.Contains(a.Cues, "no voice input") }
		// The outage takes media time: voice time jumps over it, as the
		// person's time does.
		if backAt-lostAt < time.Second {
			t.Errorf("back %v after lost; the retries took 1.5 s", backAt-lostAt)
		}
		if len(during) == 0 {
			t.Fatal("no assessment while the microphone was gone")
		}
		for _, a := range during {
			if !hasCue(a) {
				t.Fatalf("assessment at %v while the microphone is gone lacks \"no voice input\": %v", a.At, a.Cues)
			}
		}
		if len(after) == 0 {
			t.Fatal("no assessment after the microphone came back")
		}
		if a := after[len(after)-1]; hasCue(a) {
			t.Errorf("at %v, after speech came back, still %v", a.At, a.Cues)
		}
	})
}

// helpCall is the pain episode with two spoken "help"s at its peak, for the
// tests that must see an alert whatever the machine's load (see
// TestFaultRunCarriesOn).
const helpCall = "../../testdata/help-call.yaml"

// The run itself goes on through faults of its environment: no sound server
// (speech goes silent, the mouth still moves, one recorded fault) and a journal
// disk that fills up (one clear report, the robot keeps caring). Both run
// the built binary, since a sound server and a file-size limit belong to
// the process.
//
// They play testdata/help-call.yaml, the pain episode with two spoken
// "help"s at its peak: its alert does not hinge on perception keeping up
// with speed 40 (pain-episode's alert needs pain held at 7 for 4 s, which a
// loaded machine that drops frames misses: 2 of 50 runs alerted under 12
// busy loops, help-call 50 of 50; scripts/alerts-under-load.sh measures
// it). No alert is lost on the way out: the summary counts as many as
// stderr reports, and the journal holds them all unless its disk filled.
func TestFaultRunCarriesOn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two sessions")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash needed for ulimit")
	}
	bin := buildKindred(t)
	scen, err := filepath.Abs(helpCall)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ulimit string // bash ulimit -f, in 1 KiB blocks; "" for none
		env    []string
		notice string // the one line that must say what happened
		faults int    // the summary's count at least: a failed journal is a fault of the run
		// journalFull: the journal's disk fills during the run, so alerts
		// raised after that are not in it (the notice says records are
		// lost); the first help comes at 38 s, about when 128 KiB fill.
		journalFull bool
	}{
		{"sound server gone", "", []string{"PULSE_SERVER=unix:/nonexistent/pulse/native"}, "kindred: fault: voice: voices: playback failed, speaking silently", 1, false},
		{"journal disk full", "128", nil, "the robot keeps caring", 1, true}, // above a new journal (15 pages), well below a session
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			xdg := filepath.Join(dir, "xdg")
			if err := os.Mkdir(xdg, 0o700); err != nil {
				t.Fatal(err)
			}
			sum := filepath.Join(dir, "summary.json")
			script := `exec "$0" run --scenario "$3" --speed 40 --console off --journal "$1" --summary "$2"`
			if tt.ulimit != "" {
				script = "ulimit -f " + tt.ulimit + "; " + script
			}
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			db := filepath.Join(dir, "j.db")
			cmd := exec.CommandContext(ctx, "bash", "-c", script, bin, db, sum, scen)
			cmd.Env = append(os.Environ(), append([]string{"XDG_RUNTIME_DIR=" + xdg, "XDG_CONFIG_HOME=" + dir}, tt.env...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("run failed: %v\n%s", err, kindredLines(stderr.String()))
			}
			lines := kindredLines(stderr.String())
			if n := strings.Count(lines, tt.notice); n != 1 {
				t.Errorf("%d notices containing %q, want exactly 1:\n%s", n, tt.notice, lines)
			}
			if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic:") {
				t.Fatalf("panic:\n%s", stderr.String())
			}
			s := readSummary(t, sum)
			if s.Utterances == 0 || s.JointCommands == 0 || s.MaxPain < 4 || s.Alerts == 0 {
				t.Errorf("the robot stopped caring: %+v", s)
			}
			if s.Faults < tt.faults {
				t.Errorf("summary counts %d faults, want at least %d", s.Faults, tt.faults)
			}
			said, kept := stderrAlerts(stderr.String()), journalAlerts(t, db)
			if said != s.Alerts {
				t.Errorf("summary counts %d alerts, stderr reports %d:\n%s", s.Alerts, said, lines)
			}
			if kept > s.Alerts || (!tt.journalFull && kept != s.Alerts) {
				t.Errorf("journal holds %d alerts, the summary counts %d:\n%s", kept, s.Alerts, lines)
			}
		})
	}
}

// stderrAlerts counts the alerts a run reported on stderr, leaving out
// "resolved" ones (pain eased), which the summary does not count either.
func stderrAlerts(stderr string) int {
	n := 0
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "kindred: alert (") && !strings.HasPrefix(l, "kindred: alert (resolved)") {
			n++
		}
	}
	return n
}

// journalAlerts counts the alert records, but for resolved ones, of the one
// session in the journal at db.
func journalAlerts(t *testing.T, db string) int {
	t.Helper()
	_, recs := onlySession(t, db)
	n := 0
	for _, r := range recs {
		if a, ok := r.(journal.Alert); ok && a.Level != journal.LevelResolved {
			n++
		}
	}
	return n
}

// kindredLines keeps the lines kindred wrote, leaving out what native audio
// libraries print on their own while they probe for devices.
func kindredLines(stderr string) string {
	var keep []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "kindred") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
