package analysis

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
	"github.com/kindred-hri/kindred/internal/goldenfile"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// The golden files live in the repository's testdata/voice; regenerate
// them with `go test ./analysis -run AnalyzeAudio -update`.
const voiceGoldenDir = "../testdata/voice"

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join(voiceGoldenDir, name), got)
}

func TestAnalyzeAudioGolden(t *testing.T) {
	src := "/usr/share/sounds/alsa/Front_Center.wav"
	if _, err := os.Stat(src); err != nil {
		t.Skip("alsa-utils sounds not installed")
	}
	sum, obs, err := analyzeAudio(t.Context(), src, wav.DefaultMaxDuration)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeVoiceCSV(&buf, obs); err != nil {
		t.Fatal(err)
	}
	csv := buf.Bytes()
	if first, _, _ := strings.Cut(string(csv), "\n"); first != VoiceCSVHeader {
		t.Fatalf("header %q", first)
	}
	if rows := strings.Count(string(csv), "\n") - 1; rows != len(obs) || rows != int(sum.DurationS*100) {
		t.Errorf("%d rows, %d observations, %.3f s", rows, len(obs), sum.DurationS)
	}
	checkGolden(t, "Front_Center.voice.csv", csv)
	sum.ElapsedS = 0 // the only field that depends on the machine
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "Front_Center.summary.json", append(js, '\n'))
	if sum.Vocalisation.Class != "speech" || sum.F0MeanHz < 190 || sum.F0MeanHz > 215 {
		t.Errorf("summary %+v", sum)
	}
}

func TestAnalyzeAudioBadInput(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.wav")
	if err := os.WriteFile(corrupt, []byte("RIFF\x10\x00\x00\x00WAVEfmt "), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{corrupt, filepath.Join(dir, "missing.wav")} {
		_, _, err := analyzeAudio(t.Context(), path, wav.DefaultMaxDuration)
		var ue *badinput.Error
		if !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a usage error (exit 2)", path, err)
			continue
		}
		if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q should be one line naming the file", path, err)
		}
	}
}

// TestAnalyzeAudioSelfReportOnlyFromAnswers: real speech that answers no
// question, even full of numbers (the dev set's spoken digit strings and
// "go forward ten meters"), gives a null self_report and answer.
func TestAnalyzeAudioSelfReportOnlyFromAnswers(t *testing.T) {
	for _, f := range []string{"vosk__test.wav", "pocketsphinx__goforward.wav"} {
		p := filepath.Join("../../shared/devset/speech", f)
		if _, err := os.Stat(p); err != nil {
			t.Skip("dev set absent")
		}
		sum, _, err := analyzeAudio(t.Context(), p, wav.DefaultMaxDuration)
		if err != nil {
			t.Fatal(err)
		}
		if sum.SelfReport != nil || sum.Answer != nil {
			t.Errorf("%s: self_report %v, answer %v; want both null", f, deref(sum.SelfReport), deref(sum.Answer))
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
