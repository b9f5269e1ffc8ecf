package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/kindred-hri/kindred/journal"
)

// cmdReplay is the robot's "consolidate while resting" loop: it re-scores
// recorded sessions' stored assessment items with each person's profile
// fitted to the carers' annotations, and reports agreement with the
// annotations before and after.
func cmdReplay(ctx context.Context, e env, args []string) error {
	fs := newFlags("replay", e.stdout)
	path := journalPathFlag(fs)
	session := fs.String("session", "", "replay only this session (default: all)")
	profile := fs.String("profile", "", "profile file (JSON): read as the prior when it exists, written back updated")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("replay: unexpected argument %q", fs.Arg(0))
	}
	prior, err := readReplayProfiles(*profile)
	if err != nil {
		return err
	}
	j, err := openJournalFile(ctx, *path)
	if err != nil {
		return err
	}
	defer j.Close()
	var ids []string
	if *session != "" {
		if _, err := j.Session(ctx, *session); err != nil {
			return badInput("replay: --session %s: not in %s", *session, j.Path())
		}
		ids = []string{*session}
	} else {
		list, err := j.Sessions(ctx)
		if err != nil {
			return badInput("--journal %s: %v", j.Path(), err)
		}
		for _, s := range list {
			ids = append(ids, s.ID)
		}
	}

	byPerson := map[string][]journal.Pair{}
	stored := map[string][]journal.Assessment{}
	unmatched := 0
	for _, id := range ids {
		recs, err := j.Records(ctx, id)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		for _, r := range recs {
			if a, ok := r.(journal.Assessment); ok {
				stored[a.Person] = append(stored[a.Person], a)
			}
		}
		pairs, miss := journal.PairsOf(id, recs, journal.DefaultPairWindow)
		unmatched += miss
		for _, p := range pairs {
			byPerson[p.Person] = append(byPerson[p.Person], p)
		}
	}
	persons := make([]string, 0, len(byPerson))
	for p := range byPerson {
		persons = append(persons, p)
	}
	sort.Strings(persons)

	report := replayReport{Sessions: len(ids), Unmatched: unmatched, Persons: []personReplay{}}
	updated := journal.Profiles{}
	for id, p := range prior {
		updated[id] = p
	}
	for _, person := range persons {
		c, err := journal.Fit(prior.For(person), byPerson[person])
		if err != nil {
			return fmt.Errorf("replay: %s: %w", person, err)
		}
		report.Persons = append(report.Persons, personReplay{c, journal.Rescore(stored[person], prior.For(person), c.Profile)})
		updated[person] = c.Profile
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		printReplay(e.stdout, report)
	}
	if *profile != "" && len(report.Persons) > 0 {
		if err := writeReplayProfiles(*profile, updated); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "replay: updated profiles written to %s\n", *profile)
	}
	return nil
}

type replayReport struct {
	Sessions  int            `json:"sessions"`
	Unmatched int            `json:"unmatched_annotations"`
	Persons   []personReplay `json:"persons"`
}

// personReplay is what one person's annotations taught, and what it changes
// in their recorded sessions.
type personReplay struct {
	journal.Consolidation
	Rescored journal.Rescored `json:"rescored"`
}

func readReplayProfiles(path string) (journal.Profiles, error) {
	if path == "" {
		return journal.Profiles{}, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return journal.Profiles{}, nil // the first replay creates it
	}
	if err != nil {
		return nil, badInput("replay: --profile %s: %v", path, err)
	}
	defer f.Close()
	ps, err := journal.ReadProfiles(f)
	if err != nil {
		return nil, badInput("replay: --profile %s: %v", path, err)
	}
	return ps, nil
}

// writeReplayProfiles replaces the file atomically, so a crash never leaves half a profile.
func writeReplayProfiles(path string, ps journal.Profiles) error {
	b, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".profile-*")
	if err != nil {
		return fmt.Errorf("replay: --profile %s: %w", path, err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("replay: --profile %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("replay: --profile %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("replay: --profile %s: %w", path, err)
	}
	return nil
}

func fmtPearson(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", *r)
}

func printReplay(w io.Writer, r replayReport) {
	fmt.Fprintf(w, "replayed %d session(s)", r.Sessions)
	if r.Unmatched > 0 {
		fmt.Fprintf(w, "; %d annotation(s) had no assessment nearby and were skipped", r.Unmatched)
	}
	fmt.Fprintln(w)
	if len(r.Persons) == 0 {
		fmt.Fprintln(w, "no annotated moments: nothing to learn (annotate from the console during a session)")
		return
	}
	for _, c := range r.Persons {
		fmt.Fprintf(w, "\n%s: %d annotated moment(s)\n", c.Person, c.After.N)
		fmt.Fprintf(w, "  before: MAE %.2f  r %s  threshold agreement %.0f%%\n", c.Before.MAE, fmtPearson(c.Before.R), 100*c.Before.Accuracy)
		fmt.Fprintf(w, "  after:  MAE %.2f  r %s  threshold agreement %.0f%%\n", c.After.MAE, fmtPearson(c.After.R), 100*c.After.Accuracy)
		if c.LeaveOneOut.N > 0 {
			fmt.Fprintf(w, "  leave-one-out (new moments): MAE %.2f  r %s\n", c.LeaveOneOut.MAE, fmtPearson(c.LeaveOneOut.R))
		}
		p := c.Profile
		if rs := c.Rescored; rs.Assessments > 0 {
			fmt.Fprintf(w, "  re-scored %d stored assessments: mean %.2f -> %.2f; above threshold %d -> %d; band changed for %d\n",
				rs.Assessments, rs.MeanBefore, rs.MeanAfter, rs.AboveBefore, rs.AboveAfter, rs.BandChanged)
		}
		fmt.Fprintf(w, "  profile: breathing %.2f  vocalisation %.2f  face %.2f  body %.2f  consolability %.2f  bias %+.2f  threshold %.2f\n",
			p.Weights.Breathing, p.Weights.Vocalisation, p.Weights.Face, p.Weights.Body, p.Weights.Consolability, p.Bias, p.Threshold)
	}
}
