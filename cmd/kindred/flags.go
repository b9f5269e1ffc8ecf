package main

import (
	"io"

	"github.com/kindred-hri/kindred/internal/cliflags"
)

// The commands' flags: flags anywhere, -h on stdout, bad flags exit 2
// (package cliflags).
type flagSet = cliflags.Set

func newFlags(name string, help io.Writer) *flagSet { return cliflags.New(name, help) }

var errHelpShown = cliflags.ErrHelpShown
