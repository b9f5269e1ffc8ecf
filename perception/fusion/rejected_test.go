package fusion

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Every observation Run drops as invalid is told to Inputs.Rejected, with
// the modality and the number that failed, and counted in Rejected; a
// valid one is told nothing. Fails with reject not calling onReject (no
// reasons), and with Run not setting it from Inputs.
func TestRunTellsWhatItRejects(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		feed func(in chan<- perception.FaceObs, vs chan<- perception.VoiceObs, ps chan<- perception.PostureObs, rs chan<- perception.SelfReport)
		want []string
	}{
		{"valid", func(fs chan<- perception.FaceObs, vs chan<- perception.VoiceObs, ps chan<- perception.PostureObs, rs chan<- perception.SelfReport) {
			fs <- perception.FaceObs{At: time.Second, PSPI: 3, Confidence: 0.9}
			vs <- perception.VoiceObs{At: time.Second, F0: 180}
			ps <- perception.PostureObs{At: time.Second, BreathingRate: 16}
			rs <- perception.SelfReport{At: time.Second, Rating: 10}
		}, nil},
		{"face", func(fs chan<- perception.FaceObs, _ chan<- perception.VoiceObs, _ chan<- perception.PostureObs, _ chan<- perception.SelfReport) {
			fs <- perception.FaceObs{At: time.Second, PSPI: nan, Confidence: 0.9}
			fs <- perception.FaceObs{At: time.Second, Confidence: 0.9, AU: perception.AUs{AU43: -inf}}
			fs <- perception.FaceObs{At: time.Second, Pose: perception.HeadPose{Pitch: perception.Degrees(inf)}}
		}, []string{"face: NaN PSPI", "face: -Inf AU43", "face: +Inf head pitch"}},
		{"voice", func(_ chan<- perception.FaceObs, vs chan<- perception.VoiceObs, _ chan<- perception.PostureObs, _ chan<- perception.SelfReport) {
			vs <- perception.VoiceObs{At: time.Second, F0: inf}
			vs <- perception.VoiceObs{At: time.Second, Vocalisation: perception.Vocalisation{Class: perception.VocalMoan, Distress: nan}}
		}, []string{"voice: +Inf F0", "voice: NaN distress"}},
		{"posture", func(_ chan<- perception.FaceObs, _ chan<- perception.VoiceObs, ps chan<- perception.PostureObs, _ chan<- perception.SelfReport) {
			ps <- perception.PostureObs{At: time.Second, BreathingRate: nan}
		}, []string{"posture: NaN breathing rate"}},
		{"self-report", func(_ chan<- perception.FaceObs, _ chan<- perception.VoiceObs, _ chan<- perception.PostureObs, rs chan<- perception.SelfReport) {
			rs <- perception.SelfReport{At: time.Second, Rating: 11}
			rs <- perception.SelfReport{At: time.Second, Rating: -1}
		}, []string{"self-report: rating 11 outside 0–10", "self-report: rating -1 outside 0–10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(DefaultOpts())
			if err != nil {
				t.Fatal(err)
			}
			// Unbuffered: Run has handled each one before the next is taken.
			fs, vs := make(chan perception.FaceObs), make(chan perception.VoiceObs)
			ps, rs := make(chan perception.PostureObs), make(chan perception.SelfReport)
			out := make(chan perception.PainAssessment, 1024)
			var got []string
			done := make(chan error)
			go func() {
				done <- f.Run(context.Background(), Inputs{Faces: fs, Voices: vs, Postures: ps, Reports: rs,
					Rejected: func(why string) { got = append(got, why) }}, out)
			}()
			tc.feed(fs, vs, ps, rs)
			close(fs)
			close(vs)
			close(ps)
			close(rs)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("told %q, want %q", got, tc.want)
			}
			if f.Rejected() != len(tc.want) {
				t.Errorf("Rejected() = %d, want %d", f.Rejected(), len(tc.want))
			}
		})
	}
}
