package analysis

import (
	"io"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// env is what a run may touch of the command: its streams, and how it
// draws progress.
type env struct {
	stdout, stderr io.Writer
	progress       func(w io.Writer, what string, total int) Progress
}

// progressFunc starts the progress of one file; a nil one draws nothing.
type progressFunc func(what string, total int) Progress

// progressOn draws progress on w, when the command asked for progress.
func (e env) progressOn(w io.Writer) progressFunc {
	if e.progress == nil {
		return nil
	}
	return func(what string, total int) Progress { return e.progress(w, what, total) }
}

func (f progressFunc) start(what string, total int) Progress {
	if f == nil {
		return noProgress{}
	}
	if p := f(what, total); p != nil {
		return p
	}
	return noProgress{}
}

type noProgress struct{}

func (noProgress) Update(int) {}
func (noProgress) Finish()    {}

// badInput marks an error as bad input, exit code 2 in the kindred command.
func badInput(format string, a ...any) error {
	return badinput.Errorf(format, a...)
}
