package behavior

import (
	"context"
	"testing"
)

// BenchmarkStepAssessment is the steady-state cost of one ~10 Hz assessment
// while attending: no transition, nothing to say.
func BenchmarkStepAssessment(b *testing.B) {
	h := newHarness(b, DefaultConfig())
	h.hold(0, 6, 0)
	in := &Assessed{assessment(6, 1)}
	b.ReportAllocs()
	at := 6.0
	for b.Loop() {
		at += 0.1
		in.At = sec(at)
		h.e.step(in)
	}
}

// BenchmarkStepEpisode is the average cost per input over a whole pain
// episode (transitions, intents, alerts included).
func BenchmarkStepEpisode(b *testing.B) {
	var inputs []Input
	for at := 0.0; at < 300; at += 0.1 {
		score := 6.5 * min(1, max(0, (at-10)/60))
		inputs = append(inputs, AssessmentInput(assessment(at, score)))
	}
	b.ReportAllocs()
	for b.Loop() {
		e, err := New(DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range inputs {
			e.step(in)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/input")
}

// BenchmarkRunLatency is the latency of an input through Run's channels to
// its first output: a stop word, answered with the opt-out.
func BenchmarkRunLatency(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	in, out := make(chan Input), make(chan Output, 16)
	go e.Run(ctx, in, out)
	<-out // session
	stop, optIn := EventInput(stopWord(1)), CommandInput(Command{Cmd: CmdOptIn})
	b.ReportAllocs()
	for b.Loop() {
		in <- stop
		for o := range out {
			if it := of[Intent](o); it != nil && it.Kind == IntentStill {
				break
			}
		}
		in <- optIn
		for o := range out {
			if it := of[Intent](o); it != nil && it.Kind == IntentOptInAck {
				break
			}
		}
	}
}

// The steady-state assessment (no transition, nothing to say) allocates
// nothing: at ~10 Hz for hours, garbage here is garbage for the whole run.
func TestStepAssessmentAllocatesNothing(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.hold(0, 6, 0)
	in := &Assessed{assessment(6, 1)}
	at := 6.0
	allocs := testing.AllocsPerRun(200, func() {
		at += 0.1
		in.At = sec(at)
		h.e.step(in)
	})
	if allocs != 0 {
		t.Errorf("a steady assessment allocates %.1f times, want 0", allocs)
	}
}
