package mesh

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// AU9 on the dev set's stills, each scored against the population's
// neutral face as a single image is (issue 20): a smile, a laugh or a
// face's proportions are no nose wrinkle, the posed grimace whose nose is
// wrinkled keeps AU9 and its pain label, and the crying infant reads at
// least twice the laughing infant's PSPI. With AU9 read from the nose
// wings' geometry alone (before au9BackedByLip) every smiling row read AU9
// 3.5 and both infants PSPI 3.5.
func TestAU9OnDevsetStills(t *testing.T) {
	const none = perception.ExprUnknown
	obs := func(t *testing.T, name string) perception.FaceObs {
		f := devsetStill(t, name)
		o := pipeline(t).Process(f)
		if len(o) == 0 {
			t.Fatalf("%s: no face", name)
		}
		return o[0]
	}
	for _, c := range []struct {
		file         string
		au9Lo, au9Hi float64
		expr         perception.Expression // none: not checked
	}{
		{"whitehouse-via-face_recognition__obama.jpg", 0, 1, perception.ExprHappy},
		{"whitehouse-via-face_recognition__biden2.jpg", 0, 1, perception.ExprHappy},
		{"pexels-via-max__happy-baby.jpeg", 0, 1, none},
		{"pexels-via-max__neutral.jpeg", 0, 1, perception.ExprNeutral},
		{"pain3d-synthetic__idA_neutral.png", 0, 0.5, none},
		// Nose wrinkled, upper lip raised (labels.csv).
		{"pexels-via-max__angry.jpg", 1, 5, perception.ExprPain},
		{"pain3d-synthetic__idA_pain2.png", 0, 5, perception.ExprPain},
	} {
		t.Run(c.file, func(t *testing.T) {
			o := obs(t, c.file)
			t.Logf("AU9 %.2f AU10 %.2f PSPI %.2f %s", o.AU.AU09, o.AU.AU10, o.PSPI, o.Expression)
			if o.AU.AU09 < c.au9Lo || o.AU.AU09 > c.au9Hi {
				t.Errorf("AU9 %.2f, want %.1f..%.1f", o.AU.AU09, c.au9Lo, c.au9Hi)
			}
			if c.expr != none && o.Expression != c.expr {
				t.Errorf("read %s, want %s", o.Expression, c.expr)
			}
		})
	}
	t.Run("crying infant at least twice the laughing one", func(t *testing.T) {
		cry, laugh := obs(t, "pexels-via-max__sad-baby.jpeg"), obs(t, "pexels-via-max__happy-baby.jpeg")
		t.Logf("PSPI crying %.2f, laughing %.2f", cry.PSPI, laugh.PSPI)
		if !(cry.PSPI >= 2*laugh.PSPI && cry.PSPI > 1) {
			t.Errorf("PSPI crying %.2f, laughing %.2f: want crying at least twice the laugh, above 1", cry.PSPI, laugh.PSPI)
		}
	})
}
