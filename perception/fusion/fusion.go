package fusion

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Opts configures a Fuser.
type Opts struct {
	Interval time.Duration // Run emits an assessment each time observation time crosses a multiple of this
	Rise     time.Duration // smoothing time constant while an item rises
	Fall     time.Duration // ... and while it falls (slower: pain does not vanish in a frame)
	Profile  Profile       // the person's profile when known in advance
	Profiles Profiles      // looked up on EventArrived; may be nil
	// SelfReportHalfLife is how fast a rating the person gave fades as
	// evidence (selfreport.go); 0 is DefaultSelfReportHalfLife.
	SelfReportHalfLife time.Duration
}

// DefaultOpts: 10 Hz, rise 1.5 s, fall 4 s.
func DefaultOpts() Opts {
	return Opts{Interval: 100 * time.Millisecond, Rise: 1500 * time.Millisecond, Fall: 4 * time.Second}
}

// Settle is how long a constant input takes to bring every item within
// 5 % of where it settles: the face window (faceWindow) filling with the
// input, then three rise time constants of the smoothing (e^-3 < 5 %).
// With DefaultOpts it is 2 s + 3 x 1.5 s = 6.5 s. A still image analysed
// as a face held before the robot is held this long (analysis).
func (o Opts) Settle() time.Duration {
	return faceWindow + 3*o.Rise
}

// Validate reports the first unusable option.
func (o Opts) Validate() error {
	if o.Interval < 10*time.Millisecond || o.Interval > 5*time.Second {
		return fmt.Errorf("fusion: interval %v outside 10ms..5s", o.Interval)
	}
	if o.SelfReportHalfLife < 0 || o.SelfReportHalfLife > 24*time.Hour {
		return fmt.Errorf("fusion: self-report half-life %v outside 0..24h", o.SelfReportHalfLife)
	}
	if o.Rise <= 0 || o.Fall <= 0 {
		return fmt.Errorf("fusion: smoothing times must be positive (rise %v, fall %v)", o.Rise, o.Fall)
	}
	return o.Profile.Validate()
}

// Windows of evidence, in observation time.
const (
	faceWindow    = 2 * time.Second  // a grimace is judged over this
	faceStale     = time.Second      // no face for this long: the face is missing
	voiceWindow   = 6 * time.Second  // moaning is a pattern, not a hop
	voiceStale    = time.Second      // no hops for this long: no voice input
	keywordMemory = 10 * time.Second // "ouch" counts for this long
	postureStale  = 2 * time.Second
	history       = 10 * time.Second
	judgeFrom     = 15 * time.Second // comfort is given this long before it is judged
	judgeFull     = 30 * time.Second // ... and fully judged from here on
	comfortMemory = 2 * time.Minute
	maxCatchUp    = 5 * time.Second // Run replays gaps up to this long, assessment by assessment
)

// laughOutweighs is the share of the voice window that, laughed, cancels
// the distress the rest of it shows.
const laughOutweighs = 0.5

type faceRec struct {
	at    time.Duration
	track int
	au    perception.AUs
	pspi  float64
	expr  perception.Expression
	conf  float64
	pitch float64
}

type voiceRec struct {
	at       time.Duration
	class    perception.VocalClass
	distress float64
	voiced   bool
	f0       float64
}

type keywordRec struct {
	at   time.Duration
	word string
}

// item indices
const (
	iBreathing = iota
	iVocal
	iFace
	iBody
	iConsol
	nItems
)

// Fuser keeps the recent evidence and the smoothed items. Feed it with Face,
// Voice, Posture and Event (it satisfies scenario.Sink) and ask Assess, or
// let Run do both.
type Fuser struct {
	o       Opts
	profile Profile

	faces    []faceRec
	voices   []voiceRec
	keywords []keywordRec
	posture  perception.PostureObs
	havePost bool
	newest   time.Duration // newest observation time seen
	observed time.Time     // newest Wall seen

	person    string
	present   bool
	lostVoice bool
	lostFace  bool
	comforts  []time.Duration
	preLevel  []float64 // distress level when each comfort began
	peakSince float64   // highest distress level since the comfort being judged began
	judged    int       // index of that comfort in comforts, -1 for none

	// acquired is when the face was last acquired: a face came after none
	// for faceStale, or on another track. fresh are
	// the items smoothed as smooth is, but on what was seen and heard since
	// then only (Stale).
	acquired   time.Duration
	fresh      [nItems]float64
	browsSince time.Duration // AU4 and AU43 together since; -1 when not
	hanging    float64       // 0..1 how low the head hangs, from the face item
	lastAt     time.Duration
	assessed   bool
	rejected   int
	onReject   func(why string) // Inputs.Rejected while Run runs
	// onProfileFailed is Inputs.ProfileFailed while Run runs.
	onProfileFailed func(person string, err error)
	smooth          [nItems]float64

	says *perception.SelfReport // the person's latest rating (selfreport.go)
}

