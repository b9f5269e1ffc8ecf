package evaluate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/voices"
)

// LiveSpeed is the session speed the hour is played to `kindred run` at:
// real time. Faster, the robot's own speech (a silent player without a
// speaker) still takes wall time and the answer window opens later in the
// audio; and on a loaded machine a run at speed 2 fell behind its audio
// (25 min of wall time for 30 min of audio) and its keyword spotter heard
// 2 of the 26 calls of pain it heard at speed 1.
const LiveSpeed = 1

// liveGap is the quiet between two recordings of the hour as they are
// played one after another.
const liveGap = speechcorpus.Rate

// liveFace is the dev set's photo of a relaxed face, shown to the robot
// once a second for the whole hour: someone sits with it, so it may ask.
const liveFace = "faces/pexels-via-max__neutral.jpeg"

// LiveReport is `kindred eval --only words-live`: what the deployed robot
// did in an hour of ordinary speech, one `kindred run` per side of the
// corpus, counted from its journal.
type LiveReport struct {
	Speed float64    `json:"speed"`
	Parts []LivePart `json:"parts"`
}

// LivePart is one run: the real or the synthetic side of the hour.
type LivePart struct {
	Synthetic bool        `json:"synthetic"`
	Seconds   float64     `json:"seconds"`   // audio played
	Session   float64     `json:"session_s"` // session time the run covered
	Wall      float64     `json:"wall_s"`    // wall time it took
	Asked     Counts      `json:"asked"`     // questions put for the first time, per question
	Repeats   int         `json:"repeats"`   // questions put again after no clear answer
	Why       Counts      `json:"why"`       // why first questions were put
	Unclear   int         `json:"unclear"`   // answers heard but not understood
	NoAnswer  int         `json:"no_answer"` // windows with nothing heard
	Late      int         `json:"late"`      // answers after the question was closed
	Ratings   int         `json:"ratings"`   // false self-reports: a rating nobody gave
	YesNo     int         `json:"yes_no"`    // a yes or no nobody gave
	Places    int         `json:"places"`    // a place nobody named
	Alerts    Counts      `json:"alerts"`    // alerts raised, per level
	Answers   []LiveEvent `json:"answers"`   // every clear answer, with what was heard
	AlertList []LiveEvent `json:"alert_list"`
}

// Counts are counts by name.
type Counts map[string]int

// LiveEvent is one answer understood or one alert raised.
type LiveEvent struct {
	At     float64 `json:"at_s"` // session time
	What   string  `json:"what"` // question or alert level
	Heard  string  `json:"heard,omitempty"`
	Answer string  `json:"answer,omitempty"`
	Reason string  `json:"reason,omitempty"`
}

// LiveOpts say how to play the hour to the robot.
type LiveOpts struct {
	// Run is `kindred run` with its arguments.
	Run func(ctx context.Context, args []string) error
	// Face is the photo shown to the camera all along.
	Face string
	// Dir holds the audio, the frames and the journals (a temporary
	// folder; nothing of the corpus goes anywhere else).
	Dir string
}

// MeasureLive plays the real and the synthetic clips, each side as one
// recording with liveGap between clips, to `kindred run --audio` at
// LiveSpeed, beside a video of lo.Face at one frame a second, with the
// shipped configuration, and counts from each run's journal what the
// robot asked, what it understood and the alerts it raised. The
// dev set's recording of spoken numbers is left out: it is an answer.
func MeasureLive(ctx context.Context, clips []speechcorpus.Clip, lo LiveOpts) (*LiveReport, error) {
	rep := &LiveReport{Speed: LiveSpeed}
	for _, synthetic := range []bool{false, true} {
		x, _ := sideRecording(clips, synthetic)
		if len(x) == 0 {
			continue
		}
		part, err := playLive(ctx, x, synthetic, lo)
		if err != nil {
			return nil, err
		}
		rep.Parts = append(rep.Parts, part)
	}
	return rep, nil
}

