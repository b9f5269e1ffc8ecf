package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/testmedia"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/internal/goldenfile"
)

// The face goldens live in the repository's testdata/face; regenerate them
// with `go test ./cmd/kindred -run AnalyzeVideo -update`.
const faceGoldenDir = "../../testdata/face"

func faceGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join(faceGoldenDir, name), got)
}

func analyze(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"analyze"}, args...))
	return code, out.String(), errb.String()
}

func needModel(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(dlib.DefaultModel); err != nil {
		t.Skipf("dlib shape model absent (apt-get install libdlib-data): %v", err)
	}
}

// twoFrames is a folder with the astronaut's portrait and a blank frame: one
// row with a face and one with empty face cells.
func twoFrames(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(testmedia.Path(t, "astronaut.png"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "1-astronaut.png"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	blank := image.NewGray(image.Rect(0, 0, 512, 512))
	for i := range blank.Pix {
		blank.Pix[i] = 128
	}
	f, err := os.Create(filepath.Join(dir, "2-blank.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, blank); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnalyzeVideoCSVGolden(t *testing.T) {
	needModel(t)
	dir := twoFrames(t)
	csv := filepath.Join(t.TempDir(), "frames.csv")
	code, stdout, stderr := analyze(t, "--video", dir, "--out", csv, "--summary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if lines[0] != analysis.FrameCSVHeader {
		t.Fatalf("header %q, want the contract's", lines[0])
	}
	if len(lines) != 3 {
		t.Fatalf("%d rows, want a header and 2 frames", len(lines))
	}
	for i, l := range lines {
		if n := strings.Count(l, ","); n != 29 {
			t.Errorf("line %d has %d commas, want 29", i, n)
		}
	}
	if !strings.Contains(lines[1], ",happy,") {
		t.Errorf("astronaut row %q: the smile should read happy", lines[1])
	}
	if !strings.HasPrefix(lines[1], "0,1,0.000,1,") {
		t.Errorf("astronaut row %q: want frame 0, face_id 1 (tracks count from 1) and the success flag", lines[1])
	}
	if !strings.HasPrefix(lines[2], "1,,1.000,0,,,,,,,,,,,,,,,,,,,,,,,") {
		t.Errorf("blank row %q: want empty face cells", lines[2])
	}
	faceGolden(t, "analyze_two_frames.csv", got)

	var sum struct {
		Video *struct {
			File           string  `json:"file"`
			Frames         int     `json:"frames"`
			FPS            float64 `json:"fps"`
			FramesWithFace int     `json:"frames_with_face"`
			ElapsedS       float64 `json:"elapsed_s"`
			PSPI           struct{ Mean, Max float64 }
		} `json:"video"`
		Audio json.RawMessage `json:"audio"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	v := sum.Video
	if v == nil || v.File != dir || v.Frames != 2 || v.FramesWithFace != 1 || v.FPS != 1 || v.ElapsedS <= 0 {
		t.Errorf("video summary %+v", v)
	}
	if v != nil && (v.PSPI.Max <= 0 || v.PSPI.Mean != v.PSPI.Max) {
		t.Errorf("pspi %+v: one face frame, want mean = max > 0", v.PSPI)
	}
	if sum.Audio != nil {
		t.Errorf("audio block %s without --audio", sum.Audio)
	}
}

func TestAnalyzeBadInputExits2NamingTheFile(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "holiday.avi")
	if err := os.WriteFile(text, []byte("not a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.mp4")
	cases := []struct {
		args []string
		name string // what the one line must mention
	}{
		{[]string{"--video", missing}, missing},
		{[]string{"--video", text}, text},
		{[]string{}, "--video"},
		{[]string{"--video", text, "--report", filepath.Join(dir, "r.pdf")}, "r.pdf"},
		{[]string{"--video", text, "--detect-every", "0"}, "--detect-every"},
		{[]string{"--video", text, "--mesh-every", "0"}, "--mesh-every"},
		{[]string{"--video", text, "--mesh-every", "16"}, "--mesh-every"},
		{[]string{"--bogus"}, "bogus"},
	}
	for _, c := range cases {
		code, _, stderr := analyze(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, stderr)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.name) {
			t.Errorf("%v: stderr %q, want one line naming %s", c.args, stderr, c.name)
		}
	}
}

func TestAnalyzeReport(t *testing.T) {
	needModel(t)
	dir := twoFrames(t)
	out := t.TempDir()
	for _, name := range []string{"r.png", "r.html"} {
		p := filepath.Join(out, name)
		if code, _, stderr := analyze(t, "--video", dir, "--report", p); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".png":
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("report is not a PNG: %v", err)
			}
		case ".html":
			if !bytes.Contains(data, []byte(`id="report-data"`)) || !bytes.Contains(data, []byte(`"frames_with_face": 1`)) {
				t.Errorf("HTML report lacks the plot data or the summary")
			}
		}
	}
}

// webcamVideo writes Megamind.avi scaled to 640x360 (MJPG), the size the
// real-time goal is stated at, played loops times over (a longer video
// shows the steady rate rather than the one-second model load).
func webcamVideo(b *testing.B, loops int) (string, float64) {
	b.Helper()
	in := testmedia.Path(b, "Megamind.avi")
	path := filepath.Join(b.TempDir(), "megamind-640x360.avi")
	var w *gocv.VideoWriter
	m, small := gocv.NewMat(), gocv.NewMat()
	defer m.Close()
	defer small.Close()
	n, fps := 0, 0.0
	for range loops {
		src, err := gocv.VideoCaptureFile(in)
		if err != nil {
			b.Skip(err)
		}
		fps = src.Get(gocv.VideoCaptureFPS)
		if w == nil {
			if w, err = gocv.VideoWriterFile(path, "MJPG", fps, 640, 360, true); err != nil {
				b.Fatal(err)
			}
			defer w.Close()
		}
		for src.Read(&m) && !m.Empty() {
			gocv.Resize(m, &small, image.Pt(640, 360), 0, 0, gocv.InterpolationArea)
			if err := w.Write(small); err != nil {
				b.Fatal(err)
			}
			n++
		}
		src.Close()
	}
	return path, float64(n) / fps
}

// BenchmarkAnalyzeRealTime reports how many times faster than real time
// `kindred analyze` runs on a 640x360 video (floor 3x, goal 5x).
func BenchmarkAnalyzeRealTime(b *testing.B) {
	needModel(b)
	path, media := webcamVideo(b, 3) // 810 frames, 34 s
	csv := filepath.Join(b.TempDir(), "out.csv")
	var elapsed time.Duration
	cpu0 := testmedia.CPUTime()
	for b.Loop() {
		start := time.Now()
		if code, _, stderr := analyze(b, "--video", path, "--out", csv); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(media*float64(b.N)/elapsed.Seconds(), "x-realtime")
	b.ReportMetric(media*float64(b.N)/(testmedia.CPUTime()-cpu0).Seconds(), "x-realtime-cpu")
}

func TestAnalyzeWithAudioWritesVoiceCSVAndAudioBlock(t *testing.T) {
	needModel(t)
	wav := "/usr/share/sounds/alsa/Front_Center.wav"
	if _, err := os.Stat(wav); err != nil {
		t.Skipf("alsa-utils sound absent: %v", err)
	}
	dir := twoFrames(t)
	csv := filepath.Join(t.TempDir(), "frames.csv")
	code, stdout, stderr := analyze(t, "--video", dir, "--audio", wav, "--out", csv, "--summary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(csv + ".voice.csv"); err != nil {
		t.Errorf("voice CSV: %v", err)
	}
	var sum map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	for _, k := range []string{"video", "audio", "pain"} {
		if sum[k] == nil {
			t.Errorf("summary lacks the %q block: %s", k, stdout)
		}
	}
}
