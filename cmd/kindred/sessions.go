package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/internal/cliflags"
	"github.com/kindred-hri/kindred/internal/staged"
	"github.com/kindred-hri/kindred/journal"
)

// cmdSessions lists, exports or deletes recorded sessions.
func cmdSessions(ctx context.Context, e env, args []string) error {
	if args = cliflags.ActionFirst(args, "list", "export", "delete", "attach"); len(args) == 0 {
		return badInput("want list, export, delete or attach")
	}
	switch args[0] {
	case "list":
		return sessionsList(ctx, e, args[1:])
	case "export":
		return sessionsExport(ctx, e, args[1:])
	case "delete":
		return sessionsDelete(ctx, e, args[1:])
	case "attach":
		return sessionsAttach(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: kindred sessions list|export|delete|attach [--journal FILE] [...]")
		return errHelpShown
	}
	return badInput("unknown action %q (want list, export, delete or attach)", args[0])
}

// journalPathFlag adds --journal with the default path.
func journalPathFlag(fs *flagSet) *string {
	return fs.String("journal", "", "journal file (default: the user config dir's kindred/journal.db)")
}

// openJournalFile opens an existing journal for reading or deletion; a missing
// or corrupt file is bad input naming the file.
func openJournalFile(ctx context.Context, path string) (*journal.Journal, error) {
	if path == "" {
		p, err := journal.DefaultPath()
		if err != nil {
			return nil, badInput("--journal: no default location (%v); give --journal FILE", err)
		}
		path = p
	}
	j, err := journal.OpenExisting(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, badInput("journal %s: no such file: no run has recorded one there (kindred run does; or give --journal FILE)", path)
	case errors.Is(err, journal.ErrNotJournal):
		return nil, badInput("--journal %s: not a kindred journal (or corrupt)", path)
	case err != nil:
		return nil, badInput("--journal %s: %v", path, err)
	}
	return j, nil
}

func sessionsList(ctx context.Context, e env, args []string) error {
	fs := newFlags("sessions list", e.stdout)
	path := journalPathFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("sessions list: unexpected argument %q", fs.Arg(0))
	}
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	list, err := j.Sessions(ctx)
	if err != nil {
		return badInput("--journal %s: %v", j.Path(), err)
	}
	if *asJSON {
		if list == nil {
			list = []journal.Session{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	return journal.WriteSessionTable(e.stdout, list)
}

func sessionsExport(ctx context.Context, e env, args []string) error {
	fs := newFlags("sessions export", e.stdout)
	path := journalPathFlag(fs)
	id := fs.String("session", "", "session ID (see kindred sessions list)")
	format := fs.String("format", "csv", "csv or jsonl")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("sessions export: unexpected argument %q", fs.Arg(0))
	}
	if *id == "" {
		return badInput("sessions export: --session ID is required")
	}
	f, err := journal.ParseFormat(*format)
	if err != nil {
		return badInput("sessions export: --format: %v", err)
	}
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	if _, err := j.Session(ctx, *id); err != nil {
		return badInput("sessions export: --session %q: not in %s", *id, j.Path())
	}
	var w io.Writer = e.stdout
	// Health data: staged mode 0600 beside --out, named only once whole, so
	// a failed export neither leaves half a file nor empties an earlier one.
	var outs staged.Outputs
	defer outs.Discard()
	if *out != "" {
		file, err := outs.Create(*out)
		if err != nil {
			return badInput("sessions export: --out %s: %v", *out, err)
		}
		w = file
	}
	if err := j.Export(ctx, *id, f, w); err != nil {
		return fmt.Errorf("sessions export: %w", err)
	}
	if err := outs.Commit(); err != nil {
		return fmt.Errorf("sessions export: %w", err)
	}
	return nil
}

func sessionsDelete(ctx context.Context, e env, args []string) error {
	fs := newFlags("sessions delete", e.stdout)
	path := journalPathFlag(fs)
	id := fs.String("session", "", "delete this session and everything recorded in it")
	person := fs.String("person", "", "delete every row about this person, in every session")
	older := fs.Int("older-than", 0, "retention: delete sessions that started more than this many days ago")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("sessions delete: unexpected argument %q", fs.Arg(0))
	}
	given := 0
	for _, set := range []bool{*id != "", *person != "", *older != 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return badInput("sessions delete: give exactly one of --session ID, --person ID, --older-than DAYS")
	}
	if *older < 0 {
		return badInput("sessions delete: --older-than %d: must be positive", *older)
	}
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	switch {
	case *id != "":
		if err := j.DeleteSession(ctx, *id); err != nil {
			if errors.Is(err, journal.ErrNoSession) {
				return badInput("sessions delete: --session %q: not in %s", *id, j.Path())
			}
			return fmt.Errorf("sessions delete: %w", err)
		}
		fmt.Fprintf(e.stdout, "deleted session %s\n", *id)
	case *person != "":
		n, err := j.DeletePerson(ctx, *person)
		if err != nil {
			return fmt.Errorf("sessions delete: %w", err)
		}
		// Their calibration (voice and face baselines) goes with them.
		dir, err := calibration.DefaultPersonDir()
		if err != nil {
			return fmt.Errorf("sessions delete: %w", err)
		}
		store := calibration.NewPersonStore(dir)
		gone, err := store.Forget(*person)
		if err != nil {
			return fmt.Errorf("sessions delete: %w", err)
		}
		if n == 0 && !gone {
			// Nothing to erase is no failure (asked twice, it is done), but
			// a mistyped id must not read as done.
			fmt.Fprintf(e.stdout, "nothing about %q in %s, and no calibration of theirs: nothing deleted (an ID is exact, letter case included; kindred sessions list shows whom sessions are about)\n", *person, j.Path())
			return nil
		}
		fmt.Fprintf(e.stdout, "deleted %d rows about %q\n", n, *person)
		if gone {
			fmt.Fprintf(e.stdout, "deleted %s's calibration in %s\n", *person, store.Dir())
		}
	default:
		n, err := j.DeleteOlderThan(ctx, time.Now(), *older)
		if err != nil {
			return fmt.Errorf("sessions delete: %w", err)
		}
		fmt.Fprintf(e.stdout, "deleted %d sessions older than %d days\n", n, *older)
	}
	return nil
}

// sessionsAttach files an unknown person's records (a live run's
// "visitor-…" pseudonym) under the person a carer knows them to be.
func sessionsAttach(ctx context.Context, e env, args []string) error {
	fs := newFlags("sessions attach", e.stdout)
	path := journalPathFlag(fs)
	from := fs.String("from", "", "the unknown person's pseudonym (visitor-…), as the console or sessions list shows it")
	to := fs.String("to", "", "the person they were (a person id, e.g. ada-lovelace)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("sessions attach: unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return badInput("sessions attach: give --from PSEUDONYM and --to PERSON")
	}
	// Only a pseudonym moves: merging two named people's records by a slip
	// of the keyboard could not be undone.
	if !strings.HasPrefix(*from, companion.VisitorPrefix) || calibration.PersonID(*from) != *from {
		return badInput("sessions attach: --from %q is not an unknown person's pseudonym (visitor-…)", *from)
	}
	if calibration.PersonID(*to) != *to || strings.HasPrefix(*to, companion.VisitorPrefix) {
		return badInput("sessions attach: --to %q is not a person id (lower-case letters, digits and dashes, e.g. ada-lovelace)", *to)
	}
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	n, err := j.AttachPerson(ctx, *from, *to)
	if err != nil {
		return fmt.Errorf("sessions attach: %w", err)
	}
	if n == 0 {
		return badInput("sessions attach: --from %q: no records in %s", *from, j.Path())
	}
	fmt.Fprintf(e.stdout, "attached %d rows from %s to %s\n", n, *from, *to)
	return nil
}