// New returns a Fuser.
func New(o Opts) (*Fuser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Fuser{o: o, profile: o.Profile, browsSince: -1, judged: -1}, nil
}

// SetProfile replaces the person's profile (after calibration, say).
func (f *Fuser) SetProfile(p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	f.profile = p
	return nil
}

func (f *Fuser) see(at time.Duration) {
	if at > f.newest {
		f.newest = at
	}
}

// Face records one face observation.
func (f *Fuser) Face(o perception.FaceObs) {
	a := o.AU
	if bad := nonFinite(num{"PSPI", o.PSPI}, num{"confidence", o.Confidence}, num{"head pitch", o.Pose.Pitch.Degrees()},
		num{"AU01", a.AU01}, num{"AU02", a.AU02}, num{"AU04", a.AU04}, num{"AU06", a.AU06}, num{"AU07", a.AU07},
		num{"AU09", a.AU09}, num{"AU10", a.AU10}, num{"AU12", a.AU12}, num{"AU15", a.AU15}, num{"AU25", a.AU25},
		num{"AU26", a.AU26}, num{"AU43", a.AU43}); bad != "" {
		f.reject("face: " + bad)
		return
	}
	f.see(o.At)
	f.present = true
	f.lostFace = false
	if o.Carried {
		// The face is still in view, but its values are an earlier frame's
		// (face.Opts.MeshEvery): counted again they would weigh that frame
		// more than the others in the window. Presence only.
		return
	}
	if !f.faceFresh(o.At) || f.faces[len(f.faces)-1].track != o.Track {
		f.acquire(o.At)
	}
	c := func(x float64) float64 { return clamp(x, 0, 5) }
	au := perception.AUs{AU01: c(a.AU01), AU02: c(a.AU02), AU04: c(a.AU04), AU06: c(a.AU06), AU07: c(a.AU07), AU09: c(a.AU09),
		AU10: c(a.AU10), AU12: c(a.AU12), AU15: c(a.AU15), AU25: c(a.AU25), AU26: c(a.AU26), AU43: clamp(a.AU43, 0, 1)}
	f.faces = append(f.faces, faceRec{o.At, o.Track, au, clamp(o.PSPI, 0, 16), o.Expression, clamp(o.Confidence, 0, 1), clamp(o.Pose.Pitch.Degrees(), -90, 90)})
	if len(f.faces) > 64 && f.faces[0].at < o.At-history {
		f.faces = dropBefore(f.faces, o.At-history, func(r faceRec) time.Duration { return r.at })
	}
}

// Voice records one voice hop.
func (f *Fuser) Voice(o perception.VoiceObs) {
	if bad := nonFinite(num{"F0", o.F0}, num{"distress", o.Vocalisation.Distress}); bad != "" {
		f.reject("voice: " + bad)
		return
	}
	f.see(o.At)
	f.lostVoice = false
	if o.Wall.After(f.observed) {
		f.observed = o.Wall
	}
	f.voices = append(f.voices, voiceRec{o.At, o.Vocalisation.Class, clamp(o.Vocalisation.Distress, 0, 1), o.Voiced, o.F0})
	if len(f.voices) > 256 && f.voices[0].at < o.At-history {
		f.voices = dropBefore(f.voices, o.At-history, func(r voiceRec) time.Duration { return r.at })
	}
	if o.Keyword != "" {
		f.keyword(o.At, o.Keyword)
	}
}

func (f *Fuser) keyword(at time.Duration, w string) {
	for _, k := range f.keywords {
		if k.word == w && at-k.at < time.Second {
			return // the same word seen as a hop and as an event
		}
	}
	f.keywords = append(f.keywords, keywordRec{at, w})
	f.keywords = dropBefore(f.keywords, at-keywordMemory, func(k keywordRec) time.Duration { return k.at })
}

