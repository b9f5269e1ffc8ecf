package behavior

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// sec turns seconds into observation time.
func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// harness drives an engine's step directly: one goroutine, as Run does.
type harness struct {
	t    testing.TB
	e    *Engine
	outs []Output
}

func newHarness(t testing.TB, cfg Config) *harness {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, e: e}
}

// feed hands one input to the engine and returns a copy of its outputs.
func (h *harness) feed(in Input) []Output {
	got := append([]Output(nil), h.e.step(in)...)
	h.outs = append(h.outs, got...)
	return got
}

func (h *harness) assess(at, score float64) []Output {
	return h.feed(AssessmentInput(assessment(at, score)))
}

func (h *harness) absent(at float64) []Output {
	return h.feed(AssessmentInput(perception.PainAssessment{At: sec(at), Confidence: 0.9}))
}

func (h *harness) event(at float64, kind perception.EventKind, text string) []Output {
	return h.feed(EventInput(perception.Event{At: sec(at), Kind: kind, Text: text, Person: "ada"}))
}

func (h *harness) command(at float64, c Command) []Output {
	c.At = sec(at)
	return h.feed(CommandInput(c))
}

func (h *harness) tick(at float64) []Output { return h.feed(TickInput(sec(at))) }

// callForHelp says "help" twice, a second apart: a call the engine takes as
// urgent without other evidence (one "help" alone waits for a second cue).
func (h *harness) callForHelp(at float64) []Output {
	got := h.event(at, perception.EventKeyword, "help")
	return append(got, h.event(at+1, perception.EventKeyword, "help")...)
}

// hold feeds a constant score at 10 Hz over [from, to).
func (h *harness) hold(from, to, score float64) {
	for at := from; at < to-1e-9; at += 0.1 {
		h.assess(at, score)
	}
}

// arrive puts the engine in attending with a person present at pain 0.
func (h *harness) arrive(until float64) {
	h.hold(0, until, 0)
	if s := h.e.State(); s != StateAttending {
		h.t.Fatalf("after arriving: state %s, want attending\n%s", s, describe(h.outs))
	}
}

func assessment(at, score float64) perception.PainAssessment {
	return perception.PainAssessment{At: sec(at), Person: "ada", Score: score, Band: perception.BandOf(score),
		Confidence: 0.9, Present: true}
}

func visited(outs []Output) []State {
	var s []State
	for _, o := range outs {
		if t, ok := o.(Transition); ok {
			s = append(s, t.To)
		}
	}
	return s
}

func intents(outs []Output) []IntentKind {
	var k []IntentKind
	for _, o := range outs {
		if it, ok := o.(Intent); ok {
			k = append(k, it.Kind)
		}
	}
	return k
}

func spoken(outs []Output) []IntentKind {
	var k []IntentKind
	for _, o := range outs {
		if it, ok := o.(Intent); ok && it.Say != nil {
			k = append(k, it.Kind)
		}
	}
	return k
}

func alerts(outs []Output) []AlertLevel {
	var l []AlertLevel
	for _, o := range outs {
		if a, ok := o.(Alert); ok {
			l = append(l, a.Level)
		}
	}
	return l
}

// describe renders outputs one per line, for failure messages and goldens.
func describe(outs []Output) string {
	var b strings.Builder
	for _, o := range outs {
		switch o := o.(type) {
		case Session:
			fmt.Fprintf(&b, "session preset=%s condition=%s seed=%d\n", o.Preset, o.Condition.Name, o.Seed)
		case Transition:
			fmt.Fprintf(&b, "%8.1fs %s -> %s (%s)\n", o.At.Seconds(), o.From, o.To, o.Reason)
		case Intent:
			say := ""
			if o.Say != nil {
				say = " say"
				if o.Say.Text != "" {
					say += fmt.Sprintf(" %q", o.Say.Text)
				}
			}
			fmt.Fprintf(&b, "%8.1fs   intent %s%s tone=%s concern=%.1f mirror=%v\n", o.At.Seconds(), o.Kind, say, o.Tone, o.Mirror.Concern, o.Mirror.Enabled)
		case Alert:
			fmt.Fprintf(&b, "%8.1fs   alert %s (%s)\n", o.At.Seconds(), o.Level, o.Reason)
		case Proposal:
			fmt.Fprintf(&b, "%8.1fs   proposal %d %s\n", o.At.Seconds(), o.ID, o.Intent.Kind)
		case SensorsChange:
			fmt.Fprintf(&b, "%8.1fs   sensors on=%v\n", o.At.Seconds(), o.On)
		case Comforted:
			fmt.Fprintf(&b, "%8.1fs   comforted\n", o.At.Seconds())
		case MirrorChange:
			fmt.Fprintf(&b, "%8.1fs   mirror enabled=%v gain=%.2f delay=%v concern=%.1f\n", o.At.Seconds(), o.Settings.Enabled, o.Settings.Gain, o.Settings.Delay, o.Settings.Concern)
		case Annotated:
			fmt.Fprintf(&b, "%8.1fs   annotation %s\n", o.At.Seconds(), o.Raw)
		case Acknowledged:
			fmt.Fprintf(&b, "%8.1fs   acknowledged by %s", o.At.Seconds(), o.By)
			if a := o.Alert; a != nil {
				fmt.Fprintf(&b, " (%s: %s)", a.Level, a.Reason)
			}
			b.WriteByte('\n')
		case Rejected:
			fmt.Fprintf(&b, "%8.1fs   rejected %s: %s\n", o.At.Seconds(), o.What, o.Reason)
		case Listen:
			fmt.Fprintf(&b, "%8.1fs   listen %s by %s for %v (attempt %d)\n", o.At.Seconds(), o.Question, o.By, o.Window, o.Attempt)
		case Reported:
			fmt.Fprintf(&b, "%8.1fs   self-report %s %s attempt %d heard=%q rating=%d answer=%q\n", o.At.Seconds(), o.Question, o.Outcome, o.Attempt, o.Reply.Heard, o.Reply.Rating, o.Reply.Answer)
		}
	}
	return b.String()
}

// of returns o as a *T (a copy) when it is a T, else nil.
func of[T Output](o Output) *T {
	if t, ok := o.(T); ok {
		return &t
	}
	return nil
}

// painEpisode is the pain-episode scenario: a calm person, pain rising to
// the top of moderate over a minute, held, then easing (or not, when relief
// is false), at 10 Hz.
func painEpisode(h *harness, relief bool) {
	const peak = 6.5
	for at := 0.0; at < 300; at += 0.1 {
		score := 0.0
		switch {
		case at < 10:
		case at < 70:
			score = peak * (at - 10) / 60
		case !relief || at < 80:
			score = peak
		case at < 100:
			score = peak - (peak-1)*(at-80)/20
		default:
			score = 1
		}
		h.assess(at, score)
	}
}

func nanValue() float64 { var z float64; return z / z }

func stopWord(at float64) perception.Event {
	return perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "stop"}
}

// optOutAloud opts out by voice as a calm person does: word, the word
// again (the robot asks whether to stop), "yes", and "yes" to be sure, at
// at. It stands for the spoken opt-out in tests about what follows it
// (optout.go).
func (h *harness) optOutAloud(at float64, word string) []Output {
	got := h.event(at, perception.EventKeyword, word)
	got = append(got, h.event(at, perception.EventKeyword, word)...)
	got = append(got, h.answer(at, QuestionOptOut, "yes")...)
	return append(got, h.answer(at, QuestionOptOutConfirm, "yes")...)
}
