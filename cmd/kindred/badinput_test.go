package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// badMedia writes the bad files the table below feeds to the CLI.
type badMedia struct {
	dir                                string
	garbageAVI, garbageWAV, cutWAV     string
	cutData, unknownKey, garbageScript string
	okWAV, nanSpeed                    string
}

func writeBadMedia(t *testing.T) badMedia {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(10, 10))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A real WAV's header cut short, and its data chunk cut short.
	realWAV := validWAV(16000, 8000)
	return badMedia{
		dir:           dir,
		garbageAVI:    write("garbage.avi", noise(200_000)),
		garbageWAV:    write("garbage.wav", noise(50_000)),
		cutWAV:        write("cut-header.wav", realWAV[:30]),
		cutData:       write("cut-data.wav", realWAV[:len(realWAV)/2]),
		unknownKey:    write("unknown-key.yaml", []byte("robot:\n  name: kiri\nmimicry_gain: 0.5\n")),
		garbageScript: write("garbage.yaml", noise(3000)),
		okWAV:         write("ok.wav", realWAV),
		nanSpeed:      write("nan-speed.yaml", []byte("speed: .nan\n")),
	}
}

// validWAV is a mono 16-bit PCM WAV of n samples of a quiet tone.
func validWAV(rate, n int) []byte {
	var b bytes.Buffer
	le32 := func(v uint32) { b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}) }
	le16 := func(v uint16) { b.Write([]byte{byte(v), byte(v >> 8)}) }
	b.WriteString("RIFF")
	le32(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le32(16)
	le16(1) // PCM
	le16(1)
	le32(uint32(rate))
	le32(uint32(2 * rate))
	le16(2)
	le16(16)
	b.WriteString("data")
	le32(uint32(2 * n))
	for i := 0; i < n; i++ {
		le16(uint16(int16(3000 * ((i / 40) % 2))))
	}
	return b.Bytes()
}

