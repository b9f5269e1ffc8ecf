package fusion

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Self-report as evidence. A rating the person gives when asked is the
// reference standard of pain assessment (Hjermstad et al., J Pain Symptom
// Manage 2011); observational scales such as PAINAD stand in for it when
// it cannot be had (Warden et al., J Am Med Dir Assoc 2003). So a fresh
// rating is the strongest cue, and it fades as it ages: its weight halves
// every Opts.SelfReportHalfLife (10 minutes by default, twice the least
// time between two rating questions, so a rating still counts for most of
// its value when the robot may next ask).
//
// The two are never averaged: the assessment's Score is the higher of what
// is seen (Looks) and what the rating still says (Says.Score), and both
// are carried, so a carer reads "says 2, looks 6" and behaviour acts on 6;
// or "says 8, looks 1" and it acts on 8. Someone who says it hurts is
// believed; someone who says it does not while looking in pain is watched.

// DefaultSelfReportHalfLife is the half-life of a rating's weight.
const DefaultSelfReportHalfLife = 10 * time.Minute

// selfReportGone is the weight below which a rating no longer counts
// (four half-lives).
const selfReportGone = 1.0 / 16

// Report records a rating the person gave. A rating outside 0–10 is
// rejected (counted in Rejected).
func (f *Fuser) Report(r perception.SelfReport) {
	if r.Rating < 0 || r.Rating > 10 {
		f.reject(fmt.Sprintf("self-report: rating %d outside 0–10", r.Rating))
		return
	}
	f.see(r.At)
	r.Weight = 1
	f.says = &r
}

// saysAt is the rating as it counts at observation time at, or nil.
func (f *Fuser) saysAt(at time.Duration) *perception.SelfReport {
	if f.says == nil {
		return nil
	}
	age := max(0, at-f.says.At)
	w := math.Exp2(-age.Seconds() / f.o.selfReportHalfLife().Seconds())
	if w < selfReportGone {
		f.says = nil
		return nil
	}
	s := *f.says
	s.Weight = round2(w)
	return &s
}

// withSelfReport puts the rating beside what is seen: Looks keeps the
// observed score, Score becomes the higher of the two.
func (f *Fuser) withSelfReport(a *perception.PainAssessment) {
	a.Looks = a.Score
	says := f.saysAt(a.At)
	if says == nil {
		return
	}
	a.Says = says
	if s := says.Score(); s > a.Score {
		a.Score = round2(s)
		a.Band = perception.BandOf(a.Score)
		a.Cues = append(a.Cues, "says "+strconv.Itoa(says.Rating)+" out of 10")
	}
	// What the person said is evidence the observation lacks when the
	// face is turned away: the assessment is as sure as the rating is fresh.
	a.Confidence = max(a.Confidence, round2(says.Weight))
}

func (o Opts) selfReportHalfLife() time.Duration {
	if o.SelfReportHalfLife > 0 {
		return o.SelfReportHalfLife
	}
	return DefaultSelfReportHalfLife
}