// Posture records the newest movement qualities.
func (f *Fuser) Posture(o perception.PostureObs) {
	if bad := nonFinite(num{"amplitude", o.Amplitude}, num{"speed", o.Speed}, num{"jerk", o.Jerk}, num{"rocking", o.Rocking},
		num{"restlessness", o.Restlessness}, num{"guarding", o.Guarding}, num{"breathing rate", o.BreathingRate}); bad != "" {
		f.reject("posture: " + bad)
		return
	}
	f.see(o.At)
	if o.Wall.After(f.observed) {
		f.observed = o.Wall
	}
	f.posture, f.havePost = o, true
}

// Event records a discrete event.
func (f *Fuser) Event(e perception.Event) {
	f.see(e.At)
	switch e.Kind {
	case perception.EventArrived:
		// Not an acquisition by itself: the face stream tells when the face
		// was found again (a gap, a new track), and an arrival told for a
		// face in view (a carer naming it) finds nothing again.
		f.present = true
		if e.Person != "" && e.Person != f.person {
			f.person = e.Person
			f.says = nil
			if f.o.Profiles != nil {
				f.arrived(e.Person)
			}
		}
	case perception.EventForgotten:
		// Deleted, with their calibration: whoever was taken to be them
		// is scored on, against the population, under their new name;
		// the evidence so far stays, since they are still the one in pain.
		if e.Person != "" && e.Person == f.person {
			f.person, f.profile, f.says = e.Text, f.o.Profile, nil
		}
	case perception.EventLeft:
		f.present = false
		f.says = nil // a rating is the person's own; it leaves with them
		f.comforts, f.preLevel, f.judged = nil, nil, -1
	case perception.EventKeyword:
		f.keyword(e.At, e.Text)
	case perception.EventComforted:
		f.comforts = append(f.comforts, e.At)
		f.preLevel = append(f.preLevel, f.smooth[iBreathing]+f.smooth[iVocal]+f.smooth[iFace]+f.smooth[iBody])
	case perception.EventModalityLost:
		switch e.Modality {
		case perception.ModFace:
			f.lostFace = true
		case perception.ModVoice:
			f.lostVoice = true
		}
	case perception.EventModalityBack:
		switch e.Modality {
		case perception.ModFace:
			f.lostFace = false
		case perception.ModVoice:
			f.lostVoice = false
		}
	}
}

// arrived scores the person who just arrived against their stored profile.
// Someone without one (a visitor) is scored against the population, never
// against the person before them; so is someone whose stored profile cannot
// be used, but that is told to Inputs.ProfileFailed, not passed over.
func (f *Fuser) arrived(person string) {
	f.profile = f.o.Profile
	p, err := f.o.Profiles.Profile(person)
	if err == nil {
		err = p.Validate()
	}
	switch {
	case err == nil:
		f.profile = p
	case errors.Is(err, ErrNoProfile):
		// A visitor, or someone never calibrated: nothing to tell.
	case f.onProfileFailed != nil:
		f.onProfileFailed(person, err)
	}
}

// Rejected counts observations dropped as invalid: faces, voice hops and
// postures carrying NaN or infinite numbers, ratings outside 0–10.
func (f *Fuser) Rejected() int { return f.rejected }

// reject drops one observation, saying why ("face: NaN PSPI"): it is
// counted, and told to Inputs.Rejected while Run runs.
func (f *Fuser) reject(why string) {
	f.rejected++
	if f.onReject != nil {
		f.onReject(why)
	}
}

// num is a named number of an observation, for nonFinite.
type num struct {
	name string
	x    float64
}

// nonFinite names the first of ns that is NaN or infinite ("NaN PSPI",
// "+Inf F0"), or is "" when all are finite.
func nonFinite(ns ...num) string {
	for _, n := range ns {
		if math.IsNaN(n.x) || math.IsInf(n.x, 0) {
			return fmt.Sprintf("%v %s", n.x, n.name)
		}
	}
	return ""
}

func dropBefore[T any](xs []T, t time.Duration, at func(T) time.Duration) []T {
	i := 0
	for i < len(xs) && at(xs[i]) < t {
		i++
	}
	if i == 0 {
		return xs
	}
	n := copy(xs, xs[i:])
	return xs[:n]
}

func clamp(x, lo, hi float64) float64 {
	if math.IsNaN(x) {
		return lo
	}
	return min(hi, max(lo, x))
}

// itemEvidence is one item's raw value (0..2) and confidence (0..1).
type itemEvidence struct {
	value, conf float64
}

