package mimicry

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// A nod answers yes, a shake no, a still head nothing.
func TestHeadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		pose func(at time.Duration) perception.HeadPose
		want selfreport.Answer
	}{
		{"nod", func(at time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: wave(at, time.Second, 600*time.Millisecond, 2, 8)}
		}, selfreport.Yes},
		{"shake", func(at time.Duration) perception.HeadPose {
			return perception.HeadPose{Yaw: wave(at, time.Second, 600*time.Millisecond, 2, 10)}
		}, selfreport.No},
		{"still", func(time.Duration) perception.HeadPose { return perception.HeadPose{Pitch: -3, Yaw: 2} }, selfreport.NoAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h HeadAnswers
			got := selfreport.NoAnswer
			for at := time.Duration(0); at < 4*time.Second && got == selfreport.NoAnswer; at += 33 * time.Millisecond {
				got = h.Observe(at, 1, tc.pose(at))
			}
			if got != tc.want {
				t.Errorf("answer %q, want %q", got, tc.want)
			}
		})
	}
}
