package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flagSet wraps flag.FlagSet so that bad flags become one line and exit
// code 2, -h prints the flags, and flags may come before or after the
// positional arguments (the CLI contract): `kindred say "Hi." --out hi.wav`
// means what it says. A lone "--" ends the flags; what follows is
// positional even when it starts with a dash.
type flagSet struct {
	*flag.FlagSet
	help io.Writer
	args []string // positional arguments, in order
}

// newFlags returns a flag set whose help goes to help (stdout: help that
// was asked for is output, not an error).
func newFlags(name string, help io.Writer) *flagSet {
	fs := flag.NewFlagSet("kindred "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, help: help}
}

// parse parses args, flags anywhere; a flag error is a usage error.
func (fs *flagSet) parse(args []string) error {
	fs.args = nil
	for {
		err := fs.FlagSet.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(fs.help, "usage of %s:\n", fs.Name())
			fs.SetOutput(fs.help)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
			return errHelpShown
		}
		if err != nil {
			return badInput("%v", err)
		}
		rest := fs.FlagSet.Args()
		// flag stops at the first positional argument, or after "--"; it
		// consumes the "--" itself, so look at what it was given.
		if len(rest) == 0 {
			return nil
		}
		if ended(args, rest) {
			fs.args = append(fs.args, rest...)
			return nil
		}
		fs.args = append(fs.args, rest[0])
		args = rest[1:]
	}
}

// ended reports whether flag parsing stopped at a "--" just before rest.
func ended(args, rest []string) bool {
	i := len(args) - len(rest) - 1
	return i >= 0 && args[i] == "--"
}

// Args are the positional arguments, wherever they stood among the flags.
func (fs *flagSet) Args() []string { return fs.args }

// NArg is the number of positional arguments.
func (fs *flagSet) NArg() int { return len(fs.args) }

// Arg is the i-th positional argument, or "" when there is none.
func (fs *flagSet) Arg(i int) string {
	if i < 0 || i >= len(fs.args) {
		return ""
	}
	return fs.args[i]
}
