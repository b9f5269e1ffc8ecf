package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/kindred-hri/kindred/internal/badinput"
	"github.com/kindred-hri/kindred/internal/cvthreads"
	"github.com/kindred-hri/kindred/internal/interrupt"
	"github.com/kindred-hri/kindred/internal/nativeheap"
)

// env is the process's streams, all a subcommand may touch: tests run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"run":        {"run the companion (simulated body and built-in scenario by default)", cmdRun},
		"analyze":    {"analyse a video and/or audio file into per-frame CSV and a summary", cmdAnalyze},
		"say":        {"speak a line with a persona and tone, or write it to a WAV file", cmdSay},
		"calibrate":  {"calibrate servos, a person's baseline, or the microphone noise floor", cmdCalibrate},
		"replay":     {"re-score recorded sessions with what annotations taught", cmdReplay},
		"sessions":   {"list, export or delete recorded sessions; attach a visitor's records to a person", cmdSessions},
		"bench":      {"run the benchmark suite", cmdBench},
		"eval":       {"measure faces, vocalisations and spoken words on labelled real recordings", cmdEval},
		"doctor":     {"check cameras, audio, models and boards, and say what to fix", cmdDoctor},
		"fleet":      {"sign a command for a robot's MQTT control topic", cmdFleet},
		"completion": {"print a shell completion script: source <(kindred completion bash)", cmdCompletion},
	}
}

// init sets the C heap up for `kindred analyze` of audio alone, a short
// run of large model loads (package nativeheap), here because Go runs init
// functions on the main thread, whose arena that needs.
func init() {
	if audioOnlyAnalyze(os.Args[1:]) {
		if err := nativeheap.ForShortRun(nativeheap.DefaultReserve); err != nil {
			fmt.Fprintf(os.Stderr, "kindred: %v (analysis goes on, slower)\n", err)
		}
	}
}

// audioOnlyAnalyze reports whether args are `analyze` without --video.
func audioOnlyAnalyze(args []string) bool {
	for _, a := range args[min(1, len(args)):] {
		if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); name == "video" && a[0] == '-' {
			return false
		}
	}
	return len(args) > 0 && args[0] == "analyze"
}

func main() {
	cvthreads.Match() // first, before any OpenCV work: OpenCV's threads follow GOMAXPROCS
	ctx, stop := interrupt.NotifyContext(context.Background(), "kindred", os.Stderr)
	code := dispatch(ctx, env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// dispatch runs one subcommand and maps its error to the exit code of the
// contract: 0 done, 1 runtime failure, 2 bad usage or bad input.
func dispatch(ctx context.Context, e env, args []string) int {
	cmds := commands()
	if len(args) == 0 {
		usage(e.stderr, cmds)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[1] != "help" && !strings.HasPrefix(args[1], "-") { // help X (--help X, -h X) is X --help
			return dispatch(ctx, e, append(args[1:], "--help"))
		}
		usage(e.stdout, cmds)
		return 0
	case "--version", "-version", "version":
		fmt.Fprintln(e.stdout, versionLine())
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "kindred: unknown command %q (try kindred help)\n", args[0])
		return 2
	}
	err := interrupt.Explain(ctx, c.run(ctx, e, args[1:]))
	if err == nil || errors.Is(err, errHelpShown) {
		return 0
	}
	fmt.Fprintf(e.stderr, "kindred %s: %v\n", args[0], err)
	var ue *usageError
	if errors.As(err, &ue) || badinput.Is(err) {
		return 2
	}
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: kindred COMMAND [flags] [args]   (flags may come before or after args)\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprint(w, `
  kindred COMMAND -h   flags of one command
  kindred --version    version and commit

exit codes:
  0  done
  1  runtime failure (a device, the journal or a model failed)
  2  bad usage or bad input (unknown flag, unreadable file, bad config field),
     with one line on stderr naming the file or field
`)
}

// usageError marks bad usage or bad input: exit code 2. The packages the
// commands call mark theirs with badinput.Errorf, which dispatch maps alike.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

// badInput wraps err (or formats a new one) as bad input, exit code 2.
func badInput(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}
