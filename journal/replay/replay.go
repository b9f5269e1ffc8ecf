package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// Options say what to replay and where the residents' calibrations are.
type Options struct {
	Journal *journal.Journal
	Store   *calibration.PersonStore // read, and updated with what the ratings taught
	Session string                   // replay only this session ("": all)
	JSON    bool                     // print the report as JSON
}

// Run is the robot's "consolidate while resting" loop: it learns each
// resident's fusion gains from the carers' ratings in recorded sessions
// (fusion.Learn, the one learner), stores them in the resident's
// calibration (the file `kindred run` reads, so the next run uses them),
// and reports on stdout the agreement with the ratings before and after and
// what the new gains change in the recorded assessments. A session not in
// the journal is a badinput error.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	j, store := o.Journal, o.Store
	var ids []string
	if o.Session != "" {
		if _, err := j.Session(ctx, o.Session); err != nil {
			return badInput("--session %q: not in %s", o.Session, j.Path())
		}
		ids = []string{o.Session}
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
		pairs, miss := journal.PairsOf(id, recs, journal.DefaultPairWindow())
		unmatched += miss
		for _, p := range pairs {
			byPerson[p.Person] = append(byPerson[p.Person], p)
		}
	}
	report := Report{Sessions: len(ids), Unmatched: unmatched, Annotated: len(byPerson), Persons: []personReplay{}}
	for _, person := range slices.Sorted(maps.Keys(byPerson)) {
		pr, err := teachPerson(store, person, byPerson[person], stored[person], stderr)
		if err != nil {
			return err
		}
		if pr != nil {
			report.Persons = append(report.Persons, *pr)
		}
	}
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	printReplay(stdout, report)
	return nil
}

type Report struct {
	Sessions  int `json:"sessions"`
	Unmatched int `json:"unmatched_annotations"`
	// Annotated is how many people had annotated moments; Persons holds
	// those whose calibration this replay updated.
	Annotated int            `json:"annotated_persons"`
	Persons   []personReplay `json:"persons"`
}

// personReplay is what one resident's new ratings taught, and what it
// changes in their recorded assessments.
type personReplay struct {
	Person string `json:"person"`
	// Calibration is the file written, the one kindred run reads.
	Calibration string       `json:"calibration"`
	Ratings     int          `json:"ratings"`
	GainsBefore fusion.Gains `json:"gains_before"`
	GainsAfter  fusion.Gains `json:"gains_after"`
	// Before, After and LeaveOneOut compare the scores with the carers'
	// ratings (fusion.Checked).
	Before      fusion.Agreement `json:"before"`
	After       fusion.Agreement `json:"after"`
	LeaveOneOut fusion.Agreement `json:"leave_one_out"`
	Rescored    rescored         `json:"rescored"`
}

// rescored summarises a person's recorded assessments scored again with
// the learnt gains.
type rescored struct {
	Assessments int     `json:"assessments"`
	AboveBefore int     `json:"moderate_or_worse_before"`
	AboveAfter  int     `json:"moderate_or_worse_after"`
	BandChanged int     `json:"band_changed"`
	MeanBefore  float64 `json:"mean_score_before"`
	MeanAfter   float64 `json:"mean_score_after"`
}

func painItems(it journal.Items) perception.PainItems {
	return perception.PainItems{Breathing: it.Breathing, Vocalisation: it.Vocalisation, Face: it.Face,
		Body: it.Body, Consolability: it.Consolability}
}

// rescore scores the present assessments with the gains before and after.
func rescore(as []journal.Assessment, was, now fusion.Gains) rescored {
	var r rescored
	for _, a := range as {
		if !a.Present {
			continue
		}
		it := painItems(a.Items)
		sb, sa := fusion.Rescore(it, was, was), fusion.Rescore(it, was, now)
		r.Assessments++
		r.MeanBefore += sb
		r.MeanAfter += sa
		if sb >= fusion.ModerateRating {
			r.AboveBefore++
		}
		if sa >= fusion.ModerateRating {
			r.AboveAfter++
		}
		if perception.BandOf(sb) != perception.BandOf(sa) {
			r.BandChanged++
		}
	}
	if r.Assessments > 0 {
		r.MeanBefore /= float64(r.Assessments)
		r.MeanAfter /= float64(r.Assessments)
	}
	return r
}

