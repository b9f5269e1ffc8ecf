package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/voices"
)

func runSay(t *testing.T, args ...string) (code int, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"say"}, args...))
	return code, errb.String()
}

// soxStat runs `sox FILE -n stat` and returns its figures by name.
func soxStat(t *testing.T, file string) map[string]float64 {
	t.Helper()
	out, err := exec.Command("sox", file, "-n", "stat").CombinedOutput()
	if err != nil {
		t.Fatalf("sox stat: %v\n%s", err, out)
	}
	stats := map[string]float64{}
	re := regexp.MustCompile(`^(.+?):\s+(-?[0-9.]+)$`)
	for _, line := range strings.Split(string(out), "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			stats[strings.Join(strings.Fields(m[1]), " ")] = v
		}
	}
	return stats
}

func TestSayWritesSpeechInEveryLanguage(t *testing.T) {
	lines := map[string]string{
		"en": "I'm right here with you. Take all the time you need.",
		"de": "Ich bin bei Ihnen. Lassen Sie sich Zeit.",
		"fr": "Je suis là avec vous. Prenez tout votre temps.",
		"es": "Estoy aquí con usted. Tómese todo el tiempo que necesite.",
		"zh": "Wo3 jiu4 zai4 nin2 shen1bian1. Man4man4 lai2, bu4 zhao2ji2.",
	}
	_, soxErr := exec.LookPath("sox")
	dir := t.TempDir()
	for lang, text := range lines {
		t.Run(lang, func(t *testing.T) {
			file := filepath.Join(dir, lang+".wav")
			if code, stderr := runSay(t, "--lang", lang, "--tone", "gentle", "--out", file, text); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			a, err := voices.ReadWAV(f)
			if err != nil {
				t.Fatal(err)
			}
			st := voices.Measure(a)
			if a.SampleRate != 22050 || st.Duration.Seconds() < 2 || st.Duration.Seconds() > 8 {
				t.Errorf("%d Hz, %v long", a.SampleRate, st.Duration)
			}
			if st.VoicedFraction < 0.4 || st.F0Median < 100 || st.F0Median > 350 {
				t.Errorf("voiced fraction %.2f, F0 %.0f Hz: not speech-like", st.VoicedFraction, st.F0Median)
			}
			if soxErr != nil {
				return
			}
			sox := soxStat(t, file)
			if d := sox["Length (seconds)"]; d < st.Duration.Seconds()-0.01 || d > st.Duration.Seconds()+0.01 {
				t.Errorf("sox says %.3f s, we wrote %v", d, st.Duration)
			}
			if rms := sox["RMS amplitude"]; rms < 0.03 || rms > 0.5 {
				t.Errorf("sox RMS amplitude %.3f: too quiet or too loud", rms)
			}
			if peak := sox["Maximum amplitude"]; peak >= 1 {
				t.Errorf("sox maximum amplitude %.3f: clipped", peak)
			}
		})
	}
}

func TestSayGentleIsSlowerAndLowerThanCheerful(t *testing.T) {
	dir := t.TempDir()
	measure := func(tone string) voices.Stats {
		file := filepath.Join(dir, tone+".wav")
		if code, stderr := runSay(t, "--tone", tone, "--out", file, "That looks painful. You don't have to go through it alone."); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		a, err := voices.ReadWAV(f)
		if err != nil {
			t.Fatal(err)
		}
		return voices.Measure(a)
	}
	g, c := measure("gentle"), measure("cheerful")
	if g.Duration <= c.Duration*6/5 || g.F0Median >= 0.9*c.F0Median {
		t.Errorf("gentle %v at %.0f Hz, cheerful %v at %.0f Hz: gentle should be slower and lower", g.Duration, g.F0Median, c.Duration, c.F0Median)
	}
}

func TestSayRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	badPersona := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badPersona, []byte("name: x\nlanguage: en\nrate: 150\npitch: 50\nrange: 50\nvolume: 100\nshoe_size: 9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no text", nil, "TEXT"},
		{"blank text", []string{"  "}, "TEXT"},
		{"bad tone", []string{"--tone", "sad", "hi"}, "--tone"},
		{"bad lang", []string{"--lang", "tlh", "hi"}, "--lang"},
		{"unknown persona", []string{"--persona", "pirate", "hi"}, "--persona"},
		{"unreadable persona file", []string{"--persona", filepath.Join(dir, "none.yaml"), "hi"}, "none.yaml"},
		{"persona field", []string{"--persona", badPersona, "hi"}, "shoe_size"},
		{"unknown flag", []string{"--loud", "hi"}, "loud"},
		{"nothing to say", []string{"--out", filepath.Join(dir, "x.wav"), "..."}, "nothing to say"},
		{"unwritable out", []string{"--out", filepath.Join(dir, "no", "such", "x.wav"), "hi"}, "--out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runSay(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q: want one line naming %q", stderr, tt.want)
			}
		})
	}
}

// The pinyin voice also reads Chinese characters.
func TestSaySpeaksChineseCharacters(t *testing.T) {
	file := filepath.Join(t.TempDir(), "zh.wav")
	if code, stderr := runSay(t, "--lang", "zh", "--out", file, "你好，我就在这里。"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := voices.ReadWAV(f)
	if err != nil {
		t.Fatal(err)
	}
	if st := voices.Measure(a); st.Duration.Seconds() < 1 || st.VoicedFraction < 0.4 {
		t.Errorf("%v long, voiced fraction %.2f: the characters were not read", st.Duration, st.VoicedFraction)
	}
}
