package cliflags

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// ErrHelpShown is what Parse returns after printing the flags for -h: the
// command stops there and exits 0.
var ErrHelpShown = errors.New("help shown")

// Set wraps flag.FlagSet; see the package doc. A lone "--" ends the
// flags; what follows is positional even when it starts with a dash.
type Set struct {
	*flag.FlagSet
	help io.Writer
	args []string // positional arguments, in order
}

// New returns a flag set named "kindred "+name whose help goes to help.
func New(name string, help io.Writer) *Set {
	fs := flag.NewFlagSet("kindred "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &Set{FlagSet: fs, help: help}
}

// Parse parses args, flags anywhere; a flag error is bad input.
func (fs *Set) Parse(args []string) error {
	fs.args = nil
	for {
		err := fs.FlagSet.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(fs.help, "usage of %s:\n", fs.Name())
			fs.SetOutput(fs.help)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
			return ErrHelpShown
		}
		if err != nil {
			return badinput.Errorf("%v", err)
		}
		rest := fs.FlagSet.Args()
		// flag stops at the first positional argument, or after "--"; it
		// consumes the "--" itself, so look at what it was given.
		if len(rest) == 0 {
			return fs.refuseEmpty()
		}
		if ended(args, rest) {
			fs.args = append(fs.args, rest...)
			return fs.refuseEmpty()
		}
		fs.args = append(fs.args, rest[0])
		args = rest[1:]
	}
}

// refuseEmpty is bad input when a string flag was given as "".
func (fs *Set) refuseEmpty() error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok || err != nil {
			return
		}
		if s, isString := g.Get().(string); isString && s == "" {
			err = badinput.Errorf("--%s: empty value; give one, or leave --%s out for its default", f.Name, f.Name)
		}
	})
	return err
}

// Given reports whether the flag name was on the command line, for a flag
// whose zero value also stands for "not given".
func (fs *Set) Given(name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// ActionFirst moves a command's action word (sessions list, calibrate mic)
// to the front when flags came before it, so that flags may stand anywhere
// there too: "--journal j.db list" is "list --journal j.db". The first
// argument that is one of actions is taken, and nothing after a "--".
func ActionFirst(args []string, actions ...string) []string {
	if len(args) == 0 || len(args[0]) < 2 || args[0][0] != '-' {
		return args
	}
	for i, a := range args {
		if a == "--" {
			break
		}
		if slices.Contains(actions, a) {
			return slices.Concat([]string{a}, args[:i], args[i+1:])
		}
	}
	return args
}

// ended reports whether flag parsing stopped at a "--" just before rest.
func ended(args, rest []string) bool {
	i := len(args) - len(rest) - 1
	return i >= 0 && args[i] == "--"
}

// Args are the positional arguments, wherever they stood among the flags.
func (fs *Set) Args() []string { return fs.args }

// NArg is the number of positional arguments.
func (fs *Set) NArg() int { return len(fs.args) }

// Arg is the i-th positional argument, or "" when there is none.
func (fs *Set) Arg(i int) string {
	if i < 0 || i >= len(fs.args) {
		return ""
	}
	return fs.args[i]
}
