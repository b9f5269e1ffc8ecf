package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

const frontCenter = "/usr/share/sounds/alsa/Front_Center.wav"

func needFrontCenter(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(frontCenter); err != nil {
		t.Skipf("alsa-utils sound absent: %v", err)
	}
}

// analyzeTo runs analyze in-process with stderr going to w.
func analyzeTo(t *testing.T, stderr io.Writer, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: stderr}, append([]string{"analyze"}, args...))
	return code, out.String()
}

// streamWAV is a 16 kHz mono 16-bit WAV header whose data size is
// dataSize, followed by seconds of a 220 Hz tone.
func streamWAV(dataSize uint32, seconds float64) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(0xFFFFFFFF))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1))
	le(uint32(16000))
	le(uint32(32000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(dataSize)
	for i := range int(seconds * 16000) {
		le(int16(8000 * math.Sin(2*math.Pi*220*float64(i)/16000)))
	}
	return b.Bytes()
}

// fifoWith makes a FIFO that gives data to whoever opens it, as a shell
// pipe would (`... | kindred analyze --audio /dev/stdin`).
func fifoWith(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stream.wav")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		f.Write(data) // EPIPE once the reader has had enough
	}()
	t.Cleanup(func() { // lets go of a writer still waiting for a reader
		if r, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
	})
	return p
}

