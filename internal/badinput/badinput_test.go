package badinput

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestIsSeesThroughWrapping(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"marked", Errorf("--video %s: no such file", "x.mp4"), true},
		{"wrapped again", fmt.Errorf("analyze: %w", Errorf("bad")), true},
		{"joined", errors.Join(errors.New("other"), Errorf("bad")), true},
		{"runtime failure", errors.New("camera failed"), false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		if got := Is(c.err); got != c.want {
			t.Errorf("%s: Is = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestErrorfKeepsTheWrappedCause(t *testing.T) {
	err := Errorf("audio: %w", fs.ErrNotExist)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%v does not wrap fs.ErrNotExist", err)
	}
	if err.Error() != "audio: file does not exist" {
		t.Errorf("message %q", err.Error())
	}
}
