package analysis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/keywords"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"golang.org/x/sync/errgroup"
)

// analyzeAudio reads an audio file (or a pipe: it is read as a stream, up
// to limit of sound) and returns the contract's "audio" summary block and
// the observations, in media time. An unreadable, unsupported or too long
// file is bad input (exit 2) naming the file.
//
// Its three stages run side by side, each on its own goroutine: the voice
// measures with keyword spotting beside them (voice.AnalyzeSamples),
// YAMNet's sound events, and the self-report recogniser. The first two load
// their models while the file decodes and start on the samples as soon as
// both are ready, so on two cores the file takes about as long as the
// slowest stage rather than the sum of them all. The recogniser waits for
// the samples and runs only on a recording that holds an answer-sized
// utterance (heardAnswer). Each stage's result is the same as when they ran one after
// another.
func analyzeAudio(ctx context.Context, path string, limit time.Duration) (*audioSummary, []perception.VoiceObs, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		samples []float32
		ready   = make(chan struct{}) // closed once samples are decoded
		res     *voice.Analysis
		clf     *ClipClassifier
		ws      []soundevents.Window
		rep     = selfreport.Reply{Rating: selfreport.NoRating} // none heard until the recogniser says
	)
	g, gctx := errgroup.WithContext(ctx)
	decoded := func() bool {
		select {
		case <-ready:
			return true
		case <-gctx.Done():
			return false
		}
	}
	g.Go(func() error {
		spotter, err := keywords.New(spotterOpts())
		opts := voice.DefaultOpts()
		switch {
		case errors.Is(err, keywords.ErrNoModel):
			// Keywords are one cue among several; analyse without them.
		case err != nil:
			return fmt.Errorf("audio: %w", err)
		default:
			defer spotter.Close()
			opts.Keywords = spotter
		}
		if !decoded() {
			return nil
		}
		if res, err = voice.AnalyzeSamples(gctx, samples, opts); err != nil {
			return fmt.Errorf("audio: %s: %w", path, err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if clf, err = OpenClipClassifier(); err != nil { // closed once the clip is classified
			return fmt.Errorf("audio: %w", err)
		}
		if !decoded() {
			return nil
		}
		if ws, _, err = clf.Start(gctx, samples)(); err != nil {
			return fmt.Errorf("audio: %s: %w", path, err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if !decoded() {
			return nil
		}
		if rep, err = heardAnswer(samples, sphinx.DefaultOpts(), openAnswerModel); err != nil {
			return fmt.Errorf("audio: %s: %w", path, err)
		}
		return nil
	})
	defer func() {
		if clf != nil {
			clf.Close()
		}
	}()
	audio, err := wav.Opts{MaxDuration: limit}.DecodeFileMono16k(path)
	if err != nil {
		cancel()
		g.Wait() // the stages give their models back
	}
	switch {
	case errors.Is(err, wav.ErrTooLong):
		return nil, nil, badInput("audio: %v (--audio-limit %v)", err, limit)
	case errors.Is(err, wav.ErrInvalid), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return nil, nil, badInput("audio: %v", err)
	case err != nil:
		return nil, nil, fmt.Errorf("audio: %w", err)
	}
	samples = audio.Samples
	close(ready)
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	clf.LabelHops(res, ws)
	sum := summarizeAudio(path, audio.Duration(), res)
	if sum.Vocalisation.Class != string(perception.VocalSilence) {
		v, scores := clf.Classify(res.Hops, ws)
		sum.Vocalisation = vocalisationBlock{Class: string(v.Class), Distress: round3(v.Distress), Scores: map[string]float64{}}
		for c, p := range scores {
			sum.Vocalisation.Scores[string(c)] = round3(p)
		}
	}
	addSelfReport(sum, rep)
	sum.ElapsedS = round3(time.Since(start).Seconds())
	return sum, res.Obs, nil
}

// spotterOpts are the keyword spotter's defaults with its "help" verifier
// (the call grammar on a decoder of its own) loaded at the first spot it
// is to judge rather than with the spotter: a recording without a spot of
// "help" never needs it (8 of the 20 files of `kindred bench --only
// voice_cli`), and loading it took 30–60 ms of CPU (timed in process).
// Each verification decodes its stretch afresh (sphinx.CallVerifier), so
// when it is loaded changes nothing it says. The live run loads it up
// front, so that a missing model shows at start and a call is not delayed.
func spotterOpts() keywords.Opts {
	o := keywords.DefaultOpts()
	o.NewVerifier = deferredVerifier(o.NewVerifier)
	return o
}

// deferredVerifier makes Verifiers that call open on their first Verify.
func deferredVerifier(open func() (keywords.Verifier, error)) func() (keywords.Verifier, error) {
	return func() (keywords.Verifier, error) { return &deferred{open: open}, nil }
}

// deferred is a keywords.Verifier opened on first use; the Spotter that
// owns it calls it from one goroutine at a time.
type deferred struct {
	open func() (keywords.Verifier, error)
	v    keywords.Verifier
}

func (d *deferred) Verify(x []float32, at int) (bool, error) {
	if d.v == nil {
		v, err := d.open()
		if err != nil {
			return false, err
		}
		d.v = v
	}
	return d.v.Verify(x, at)
}

func (d *deferred) Close() error {
	if d.v == nil {
		return nil
	}
	return d.v.Close()
}

// answerRecogniser is what analyze needs of the answer model
// (*sphinx.Recogniser).
type answerRecogniser interface {
	RecogniseRecording(k selfreport.Kind, samples []float32) (selfreport.Reply, error)
	Close() error
}

func openAnswerModel(o sphinx.Opts) (answerRecogniser, error) { return sphinx.New(o) }

// heardAnswer is the spoken rating or yes/no in a recording (16 kHz mono),
// none when there is none or without the English model. Only a recording
// that could be an answer is decoded as one (answerSized), and the model,
// opened with open, is loaded only when it holds an utterance of an
// answer's length (o.AnswerStretches): loading it costs about 55 ms of
// CPU (sphinx.BenchmarkNewAndListen), and a recording of talk or of a cry
// that runs on without a pause holds none. The reply is the same as when the
// model was always loaded, since RecogniseRecording decodes only those
// stretches.
func heardAnswer(samples []float32, o sphinx.Opts, open func(sphinx.Opts) (answerRecogniser, error)) (selfreport.Reply, error) {
	none := selfreport.Reply{Rating: selfreport.NoRating}
	if !answerSized(samples) || len(o.AnswerStretches(samples)) == 0 {
		return none, nil
	}
	rec, err := open(o)
	switch {
	case errors.Is(err, sphinx.ErrNoModel):
		return none, nil // the spoken rating and yes/no stay null
	case err != nil:
		return none, err
	}
	defer rec.Close()
	return rec.RecogniseRecording(selfreport.Any, samples)
}

// answerWindow is the longest speech a recording may hold and still be
// heard as an answer: the robot listens this long after asking "How much
// does it hurt?" (behavior.self_report.window, 8 s by default, README), and
// an answer with its hesitations and corrections ("about… a five, no, six")
// fits in it. A longer recording is talk, not an answer to a question, and
// the answer search is not run on it: on an 11 s speech it costs about 2 s
// of CPU (BenchmarkAnalyzeRecording), several times all the rest of
// analyze.
const answerWindow = 8 * time.Second

// answerSized reports whether the sound in samples (16 kHz mono), from the
// first loud 10 ms to the last, lasts at most answerWindow; silence before
// and after does not count.
func answerSized(samples []float32) bool {
	// Pauses do not split the sound here (gap answerWindow), and no stretch
	// is left out for being long.
	s := selfreport.Stretches(samples, voice.Rate, answerWindow, 0, time.Duration(math.MaxInt64))
	if len(s) == 0 {
		return false
	}
	return time.Duration(s[len(s)-1].End-s[0].Start)*time.Second/voice.Rate <= answerWindow
}

// VoiceCSVHeader is the contract's per-hop voice CSV header.
const VoiceCSVHeader = "time_s,voiced,f0_hz,intensity_db,hnr_db,vocalisation,distress,keyword"

// writeVoiceCSV writes one row per 10 ms hop; F0 and HNR are empty when the
// hop is unvoiced.
func writeVoiceCSV(out io.Writer, obs []perception.VoiceObs) error {
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, VoiceCSVHeader)
	for _, o := range obs {
		voiced, f0, hnr := "0", "", ""
		if o.Voiced {
			voiced = "1"
			f0 = strconv.FormatFloat(o.F0, 'f', 1, 64)
			hnr = strconv.FormatFloat(o.HNR, 'f', 1, 64)
		}
		fmt.Fprintf(w, "%.3f,%s,%s,%.1f,%s,%s,%.2f,%s\n", o.At.Seconds(), voiced, f0, o.IntensityDB, hnr,
			o.Vocalisation.Class, o.Vocalisation.Distress, o.Keyword)
	}
	return w.Flush()
}

// summarizeAudio fills the contract's audio block from the per-hop
// analysis (hop classes from the running classifier, see LabelHops). The
// file's vocalisation here is its most frequent non-silent hop class, with the 90th percentile of their distress (so a short scream
// in a long file still shows while one odd hop does not); analyzeAudio
// then replaces it by the whole-clip combiner's answer unless the file is
// silent.
func summarizeAudio(path string, duration float64, res *voice.Analysis) *audioSummary {
	s := res.Summary
	sum := &audioSummary{
		File:            path,
		DurationS:       round3(duration),
		VoicedFraction:  round3(s.VoicedFraction),
		F0MeanHz:        round3(s.F0Mean),
		F0SdHz:          round3(s.F0SD),
		JitterLocalPct:  round3(s.JitterLocal),
		ShimmerLocalPct: round3(s.ShimmerLocal),
		HNRdB:           round3(s.HNR),
		IntensityMeanDB: round3(s.IntensityMean),
		Vocalisation:    vocalisationBlock{Class: string(perception.VocalSilence)},
		Keywords:        []string{},
	}
	counts := map[perception.VocalClass]int{}
	var distress []float64
	for _, o := range res.Obs {
		if o.Keyword != "" {
			sum.Keywords = append(sum.Keywords, o.Keyword)
		}
		if o.Vocalisation.Class == perception.VocalSilence {
			continue
		}
		counts[o.Vocalisation.Class]++
		distress = append(distress, o.Vocalisation.Distress)
	}
	best := 0
	for c, n := range counts {
		if n > best || (n == best && string(c) < sum.Vocalisation.Class) {
			best, sum.Vocalisation.Class = n, string(c)
		}
	}
	if len(distress) > 0 {
		sort.Float64s(distress)
		sum.Vocalisation.Distress = round3(distress[int(math.Ceil(0.9*float64(len(distress))))-1])
	}
	return sum
}

func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}

// audioSummary is the "audio" block of `kindred analyze --summary`
// (contract: the JSON names do not change).
type audioSummary struct {
	File            string            `json:"file"`
	DurationS       float64           `json:"duration_s"`
	ElapsedS        float64           `json:"elapsed_s"`
	VoicedFraction  float64           `json:"voiced_fraction"`
	F0MeanHz        float64           `json:"f0_mean_hz"`
	F0SdHz          float64           `json:"f0_sd_hz"`
	JitterLocalPct  float64           `json:"jitter_local_pct"`
	ShimmerLocalPct float64           `json:"shimmer_local_pct"`
	HNRdB           float64           `json:"hnr_db"`
	IntensityMeanDB float64           `json:"intensity_mean_db"`
	Vocalisation    vocalisationBlock `json:"vocalisation"`
	Keywords        []string          `json:"keywords"`
	SelfReport      *int              `json:"self_report"` // spoken 0–10 rating, null when none
	Answer          *string           `json:"answer"`      // spoken "yes" or "no", null when none
}

// addSelfReport fills the spoken rating and yes/no heard in the samples;
// both stay null when none was heard (or without the English model).
func addSelfReport(sum *audioSummary, rep selfreport.Reply) {
	if rep.Rating.Valid() {
		v := int(rep.Rating)
		sum.SelfReport = &v
	}
	if rep.Answer != selfreport.NoAnswer {
		a := string(rep.Answer)
		sum.Answer = &a
	}
}

type vocalisationBlock struct {
	Class    string             `json:"class"`
	Distress float64            `json:"distress"`
	Scores   map[string]float64 `json:"scores,omitempty"` // per class, summing to 1
}