// teachPerson learns a resident's gains from the ratings in sessions not
// learnt from before and stores them in their calibration. Someone without
// a calibration gets one holding only the gains; an unknown person's
// pseudonym never gets one. It returns nil when nothing was learnt, having
// said why on log.
func teachPerson(store *calibration.PersonStore, person string, pairs []journal.Pair, stored []journal.Assessment, log io.Writer) (*personReplay, error) {
	if strings.HasPrefix(person, companion.VisitorPrefix) || calibration.PersonID(person) != person {
		fmt.Fprintf(log, "replay: %s: not a resident's id, so no calibration is kept for them\n", person)
		return nil, nil
	}
	p, err := store.Load(person)
	switch {
	case errors.Is(err, calibration.ErrNoPerson):
		p = calibration.Person{ID: person, Created: time.Now().UTC(), Source: "replay"}
	case err != nil:
		return nil, badInput("replay: %v", err)
	}
	var ratings []fusion.Rating
	newest := p.ReplayedThrough
	for _, pr := range pairs {
		if pr.Session <= p.ReplayedThrough {
			continue // taught already: the gains hold it
		}
		ratings = append(ratings, fusion.Rating{Carer: pr.Rating, Items: painItems(pr.Items)})
		newest = max(newest, pr.Session)
	}
	if len(ratings) == 0 {
		fmt.Fprintf(log, "replay: %s: no ratings newer than the calibration's (through session %s)\n", person, p.ReplayedThrough)
		return nil, nil
	}
	was := p.Gains
	c, err := fusion.LearnChecked(p.Profile, ratings)
	if errors.Is(err, fusion.ErrTooFewRatings) {
		fmt.Fprintf(log, "replay: %s: %v; calibration unchanged\n", person, err)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("replay: %s: %w", person, err)
	}
	p.Profile, p.Ratings, p.ReplayedThrough = c.Profile, p.Ratings+len(ratings), newest
	if err := store.Save(p); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	g := p.Gains
	fmt.Fprintf(log, "replay: %s: calibration updated in %s from %d carer rating(s): gains face %.2f -> %.2f, voice %.2f -> %.2f, body %.2f -> %.2f\n",
		person, store.Dir(), len(ratings), OrOne(was.Face), g.Face, OrOne(was.Voice), g.Voice, OrOne(was.Body), g.Body)
	return &personReplay{Person: person, Calibration: filepath.Join(store.Dir(), person+".yaml"), Ratings: len(ratings),
		GainsBefore: was, GainsAfter: g, Before: c.Before, After: c.After, LeaveOneOut: c.LeaveOneOut,
		Rescored: rescore(stored, was, g)}, nil
}

// OrOne reads a zero gain (one not learnt yet) as the 1 it means.
func OrOne(g float64) float64 {
	if g == 0 {
		return 1
	}
	return g
}

func fmtPearson(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", *r)
}

func printReplay(w io.Writer, r Report) {
	fmt.Fprintf(w, "replayed %d session(s)", r.Sessions)
	if r.Unmatched > 0 {
		fmt.Fprintf(w, "; %d annotation(s) had no assessment nearby and were skipped", r.Unmatched)
	}
	fmt.Fprintln(w)
	if r.Annotated == 0 {
		fmt.Fprintln(w, "no annotated moments: nothing to learn (annotate from the console during a session)")
		return
	}
	if len(r.Persons) == 0 {
		fmt.Fprintln(w, "no calibration changed (the lines above say why)")
		return
	}
	for _, c := range r.Persons {
		fmt.Fprintf(w, "\n%s: %d annotated moment(s) not learnt from before\n", c.Person, c.Ratings)
		fmt.Fprintf(w, "  before: MAE %.2f  r %s  moderate-or-worse agreement %.0f%%\n", c.Before.MAE, fmtPearson(c.Before.R), 100*c.Before.Accuracy)
		fmt.Fprintf(w, "  after:  MAE %.2f  r %s  moderate-or-worse agreement %.0f%%\n", c.After.MAE, fmtPearson(c.After.R), 100*c.After.Accuracy)
		if c.LeaveOneOut.N > 0 {
			fmt.Fprintf(w, "  leave-one-out (new moments): MAE %.2f  r %s\n", c.LeaveOneOut.MAE, fmtPearson(c.LeaveOneOut.R))
		}
		if rs := c.Rescored; rs.Assessments > 0 {
			fmt.Fprintf(w, "  re-scored %d stored assessments: mean %.2f -> %.2f; moderate or worse %d -> %d; band changed for %d\n",
				rs.Assessments, rs.MeanBefore, rs.MeanAfter, rs.AboveBefore, rs.AboveAfter, rs.BandChanged)
		}
		b, a := c.GainsBefore, c.GainsAfter
		fmt.Fprintf(w, "  gains: face %.2f -> %.2f  voice %.2f -> %.2f  body %.2f -> %.2f (in %s, which kindred run reads)\n",
			OrOne(b.Face), a.Face, OrOne(b.Voice), a.Voice, OrOne(b.Body), a.Body, c.Calibration)
	}
}