// Assess returns the assessment at observation time at. Calls must come in
// non-decreasing time; an earlier time returns the state as of the last call.
func (f *Fuser) Assess(at time.Duration) perception.PainAssessment {
	var cues []string
	cue := func(format string, a ...any) { cues = append(cues, fmt.Sprintf(format, a...)) }

	// The face's cues come first: it is what a carer looks at first too.
	face, pspi, faceCues := f.faceItem(at)
	cues = append(cues, faceCues...)
	vocal := f.vocalItem(at, cue)
	body := f.bodyItem(at, cue)
	breathing := f.breathingItem(at, cue)

	ev := [nItems]itemEvidence{iBreathing: breathing, iVocal: vocal, iFace: face, iBody: body}
	raw, confidence := f.fuse(ev)
	// What the evidence since the face was last acquired shows: the
	// smoothed items still remember the face from before a loss (a
	// grimace before the person turned away), which is no fresh sign of
	// pain in the face that came back (Stale).
	ev[iFace] = f.faceEvidence(f.faceStats(at, max(at-faceWindow, f.acquired)))
	if !f.faceFresh(at) {
		ev[iFace] = itemEvidence{}
	}
	freshRaw, _ := f.fuse(ev)

	// Smooth in observation time: fast rise, slow fall.
	dt := time.Duration(0)
	if f.assessed {
		dt = at - f.lastAt
	}
	if f.assessed && dt < 0 {
		return f.snapshot(f.lastAt, pspi, confidence, cues)
	}
	var fresh float64
	for i := range iConsol {
		f.smooth[i] = f.step(f.smooth[i], raw[i], dt)
		f.fresh[i] = f.step(f.fresh[i], freshRaw[i], dt)
		fresh += round2(f.fresh[i]) // as the items of Score are rounded
	}
	consol := f.consolabilityItem(at, cue)
	f.smooth[iConsol] = f.step(f.smooth[iConsol], consol, dt)
	f.lastAt, f.assessed = at, true

	if !f.present && at-f.newest > faceStale {
		confidence = 0
	}
	if face.conf == 0 {
		if f.lostFace {
			cue("face turned away")
		} else {
			cue("face not visible")
		}
	}
	if vocal.conf == 0 {
		cue("no voice input")
	}
	a := f.snapshot(at, pspi, confidence, cues)
	f.staleOf(&a, fresh)
	return a
}

// fuse is the confidence-weighted late fusion of the items' evidence: a
// missing or unsure item leans on the level the others show, weighted by
// their confidence. It returns each item's value before smoothing and the
// assessment's confidence.
func (f *Fuser) fuse(ev [nItems]itemEvidence) ([nItems]float64, float64) {
	w := [nItems]float64{iBreathing: or1(f.profile.Weights.Body) * 0.6, iVocal: or1(f.profile.Weights.Voice),
		iFace: or1(f.profile.Weights.Face) * 1.2, iBody: or1(f.profile.Weights.Body)}
	g := f.profile.Gains
	for i, gain := range [nItems]float64{iBreathing: or1(g.Body), iVocal: or1(g.Voice), iFace: or1(g.Face), iBody: or1(g.Body)} {
		if i != iConsol {
			ev[i].value = clamp(ev[i].value*gain, 0, 2)
		}
	}
	var sumW, sumWV, sumConf, sumAll float64
	for i := range iConsol {
		cw := ev[i].conf * w[i]
		sumW += cw
		sumWV += cw * ev[i].value
		sumConf += cw
		sumAll += w[i]
	}
	confidence := 0.0
	if sumAll > 0 {
		confidence = sumConf / sumAll
	}
	// The less is seen, the less is extrapolated: with half the evidence
	// (a face turned away) missing items take the others' level in full;
	// with a single channel (a voice in the dark) only part of it.
	prior := 0.0
	if sumW > 0 {
		prior = sumWV / sumW * clamp(confidence/0.5, 0, 1)
	}
	var raw [nItems]float64
	for i := range iConsol {
		c := ev[i].conf
		raw[i] = c*ev[i].value + (1-c)*prior
	}
	return raw, confidence
}

// acquire marks the face acquired at at: what is fresh is smoothed from
// nothing again, as the score was when the first face came.
func (f *Fuser) acquire(at time.Duration) {
	f.acquired = at
	f.fresh = [nItems]float64{}
}

