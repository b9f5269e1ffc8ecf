package face

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// moveMouth returns an expression that lifts the mouth corners (48, 54,
// 60, 64) by up and pulls them out by out, lifts the upper lip's centre
// (49-53, 61-63) by lip and lowers the lower lip and chin (55-59, 65-67,
// 8) by jaw, in generic-face units (about 3 to the IOD's 0.05).
func moveMouth(up, out, lip, jaw float64) expression {
	return func(m *[68]Point3) {
		for _, i := range []int{48, 60} {
			m[i].X -= out
			m[i].Y -= up
		}
		for _, i := range []int{54, 64} {
			m[i].X += out
			m[i].Y -= up
		}
		for _, i := range []int{49, 50, 51, 52, 53, 61, 62, 63} {
			m[i].Y -= lip
		}
		for _, i := range []int{55, 56, 57, 58, 59, 65, 66, 67, 8} {
			m[i].Y += jaw
		}
	}
}

// AU10 is the upper lip's centre raised beyond the corners (FACS's
// angular bend, upperLipRaiser): a grin whose corners lead the lip has
// none against the person's own neutral, the pain mouth (upper lip up,
// corners stretched out, jaw dropped) keeps all of it, and an upper lip
// raised with the corners following part of the way keeps the part above
// them. Against the population's face the corners' height is the
// person's proportions, and AU10 keeps the lip's whole rise. The label
// sees the whole rise either way (Evidence.Levator).
func TestAU10IsTheLipAboveTheCorners(t *testing.T) {
	own := calibrated(t)
	pop := populationBaseline
	cases := []struct {
		name   string
		face   expression
		base   Baseline
		lo, hi float64 // AU10 within
		label  perception.Expression
	}{
		{"broad grin, own neutral: the lip rises with the corners", moveMouth(8, 6, 6, 6), *own, 0, 0, perception.ExprHappy},
		{"closed grin, own neutral", moveMouth(7, 5, 3, 0), *own, 0, 0, perception.ExprHappy},
		{"pain mouth (10+20+26), own neutral: all of the lip's rise", moveMouth(0, 5, 5, 8), *own, 2.5, 5, ""},
		{"upper lip raised, corners half the way (10+12): the part above them", moveMouth(2, 2, 4, 0), *own, 1, 2.5, ""},
		{"broad grin, population: the lip's whole rise", moveMouth(8, 6, 6, 6), pop, 2.5, 5, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obs, f := scoreFacing(t, c.face, c.base)
			lipUp := c.base.Neutral.NoseLip - f.NoseLip
			whole := 5 * level(lipUp, 0.012, 0.09)
			if a := obs.AU.AU10; a < c.lo-1e-9 || a > c.hi+1e-9 {
				t.Errorf("AU10 %.2f, want %.1f..%.1f (the lip's whole rise %.3f IOD reads %.2f; corners up %.3f)",
					a, c.lo, c.hi, lipUp, whole, c.base.Neutral.CornerDrop-f.CornerDrop)
			}
			if whole < 1.5 {
				t.Errorf("the lip's whole rise reads AU10 %.2f: the face does not test the hold", whole)
			}
			t.Logf("AU10 %.2f (whole rise %.2f), AU12 %.2f, PSPI %.2f, %s", obs.AU.AU10, whole, obs.AU.AU12, obs.PSPI, obs.Expression)
			if c.label != "" && obs.Expression != c.label {
				t.Errorf("expression %q, want %q (AUs %+v)", obs.Expression, c.label, obs.AU)
			}
		})
	}
}

// duchenne is a strong smile of the eyes: corners up and out, the cheeks
// raised pushing the lower lids up by lower, the upper lids down by upper
// (the eye cover fold drawn in as the orbit's outer ring constricts).
func duchenne(lower, upper float64) expression {
	return func(m *[68]Point3) {
		moveMouth(8, 6, 4, 4)(m)
		for _, i := range []int{40, 41, 46, 47} {
			m[i].Y -= lower
		}
		for _, i := range []int{37, 38, 43, 44} {
			m[i].Y += upper
		}
	}
}

