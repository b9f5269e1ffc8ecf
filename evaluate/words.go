package evaluate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/keywords"
	"github.com/kindred-hri/kindred/perception/selfreport"
	answers "github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/perception/voice"
)

// MaxFalseHelpPerHour is the budget of a "help" nobody said: the word
// pages a carer, so it may cry wolf at most once an hour of ordinary
// speech (issue 19).
const MaxFalseHelpPerHour = 1.0

// listenWindow is how much of ordinary speech the robot may hear as one
// answer when it has asked and the person talks on: every stretch of
// speech is also decoded in pieces of this length.
const listenWindow = 4 * time.Second

// WordsReport is what `kindred eval --only words` measures on an hour of
// ordinary speech: keyword false alarms and answers nobody gave, each on
// real and synthetic speech apart.
type WordsReport struct {
	Real      CorpusPart     `json:"real"`
	Synthetic CorpusPart     `json:"synthetic"`
	Keywords  []PhraseFigure `json:"keywords"`
	// KeywordFalse are the keyword false alarms, one row each.
	KeywordFalse []WordEvent `json:"keyword_false_alarms"`
	Answers      struct {
		Real      AnswerFigure `json:"real"`
		Synthetic AnswerFigure `json:"synthetic"`
	} `json:"answers"`
	// AnswerFalse are the answers understood in ordinary speech.
	AnswerFalse []WordEvent `json:"answer_false_reports"`
	// OptOuts are the false opt-outs the spotted words would make under
	// each opt-out policy (optout.go).
	OptOuts []OptOutFigure `json:"false_opt_outs"`
}

// CorpusPart is one side of the corpus.
type CorpusPart struct {
	Clips   int     `json:"clips"`
	Seconds float64 `json:"seconds"`
}

// Hours is the part's length in hours.
func (c CorpusPart) Hours() float64 { return c.Seconds / 3600 }

// PhraseFigure is one spotted phrase: its threshold, false alarms on each
// side of the corpus, and the synthetic takes of it that were heard.
type PhraseFigure struct {
	Phrase        string  `json:"phrase"`
	Threshold     float64 `json:"threshold"`
	RealFalse     int     `json:"real_false_alarms"`
	RealPerHour   float64 `json:"real_per_hour"`
	SynthFalse    int     `json:"synthetic_false_alarms"`
	SynthPerHour  float64 `json:"synthetic_per_hour"`
	Hits          int     `json:"hits"`
	Takes         int     `json:"takes"`
	BudgetPerHour float64 `json:"budget_per_hour,omitempty"`
}

// AnswerFigure counts replies the answer recogniser understood where
// nobody answered: ratings (false self-reports), yes/no and places.
type AnswerFigure struct {
	Recordings  int     `json:"recordings"`
	Windows     int     `json:"windows"`
	Seconds     float64 `json:"seconds"`
	SelfReports int     `json:"self_reports"`
	YesNo       int     `json:"yes_no"`
	Places      int     `json:"places"`
}

// WordEvent is one thing heard that nobody said.
type WordEvent struct {
	Synthetic bool    `json:"synthetic"`
	Clip      string  `json:"clip"`
	At        float64 `json:"at_s"`   // in the clip
	Part      string  `json:"part"`   // the recording or utterance it fell in
	Text      string  `json:"text"`   // what that part says, where known
	Heard     string  `json:"heard"`  // the phrase, or the recogniser's words
	Answer    string  `json:"answer"` // for answers: rating, yes/no or place
}

// wordsCorpus builds the hour (progress while rendering goes to o.Progress).
func wordsCorpus(ctx context.Context, o Options) ([]speechcorpus.Clip, error) {
	var render func(done, total int)
	if o.WordsProgress != nil {
		if p := o.WordsProgress("eval words: synthesising sentence", 0); p != nil {
			// Synthetic reports each batch; the line counts across them.
			var before, last int
			render = func(done, total int) {
				if done < last {
					before += last
				}
				last = done
				p.Update(before + done)
			}
			defer p.Finish()
		}
	}
	clips, err := speechcorpus.Hour(ctx, o.Devset, o.Cache, nil, render)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	return clips, nil
}

// isAnswerRecording reports the dev set's recording of spoken numbers,
// which is an answer, not ordinary speech: the answer recogniser skips it.
func isAnswerRecording(name string) bool { return strings.Contains(name, "numbers") }