// Bad input to analyze and run exits 2 with a few clear lines naming the
// file or field, never a panic trace.
func TestBadInputExitsTwoWithoutPanic(t *testing.T) {
	m := writeBadMedia(t)
	missing := filepath.Join(m.dir, "missing.avi")
	quiet := []string{"--console", "off", "--journal", "off"}
	tests := []struct {
		name string
		args []string
		want string // what the message must name
	}{
		{"analyze garbage video", []string{"analyze", "--video", m.garbageAVI}, "garbage.avi"},
		{"analyze missing video", []string{"analyze", "--video", missing}, "missing.avi"},
		{"analyze garbage audio", []string{"analyze", "--audio", m.garbageWAV}, "garbage.wav"},
		{"analyze header cut short", []string{"analyze", "--audio", m.cutWAV}, "cut-header.wav"},
		{"analyze data cut short", []string{"analyze", "--audio", m.cutData}, "cut-data.wav"},
		{"analyze missing audio", []string{"analyze", "--audio", filepath.Join(m.dir, "missing.wav")}, "missing.wav"},
		{"run garbage video", append([]string{"run", "--video", m.garbageAVI}, quiet...), "garbage.avi"},
		{"run missing video", append([]string{"run", "--video", missing}, quiet...), "missing.avi"},
		{"run garbage audio", append([]string{"run", "--audio", m.garbageWAV}, quiet...), "garbage.wav"},
		{"run header cut short", append([]string{"run", "--audio", m.cutWAV}, quiet...), "cut-header.wav"},
		{"run missing audio", append([]string{"run", "--audio", filepath.Join(m.dir, "missing.wav")}, quiet...), "missing.wav"},
		// With a journal: the media are opened before it records a run,
		// whose settings would otherwise begin with a fault for the file.
		{"run missing video, a journal", []string{"run", "--console", "off", "--journal", filepath.Join(m.dir, "j.db"), "--video", missing}, "missing.avi"},
		{"run missing audio, a journal", []string{"run", "--console", "off", "--journal", filepath.Join(m.dir, "j.db"), "--audio", filepath.Join(m.dir, "missing.wav")}, "missing.wav"},
		{"run folder of no images, a journal", []string{"run", "--console", "off", "--journal", filepath.Join(m.dir, "j.db"), "--video", t.TempDir()}, "no images in the folder"},
		{"run unknown config key", []string{"run", "--config", m.unknownKey}, "mimicry_gain"},
		{"run missing config", []string{"run", "--config", filepath.Join(m.dir, "none.yaml")}, "none.yaml"},
		{"run unknown scenario", append([]string{"run", "--scenario", "tea-party"}, quiet...), "tea-party"},
		{"run garbage scenario file", append([]string{"run", "--scenario", m.garbageScript}, quiet...), "garbage.yaml"},
		{"run journal below a file", []string{"run", "--console", "off", "--journal", filepath.Join(m.garbageAVI, "journal.db")}, filepath.Join(m.garbageAVI, "journal.db")},
		{"run console port out of range", []string{"run", "--journal", "off", "--for", "1s", "--speed", "100", "--console", "127.0.0.1:99999"}, "127.0.0.1:99999"},
		{"run console not an address", []string{"run", "--journal", "off", "--for", "1s", "--speed", "100", "--console", "nonsense"}, "want HOST:PORT"},
		{"run camera below -1", append([]string{"run", "--for", "1s", "--camera", "-5"}, quiet...), "--camera -5"},
		{"run speed 0", append([]string{"run", "--for", "1s", "--speed", "0"}, quiet...), "--speed 0"},
		{"run for 0s, which ran without end", append([]string{"run", "--for", "0s", "--speed", "100"}, quiet...), "-for"},
		{"calibrate person camera below -1", []string{"calibrate", "person", "--name", "Ada", "--camera", "-5"}, "--camera -5"},
		{"doctor extra argument", []string{"doctor", "--journal", "off", "now"}, "now"},
		{"calibrate person name with an escape", []string{"calibrate", "person", "--name", "Ada\x1b[2J", "--scenario", "visit"}, `--name "Ada\x1b[2J"`},
		{"sessions export id with an escape", []string{"sessions", "export", "--journal", syntheticJournal(t), "--session", "s\x1b[31m"}, `--session "s\x1b[31m"`},
		{"sessions export out is a folder", []string{"sessions", "export", "--journal", syntheticJournal(t), "--session", "s-ana", "--out", m.dir}, "--out"},
		{"analyze report in no folder", []string{"analyze", "--video", testmedia.Path(t, "Megamind.avi"), "--report", filepath.Join(m.dir, "no", "r.html")}, "--report"},
		{"analyze voice csv in no folder", []string{"analyze", "--audio", m.okWAV, "--out", filepath.Join(m.dir, "no", "a.csv")}, "--out"},
		{"run broker port out of range", append([]string{"run", "--for", "1s", "--speed", "100", "--mqtt", "tcp://127.0.0.1:99999"}, quiet...), "port 99999"},
		{"run config speed NaN", append([]string{"run", "--for", "1s", "--config", m.nanSpeed}, quiet...), "speed: NaN"},
		{"run lang with an escape", append([]string{"run", "--for", "1s", "--lang", "\x1b[2J"}, quiet...), `lang "\x1b[2J"`},
		// Outputs are checked before the work that fills them, so a typo
		// does not lose a run's summary or a person's calibration at its end.
		{"run summary is a folder", append([]string{"run", "--for", "1s", "--speed", "100", "--summary", m.dir}, quiet...), "--summary"},
		{"run summary in no folder", append([]string{"run", "--for", "1s", "--speed", "100", "--summary", filepath.Join(m.dir, "no", "s.json")}, quiet...), "--summary"},
		{"run summary empty", append([]string{"run", "--for", "1s", "--speed", "100", "--summary", ""}, quiet...), "--summary: empty value"},
		{"sessions journal empty", []string{"sessions", "list", "--journal="}, "--journal: empty value"},
		{"calibrate servos out is a folder", []string{"calibrate", "servos", "--out", m.dir}, "--out"},
		{"calibrate mic out in no folder", []string{"calibrate", "mic", "--out", filepath.Join(m.dir, "no", "mic.yaml")}, "--out"},
		{"calibrate mic seconds NaN", []string{"calibrate", "mic", "--seconds", "NaN"}, "--seconds"},
		{"calibrate person dir is a file", []string{"calibrate", "person", "--name", "Ada", "--scenario", "visit", "--dir", m.garbageAVI}, "--dir"},
		// A missing or unknown action names the command once, as dispatch
		// prefixes it ("kindred fleet: fleet: want sign" before).
		{"fleet without an action", []string{"fleet"}, "kindred fleet sign --robot NAME"},
		{"completion for fish", []string{"completion", "fish"}, "want bash or zsh"},
		{"sessions without an action", []string{"sessions"}, "want list, export"},
		{"sessions unknown action", []string{"sessions", "purge"}, `unknown action "purge"`},
		{"replay extra argument", []string{"replay", "--journal", syntheticJournal(t), "now"}, `"now"`},
		{"replay dir is a file", []string{"replay", "--journal", syntheticJournal(t), "--dir", m.garbageAVI}, "--dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runKindred(t, tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			checkFewClearLines(t, stderr, tt.want)
		})
	}
}