// AU43 is the eyes closed (Ekman, Friesen & Hager 2002, FACS Manual,
// AU43; PSPI's only binary term, Prkachin & Solomon 2008): the eyes a
// Duchenne smile narrows, however far the raised cheeks push the lower
// lids up, stay open and have none, held for a second; lids brought
// together have it. The narrowing is the cheek raiser's, AU6.
func TestNarrowedSmilingEyesAreNotClosed(t *testing.T) {
	cases := []struct {
		name     string
		face     expression
		wantAU43 bool
	}{
		{"Duchenne smile, eyes narrowed to about half", duchenne(3, 1.5), false},
		{"Duchenne smile, eyes squeezed shut", duchenne(3, 7), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &scripted{t: t, poses: []perception.HeadPose{{}}}
			o := DefaultOpts()
			o.Baseline = calibrated(t)
			p, err := NewPipeline(s, s, s, o)
			if err != nil {
				t.Fatal(err)
			}
			lm := perspectiveFace(c.face, perception.HeadPose{})
			f, _ := Measure(blank, &lm, perception.HeadPose{})
			const fps = 30
			saw := false
			var last perception.FaceObs
			for i := range fps {
				s.show(lm)
				obs := p.Process(frameAt(i, fps))
				if len(obs) != 1 {
					t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
				}
				last = obs[0]
				saw = saw || last.AU.AU43 == 1
			}
			t.Logf("eye aspect ratio %.2f of neutral, AU6 %.2f, AU7 %.2f, AU43 %.0f, PSPI %.2f, %s",
				f.EyeOpen/o.Baseline.Neutral.EyeOpen, last.AU.AU06, last.AU.AU07, last.AU.AU43, last.PSPI, last.Expression)
			if saw != c.wantAU43 {
				t.Errorf("AU43 seen = %v, want %v", saw, c.wantAU43)
			}
			if last.AU.AU06 < 2.5 {
				t.Errorf("AU6 %.2f: the face does not raise the cheeks as a Duchenne smile does", last.AU.AU06)
			}
		})
	}
}

// liftWings raises the nose wings and nostrils (31, 32, 34, 35; not the
// nose base, 33, which the mouth is measured from) by up, in generic-face
// units.
func liftWings(up float64, e expression) expression {
	return func(m *[68]Point3) {
		e(m)
		for _, i := range []int{31, 32, 34, 35} {
			m[i].Y -= up
		}
	}
}

// AU9 against the person's own neutral is the nose wings' rise beyond the
// mouth corners' (noseWrinkler): a broad grin that drags the wings up
// less than its corners has none, as FACS scores that rise as 12 and 6,
// while a nose wrinkle, the wings and upper lip up with the corners
// still, keeps its AU9. Against the population's face AU9 stays held to
// AU10 (au9BackedByLip), not to the corners. The label sees the wings'
// whole rise either way (Evidence.Levator).
func TestAU9IsTheWingsAboveTheCorners(t *testing.T) {
	own := calibrated(t)
	cases := []struct {
		name   string
		face   expression
		lo, hi float64 // AU9 within
	}{
		{"broad grin dragging the wings half the corners' way", liftWings(4, moveMouth(8, 6, 6, 6)), 0, 0},
		{"closed grin, wings a third of the way", liftWings(2.5, moveMouth(7, 5, 3, 0)), 0, 0},
		{"nose wrinkle (9+10), corners still", liftWings(3, moveMouth(0, 0, 3, 0)), 1.5, 5},
		{"nose wrinkle with the corners a little up: the part above them", liftWings(4, moveMouth(2, 0, 4, 0)), 1, 2.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obs, f := scoreFacing(t, c.face, *own)
			wingUp := own.Neutral.NoseWing - f.NoseWing
			whole := noseWrinkle(wingUp, f, own.Neutral)
			if a := obs.AU.AU09; a < c.lo-1e-9 || a > c.hi+1e-9 {
				t.Errorf("AU9 %.2f, want %.1f..%.1f (the wings' whole rise %.3f IOD reads %.2f; corners up %.3f)",
					a, c.lo, c.hi, wingUp, whole, own.Neutral.CornerDrop-f.CornerDrop)
			}
			if whole < 1.5 {
				t.Errorf("the wings' whole rise reads AU9 %.2f: the face does not test the hold", whole)
			}
			t.Logf("AU9 %.2f (whole rise %.2f), AU10 %.2f, AU12 %.2f, PSPI %.2f, %s", obs.AU.AU09, whole, obs.AU.AU10, obs.AU.AU12, obs.PSPI, obs.Expression)
		})
	}
}

// scoreFacing measures a synthetic face seen from the front and scores it
// against base.
func scoreFacing(t *testing.T, face expression, base Baseline) (perception.FaceObs, Features) {
	t.Helper()
	lm := perspectiveFace(face, perception.HeadPose{})
	f, ok := Measure(blank, &lm, perception.HeadPose{})
	if !ok {
		t.Fatal("synthetic face not measurable")
	}
	obs := perception.FaceObs{}
	NewScorer(DefaultOpts()).Score(&obs, f, base, nil)
	return obs, f
}