// measureWords spots the keywords of kw and listens for answers with ans
// in every clip, the two at once (each on its own core), and spots each
// phrase's synthetic takes.
func measureWords(ctx context.Context, clips []speechcorpus.Clip, takes map[string][]speechcorpus.Clip, kw keywords.Opts, ans answers.Opts, progress analysis.Progress) (*WordsReport, error) {
	rep := &WordsReport{}
	var total int
	for _, c := range clips {
		side := &rep.Real
		if c.Synthetic {
			side = &rep.Synthetic
		}
		side.Clips++
		side.Seconds += c.Seconds()
		total += len(c.X)
	}
	var (
		mu   sync.Mutex
		done int
	)
	advance := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		done += n
		if progress != nil {
			progress.Update(done / voice.HopSamples / 2) // two passes over each clip
		}
	}
	var wg sync.WaitGroup
	var kwErr, ansErr error
	wg.Go(func() { kwErr = spotClips(ctx, clips, takes, kw, rep, advance) })
	wg.Go(func() { ansErr = listenClips(ctx, clips, ans, rep, advance) })
	wg.Wait()
	if progress != nil {
		progress.Finish()
	}
	if err := ctx.Err(); err != nil {
		return nil, err // both passes stopped for it: say so once
	}
	if err := errors.Join(kwErr, ansErr); err != nil {
		return nil, err
	}
	var err error
	if rep.OptOuts, err = measureOptOuts(ctx, clips, rep.KeywordFalse, ans); err != nil {
		return nil, err
	}
	return rep, nil
}

// spot runs a fresh spotter over x, fed in 20 ms pieces as the live run
// feeds it, and returns what it heard.
func spot(o keywords.Opts, x []float32) ([]voice.Keyword, error) {
	s, err := keywords.New(o)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer s.Close()
	var out []voice.Keyword
	for i := 0; i < len(x); i += 2 * voice.HopSamples {
		kws, err := s.Spot(x[i:min(i+2*voice.HopSamples, len(x))], time.Duration(i)*time.Second/voice.Rate)
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		out = append(out, kws...)
	}
	kws, err := s.Flush()
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	return append(out, kws...), nil
}

func spotClips(ctx context.Context, clips []speechcorpus.Clip, takes map[string][]speechcorpus.Clip, o keywords.Opts, rep *WordsReport, advance func(int)) error {
	figs := map[string]*PhraseFigure{}
	for _, p := range o.Phrases {
		f := PhraseFigure{Phrase: p.Text, Threshold: p.Threshold}
		if p.Text == "help" {
			f.BudgetPerHour = MaxFalseHelpPerHour
		}
		rep.Keywords = append(rep.Keywords, f)
	}
	for i := range rep.Keywords {
		figs[rep.Keywords[i].Phrase] = &rep.Keywords[i]
	}
	for _, c := range clips {
		if err := ctx.Err(); err != nil {
			return err
		}
		kws, err := spot(o, c.X)
		if err != nil {
			return err
		}
		for _, k := range kws {
			f := figs[k.Text]
			if f == nil {
				continue
			}
			if c.Synthetic {
				f.SynthFalse++
			} else {
				f.RealFalse++
			}
			at := int(k.At.Seconds() * voice.Rate)
			p := c.PartAt(at)
			rep.KeywordFalse = append(rep.KeywordFalse, WordEvent{Synthetic: c.Synthetic, Clip: c.Name, At: k.At.Seconds(), Part: p.Name, Text: p.Text, Heard: k.Text})
		}
		advance(len(c.X))
	}
	for _, f := range figs {
		f.RealPerHour = perHour(f.RealFalse, rep.Real.Hours())
		f.SynthPerHour = perHour(f.SynthFalse, rep.Synthetic.Hours())
		for _, t := range takes[f.Phrase] {
			if err := ctx.Err(); err != nil {
				return err
			}
			kws, err := spot(o, t.X)
			if err != nil {
				return err
			}
			f.Takes++
			for _, k := range kws {
				if k.Text == f.Phrase {
					f.Hits++
					break
				}
			}
		}
	}
	return nil
}

func perHour(n int, hours float64) float64 {
	if hours == 0 {
		return 0
	}
	return float64(n) / hours
}