// playLive runs the robot on one side of the hour and reads its journal.
func playLive(ctx context.Context, x []float32, synthetic bool, lo LiveOpts) (LivePart, error) {
	part := LivePart{Synthetic: synthetic, Seconds: float64(len(x)) / speechcorpus.Rate}
	side := "real"
	if synthetic {
		side = "synthetic"
	}
	audio := filepath.Join(lo.Dir, side+".wav")
	if err := writeWAV(audio, x); err != nil {
		return part, err
	}
	frames := filepath.Join(lo.Dir, side+"-frames")
	if err := os.MkdirAll(frames, 0o755); err != nil {
		return part, fmt.Errorf("eval: %w", err)
	}
	face, err := filepath.Abs(lo.Face)
	if err != nil {
		return part, fmt.Errorf("eval: %w", err)
	}
	// One frame a second, as long as the audio: the run ends with both.
	for i := range int(math.Ceil(part.Seconds)) {
		if err := os.Symlink(face, filepath.Join(frames, fmt.Sprintf("%05d%s", i, filepath.Ext(face)))); err != nil {
			return part, fmt.Errorf("eval: %w", err)
		}
	}
	db := filepath.Join(lo.Dir, side+".db")
	args := []string{"--audio", audio, "--video", frames, "--journal", db, "--console", "off", "--robot", "sim",
		"--speed", strconv.Itoa(LiveSpeed)}
	if err := lo.Run(ctx, args); err != nil {
		return part, fmt.Errorf("eval: kindred run %s: %w", strings.Join(args, " "), err)
	}
	var buf bytes.Buffer
	if part.Session, part.Wall, err = exportOnly(ctx, db, &buf); err != nil {
		return part, err
	}
	return part, part.count(&buf)
}

// writeWAV writes x (−1…1) as 16-bit mono WAV at the corpus's rate.
func writeWAV(path string, x []float32) error {
	a := voices.Audio{SampleRate: speechcorpus.Rate, Samples: make([]int16, len(x))}
	for i, v := range x {
		a.Samples[i] = int16(math.Round(math.Max(-1, math.Min(1, float64(v))) * 32767))
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return errors.Join(voices.WriteWAV(f, a), f.Close())
}

// exportOnly writes the journal's one session as JSONL, the shape of
// `kindred sessions export --format jsonl`, and returns the session time
// it covered and the wall time it took, in seconds.
func exportOnly(ctx context.Context, path string, w io.Writer) (session, wall float64, err error) {
	jr, err := journal.OpenExisting(ctx, path)
	if err != nil {
		return 0, 0, fmt.Errorf("eval: %w", err)
	}
	defer jr.Close()
	ss, err := jr.Sessions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("eval: %w", err)
	}
	if len(ss) != 1 {
		return 0, 0, fmt.Errorf("eval: %s: %d sessions, want 1", path, len(ss))
	}
	return ss[0].SessionTime, ss[0].Ended.Sub(ss[0].Started).Seconds(), jr.Export(ctx, ss[0].ID, journal.FormatJSONL, w)
}

// Behind reports whether the run fell behind its audio: it took a tenth
// longer than the audio at LiveSpeed, so what it heard and when it asked
// are not what the robot would have done.
func (p LivePart) Behind() bool { return p.Wall > 1.1*p.Seconds/LiveSpeed+30 }

// liveRecord is the part of a journal event the count reads.
type liveRecord struct {
	Type     string   `json:"type"`
	At       float64  `json:"at"`
	Question string   `json:"question"`
	Outcome  string   `json:"outcome"`
	Attempt  int      `json:"attempt"`
	Heard    string   `json:"heard"`
	Rating   *int     `json:"rating"`
	Answer   string   `json:"answer"`
	Places   []string `json:"places"`
	Reason   string   `json:"reason"`
	Level    string   `json:"level"`
	To       string   `json:"to"`
}

// whyWindow is how long before a question the transition that caused it
// may come.
const whyWindow = 1.0

// count reads a run's events (JSONL) into p.
func (p *LivePart) count(r io.Reader) error {
	p.Asked, p.Why, p.Alerts = Counts{}, Counts{}, Counts{}
	var last, cause *liveRecord // the latest transition, and the latest on something heard
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e liveRecord
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("eval: journal event: %w", err)
		}
		switch e.Type {
		case "transition":
			last = &e
			if strings.HasPrefix(e.Reason, "said ") || strings.HasPrefix(e.Reason, "heard ") {
				cause = &e
			}
		case "alert":
			p.Alerts[e.Level]++
			p.AlertList = append(p.AlertList, LiveEvent{At: e.At, What: e.Level, Reason: e.Reason})
		case "self_report":
			p.countReport(e, last, cause)
		}
	}
	return sc.Err()
}

