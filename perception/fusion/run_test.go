package fusion

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/sessiontime"
)

// chanSink forwards the player's output to fusion's input channels.
type chanSink struct {
	faces    chan perception.FaceObs
	voices   chan perception.VoiceObs
	postures chan perception.PostureObs
	events   chan perception.Event
}

func (c chanSink) Face(o perception.FaceObs)       { c.faces <- o }
func (c chanSink) Voice(o perception.VoiceObs)     { c.voices <- o }
func (c chanSink) Posture(o perception.PostureObs) { c.postures <- o }
func (c chanSink) Event(e perception.Event)        { c.events <- e }

// TestPlayIntoRun wires the paced player to Run the way kindred run does, at
// speed 20 in a synctest bubble: the pain episode plays in a twentieth of its
// length in (fake) seconds, the robot comforts once the band is moderate, and the
// assessments rise and then fall in observation time.
func TestPlayIntoRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := scenario.Load("pain-episode")
		if err != nil {
			t.Fatal(err)
		}
		p := scenario.NewPlayer(s)
		f, err := New(DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		sink := chanSink{make(chan perception.FaceObs, 64), make(chan perception.VoiceObs, 64),
			make(chan perception.PostureObs, 64), make(chan perception.Event, 64)}
		out := make(chan perception.PainAssessment, 16)
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := f.Run(context.Background(), Inputs{Faces: sink.faces, Voices: sink.voices, Postures: sink.postures, Events: sink.events}, out); err != nil {
				t.Error(err)
			}
		})
		var got []perception.PainAssessment
		comforted := time.Duration(-1)
		wg.Go(func() {
			for a := range out {
				got = append(got, a)
				if comforted < 0 && a.Band == perception.BandSevere {
					comforted = a.At
					p.Comforted(a.At)
				}
			}
		})
		start := time.Now()
		if err := p.Play(context.Background(), PlayOpts(20, 2*time.Minute), sink); err != nil {
			t.Fatal(err)
		}
		close(sink.faces)
		close(sink.voices)
		close(sink.postures)
		close(sink.events)
		wg.Wait()
		// The episode ends (settled) before two minutes once comforted.
		end := p.Now()
		if d := time.Since(start); d != end/20 || !p.Finished() || end < 90*time.Second {
			t.Errorf("played to %v (finished %v) in %v, want %v at speed 20", end, p.Finished(), d, end/20)
		}
		// Nothing is observed at the very end, so the last assessment is just before it.
		if n, want := len(got), int(end/(100*time.Millisecond)); n != want {
			t.Errorf("%d assessments up to %v, want %d (10 Hz)", n, end, want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].At != got[i-1].At+100*time.Millisecond {
				t.Fatalf("assessment %d at %v after %v", i, got[i].At, got[i-1].At)
			}
		}
		if comforted < 0 {
			t.Fatal("never severe")
		}
		last := got[len(got)-1]
		if last.Band != perception.BandNone && last.Band != perception.BandMild {
			t.Errorf("comforted at %v; at %v still %s (%.1f)", comforted, last.At, last.Band, last.Score)
		}
		if last.Observed.IsZero() || last.Person != "margaret" {
			t.Errorf("last assessment lacks Observed or Person: %+v", last)
		}
	})
}

// PlayOpts builds scenario.PlayOpts without looping.
func PlayOpts(speed float64, d time.Duration) scenario.PlayOpts {
	clock, err := sessiontime.New(speed)
	if err != nil {
		panic(err)
	}
	return scenario.PlayOpts{Clock: clock, For: d}
}