// listenClips decodes each recording of each clip (a joined clip's parts
// one by one) as `kindred analyze` hears an answer, and every stretch of
// its speech in windows of at most listenWindow, as a robot that asked a
// question hears a person who talks on.
func listenClips(ctx context.Context, clips []speechcorpus.Clip, o answers.Opts, rep *WordsReport, advance func(int)) error {
	r, err := answers.New(o)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer r.Close()
	const rate = answers.Rate
	w := int(listenWindow.Seconds() * rate)
	for _, c := range clips {
		fig := &rep.Answers.Real
		if c.Synthetic {
			fig = &rep.Answers.Synthetic
		}
		parts := c.Parts
		if len(parts) == 0 {
			parts = []speechcorpus.Part{{Name: c.Name}}
		}
		for i, p := range parts {
			if err := ctx.Err(); err != nil {
				return err
			}
			end := len(c.X)
			if i+1 < len(parts) {
				end = parts[i+1].Start
			}
			if isAnswerRecording(p.Name) {
				advance(end - p.Start)
				continue
			}
			x := c.X[p.Start:end]
			h := newHearings()
			note := func(rep2 selfreport.Reply, at int, first func(string) bool) {
				if !rep2.Clear() || !first(fmt.Sprint(rep2.Rating, rep2.Answer, rep2.Places)) {
					return
				}
				var what []string
				if rep2.Rating.Valid() {
					fig.SelfReports++
					what = append(what, fmt.Sprintf("rating %d", rep2.Rating))
				}
				if rep2.Answer != selfreport.NoAnswer {
					fig.YesNo++
					what = append(what, string(rep2.Answer))
				}
				if len(rep2.Places) > 0 {
					fig.Places++
					what = append(what, fmt.Sprint(rep2.Places))
				}
				rep.AnswerFalse = append(rep.AnswerFalse, WordEvent{Synthetic: c.Synthetic, Clip: c.Name, At: float64(p.Start+at) / rate, Part: p.Name, Text: p.Text, Heard: rep2.Heard, Answer: strings.Join(what, ", ")})
			}
			whole, err := r.RecogniseRecording(selfreport.Any, x)
			if err != nil {
				return fmt.Errorf("eval: %s: %w", p.Name, err)
			}
			fig.Recordings++
			for _, s := range selfreport.Stretches(x, rate, 600*time.Millisecond, 200*time.Millisecond, time.Hour) {
				for a := s.Start; a < s.End; a += w {
					b := min(s.End, a+w)
					if b-a < rate/4 {
						continue
					}
					got, err := r.Recognise(selfreport.Any, x[a:b])
					if err != nil {
						return fmt.Errorf("eval: %s: %w", p.Name, err)
					}
					fig.Windows++
					note(got, a, func(k string) bool { return h.window(a, k) })
				}
			}
			note(whole, 0, h.whole)
			fig.Seconds += float64(len(x)) / rate
			advance(end - p.Start)
		}
	}
	return nil
}

// evalWords builds the hour, renders the takes and measures the shipped
// keyword and answer settings on them.
func evalWords(ctx context.Context, o Options) (*WordsReport, error) {
	clips, err := wordsCorpus(ctx, o)
	if err != nil {
		return nil, err
	}
	kw := keywords.DefaultOpts()
	if err := kw.Validate(); err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	takes := map[string][]speechcorpus.Clip{}
	for _, p := range kw.Phrases {
		if takes[p.Text], err = speechcorpus.Takes(ctx, o.Cache, p.Text); err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
	}
	var frames int
	for _, c := range clips {
		frames += len(c.X) / voice.HopSamples
	}
	var progress analysis.Progress
	if o.WordsProgress != nil {
		progress = o.WordsProgress("eval words: spotting and listening, 10 ms", frames)
	}
	return measureWords(ctx, clips, takes, kw, answers.DefaultOpts(), progress)
}

