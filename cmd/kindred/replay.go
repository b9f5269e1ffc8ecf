package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// cmdReplay is the robot's "consolidate while resting" loop: it re-scores
// recorded sessions' stored assessment items with each person's profile
// fitted to the carers' annotations, and reports agreement with the
// annotations before and after. What the carers taught goes into each
// resident's calibration (the file `kindred run` reads), so the next run
// uses it.
func cmdReplay(ctx context.Context, e env, args []string) error {
	fs := newFlags("replay", e.stdout)
	path := journalPathFlag(fs)
	session := fs.String("session", "", "replay only this session (default: all)")
	profile := fs.String("profile", "", "also export the report's scoring profiles (JSON): read as the prior when it exists, written back updated")
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
	if err := teachCalibrations(byPerson, e.stderr); err != nil {
		return err
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

// teachCalibrations learns each resident's fusion gains from the carers'
// ratings in sessions not learnt from before (fusion.Learn) and stores
// them in their calibration, which `kindred run` loads when they are
// there. Someone without a calibration gets one holding only the gains;
// an unknown person's pseudonym never gets one.
func teachCalibrations(byPerson map[string][]journal.Pair, log io.Writer) error {
	if len(byPerson) == 0 {
		return nil
	}
	dir, err := calibration.DefaultPersonDir()
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	store := calibration.NewPersonStore(dir)
	persons := slices.Sorted(maps.Keys(byPerson))
	for _, person := range persons {
		if strings.HasPrefix(person, companion.VisitorPrefix) || calibration.PersonID(person) != person {
			fmt.Fprintf(log, "replay: %s: not a resident's id, so no calibration is kept for them\n", person)
			continue
		}
		p, err := store.Load(person)
		switch {
		case errors.Is(err, calibration.ErrNoPerson):
			p = calibration.Person{ID: person, Created: time.Now().UTC(), Source: "replay"}
		case err != nil:
			return badInput("replay: %v", err)
		}
		var ratings []fusion.Rating
		newest := p.ReplayedThrough
		for _, pr := range byPerson[person] {
			if pr.Session <= p.ReplayedThrough {
				continue // taught already: the gains hold it
			}
			it := pr.Items
			ratings = append(ratings, fusion.Rating{Carer: pr.Rating, Items: perception.PainItems{Breathing: it.Breathing,
				Vocalisation: it.Vocalisation, Face: it.Face, Body: it.Body, Consolability: it.Consolability}})
			newest = max(newest, pr.Session)
		}
		if len(ratings) == 0 {
			fmt.Fprintf(log, "replay: %s: no ratings newer than the calibration's (through session %s)\n", person, p.ReplayedThrough)
			continue
		}
		was := p.Gains
		learnt, err := fusion.Learn(p.Profile, ratings)
		if errors.Is(err, fusion.ErrTooFewRatings) {
			fmt.Fprintf(log, "replay: %s: %v; calibration unchanged\n", person, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("replay: %s: %w", person, err)
		}
		p.Profile, p.Ratings, p.ReplayedThrough = learnt, p.Ratings+len(ratings), newest
		if err := store.Save(p); err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		g := p.Gains
		fmt.Fprintf(log, "replay: %s: calibration updated in %s from %d carer rating(s): gains face %.2f -> %.2f, voice %.2f -> %.2f, body %.2f -> %.2f\n",
			person, store.Dir(), len(ratings), orOne(was.Face), g.Face, orOne(was.Voice), g.Voice, orOne(was.Body), g.Body)
	}
	return nil
}

// orOne reads a zero gain as the 1 it means.
func orOne(g float64) float64 {
	if g == 0 {
		return 1
	}
	return g
}
