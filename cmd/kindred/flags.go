package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flagSet wraps flag.FlagSet so that bad flags become one line and exit
// code 2, and -h prints the flags.
type flagSet struct {
	*flag.FlagSet
	help io.Writer
}

func newFlags(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("kindred "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, help: stderr}
}

// parse parses args; a flag error is a usage error.
func (fs *flagSet) parse(args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(fs.help, "usage of %s:\n", fs.Name())
		fs.SetOutput(fs.help)
		fs.PrintDefaults()
		return errHelpShown
	}
	if err != nil {
		return badInput("%v", err)
	}
	return nil
}
