package cliflags

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
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
		{args: []string{"--out", "a", "--out", "b"}, out: "b"}, // repeated: the last one counts, as in package flag
		{args: []string{"hi", "--nope"}, err: "flag provided but not defined: -nope"},
		{args: []string{"hi", "--out"}, err: "flag needs an argument"},
		// An empty value is refused wherever it stands, "=" or not.
		{args: []string{"--out", "", "hi"}, err: "--out: empty value"},
		{args: []string{"hi", "--out="}, err: "--out: empty value"},
		{args: []string{"hi", "--", "--out="}, pos: []string{"hi", "--out="}}, // after "--" it is text
		{args: []string{"--n", "3", "--out", "a", "--", ""}, out: "a", pos: []string{""}},
	} {
		fs := New("test", &bytes.Buffer{})
		out := fs.String("out", "", "")
		tag := fs.String("tag", "", "")
		fs.Int("n", 0, "")
		err := fs.Parse(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !badinput.Is(err) {
				t.Errorf("%q: error %v, want bad input with %q", tc.args, err, tc.err)
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

// -h prints the flags on the help writer and stops with ErrHelpShown.
func TestHelpGoesToTheHelpWriter(t *testing.T) {
	var help bytes.Buffer
	fs := New("test", &help)
	fs.String("out", "", "where to write")
	if err := fs.Parse([]string{"hi", "-h"}); !errors.Is(err, ErrHelpShown) {
		t.Fatalf("error %v, want ErrHelpShown", err)
	}
	if !strings.Contains(help.String(), "usage of kindred test:") || !strings.Contains(help.String(), "where to write") {
		t.Errorf("help %q", help.String())
	}
}

func TestGiven(t *testing.T) {
	fs := New("test", &bytes.Buffer{})
	fs.Float64("speed", 0, "")
	fs.Float64("other", 0, "")
	if err := fs.Parse([]string{"--speed", "0"}); err != nil {
		t.Fatal(err)
	}
	if !fs.Given("speed") || fs.Given("other") {
		t.Errorf("Given(speed) %v, Given(other) %v; want true, false", fs.Given("speed"), fs.Given("other"))
	}
}

func TestActionFirst(t *testing.T) {
	acts := []string{"list", "export"}
	for _, c := range []struct{ in, want []string }{
		{[]string{"list", "--json"}, []string{"list", "--json"}},
		{[]string{"--journal", "j.db", "list", "--json"}, []string{"list", "--journal", "j.db", "--json"}},
		{[]string{"--journal=j.db", "export", "--session", "s"}, []string{"export", "--journal=j.db", "--session", "s"}},
		{[]string{"--journal", "j.db"}, []string{"--journal", "j.db"}},
		{[]string{"--", "list"}, []string{"--", "list"}},
		{[]string{"-h"}, []string{"-h"}},
		{nil, nil},
	} {
		if got := ActionFirst(c.in, acts...); !slices.Equal(got, c.want) {
			t.Errorf("ActionFirst(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
