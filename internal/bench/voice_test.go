package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A voice report as Praat 6 prints it (trimmed to the lines around the
// ones read), from praat --run on cmu_arctic_us_aew_a0001.wav.
const voiceReport = `Pitch:
   Median pitch: 109.285 Hz
   Mean pitch: 111.600 Hz
Jitter:
   Jitter (local): 2.757%
   Jitter (local, absolute): 247.883E-6 seconds
   Jitter (rap): 0.992%
Shimmer:
   Shimmer (local): 7.025%
   Shimmer (local, dB): 0.775 dB
Harmonicity of the voiced parts only:
   Mean autocorrelation: 0.862783
   Mean noise-to-harmonics ratio: 0.192737
   Mean harmonics-to-noise ratio: 9.601 dB
`

func TestParseVoiceReport(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want VoiceMeasures
	}{
		{"report", voiceReport, VoiceMeasures{F0MeanHz: 111.6, JitterLocalPct: 2.757, ShimmerLocalPct: 7.025, HNRdB: 9.601}},
		{"undefined measures stay 0", "   Mean pitch: --undefined-- Hz\n   Jitter (local): --undefined--\n", VoiceMeasures{}},
		{"not a report", "Error: cannot read file", VoiceMeasures{}},
	}
	for _, tt := range tests {
		if got := parseVoiceReport([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseKindredSummary(t *testing.T) {
	tests := []struct {
		name, in string
		wantS    float64
		want     VoiceMeasures
		wantErr  string
	}{
		{"summary", `{"audio":{"duration_s":3.88,"f0_mean_hz":111.594,"jitter_local_pct":2.749,"shimmer_local_pct":7.067,"hnr_db":10.07}}`,
			3.88, VoiceMeasures{111.594, 2.749, 7.067, 10.07}, ""},
		{"no audio block", `{"video":{}}`, 0, VoiceMeasures{}, "no audio duration"},
		{"not JSON", "kindred analyze: no such file", 0, VoiceMeasures{}, "not JSON"},
	}
	for _, tt := range tests {
		s, m, err := parseKindredSummary([]byte(tt.in))
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			continue
		}
		if s != tt.wantS || m != tt.want {
			t.Errorf("%s: %v %+v, want %v %+v", tt.name, s, m, tt.wantS, tt.want)
		}
	}
}

// The voice files are the dev set's speech first, then Debian's, cut to n.
func TestVoiceFiles(t *testing.T) {
	all, err := voiceFiles("", 0)
	if err != nil {
		t.Skip(err)
	}
	if two, _ := voiceFiles("", 2); len(two) != 2 || two[0] != all[0] {
		t.Errorf("cut to 2: %v", two)
	}
	if none, _ := voiceFiles(t.TempDir(), 0); len(none) != len(all) {
		t.Errorf("an empty dev set added files: %d vs %d", len(none), len(all))
	}
	// Praat reads relative paths from its script's folder: every path is
	// absolute, also from a relative dev set folder.
	dev := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dev, devsetWAVs), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dev, devsetWAVs, "a.wav"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dev)
	rel, err := voiceFiles(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rel) != len(all)+1 {
		t.Errorf("%d files with one dev set clip, want %d", len(rel), len(all)+1)
	}
	for _, f := range rel {
		if !filepath.IsAbs(f) {
			t.Errorf("%s is relative", f)
		}
	}
}

// TestMedianRun: the median run's wall time and output, and the median
// CPU time on its own, not the fastest run's.
func TestMedianRun(t *testing.T) {
	run := func(wall, cpu time.Duration, out string) timedRun {
		return timedRun{wall: wall, cpu: cpu, out: []byte(out)}
	}
	tests := []struct {
		name      string
		runs      []timedRun
		wall, cpu float64
		out       string
	}{
		{"one", []timedRun{run(time.Second, 500*time.Millisecond, "a")}, 1, 0.5, "a"},
		{"three", []timedRun{run(3*time.Second, 100*time.Millisecond, "a"), run(time.Second, 300*time.Millisecond, "b"), run(2*time.Second, 200*time.Millisecond, "c")}, 2, 0.2, "c"},
		{"four: the lower middle", []timedRun{run(4*time.Second, 4*time.Millisecond, "a"), run(time.Second, time.Millisecond, "b"), run(3*time.Second, 3*time.Millisecond, "c"), run(2*time.Second, 2*time.Millisecond, "d")}, 2, 0.002, "d"},
	}
	for _, tc := range tests {
		wall, cpu, out := medianRun(tc.runs)
		if wall != tc.wall || cpu != tc.cpu || string(out) != tc.out {
			t.Errorf("%s: %g s, CPU %g s, %q; want %g, %g, %q", tc.name, wall, cpu, out, tc.wall, tc.cpu, tc.out)
		}
	}
}