func (r *WordsReport) print(w io.Writer) {
	fmt.Fprintf(w, "ordinary speech: real %.0f s (%.2f h, %d clips: LibriVox, alsa-utils, dev set, Asterisk prompts, codec2 samples)\n", r.Real.Seconds, r.Real.Hours(), r.Real.Clips)
	fmt.Fprintf(w, "                 synthetic %.0f s (%.2f h, %d clips: fortunes-min said by %d voices at %d rates)\n\n", r.Synthetic.Seconds, r.Synthetic.Hours(), r.Synthetic.Clips, len(speechcorpus.Voices), len(speechcorpus.Stretches))
	fmt.Fprintf(w, "keyword spotting: false alarms in ordinary speech, hits on synthetic takes of the phrase\n")
	fmt.Fprintf(w, "%-10s %9s %11s %8s %12s %8s %9s\n", "phrase", "threshold", "real false", "per h", "synth false", "per h", "hits")
	for _, f := range r.Keywords {
		budget := ""
		if f.BudgetPerHour > 0 {
			budget = fmt.Sprintf("  (budget %g per hour)", f.BudgetPerHour)
		}
		fmt.Fprintf(w, "%-10s %9g %11d %8.1f %12d %8.1f %4d/%-4d%s\n", f.Phrase, f.Threshold, f.RealFalse, f.RealPerHour, f.SynthFalse, f.SynthPerHour, f.Hits, f.Takes, budget)
	}
	for _, e := range r.KeywordFalse {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "\nanswer recogniser (any question): each recording whole and its speech in %v windows\n", listenWindow)
	fmt.Fprintf(w, "%-10s %8s %10s %8s %13s %8s %7s %8s %7s %8s\n", "", "seconds", "recordings", "windows", "self-reports", "per h", "yes/no", "per h", "places", "per h")
	for _, s := range []struct {
		name string
		f    AnswerFigure
	}{{"real", r.Answers.Real}, {"synthetic", r.Answers.Synthetic}} {
		h := s.f.Seconds / 3600
		fmt.Fprintf(w, "%-10s %8.0f %10d %8d %13d %8.1f %7d %8.1f %7d %8.1f\n", s.name, s.f.Seconds, s.f.Recordings, s.f.Windows,
			s.f.SelfReports, perHour(s.f.SelfReports, h), s.f.YesNo, perHour(s.f.YesNo, h), s.f.Places, perHour(s.f.Places, h))
	}
	for _, e := range r.AnswerFalse {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprintf(w, "\nfalse opt-outs: each side played as one recording (as words-live plays it), a calm person hearing the spotted words and the recogniser hearing what is said in each opt-out answer window; opted back in after each\n")
	fmt.Fprintf(w, "%-56s %5s %6s %10s %6s %10s\n", "policy", "real", "per h", "synthetic", "per h", "questions")
	for _, f := range r.OptOuts {
		fmt.Fprintf(w, "%-56s %5d %6.1f %10d %6.1f %10d\n", f.Policy, f.Real, f.RealPerHour, f.Synthetic, f.SynthPerHour, f.Questions)
		for _, c := range f.Clips {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
}

func (e WordEvent) String() string {
	side := "real"
	if e.Synthetic {
		side = "synthetic"
	}
	s := fmt.Sprintf("%-9s %q in %s at %.1f s", side, e.Heard, e.Clip, e.At)
	if e.Answer != "" {
		s = fmt.Sprintf("%-9s %s (heard %q) in %s at %.1f s", side, e.Answer, e.Heard, e.Clip, e.At)
	}
	if e.Part != "" && e.Part != e.Clip {
		s += " (" + e.Part + ")"
	}
	if e.Text != "" {
		s += fmt.Sprintf(": %q", e.Text)
	}
	return s
}

// runWords is `kindred eval --only words`.
func runWords(ctx context.Context, o Options, stdout io.Writer) error {
	if o.Fit {
		return badInput("--fit refits the vocalisation combiner: drop --only words")
	}
	if o.Cache == "" {
		return badInput("--cache: want a folder for the synthetic speech")
	}
	rep, err := evalWords(ctx, o)
	if err != nil {
		return err
	}
	return report(stdout, o.JSON, struct {
		Words *WordsReport `json:"words"`
	}{rep}, rep.print)
}

// hearings counts each false answer of one recording once. A window's
// answer is keyed by its place. The whole recording's answer has no place
// in it, so it is the same hearing as any window's that heard the same
// answer, wherever that window lies.
type hearings struct {
	at      map[hearingAt]bool
	answers map[string]bool
}

type hearingAt struct {
	at     int
	answer string
}

func newHearings() *hearings {
	return &hearings{at: map[hearingAt]bool{}, answers: map[string]bool{}}
}

// window reports whether answer, heard in the window at sample at, is a
// new hearing.
func (h *hearings) window(at int, answer string) bool {
	k := hearingAt{at, answer}
	if h.at[k] {
		return false
	}
	h.at[k], h.answers[answer] = true, true
	return true
}

// whole reports whether answer, heard in the whole recording (asked after
// its windows), is a new hearing: no window heard it.
func (h *hearings) whole(answer string) bool {
	if h.answers[answer] {
		return false
	}
	h.answers[answer] = true
	return true
}
