package mimicry

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// Once Asked, a nod answers yes only if it begins after the question's
// words end, from a head seen still for AnswerSettle before it: a head
// bobbing through the words and the window answers nothing, however long
// it bobs; one that stops and, still, nods a while later answers yes; a
// head-shake answers no whatever came before. Poses come at 30 a second
// from 0 s, with 0.45° of jitter; the words end at 4 s. With fromStill
// always true (the rule off) the cases of nodding along in bouts, of
// nodding on at once after bobbing, of nodding from before the words end
// and of a face seen only as the window opens read yes. A steady bob is one bout to the reader, whose
// refractory time lasts as long as the head swings, so the poses before
// the window keep it from answering even with the rule off.
func TestHeadAnswersAskedWantAHeadStillFirst(t *testing.T) {
	const asked = 4 * time.Second
	// Nodding along in bouts: two 6° cycles of 700 ms, 1.25 s still,
	// and again. Each bout is an answer's nod, and the pause between
	// bouts ends the reader's refractory time (boutGap) but is shorter
	// than AnswerSettle.
	bob := func(at, from, to time.Duration) perception.Angle {
		if at < from || at >= to {
			return 0
		}
		const bout, every = 1400 * time.Millisecond, 2650 * time.Millisecond
		t := (at - from) % every
		return wave(t, 0, 700*time.Millisecond, int(bout/(700*time.Millisecond)), 6)
	}
	steady := func(at time.Duration) perception.Angle { return wave(at, 0, 700*time.Millisecond, 1000, 6) }
	for _, tc := range []struct {
		name      string
		pitch     func(at time.Duration) perception.Angle
		yaw       func(at time.Duration) perception.Angle
		firstSeen time.Duration
		want      selfreport.Answer
	}{
		{name: "still through the words, then two nods", want: selfreport.Yes,
			pitch: func(at time.Duration) perception.Angle {
				return nodding(at, asked+300*time.Millisecond, 600*time.Millisecond, 2, 10)
			}},
		{name: "still, then nods whose first stroke is quicker than the rest", want: selfreport.Yes,
			// Down 8° in 100 ms, then strokes of 300 ms: the first is
			// too quick to chain with the rest, but begins their bout.
			pitch: func(at time.Duration) perception.Angle {
				return polyline(at-asked-500*time.Millisecond, 0, 0, 100, -8, 400, 0, 700, -8, 1000, 0, 1300, -8, 1600, 0)
			}},
		{name: "still, then two nods late in the window", want: selfreport.Yes,
			pitch: func(at time.Duration) perception.Angle {
				return nodding(at, asked+5*time.Second, 600*time.Millisecond, 2, 10)
			}},
		{name: "nodding along in bouts through the words and the window", want: selfreport.NoAnswer,
			pitch: func(at time.Duration) perception.Angle { return bob(at, 0, time.Hour) }},
		{name: "bobbing steadily through the words and the window", want: selfreport.NoAnswer, pitch: steady},
		{name: "bobbing with the words, nodding on at once", want: selfreport.NoAnswer,
			pitch: func(at time.Duration) perception.Angle {
				return bob(at, time.Second, asked) + nodding(at, asked+100*time.Millisecond, 600*time.Millisecond, 3, 10)
			}},
		{name: "bobbing with the words, a pause of under a second, nods", want: selfreport.NoAnswer,
			pitch: func(at time.Duration) perception.Angle {
				return bob(at, time.Second, asked) + nodding(at, asked+800*time.Millisecond, 600*time.Millisecond, 2, 10)
			}},
		{name: "bobbing with the words, still 3 s, then nods", want: selfreport.Yes,
			pitch: func(at time.Duration) perception.Angle {
				return bob(at, time.Second, asked) + nodding(at, asked+3*time.Second, 600*time.Millisecond, 2, 10)
			}},
		{name: "nodding from before the words end", want: selfreport.NoAnswer,
			pitch: func(at time.Duration) perception.Angle {
				return nodding(at, asked-500*time.Millisecond, 600*time.Millisecond, 4, 10)
			}},
		{name: "first seen as the window opens, nods at once", firstSeen: asked, want: selfreport.NoAnswer,
			pitch: func(at time.Duration) perception.Angle {
				return nodding(at, asked+300*time.Millisecond, 600*time.Millisecond, 2, 10)
			}},
		{name: "first seen as the window opens, still, nods 2.5 s later", firstSeen: asked, want: selfreport.Yes,
			pitch: func(at time.Duration) perception.Angle {
				return nodding(at, asked+2500*time.Millisecond, 600*time.Millisecond, 2, 10)
			}},
		{name: "bobbing, then shaking no", want: selfreport.No,
			pitch: func(at time.Duration) perception.Angle { return bob(at, 0, asked) },
			yaw: func(at time.Duration) perception.Angle {
				return wave(at, asked+2500*time.Millisecond, 600*time.Millisecond, 2, 10)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 5))
			var h HeadAnswers
			got := selfreport.NoAnswer
			for at := tc.firstSeen; at < asked+8*time.Second && got == selfreport.NoAnswer; at += 33 * time.Millisecond {
				if at >= asked && !h.deliberate {
					h.Asked(asked)
				}
				pose := perception.HeadPose{Pitch: tc.pitch(at) + perception.Degrees(0.45*rng.NormFloat64()),
					Yaw: perception.Degrees(0.45 * rng.NormFloat64())}
				if tc.yaw != nil {
					pose.Yaw += tc.yaw(at)
				}
				if a := h.Observe(at, 1, pose); at >= asked {
					got = a
				}
			}
			if got != tc.want {
				t.Errorf("answer %q, want %q", got, tc.want)
			}
		})
	}
}

// Reset forgets Asked: the next question's nod is read as ever.
func TestHeadAnswersResetForgetsAsked(t *testing.T) {
	var h HeadAnswers
	h.Asked(time.Hour)
	h.Reset()
	got := selfreport.NoAnswer
	for at := time.Duration(0); at < 4*time.Second && got == selfreport.NoAnswer; at += 33 * time.Millisecond {
		got = h.Observe(at, 1, perception.HeadPose{Pitch: nodding(at, 500*time.Millisecond, 600*time.Millisecond, 2, 10)})
	}
	if got != selfreport.Yes {
		t.Errorf("after Reset: answer %q, want yes", got)
	}
}
