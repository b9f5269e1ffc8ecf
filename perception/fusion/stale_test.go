package fusion

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// A face lost and found: what the smoothed score remembers of the face
// before the loss is Stale, so that Score − Stale is what the face that
// came back shows (behavior begins no episode on memory alone), while the
// Score itself, which an episode under way goes by, keeps the memory.
func TestStaleIsTheMemoryOfAFaceBeforeItWasLost(t *testing.T) {
	grimace := perception.FaceObs{Confidence: 0.9, PSPI: 10, Expression: perception.ExprPain,
		AU: perception.AUs{AU04: 3.5, AU06: 2.5, AU07: 3, AU09: 1.5, AU10: 2.5, AU43: 1}}
	smile := perception.FaceObs{Confidence: 0.9, PSPI: 4.5, Expression: perception.ExprHappy,
		AU: perception.AUs{AU06: 2.5, AU07: 1, AU10: 2, AU12: 3.5, AU25: 1}}
	type span struct {
		from, to float64 // seconds
		face     *perception.FaceObs
	}
	const cut = 8.0
	for _, tc := range []struct {
		name    string
		spans   []span  // faces at 25 fps; none where face is nil
		arrives float64 // when the face is found again (an arrival), -1 for no loss
		// memory: after the cut the score stays at concern for a while on
		// memory alone, and the fresh part must stay under concern. Else
		// the fresh part must reach concern within lag of the score.
		memory bool
		lag    float64
		// untold: no arrival event reaches fusion (it may come late, on
		// another channel): the new track alone tells. sameTrack: the face
		// keeps its track (a scenario's faces have none).
		untold, sameTrack bool
	}{
		{"grimace, cut to a smile: the score remembers, the fresh part is a smile",
			[]span{{0, cut, &grimace}, {cut, 20, &smile}}, cut, true, 0, false, false},
		{"grimace, cut to a smile, the arrival not told: the new track tells",
			[]span{{0, cut, &grimace}, {cut, 20, &smile}}, cut, true, 0, true, false},
		{"grimace, an arrival told for the face in view (a carer names it): nothing stale",
			[]span{{0, 20, &grimace}}, cut, false, 0, false, true},
		{"grimace, lost for 1.5 s, back smiling on the same track, not told: the gap tells",
			[]span{{0, cut, &grimace}, {cut, cut + 1.5, nil}, {cut + 1.5, 20, &smile}}, cut + 1.5, true, 0, true, true},
		{"smile, cut to a grimace: the fresh part rises with the score",
			[]span{{0, cut, &smile}, {cut, 20, &grimace}}, cut, false, 0.3, false, false},
		{"grimace, lost for 1.5 s, the same grimace back: a pain cue again within seconds",
			[]span{{0, cut, &grimace}, {cut, cut + 1.5, nil}, {cut + 1.5, 20, &grimace}}, cut + 1.5, false, 3, false, false},
		{"grimace, never lost, nothing told: nothing stale",
			[]span{{0, 20, &grimace}}, -1, false, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(DefaultOpts())
			if err != nil {
				t.Fatal(err)
			}
			f.Event(perception.Event{Kind: perception.EventArrived, Person: "ada"})
			frame, next := 0.0, 0.1
			var atConcern float64          // seconds after the arrival with Score ≥ 3
			scoreAt, freshAt := -1.0, -1.0 // first time after the arrival Score, and Score − Stale, reach 3
			track := 1
			for _, s := range tc.spans {
				for ; frame < s.to-1e-9; frame += 0.04 {
					at := time.Duration(frame * float64(time.Second))
					if tc.arrives >= 0 && frame >= tc.arrives && frame-0.04 < tc.arrives {
						// As the face pipeline tells it: a new track.
						if !tc.untold {
							f.Event(perception.Event{At: at, Kind: perception.EventLeft, Person: "ada"})
							f.Event(perception.Event{At: at, Kind: perception.EventArrived, Person: "ada"})
						}
						if !tc.sameTrack {
							track++
						}
					}
					if s.face != nil {
						o := *s.face
						o.At, o.Track = at, track
						f.Face(o)
					}
					for ; next <= frame+1e-9; next += 0.1 {
						a := f.Assess(time.Duration(next * float64(time.Second)))
						switch {
						case tc.arrives < 0 || len(tc.spans) == 1:
							if a.Stale != 0 {
								t.Fatalf("%.1f s: stale %.2f of score %.2f with the face never lost", next, a.Stale, a.Score)
							}
						case next >= tc.arrives:
							if tc.memory && a.Score-a.Stale >= 3 {
								t.Fatalf("%.1f s: fresh %.2f (score %.2f, stale %.2f): a smile after the cut reads as concern",
									next, a.Score-a.Stale, a.Score, a.Stale)
							}
							if a.Score >= 3 {
								atConcern += 0.1
								if scoreAt < 0 {
									scoreAt = next - tc.arrives
								}
							}
							if freshAt < 0 && a.Score-a.Stale >= 3 {
								freshAt = next - tc.arrives
							}
						}
					}
				}
			}
			if tc.arrives < 0 || len(tc.spans) == 1 {
				return
			}
			t.Logf("after the arrival: score at concern for %.1f s, from %.1f s; the fresh part from %.1f s", atConcern, scoreAt, freshAt)
			if tc.memory && atConcern < 1 {
				t.Errorf("score at concern only %.1f s after the cut: the test needs a memory to tell apart", atConcern)
			}
			if !tc.memory && (freshAt < 0 || freshAt-scoreAt > tc.lag) {
				t.Errorf("the fresh part reached concern %.1f s after the arrival, the score %.1f s: want within %.1f s", freshAt, scoreAt, tc.lag)
			}
		})
	}
}
