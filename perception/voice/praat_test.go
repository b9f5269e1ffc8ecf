package voice

import (
	"context"

	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// realSpeech lists the real recordings Debian ships (public domain
// LibriVox read speech and the alsa-utils voice).
func realSpeech(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")
	alsa, _ := filepath.Glob("/usr/share/sounds/alsa/*_*.wav")
	files = append(files, alsa...)
	if len(files) == 0 {
		t.Skip("no real speech installed (pocketsphinx-testdata, alsa-utils)")
	}
	return files
}

func praatMeasures(t *testing.T, file string) map[string]float64 {
	t.Helper()
	out, err := exec.Command("praat", "--run", "testdata/measures.praat", file, "75", "600").Output()
	if err != nil {
		t.Fatalf("praat on %s: %v", file, err)
	}
	m := map[string]float64{}
	for _, field := range strings.Fields(string(out)) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("praat output %q: %v", field, err)
		}
		m[k] = f
	}
	return m
}

// TestAgainstPraat compares the summary measures with Praat's on real
// speech, per file: mean F0 within 1 %, local jitter and shimmer within
// 15 % of Praat's, HNR within 1.5 dB and intensity within
// 1 dB; jitter, shimmer and HNR also correlate with Praat's across the
// files. Run with -v for the comparison table.
func TestAgainstPraat(t *testing.T) {
	if _, err := exec.LookPath("praat"); err != nil {
		t.Skip("praat not installed")
	}
	if testing.Short() {
		t.Skip("runs praat on every file")
	}
	files := realSpeech(t)
	var f0Err float64
	var ours, theirs [3][]float64 // jitter, shimmer, HNR
	t.Logf("%-44s %15s %13s %13s %13s %13s", "file", "F0 Hz go/praat", "jitter %", "shimmer %", "HNR dB", "int dB")
	for _, file := range files {
		p := praatMeasures(t, file)
		a, err := wav.DecodeFile(file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := AnalyzeSamples(context.Background(), a.Mono16k(), DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		t.Logf("%-44s %7.1f/%7.1f %6.2f/%6.2f %6.2f/%6.2f %6.2f/%6.2f %6.1f/%6.1f", filepath.Base(file),
			s.F0Mean, p["f0_mean"], s.JitterLocal, p["jitter"], s.ShimmerLocal, p["shimmer"], s.HNR, p["hnr"], s.IntensityMean, p["intensity"])
		rel := math.Abs(s.F0Mean-p["f0_mean"]) / p["f0_mean"]
		f0Err += rel
		relTo := func(got, want float64) float64 { return math.Abs(got-want) / want }
		// Tolerances sit a little above the worst file (F0 0.1 %, jitter
		// 8 %, shimmer 2 %, HNR 1.1 dB, intensity 0.6 dB), so a regression
		// of a few times that fails; each was checked to fail with the
		// measure perturbed (F0 +1.5 %, jitter -30 %, shimmer +20 %, HNR
		// +2 dB). Jitter's 15 % (the issue asked 25) also fails the pulse
		// walk that stopped at the first poor period, 23 % low on one file.
		checks := []struct {
			name string
			diff float64 // relative, or dB
			tol  float64
		}{
			{"mean F0 (relative)", rel, 0.01},
			{"jitter (relative)", relTo(s.JitterLocal, p["jitter"]), 0.15},
			{"shimmer (relative)", relTo(s.ShimmerLocal, p["shimmer"]), 0.15},
			{"HNR (dB)", math.Abs(s.HNR - p["hnr"]), 1.5},
			{"intensity (dB)", math.Abs(s.IntensityMean - p["intensity"]), 1},
		}
		for _, c := range checks {
			if c.diff > c.tol {
				t.Errorf("%s: %s differs from Praat's by %.3f (tolerance %.3f)", filepath.Base(file), c.name, c.diff, c.tol)
			}
		}
		ours[0], theirs[0] = append(ours[0], s.JitterLocal), append(theirs[0], p["jitter"])
		ours[1], theirs[1] = append(ours[1], s.ShimmerLocal), append(theirs[1], p["shimmer"])
		ours[2], theirs[2] = append(ours[2], s.HNR), append(theirs[2], p["hnr"])
	}
	if mean := f0Err / float64(len(files)); mean > 0.01 {
		t.Errorf("mean F0 differs from Praat's by %.2f %% on average, want ≤ 1 %%", 100*mean)
	}
	for i, name := range []string{"jitter", "shimmer", "HNR"} {
		if r := correlation(ours[i], theirs[i]); r < 0.7 {
			t.Errorf("%s correlates with Praat's at r = %.2f across files, want ≥ 0.7", name, r)
		} else {
			t.Logf("%s tracks Praat's: r = %.2f", name, r)
		}
	}
}

func correlation(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx, sy = sx+x[i], sy+y[i]
		sxx, syy, sxy = sxx+x[i]*x[i], syy+y[i]*y[i], sxy+x[i]*y[i]
	}
	d := math.Sqrt((n*sxx - sx*sx) * (n*syy - sy*sy))
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}
