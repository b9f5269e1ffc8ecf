package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/journal/replay"
)

// cmdReplay re-scores recorded sessions with what the carers' ratings
// taught (package journal/replay); here are its flags, and the journal and
// calibration folder it opens.
func cmdReplay(ctx context.Context, e env, args []string) error {
	fs := newFlags("replay", e.stdout)
	path := journalPathFlag(fs)
	session := fs.String("session", "", "replay only this session (default: all)")
	dir := fs.String("dir", "", "person calibration folder to read and update (default: the one kindred run reads, ~/.config/kindred/persons)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	storeDir := *dir
	if storeDir == "" {
		d, err := calibration.DefaultPersonDir()
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		storeDir = d
	} else if st, err := os.Stat(storeDir); err == nil && !st.IsDir() {
		return badInput("--dir %s: not a folder", storeDir)
	}
	store := calibration.NewPersonStore(storeDir)
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	return replay.Run(ctx, replay.Options{Journal: j, Store: store, Session: *session, JSON: *asJSON}, e.stdout, e.stderr)
}
