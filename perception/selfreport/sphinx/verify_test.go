package sphinx

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// scorer decodes one answer three ways on one decoder that computes every
// senone (-compallsen yes, so that acoustic scores of different searches
// over the same frames compare): with the closed grammar (answers and
// their framing phrases only, no garbage loop, no decoys), with a free
// loop of single phones, and with a free loop of decoy words. The
// differences of their acoustic log likelihoods are likelihood ratios
// between "this answer" and "some phones" or "some other words" (Rose &
// Paul, ICASSP 1990; Rahim, Lee & Juang, IEEE Trans. Speech Audio Proc.
// 1997, "Discriminative utterance verification for connected digits
// recognition").
type scorer struct {
	d *sphinx.Decoder
	o Opts
}

// scored is what a scorer made of one answer: the closed grammar's
// hypothesis and the acoustic log likelihoods of the three decodes, with
// the frames in all (frames) and in the closed path's words (speech,
// silence and fillers left out).
type scored struct {
	closed               string
	answer, loop, decoys float64
	frames, speech       int
	loopText, decoysText string
}

func newScorer(t testing.TB, o Opts, args ...string) *scorer {
	t.Helper()
	lines, err := o.dictionary(append(selfreport.Words(selfreport.Any), o.Decoys...))
	if err != nil {
		t.Skip(err)
	}
	d, err := sphinx.New(o.HMM, lines, append([]string{"-wip", fmt.Sprint(o.WordPenalty), "-compallsen", "yes"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for _, k := range []selfreport.Kind{selfreport.RatingQuestion, selfreport.Any} {
		if err := d.SetFSG("closed_"+k.String(), selfreport.FSG(k, selfreport.Garbage{})); err != nil {
			t.Fatal(err)
		}
	}
	var phones []string
	for _, p := range o.Phones {
		phones = append(phones, garbageWord(p))
	}
	if err := d.SetFSG("loop", loopFSG("loop", phones, 1)); err != nil {
		t.Fatal(err)
	}
	if err := d.SetFSG("decoys", loopFSG("decoys", o.Decoys, o.FrameProb)); err != nil {
		t.Fatal(err)
	}
	return &scorer{d, o}
}

// loopFSG is a grammar of one or more of words, each with probability p.
func loopFSG(name string, words []string, p float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "FSG_BEGIN %s\nNUM_STATES 4\nSTART_STATE 0\nFINAL_STATE 1\nTRANSITION 0 2 1\n", name)
	for _, w := range words {
		fmt.Fprintf(&b, "TRANSITION 2 3 %g %s\n", p, w)
	}
	b.WriteString("TRANSITION 3 2 1\nTRANSITION 3 1 1\nFSG_END\n")
	return b.String()
}

// acoustic decodes x with search name and returns the hypothesis, its
// acoustic log likelihood, its frames and the frames of its words.
func (s *scorer) acoustic(name string, x []float32) (text string, a float64, frames, speech int) {
	if err := s.d.Use(name); err != nil {
		panic(err)
	}
	h, _, err := decode(s.d, x)
	if err != nil {
		panic(err)
	}
	for _, g := range s.d.Segments() {
		a += g.Acoustic
		frames = max(frames, g.End+1)
		if !strings.HasPrefix(g.Word, "<") && !strings.HasPrefix(g.Word, "[") && !strings.HasPrefix(g.Word, "+") {
			speech += g.End - g.Start + 1
		}
	}
	return h.Text, a, frames, speech
}

func (s *scorer) score(k selfreport.Kind, x []float32) scored {
	x = speechOf(x, s.o.MaxAnswer)
	var c scored
	c.closed, c.answer, c.frames, c.speech = s.acoustic("closed_"+k.String(), x)
	c.loopText, c.loop, _, _ = s.acoustic("loop", x)
	c.decoysText, c.decoys, _, _ = s.acoustic("decoys", x)
	return c
}

// TestAnswerLR writes, with KINDRED_ANSWER_LR=FILE, one tab-separated line
// per development take (the development voices, three carriers, 175 words
// a minute, and 120 for the formant voices) and per window of the real
// ordinary speech (speechcorpus.Real, windows as in falseReports): what
// the closed grammar heard, the three acoustic log likelihoods of a
// scorer, the frames, and what the shipped recogniser made of it. It is
// the measurement behind answerVerified; only development material is
// read.
func TestAnswerLR(t *testing.T) {
	out := os.Getenv("KINDRED_ANSWER_LR")
	if out == "" {
		t.Skip("set KINDRED_ANSWER_LR=FILE to measure")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := DefaultOpts()
	s := newScorer(t, o)
	r := newRecogniser(t, o)
	fmt.Fprintln(f, "group\tname\twant\tclosed\tanswer\tloop\tdecoys\tframes\tspeech\tshipped\tloopText\tdecoysText")
	line := func(group, name string, want string, k selfreport.Kind, x []float32) {
		c := s.score(k, x)
		rep, err := r.Recognise(k, x)
		if err != nil {
			t.Fatal(err)
		}
		shipped := ""
		if rep.Clear() {
			shipped = rep.Heard
		}
		fmt.Fprintf(f, "%s\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%d\t%d\t%s\t%s\t%s\n", group, name, want, c.closed, c.answer, c.loop, c.decoys, c.frames, c.speech, shipped, c.loopText, c.decoysText)
	}
	voices := devVoices
	switch v := os.Getenv("KINDRED_ANSWER_VOICES"); v {
	case "":
	case "none":
		voices = nil
	default:
		voices = strings.Split(v, ",")
	}
	var takes []take
	if len(voices) > 0 {
		takes = append(takes, ratingTakes(t, voices, []int{175}, ratingCarriers[:3])...)
		var formant []string
		for _, v := range voices {
			if !strings.Contains(v, ":") {
				formant = append(formant, v)
			}
		}
		if len(formant) > 0 {
			takes = append(takes, ratingTakes(t, formant, []int{120}, ratingCarriers[:3])...)
		}
	}
	for _, tk := range takes {
		line(tk.voice, tk.name, fmt.Sprint(int(tk.want)), selfreport.RatingQuestion, tk.x)
	}
	if os.Getenv("KINDRED_ANSWER_SPEECH") == "none" {
		return
	}
	speech, err := speechcorpus.Real(devsetDir, leaveOutNumbers)
	if err != nil {
		t.Fatal(err)
	}
	w := int(listenWindow.Seconds() * Rate)
	for _, c := range speech {
		for _, st := range selfreport.Stretches(c.X, Rate, answerGap, answerPad, 1<<62) {
			for a := st.Start; a < st.End; a += w {
				b := min(st.End, a+w)
				if b-a < Rate/4 {
					continue
				}
				line("speech", fmt.Sprintf("%s %.1f-%.1f s", c.Name, float64(a)/Rate, float64(b)/Rate), "", selfreport.Any, c.X[a:b])
			}
		}
	}
}