// checkFewClearLines: the guide's shape for bad input, exactly one line
// naming the file or flag, no panic trace, no unformatted value.
func checkFewClearLines(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") || strings.Contains(stderr, "%!") {
		t.Fatalf("panic trace or bad format:\n%s", stderr)
	}
	if f := strings.Fields(stderr); len(f) > 2 && f[0] == "kindred" && f[2] == f[1] {
		t.Errorf("the command is named twice: %s", stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 {
		t.Errorf("%d lines, want one:\n%s", len(lines), stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr does not name %q:\n%s", want, stderr)
	}
}

// buildKindred builds the binary once per test binary run.
func buildKindred(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kindred")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A kill -9 in the middle of a session leaves a journal that the next
// `kindred sessions list` reads, with the session marked incomplete.
func TestKill9MidSessionLeavesAReadableJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it for ~2 s")
	}
	bin := buildKindred(t)
	db := filepath.Join(t.TempDir(), "j.db")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "run", "--journal", db, "--console", "off", "--speed", "5")
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the session has been begun in the journal, then give it
	// about two seconds of recording before the kill.
	deadline := time.Now().Add(30 * time.Second)
	for !journalHasSession(db) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no session in the journal after 30 s; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond) // polling another process, not logic
	}
	time.Sleep(2 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("run was not killed by SIGKILL: %v; stderr:\n%s", err, stderr.String())
	}

	// Right after the crash the journal reads as it was left.
	list := listSessions(t, db)
	if len(list) != 1 {
		t.Fatalf("%d sessions, want the one killed: %+v", len(list), list)
	}
	ctx := context.Background()
	j, err := journal.OpenExisting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := j.Records(ctx, list[0].ID)
	j.Close()
	if err != nil {
		t.Fatalf("records of the killed session: %v", err)
	}
	if len(recs) == 0 {
		t.Errorf("the killed session kept no records")
	}
	// The next run's Open marks the session the crash left open incomplete.
	jw, err := journal.Open(ctx, db)
	if err != nil {
		t.Fatalf("next open: %v", err)
	}
	jw.Close()
	list = listSessions(t, db)
	if len(list) != 1 || list[0].Status != journal.StatusIncomplete {
		t.Errorf("after the next open: %+v, want one session %q", list, journal.StatusIncomplete)
	}
	code, table, errOut := runKindred(t, "sessions", "list", "--journal", db)
	if code != 0 || !strings.Contains(table, string(journal.StatusIncomplete)) {
		t.Errorf("table (exit %d): %s%s", code, table, errOut)
	}
}

func listSessions(t *testing.T, db string) []journal.Session {
	t.Helper()
	code, stdout, errOut := runKindred(t, "sessions", "list", "--journal", db, "--json")
	if code != 0 {
		t.Fatalf("sessions list: exit %d: %s", code, errOut)
	}
	var list []journal.Session
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("sessions list --json: %v\n%s", err, stdout)
	}
	return list
}

// onlySession reads the journal at db, which must hold one session, and
// returns that session (as sessions list --json gives it) and its records.
func onlySession(t *testing.T, db string) (journal.Session, []journal.Record) {
	t.Helper()
	list := listSessions(t, db)
	if len(list) != 1 {
		t.Fatalf("%d sessions in the journal, want 1: %+v", len(list), list)
	}
	ctx := context.Background()
	j, err := journal.OpenExisting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	recs, err := j.Records(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return list[0], recs
}

// journalHasSession reports whether another process has begun a session.
func journalHasSession(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	j, err := journal.OpenExisting(ctx, path)
	if err != nil {
		return false
	}
	defer j.Close()
	list, err := j.Sessions(ctx)
	return err == nil && len(list) > 0
}
