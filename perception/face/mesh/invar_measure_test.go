package mesh

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// TestMeasureInvariance is a measurement, not a check: the dev set's
// labelled frames (stills, and every 6th frame of the videos away from a
// segment's boundary) each scored as a single image, as they are and
// mirrored, tilted, shrunk and relit, against their own untransformed
// result. Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureInvariance -v ./perception/face/mesh
func TestMeasureInvariance(t *testing.T) {
	every := measureEvery(t, 6)
	rows, noise := invariance(t, every, viewChanges)
	pct := func(xs []float64, p float64) float64 {
		if len(xs) == 0 {
			return math.NaN()
		}
		s := slices.Clone(xs)
		slices.Sort(s)
		return s[min(len(s)-1, int(p*float64(len(s))))]
	}
	var dp []float64
	var dau [12][]float64
	for _, r := range noise {
		if !r.found {
			continue
		}
		dp = append(dp, math.Abs(r.got.PSPI-r.ref.PSPI))
		a, b := auList(r.ref.AU), auList(r.got.AU)
		for i := range a {
			dau[i] = append(dau[i], math.Abs(a[i]-b[i]))
		}
	}
	t.Logf("noise, neutral video frames against the next frame: %d pairs, |dPSPI| mean %.3f p90 %.3f p95 %.3f max %.3f", len(dp), mean(dp), pct(dp, 0.9), pct(dp, 0.95), pct(dp, 1))
	for i, n := range auNames {
		t.Logf("  %-5s |d| mean %.3f p95 %.3f max %.3f", n, mean(dau[i]), pct(dau[i], 0.95), pct(dau[i], 1))
	}
	classes := []string{"all"}
	for _, r := range rows {
		if !slices.Contains(classes, r.label) {
			classes = append(classes, r.label)
		}
	}
	t.Logf("%-11s %-13s %5s %6s %8s %8s %8s %8s", "change", "class", "faces", "found", "|dPSPI|", "p95", "flip@2", "flipPain")
	for _, c := range viewChanges {
		for _, cl := range classes {
			var n, found, flip2, flipPain int
			var d []float64
			for _, r := range rows {
				if r.change != c.name || cl != "all" && r.label != cl {
					continue
				}
				n++
				if !r.found {
					continue
				}
				found++
				d = append(d, math.Abs(r.got.PSPI-r.ref.PSPI))
				if (r.got.PSPI >= 2) != (r.ref.PSPI >= 2) {
					flip2++
				}
				if (r.got.Expression == perception.ExprPain) != (r.ref.Expression == perception.ExprPain) {
					flipPain++
				}
			}
			if n == 0 {
				continue
			}
			t.Logf("%-11s %-13s %5d %6d %8.3f %8.3f %8d %8d", c.name, cl, n, found, mean(d), pct(d, 0.95), flip2, flipPain)
		}
		// Signed AU bias over all found faces.
		var bias [12][]float64
		for _, r := range rows {
			if r.change == c.name && r.found {
				a, b := auList(r.ref.AU), auList(r.got.AU)
				for i := range a {
					bias[i] = append(bias[i], b[i]-a[i])
				}
			}
		}
		var sb strings.Builder
		for i, n := range auNames {
			fmt.Fprintf(&sb, " %s %+.2f/%.2f", n, mean(bias[i]), meanAbs(bias[i]))
		}
		t.Logf("  AU bias/|d|:%s", sb.String())
	}
	// Mirror: blendshapes against their partners.
	var bsd [52][]float64
	for _, r := range rows {
		if r.change != "mirror" || !r.found || !r.ref.HasBlendshapes || !r.got.HasBlendshapes {
			continue
		}
		for i := range 52 {
			bsd[i] = append(bsd[i], float64(r.got.Blendshapes[i]-r.ref.Blendshapes[blendMirror[i]]))
		}
	}
	for i, n := range perception.BlendshapeNames {
		if meanAbs(bsd[i]) > 0.02 {
			t.Logf("  mirror blend %-20s (vs %-20s) signed %+.3f |d| %.3f", n, perception.BlendshapeNames[blendMirror[i]], mean(bsd[i]), meanAbs(bsd[i]))
		}
	}
	// The worst rows.
	slices.SortFunc(rows, func(a, b invarRow) int {
		return -cmp.Compare(math.Abs(a.got.PSPI-a.ref.PSPI), math.Abs(b.got.PSPI-b.ref.PSPI))
	})
	for _, r := range rows[:min(25, len(rows))] {
		t.Logf("  %-10s %-45s %5.2fs %-12s PSPI %.2f -> %.2f (%s -> %s) AUs %v -> %v", r.change, r.file, r.at.Seconds(), r.label, r.ref.PSPI, r.got.PSPI, r.ref.Expression, r.got.Expression, fmtAU(r.ref.AU), fmtAU(r.got.AU))
	}
	for _, r := range rows {
		if !r.found {
			t.Logf("  lost: %-10s %-45s %5.2fs %s box %v", r.change, r.file, r.at.Seconds(), r.label, r.ref.Box)
		}
	}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func meanAbs(xs []float64) float64 {
	a := make([]float64, len(xs))
	for i, x := range xs {
		a[i] = math.Abs(x)
	}
	return mean(a)
}

func fmtAU(a perception.AUs) string {
	var sb strings.Builder
	for i, v := range auList(a) {
		if v >= 0.5 {
			fmt.Fprintf(&sb, "%s:%.1f ", auNames[i], v)
		}
	}
	return strings.TrimSpace(sb.String())
}
