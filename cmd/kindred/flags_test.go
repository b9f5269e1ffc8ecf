package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The issue's own transcript: the flag after the text was ignored.
func TestSayFlagAfterTheText(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "de.wav")
	var out, errb bytes.Buffer
	code := dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb},
		[]string{"say", "--lang", "de", "--tone", "gentle", "Ich bin bei dir.", "--out", wav})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if st, err := os.Stat(wav); err != nil || st.Size() < 1000 {
		t.Fatalf("no speech written: %v", err)
	}
}

func TestHelpAndVersionGoToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"--version"}, {"say", "--help"}, {"analyze", "-h"},
		{"sessions", "--help"}, {"calibrate", "help"}, {"run", "--help"}, {"eval", "-h"}, {"fleet", "--help"},
		{"fleet", "sign", "-h"}, {"help", "analyze"}, {"help", "calibrate", "mic"}, {"help", "help"}, {"--help", "-h"}} {
		var out, errb bytes.Buffer
		code := dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
		if code != 0 || out.Len() == 0 || errb.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %d bytes, stderr %q; want 0, help on stdout, nothing on stderr",
				args, code, out.Len(), errb.String())
		}
	}
	var out bytes.Buffer
	dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &bytes.Buffer{}}, []string{"--help"})
	if !strings.Contains(out.String(), "exit codes:") {
		t.Errorf("top-level help does not document exit codes:\n%s", out.String())
	}
	out.Reset()
	dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &bytes.Buffer{}}, []string{"completion", "-h"})
	if !strings.Contains(out.String(), "completion bash|zsh") {
		t.Errorf("completion -h does not say what it takes:\n%s", out.String())
	}
	// help X is X's own help, not the list of commands; so are --help X
	// and -h X, which before printed the list.
	for _, args := range [][]string{{"help", "say"}, {"help", "calibrate", "mic"}, {"--help", "say"}, {"-h", "calibrate", "mic"}} {
		out.Reset()
		dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &bytes.Buffer{}}, args)
		if want := "usage of kindred " + strings.Join(args[1:], " ") + ":"; !strings.HasPrefix(out.String(), want) {
			t.Errorf("%q printed %q, want %q first", args, firstLine(out.String()), want)
		}
	}
	out.Reset()
	dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &bytes.Buffer{}}, []string{"--version"})
	if !strings.HasPrefix(out.String(), "kindred "+version+" (commit ") {
		t.Errorf("version line %q", out.String())
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// Flags before a command's action word: "sessions --journal J list".
func TestFlagsBeforeTheAction(t *testing.T) {
	db := syntheticJournal(t)
	code, out, errs := runKindred(t, "sessions", "--journal", db, "list", "--json")
	if code != 0 || !strings.Contains(out, "s-ana") {
		t.Errorf("exit %d, stdout %q, stderr %q; want the sessions listed", code, out, errs)
	}
	code, out, errs = runKindred(t, "calibrate", "--robot", "sim", "servos", "--joints", "head_pan")
	if code != 0 || !strings.Contains(out, "head_pan") {
		t.Errorf("calibrate: exit %d, stdout %q, stderr %q; want the profile", code, out, errs)
	}
	t.Setenv("KINDRED_MQTT_KEY", strings.Repeat("k", 32))
	code, out, errs = runKindred(t, "fleet", "--robot", "kiri", "sign", `{"cmd":"pause"}`)
	if code != 0 || !strings.Contains(out, `"mac"`) {
		t.Errorf("fleet: exit %d, stdout %q, stderr %q; want a signed command", code, out, errs)
	}
}