// Audio arriving through a pipe is read as a stream: a header claiming
// 4 GiB gives the 2 s that came, and a stream or a file past the limit ends
// with exit 2 and one line naming it and the limit.
func TestAnalyzeAudioStreamAndLimit(t *testing.T) {
	dir := t.TempDir()
	declared5h := filepath.Join(dir, "five-hours.wav")
	if err := os.WriteFile(declared5h, streamWAV(5*3600*32000, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		audio    func(t *testing.T) string
		args     []string
		code     int
		duration float64 // of the summary, when code is 0
		want     []string
	}{
		{"2 s behind a 4 GiB claim", func(t *testing.T) string { return fifoWith(t, streamWAV(0xFFFFFFFF, 2)) }, nil, 0, 2, nil},
		{"2 s behind a zero size", func(t *testing.T) string { return fifoWith(t, streamWAV(0, 2)) }, nil, 0, 2, nil},
		{"stream past --audio-limit", func(t *testing.T) string { return fifoWith(t, streamWAV(0xFFFFFFFF, 5)) },
			[]string{"--audio-limit", "2s"}, 2, 0, []string{"stream.wav", "--audio-limit 2s", "too long"}},
		{"file declaring past the default limit", func(*testing.T) string { return declared5h }, nil, 2, 0,
			[]string{"five-hours.wav", "5h0m0s", "--audio-limit 2h0m0s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.audio(t)
			var stderr bytes.Buffer
			code, stdout := analyzeTo(t, &stderr, append([]string{"--audio", path}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if code != 0 {
				if strings.Count(stderr.String(), "\n") != 1 {
					t.Errorf("stderr %q, want one line", stderr.String())
				}
				for _, w := range tc.want {
					if !strings.Contains(stderr.String(), w) {
						t.Errorf("stderr %q does not say %q", stderr.String(), w)
					}
				}
				return
			}
			var sum struct {
				Audio struct {
					DurationS float64 `json:"duration_s"`
				}
			}
			if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
				t.Fatalf("summary %q: %v", stdout, err)
			}
			if sum.Audio.DurationS != tc.duration {
				t.Errorf("duration %.3f s, want %.0f", sum.Audio.DurationS, tc.duration)
			}
		})
	}
}

// listDir names what a folder holds, temporary files included.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// A run that fails, before the video or in the middle of it, leaves no
// output and no temporary file, and an earlier output as it was.
func TestAnalyzeFailureLeavesNoFiles(t *testing.T) {
	needModel(t)
	needFrontCenter(t)
	media := t.TempDir()
	garbage := filepath.Join(media, "garbage.avi")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a video "), 20000), 0o600); err != nil {
		t.Fatal(err)
	}
	// A face, then an image that does not decode: the run fails at frame 1,
	// after a row was written.
	midway := filepath.Join(media, "midway")
	if err := os.Mkdir(midway, 0o700); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(testmedia.Path(t, "astronaut.png"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(midway, "1-face.png"), img, 0o600)
	os.WriteFile(filepath.Join(midway, "2-broken.png"), img[:len(img)/3], 0o600)

	for _, tc := range []struct {
		name, video string
		earlier     bool // an output from an earlier run is already there
	}{
		{"video not media", garbage, false},
		{"bad frame midway", midway, false},
		{"bad frame midway over an earlier output", midway, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			csv := filepath.Join(out, "x.csv")
			if tc.earlier {
				if err := os.WriteFile(csv, []byte("earlier\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stderr bytes.Buffer
			code, _ := analyzeTo(t, &stderr, "--video", tc.video, "--audio", frontCenter,
				"--out", csv, "--report", filepath.Join(out, "r.html"))
			if code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, stderr.String())
			}
			want := []string(nil)
			if tc.earlier {
				want = []string{"x.csv"}
			}
			if got := listDir(t, out); !slices.Equal(got, want) {
				t.Errorf("left %q behind, want %q", got, want)
			}
			if tc.earlier {
				if b, _ := os.ReadFile(csv); string(b) != "earlier\n" {
					t.Errorf("earlier output became %q", b)
				}
			}
		})
	}
}

// Every output is mode 0600 whatever the umask: they describe a person.
func TestAnalyzeOutputsArePrivate(t *testing.T) {
	needModel(t)
	needFrontCenter(t)
	frames := twoFrames(t)
	for _, mask := range []int{0, 0o277} { // nothing masked; even the owner's write
		t.Run(fmt.Sprintf("umask %04o", mask), func(t *testing.T) {
			out := t.TempDir()
			old := syscall.Umask(mask)
			var stderr bytes.Buffer
			code, _ := analyzeTo(t, &stderr, "--video", frames, "--audio", frontCenter,
				"--out", filepath.Join(out, "x.csv"), "--report", filepath.Join(out, "r.html"))
			syscall.Umask(old)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			names := listDir(t, out)
			if !slices.Equal(names, []string{"r.html", "x.csv", "x.csv.voice.csv"}) {
				t.Fatalf("wrote %q", names)
			}
			for _, n := range names {
				st, err := os.Stat(filepath.Join(out, n))
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s is %04o, want 0600", n, st.Mode().Perm())
				}
			}
		})
	}
}

// With no CSV to write, the summary is printed rather than lost.
func TestAnalyzeWithoutOutPrintsTheSummary(t *testing.T) {
	needFrontCenter(t)
	for _, tc := range []struct {
		name    string
		args    []string
		printed bool
	}{
		{"neither --out nor --summary", nil, true},
		{"--out", []string{"--out", "x.csv"}, false},
		{"--out and --summary", []string{"--out", "x.csv", "--summary"}, true},
		{"--summary", []string{"--summary"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--audio", frontCenter}
			for _, a := range tc.args {
				if a == "x.csv" {
					a = filepath.Join(t.TempDir(), a)
				}
				args = append(args, a)
			}
			var stderr bytes.Buffer
			code, stdout := analyzeTo(t, &stderr, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			var sum map[string]json.RawMessage
			printed := json.Unmarshal([]byte(stdout), &sum) == nil && sum["audio"] != nil
			if printed != tc.printed {
				t.Errorf("summary printed %v, want %v; stdout %q", printed, tc.printed, stdout)
			}
		})
	}
}

// A video without a face says so in one line; one with a face says nothing.
func TestAnalyzeWarnsWhenNoFaceIsFound(t *testing.T) {
	needModel(t)
	frames := twoFrames(t)
	blank := t.TempDir()
	if err := os.Rename(filepath.Join(frames, "2-blank.png"), filepath.Join(blank, "blank.png")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, video string
		warned      bool
	}{{"blank", blank, true}, {"face", frames, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code, _ := analyzeTo(t, &stderr, "--video", tc.video)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got := stderr.String()
			warned := strings.Count(got, "\n") == 1 && strings.Contains(got, "no face found") && strings.Contains(got, tc.video)
			if warned != tc.warned || (!tc.warned && got != "") {
				t.Errorf("stderr %q, want a one-line warning: %v", got, tc.warned)
			}
		})
	}
}

// Audio alone writes the voice CSV and nothing else: no empty frame CSV,
// no blank plot (a one-line note says why the report is missing).
func TestAnalyzeAudioAloneWritesOnlyVoiceOutputs(t *testing.T) {
	needFrontCenter(t)
	out := t.TempDir()
	var stderr bytes.Buffer
	code, _ := analyzeTo(t, &stderr, "--audio", frontCenter, "--out", filepath.Join(out, "x.csv"), "--report", filepath.Join(out, "r.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := listDir(t, out); !slices.Equal(got, []string{"x.csv.voice.csv"}) {
		t.Errorf("wrote %q, want only the voice CSV", got)
	}
	if s := stderr.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "r.png") {
		t.Errorf("stderr %q, want one line saying r.png was not written", s)
	}
}

// Progress is drawn on a terminal only: a file or a pipe as stderr gets
// nothing from a run that finds a face.
func TestAnalyzeProgressOnlyOnATerminal(t *testing.T) {
	needModel(t)
	frames := twoFrames(t)
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	pty, term := openPTY(t)

	for _, tc := range []struct {
		name     string
		stderr   *os.File
		read     func() string
		progress bool
	}{
		{"file", file, func() string { b, _ := os.ReadFile(file.Name()); return string(b) }, false},
		{"pipe", pw, func() string { pw.Close(); b, _ := io.ReadAll(pr); return string(b) }, false},
		{"terminal", term, func() string { term.Close(); return <-pty }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _ := analyzeTo(t, tc.stderr, "--video", frames)
			got := tc.read()
			if code != 0 {
				t.Fatalf("exit %d: %s", code, got)
			}
			// The first frame is always drawn; later ones at most every
			// 250 ms of wall time, so they may not be.
			drawn := strings.Contains(got, "frame 1 of 2 (50%), ") && strings.Contains(got, " fps") &&
				strings.HasSuffix(got, "\r\x1b[K")
			if drawn != tc.progress || (!tc.progress && got != "") {
				t.Errorf("stderr %q, want progress: %v", got, tc.progress)
			}
		})
	}
}

// openPTY opens a pseudo-terminal (pty(7)): what is written to term comes
// out of the returned channel once term is closed.
func openPTY(t *testing.T) (<-chan string, *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlockpt: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("ptsname: %v", e)
	}
	term, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	out := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, master) // EIO once the terminal side is closed
		out <- b.String()
	}()
	return out, term
}