// staleOf sets a.Stale: how much of the score the evidence since the face
// was last acquired (fresh: the items smoothed alike on it alone, and a
// rating said since) does not show. With the face never lost the two are
// smoothed alike on the same evidence, so Stale is 0. A score that only
// remembers a face from before a loss is no pain cue to begin an episode
// on (behavior); the score itself, which an episode under way goes by, is
// unchanged.
func (f *Fuser) staleOf(a *perception.PainAssessment, fresh float64) {
	fresh += round2(f.smooth[iConsol]) // consolability is measured on comfort, not on the face
	if a.Says != nil && a.Says.At >= f.acquired {
		fresh = max(fresh, a.Says.Score())
	}
	a.Stale = round2(clamp(a.Score-fresh, 0, 10))
}

func (f *Fuser) step(cur, target float64, dt time.Duration) float64 {
	if dt <= 0 {
		if !f.assessed {
			return target
		}
		return cur
	}
	tau := f.o.Fall
	if target > cur {
		tau = f.o.Rise
	}
	k := 1 - math.Exp(-dt.Seconds()/tau.Seconds())
	return cur + (target-cur)*k
}

func (f *Fuser) snapshot(at time.Duration, pspi, confidence float64, cues []string) perception.PainAssessment {
	items := perception.PainItems{
		Breathing: round2(f.smooth[iBreathing]), Vocalisation: round2(f.smooth[iVocal]), Face: round2(f.smooth[iFace]),
		Body: round2(f.smooth[iBody]), Consolability: round2(f.smooth[iConsol]),
	}
	score := clamp(items.Total(), 0, 10)
	// The band names the score shown beside it, as PAINAD bands do (0 none,
	// 1–3 mild, 4–6 moderate, 7–10 severe; Warden et al. 2003): a carer who
	// reads 7.1 must read severe. The score is smoothed already; decisions
	// that need hysteresis keep their own (behavior's enter and leave
	// thresholds with dwell times).
	a := perception.PainAssessment{
		At: at, Person: f.person, Score: score, Items: items, PSPI: pspi, Band: perception.BandOf(score),
		Confidence: round2(confidence), Cues: cues, Present: f.present, Observed: f.observed,
	}
	f.withSelfReport(&a)
	return a
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// faceStats is what the face records from from to at show, for faceItem.
type faceStats struct {
	n                           int
	sumEv, sumConf, sumPSPI     float64
	sumAU4, sumPitch            float64
	happy, painful, closed, sad int
}

// faceStats sums the face records seen from from to at, both included: the
// face window, or the part of it since the face was last acquired (Stale).
func (f *Fuser) faceStats(at, from time.Duration) faceStats {
	var s faceStats
	base := f.profile.Face
	for i := len(f.faces) - 1; i >= 0; i-- {
		r := f.faces[i]
		if r.at > at {
			continue
		}
		if r.at < from {
			break
		}
		rel := max(0, r.pspi-base.PSPI)
		au4 := max(0, r.au.AU04-base.AU.AU04)
		var gate float64
		switch r.expr {
		case perception.ExprPain:
			gate = 1
		case perception.ExprHappy:
			gate = 0.1 + 0.4*clamp(au4/3, 0, 1) // the smile trap
			s.happy++
		default:
			gate = 0.3 + 0.7*clamp(au4/1.5, 0, 1)
		}
		switch r.expr {
		case perception.ExprPain:
			s.painful++
		case perception.ExprSad:
			s.sad++
		}
		if r.au.AU43 >= 1 && base.AU.AU43 < 1 {
			s.closed++
		}
		s.sumEv += rel * gate
		s.sumConf += r.conf
		s.sumPSPI += r.pspi
		s.sumAU4 += au4
		s.sumPitch += r.pitch
		s.n++
	}
	return s
}

// faceEvidence is the facial item (0..2) and its confidence that s shows.
func (f *Fuser) faceEvidence(s faceStats) itemEvidence {
	if s.n == 0 {
		return itemEvidence{}
	}
	nf := float64(s.n)
	// 1.5 above neutral begins to count; ~4 is a frown (1), ~7 a grimace (2).
	value := clamp((s.sumEv/nf-orDefault(f.profile.Thresholds.FaceOnset, 1))/3, 0, 2)
	// PAINAD's facial item is 2 only for grimacing; a face not labelled
	// pain in most of the window (a frown, a wince, a laugh) is at most a
	// frown's 1 (Warden, Hurley & Volicer 2003, JAMDA 4). This also lets
	// go: once the grimace is over the item drops to 1 at once, not by
	// the smoothing alone.
	if s.painful*2 < s.n {
		value = min(value, 1)
	}
	// PAINAD scores a sad or frightened face 1 even without a grimace.
	if s.sad*2 >= s.n {
		value = max(value, 0.6)
	}
	conf := s.sumConf / nf * math.Min(1, nf/(faceWindow.Seconds()*5)) // a few frames are not a face
	return itemEvidence{value, conf}
}

// faceFresh says whether a face has been seen recently enough at at to
// count (faceStale).
func (f *Fuser) faceFresh(at time.Duration) bool {
	return len(f.faces) > 0 && f.faces[len(f.faces)-1].at >= at-faceStale
}

// faceItem scores the facial expression: PSPI above the person's neutral,
// gated by the expression label and by AU4 so that a laugh is not a grimace.
func (f *Fuser) faceItem(at time.Duration) (itemEvidence, float64, []string) {
	s := f.faceStats(at, at-faceWindow)
	if s.n == 0 || !f.faceFresh(at) {
		f.browsSince, f.hanging = -1, 0
		return itemEvidence{}, 0, nil
	}
	ev := f.faceEvidence(s)
	nf := float64(s.n)
	meanAU4 := s.sumAU4 / nf
	var cues []string
	browsShut := meanAU4 >= 1.5 && s.closed*2 >= s.n
	switch {
	case browsShut && f.browsSince < 0:
		f.browsSince = at
	case !browsShut:
		f.browsSince = -1
	}
	switch {
	case f.browsSince >= 0 && at-f.browsSince >= time.Second:
		cues = append(cues, fmt.Sprintf("brows lowered and eyes shut for %.0f s", (at-f.browsSince).Seconds()))
	case meanAU4 >= 1.5 && s.painful*2 >= s.n:
		cues = append(cues, "brows lowered, grimacing")
	case meanAU4 >= 1.5:
		cues = append(cues, "brows lowered")
	}
	switch {
	case s.happy*2 >= s.n && meanAU4 >= 1.5:
		// A laugh with lowered brows is read as a laugh, and said so.
		cues = append(cues, fmt.Sprintf("laughing or smiling with brows lowered (PSPI %.1f, read as a laugh, not pain)", s.sumPSPI/nf))
	case s.happy*2 >= s.n && s.sumPSPI/nf >= 3:
		cues = append(cues, fmt.Sprintf("smiling or laughing (PSPI %.1f is not pain here)", s.sumPSPI/nf))
	}
	// A head held well below the person's usual pitch is body language.
	f.hanging = clamp((f.profile.Face.Pitch-s.sumPitch/nf-15)/15, 0, 1)
	if s.sad*2 >= s.n {
		cues = append(cues, "looks sad")
	}
	return ev, round2(s.sumPSPI / nf), cues
}

// vocalItem scores negative vocalisation: how much of the last few seconds
// was moaning, crying or screaming and how distressed, and pain words.
func (f *Fuser) vocalItem(at time.Duration, cue func(string, ...any)) itemEvidence {
	var n int
	var distressed, moan, cry, scream, negSpeech, highF0, laugh float64
	base := f.profile.Voice
	for i := len(f.voices) - 1; i >= 0; i-- {
		r := f.voices[i]
		if r.at > at {
			continue
		}
		if r.at < at-voiceWindow {
			break
		}
		n++
		switch r.class {
		case perception.VocalMoan:
			distressed += r.distress
			moan++
		case perception.VocalCry:
			distressed += 1.2 * r.distress
			cry++
		case perception.VocalScream:
			distressed += 1.5 * r.distress
			scream++
		case perception.VocalLaugh:
			laugh++
		case perception.VocalSpeech:
			if r.distress > 0.4 {
				negSpeech += r.distress
			}
			if base.Hops > 0 && base.F0SD > 0 && r.voiced && r.f0 > base.F0Mean+2.5*base.F0SD {
				highF0++
			}
		}
	}
	if n == 0 || f.lostVoice || f.voices[len(f.voices)-1].at < at-voiceStale {
		return itemEvidence{}
	}
	nv := float64(n)
	// Moaning a third of the time at high distress is "repeated troubled
	// calling out" (2); an occasional moan about 1.
	v := (distressed + 0.5*negSpeech + 0.3*highF0) / nv / 0.2
	// Laughter is evidence against pain, not merely the absence of it: a
	// laughing voice lowers what the rest of the window suggests, in full
	// once half of it is laughter (the hops between laughs that a
	// classifier hears as crying or screaming are part of the laugh). The
	// item keeps its confidence, so it pulls the fused level down too.
	laughing := laugh/nv >= laughOutweighs
	if share := laugh / nv; share > 0.1 {
		v *= 1 - clamp(share/laughOutweighs, 0, 1)
		cue("laughing (not pain)")
	}
	switch {
	case scream/nv > 0.05:
		cue("screaming")
	case cry/nv > 0.05:
		cue("crying")
	case moan/nv > 0.05:
		cue("moaning")
	}
	if negSpeech/nv > 0.1 {
		cue("distressed speech")
	}
	for _, k := range f.keywords {
		if k.at <= at && at-k.at < keywordMemory && painWord(k.word) {
			// The keyword spotter hears words in laughter: on the dev
			// set's 129 s of laughing, 14 "ouch", 2 "it hurts" and a
			// "help". A pain word in a voice that is mostly laughing is
			// not taken as pain.
			if laughing {
				cue("heard %q while laughing (not counted)", k.word)
				continue
			}
			v = max(v, 1)
			cue("said %q", k.word)
		}
	}
	return itemEvidence{clamp(v, 0, 2), 0.85}
}

func painWord(w string) bool {
	switch w {
	case "ouch", "it hurts", "hurts", "help", "pain", "ow", "aua", "au":
		return true
	}
	return false
}

// breathingItem scores breathing independent of vocalisation: a fast rate
// against the person's usual, and laboured sighing or panting.
func (f *Fuser) breathingItem(at time.Duration, cue func(string, ...any)) itemEvidence {
	var n int
	var laboured float64
	for i := len(f.voices) - 1; i >= 0; i-- {
		r := f.voices[i]
		if r.at > at {
			continue
		}
		if r.at < at-voiceWindow {
			break
		}
		n++
		if r.class == perception.VocalPant || r.class == perception.VocalSigh {
			laboured += max(r.distress, 0.2)
		}
	}
	var value, conf float64
	voiceOK := n > 0 && !f.lostVoice && f.voices[len(f.voices)-1].at >= at-voiceStale
	if voiceOK {
		l := laboured / float64(n)
		value = clamp(l/0.1, 0, 2)
		conf = 0.4
		if l > 0.03 {
			cue("laboured breathing (sighing or panting)")
		}
	}
	if f.havePost && at-f.posture.At <= postureStale && f.posture.BreathingRate > 0 {
		usual := f.profile.Movement.BreathingRate
		if usual == 0 {
			usual = 15
		}
		rate := f.posture.BreathingRate
		rv := clamp((rate-usual-orDefault(f.profile.Thresholds.BreathingFast, 3))/6, 0, 2) // 26/min against a usual 15 is 1.3
		if rv > 0.3 {
			cue("breathing fast (%.0f/min)", rate)
		}
		value = max(value, rv)
		conf = max(conf, 0.6)
	}
	return itemEvidence{value, conf}
}

// bodyItem scores body language from movement qualities and the head.
func (f *Fuser) bodyItem(at time.Duration, cue func(string, ...any)) itemEvidence {
	postureOK := f.havePost && at-f.posture.At <= postureStale
	if f.hanging > 0.3 {
		cue("head hanging")
	}
	if !postureOK {
		if f.hanging > 0 { // the head alone says a little about the body
			return itemEvidence{f.hanging, 0.3}
		}
		return itemEvidence{}
	}
	p := f.posture
	base := f.profile.Movement
	restless := max(0, p.Restlessness-base.Restlessness)
	jerk := max(0, p.Jerk-max(base.Jerk, 0.3))
	v := 1.2*p.Rocking + restless + p.Guarding + 0.6*jerk + 0.8*f.hanging
	if p.Rocking > 0.4 {
		cue("rocking")
	}
	if restless > 0.35 {
		cue("restless")
	}
	if p.Guarding > 0.4 {
		cue("guarding, stiller than usual")
	}
	if jerk > 0.2 {
		cue("jerky movement")
	}
	return itemEvidence{clamp(v, 0, 2), 0.7}
}

// consolabilityItem: 0 when no comfort was needed or it helped, 1 when the
// distress fell only partly, 2 when it did not fall. Comfort is given
// judgeFrom to act before it is judged, and the level is compared with the
// worst it reached since comfort began (pain may still be rising then).
func (f *Fuser) consolabilityItem(at time.Duration, cue func(string, ...any)) float64 {
	first := -1
	for i, c := range f.comforts {
		if c <= at && at-c <= comfortMemory {
			first = i
			break
		}
	}
	now := f.smooth[iBreathing] + f.smooth[iVocal] + f.smooth[iFace] + f.smooth[iBody]
	if first != f.judged {
		f.judged, f.peakSince = first, 0
	}
	if first < 0 {
		return 0
	}
	f.peakSince = max(f.peakSince, now)
	worst := max(f.preLevel[first], f.peakSince)
	if f.preLevel[first] < 2 {
		return 0 // little distress when comfort began: nothing to console
	}
	since := at - f.comforts[first]
	if since < judgeFrom {
		return 0
	}
	ratio := now / worst
	var v float64
	switch {
	case ratio < 0.6:
		cue("eased after comfort")
		return 0
	case ratio < 0.85:
		cue("easing after comfort")
		v = 1
	default:
		v = 2
	}
	v *= clamp(float64(since-judgeFrom)/float64(judgeFull-judgeFrom), 0, 1)
	if v >= 1 && ratio >= 0.85 {
		cue("not eased %.0f s after comfort", since.Seconds())
	}
	return v
}

// Inputs are the streams Run reads; a nil channel is a modality that is not
// there. Run returns when every non-nil channel is closed, or ctx is done.
type Inputs struct {
	Faces    <-chan perception.FaceObs
	Voices   <-chan perception.VoiceObs
	Postures <-chan perception.PostureObs
	Events   <-chan perception.Event
	Reports  <-chan perception.SelfReport // ratings the person gave when asked
	// Rejected, when set, is told of each observation Run drops as invalid
	// (counted in Fuser.Rejected), with why: "face: NaN PSPI", "voice: +Inf
	// F0", "self-report: rating 11 outside 0–10". Outside input is not
	// trusted until checked, and what fails the check is for the caller to
	// record, not dropped in silence. It is called on Run's goroutine and
	// must not block.
	Rejected func(why string)
	// ProfileFailed, when set, is told of each arrival (EventArrived) of
	// a person whose stored profile (Opts.Profiles) exists but cannot be
	// used, with Profiles' error or why the profile is invalid; the person
	// is scored against the population profile meanwhile. A person with no
	// stored profile (ErrNoProfile) is not told: a visitor is normal. It is
	// told on every such arrival of someone other than the person scored
	// just before; saying it once is the caller's. It is called on Run's
	// goroutine and must not block.
	ProfileFailed func(person string, err error)
}

// Run feeds the Fuser from in and sends an assessment on out each time
// observation time crosses the next Interval. It closes out when it returns;
// it returns nil when the inputs end or ctx is cancelled.
func (f *Fuser) Run(ctx context.Context, in Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	f.onReject, f.onProfileFailed = in.Rejected, in.ProfileFailed
	defer func() { f.onReject, f.onProfileFailed = nil, nil }()
	next := time.Duration(-1)
	emit := func() bool {
		if next < 0 || f.newest-next > maxCatchUp {
			// The first observation, or a jump in observation time (a
			// paused source, a bad timestamp): resume at the newest time
			// rather than replaying the gap assessment by assessment.
			next = f.newest.Truncate(f.o.Interval)
		}
		for f.newest >= next {
			select {
			case out <- f.Assess(next):
			case <-ctx.Done():
				return false
			}
			next += f.o.Interval
		}
		return true
	}
	faces, voices, postures, events, reports := in.Faces, in.Voices, in.Postures, in.Events, in.Reports
	for faces != nil || voices != nil || postures != nil || events != nil || reports != nil {
		select {
		case <-ctx.Done():
			return nil
		case o, ok := <-faces:
			if !ok {
				faces = nil
				continue
			}
			f.Face(o)
		case o, ok := <-voices:
			if !ok {
				voices = nil
				continue
			}
			f.Voice(o)
		case o, ok := <-postures:
			if !ok {
				postures = nil
				continue
			}
			f.Posture(o)
		case e, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			f.Event(e)
		case r, ok := <-reports:
			if !ok {
				reports = nil
				continue
			}
			f.Report(r)
		}
		if !emit() {
			return nil
		}
	}
	return nil
}
