package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		out, tag string
		pos      []string
		err      string
	}{
		{args: []string{"--out", "a.wav", "hello"}, out: "a.wav", pos: []string{"hello"}},
		{args: []string{"hello", "--out", "a.wav"}, out: "a.wav", pos: []string{"hello"}},
		{args: []string{"hello", "--out", "a.wav", "world", "--tag=x"}, out: "a.wav", tag: "x", pos: []string{"hello", "world"}},
		{args: []string{"--tag", "x", "--", "--out", "b"}, tag: "x", pos: []string{"--out", "b"}},
		{args: []string{"hi", "--", "-1"}, pos: []string{"hi", "-1"}},
		{args: []string{"hi", "--nope"}, err: "flag provided but not defined: -nope"},
		{args: []string{"hi", "--out"}, err: "flag needs an argument"},
	} {
		fs := newFlags("test", &bytes.Buffer{})
		out := fs.String("out", "", "")
		tag := fs.String("tag", "", "")
		err := fs.parse(tc.args)
		if tc.err != "" {
			var ue *usageError
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &ue) {
				t.Errorf("%q: error %v, want a usage error with %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if *out != tc.out || *tag != tc.tag || !slices.Equal(fs.Args(), tc.pos) || fs.NArg() != len(tc.pos) {
			t.Errorf("%q: out %q tag %q args %q, want %q %q %q", tc.args, *out, *tag, fs.Args(), tc.out, tc.tag, tc.pos)
		}
	}
}

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
		{"sessions", "--help"}, {"calibrate", "help"}, {"run", "--help"}} {
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
	dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &bytes.Buffer{}}, []string{"--version"})
	if !strings.HasPrefix(out.String(), "kindred "+version+" (commit ") {
		t.Errorf("version line %q", out.String())
	}
}