// countReport counts one self-report event. A first question is put
// because of the word heard just before it (a transition on something
// said), else the transition just before it, else, for a rating, the
// care plan's check-in.
func (p *LivePart) countReport(e liveRecord, last, cause *liveRecord) {
	switch e.Outcome {
	case "asked":
		if e.Attempt > 1 {
			p.Repeats++
			return
		}
		p.Asked[e.Question]++
		why := "no transition: " + e.Question
		switch {
		case cause != nil && e.At-cause.At <= whyWindow:
			why = cause.Reason
		case last != nil && e.At-last.At <= whyWindow:
			why = last.Reason
		case e.Question == "rating":
			why = "check-in"
		}
		p.Why[why]++
	case "unclear":
		p.Unclear++
	case "no_answer":
		p.NoAnswer++
	case "late":
		p.Late++
	case "answered":
		var what []string
		if e.Rating != nil && *e.Rating >= 0 {
			p.Ratings++
			what = append(what, fmt.Sprintf("rating %d", *e.Rating))
		}
		if e.Answer != "" {
			p.YesNo++
			what = append(what, e.Answer)
		}
		if len(e.Places) > 0 {
			p.Places++
			what = append(what, strings.Join(e.Places, ", "))
		}
		p.Answers = append(p.Answers, LiveEvent{At: e.At, What: e.Question, Heard: e.Heard, Answer: strings.Join(what, "; ")})
	}
}

func (r *LiveReport) print(w io.Writer) {
	fmt.Fprintf(w, "the hour of ordinary speech played to kindred run --audio in real time (speed %g), a relaxed face in view, shipped configuration\n", r.Speed)
	for _, p := range r.Parts {
		side := "real"
		if p.Synthetic {
			side = "synthetic"
		}
		fmt.Fprintf(w, "\n%s: %.0f s of audio, %.0f s of session in %.0f s\n", side, p.Seconds, p.Session, p.Wall)
		if p.Behind() {
			fmt.Fprintf(w, "  the run fell behind its audio (a loaded machine?): its figures are not the robot's\n")
		}
		fmt.Fprintf(w, "  questions put: %s; repeats %d\n", p.Asked, p.Repeats)
		fmt.Fprintf(w, "  why: %s\n", p.Why)
		fmt.Fprintf(w, "  answers: unclear %d, nothing heard %d, late %d\n", p.Unclear, p.NoAnswer, p.Late)
		fmt.Fprintf(w, "  understood where nobody answered: ratings %d, yes/no %d, places %d\n", p.Ratings, p.YesNo, p.Places)
		for _, a := range p.Answers {
			fmt.Fprintf(w, "    %.1f s %s: %s (heard %q)\n", a.At, a.What, a.Answer, a.Heard)
		}
		fmt.Fprintf(w, "  alerts: %s\n", p.Alerts)
		for _, a := range p.AlertList {
			fmt.Fprintf(w, "    %.1f s %s: %s\n", a.At, a.What, a.Reason)
		}
	}
}

// String lists the counts by name, "none" when there are none.
func (c Counts) String() string {
	if len(c) == 0 {
		return "none"
	}
	var ks []string
	for k := range c {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	var b strings.Builder
	for i, k := range ks {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, c[k])
	}
	return b.String()
}

// runWordsLive is `kindred eval --only words-live`.
func runWordsLive(ctx context.Context, o Options, stdout io.Writer) error {
	if o.Run == nil {
		return errors.New("eval: words-live needs kindred run")
	}
	if o.Cache == "" {
		return badInput("--cache: want a folder for the synthetic speech")
	}
	face := filepath.Join(o.Devset, filepath.FromSlash(liveFace))
	if _, err := os.Stat(face); err != nil {
		return badInput("--only words-live shows the robot %s: %v (pass --devset DIR)", liveFace, err)
	}
	clips, err := wordsCorpus(ctx, o)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kindred-words-live-")
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer os.RemoveAll(dir)
	rep, err := MeasureLive(ctx, clips, LiveOpts{Run: o.Run, Face: face, Dir: dir})
	if err != nil {
		return err
	}
	return report(stdout, o.JSON, struct {
		Live *LiveReport `json:"words_live"`
	}{rep}, rep.print)
}
