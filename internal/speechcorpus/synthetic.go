package speechcorpus

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Voice is a synthetic voice: a synthesiser and one of its voices.
type Voice struct {
	Engine string // "flite", "festival" or "espeak-ng"
	Name   string
}

func (v Voice) String() string { return v.Engine + ":" + v.Name }

// Voices say the synthetic part of the hour. flite's and festival's are
// made from recordings of real speakers (CMU ARCTIC's awb, rms and slt;
// kal and ked, the diphone sets of two American men); espeak-ng's are
// formant voices, in variants the robot never speaks with (it uses f3 and
// m3).
var Voices = []Voice{
	{"flite", "awb"}, {"flite", "rms"}, {"flite", "slt"}, {"flite", "kal16"},
	{"festival", "cmu_us_slt_arctic_hts"}, {"festival", "kal_diphone"}, {"festival", "ked_diphone"},
	{"espeak-ng", "en-us+f2"}, {"espeak-ng", "en-gb+m1"}, {"espeak-ng", "en-gb-scotland+m2"}, {"espeak-ng", "en-029+f1"},
}

// Stretches are the speaking rates, as a duration stretch (1.2 is 20 %
// slower than the voice's own rate).
var Stretches = []float64{1.0, 0.85, 1.2}

// fortunesDir holds fortunes-min's text: quotations, literature and
// riddles, ordinary written English (public domain and BSD-licensed).
const fortunesDir = "/usr/share/games/fortunes"

// SpokenPhrases are the words and phrases the keyword spotter listens for:
// a sentence that says one is left out of the ordinary speech, since
// hearing it there would be a hit, not a false alarm. ("helpful" stays in:
// a "help" heard in it is a false alarm.)
var SpokenPhrases = []string{"help", "it hurts", "hurts", "hurt", "stop", "ouch", "go away"}

// Says reports whether text holds phrase as whole words.
func Says(text, phrase string) bool {
	t := " " + strings.Join(words(text), " ") + " "
	return strings.Contains(t, " "+strings.Join(words(phrase), " ")+" ")
}

var wordRE = regexp.MustCompile(`[a-z']+`)

func words(s string) []string { return wordRE.FindAllString(strings.ToLower(s), -1) }

// Sentences returns fortunes-min's items as plain text to say, in file
// and item order, without attributions, less those that say a
// SpokenPhrase and those shorter than 3 or longer than 60 words.
func Sentences() ([]string, error) {
	var out []string
	for _, name := range []string{"fortunes", "literature", "riddles"} {
		b, err := os.ReadFile(filepath.Join(fortunesDir, name))
		if err != nil {
			return nil, fmt.Errorf("speechcorpus: %w (apt-get install fortunes-min)", err)
		}
		for _, item := range strings.Split(string(b), "\n%\n") {
			var lines []string
			for _, l := range strings.Split(item, "\n") {
				l = strings.TrimSpace(l)
				if strings.HasPrefix(l, "--") || l == "%" {
					continue
				}
				l = strings.TrimPrefix(strings.TrimPrefix(l, "Q:"), "A:")
				lines = append(lines, strings.TrimSpace(l))
			}
			text := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
			n := len(words(text))
			if n < 3 || n > 60 {
				continue
			}
			said := false
			for _, p := range SpokenPhrases {
				said = said || Says(text, p)
			}
			if !said {
				out = append(out, text)
			}
		}
	}
	return out, nil
}

// render says text in voice v at stretch into out (a WAV file).
func render(ctx context.Context, v Voice, stretch float64, text, out string) error {
	var cmd *exec.Cmd
	switch v.Engine {
	case "flite":
		cmd = exec.CommandContext(ctx, "flite", "-voice", v.Name, "--setf", fmt.Sprintf("duration_stretch=%.2f", stretch), "-o", out)
	case "festival":
		cmd = exec.CommandContext(ctx, "text2wave", "-eval", "(voice_"+v.Name+")",
			"-eval", fmt.Sprintf("(Parameter.set 'Duration_Stretch %.2f)", stretch), "-o", out)
	case "espeak-ng":
		cmd = exec.CommandContext(ctx, "espeak-ng", "-v", v.Name, "-s", fmt.Sprint(int(175/stretch)), "-w", out, "--stdin")
	default:
		return fmt.Errorf("speechcorpus: unknown synthesiser %q", v.Engine)
	}
	if v.Engine == "flite" {
		// flite reads text from a file; a temporary one beside out.
		tf := out + ".in"
		if err := os.WriteFile(tf, []byte(text), 0o644); err != nil {
			return err
		}
		defer os.Remove(tf)
		cmd.Args = append(cmd.Args, "-f", tf)
	} else {
		cmd.Stdin = strings.NewReader(text)
	}
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("speechcorpus: %s: %v: %s (make test-deps installs it)", v, err, bytes.TrimSpace(o))
	}
	return nil
}

// utterance is one rendered sentence in the cache.
type utterance struct {
	voice   Voice
	stretch float64
	text    string
	wav     string
}

// manifest is what the cache stores beside each file, so that a file
// made from other text, voice or rate is made again.
func (u utterance) manifest() string {
	return fmt.Sprintf("%s\t%.2f\t%s\n", u.voice, u.stretch, u.text)
}

// ensure renders u unless the cache already holds it.
func (u utterance) ensure(ctx context.Context) error {
	m := strings.TrimSuffix(u.wav, ".wav") + ".txt"
	if b, err := os.ReadFile(m); err == nil && string(b) == u.manifest() {
		if _, err := os.Stat(u.wav); err == nil {
			return nil
		}
	}
	tmp := u.wav + ".tmp.wav"
	if err := render(ctx, u.voice, u.stretch, u.text, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, u.wav); err != nil {
		return err
	}
	return os.WriteFile(m, []byte(u.manifest()), 0o644)
}

// renderAll makes every utterance missing from the cache, two at a time
// (the machines this runs on have two cores), reporting each done (of
// the batch).
func renderAll(ctx context.Context, us []utterance, progress func(done, total int)) error {
	var (
		mu   sync.Mutex
		done int
		errs []error
		wg   sync.WaitGroup
	)
	next := make(chan utterance)
	for range 2 {
		wg.Go(func() {
			for u := range next {
				err := u.ensure(ctx)
				mu.Lock()
				done++
				if err != nil {
					errs = append(errs, err)
				}
				if progress != nil {
					progress(done, len(us))
				}
				mu.Unlock()
			}
		})
	}
	for _, u := range us {
		if ctx.Err() != nil {
			break
		}
		next <- u
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return ctx.Err()
}

// Synthetic says ordinary sentences (Sentences, in order) in Voices at
// Stretches, the i-th sentence in voice i mod len(Voices) at the stretch
// that follows in turn, until they last at least seconds, and joins them
// into clips of about a minute. Each rendering is cached under
// cache/synthetic and made again only when its text, voice or rate
// changes, so the corpus is the same on every run. progress, when not nil,
// hears how the rendering goes.
func Synthetic(ctx context.Context, cache string, seconds float64, progress func(done, total int)) ([]Clip, error) {
	sentences, err := Sentences()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cache, "synthetic")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("speechcorpus: %w", err)
	}
	// Render a batch at a time until the files rendered last long enough:
	// how long a sentence lasts is known only once it is said.
	const batch = 32
	var us []utterance
	var total float64
	for i := 0; total < seconds; i += batch {
		if i >= len(sentences) {
			return nil, fmt.Errorf("speechcorpus: all %d sentences last %.0f s, want %.0f", len(sentences), total, seconds)
		}
		var b []utterance
		for j := i; j < min(i+batch, len(sentences)); j++ {
			v := Voices[j%len(Voices)]
			st := Stretches[(j/len(Voices))%len(Stretches)]
			b = append(b, utterance{v, st, sentences[j], filepath.Join(dir, fmt.Sprintf("%04d.wav", j))})
		}
		if err := renderAll(ctx, b, progress); err != nil {
			return nil, err
		}
		for _, u := range b {
			if total >= seconds {
				break
			}
			x, err := load(u.wav)
			if err != nil {
				return nil, err
			}
			us = append(us, u)
			total += float64(len(x)) / Rate
		}
	}
	files, texts := make([]string, len(us)), make([]string, len(us))
	for i, u := range us {
		files[i], texts[i] = u.wav, u.text
	}
	clips, err := join("synthetic", files, texts)
	k := 0
	for i := range clips {
		clips[i].Synthetic = true
		for j := range clips[i].Parts {
			u := us[k]
			clips[i].Parts[j].Name = fmt.Sprintf("%s (%s x%.2f)", filepath.Base(u.wav), u.voice, u.stretch)
			k++
		}
	}
	return clips, err
}

// Carriers put a phrase alone, first and last in an utterance.
var Carriers = []string{"%s!", "Oh, %s.", "%s, please."}

// Takes says phrase in every carrier, voice and stretch (cached under
// cache/takes), each with half a second of silence either side: what the
// keyword spotter should hear.
func Takes(ctx context.Context, cache, phrase string) ([]Clip, error) {
	dir := filepath.Join(cache, "takes", strings.Join(words(phrase), "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("speechcorpus: %w", err)
	}
	var us []utterance
	for _, v := range Voices {
		for _, st := range Stretches {
			for i, c := range Carriers {
				text := fmt.Sprintf(c, phrase)
				text = strings.ToUpper(text[:1]) + text[1:]
				us = append(us, utterance{v, st, text, filepath.Join(dir, fmt.Sprintf("%s-%s-%.2f-%d.wav", v.Engine, v.Name, st, i))})
			}
		}
	}
	if err := renderAll(ctx, us, nil); err != nil {
		return nil, err
	}
	pad := make([]float32, Rate/2)
	var clips []Clip
	for _, u := range us {
		x, err := load(u.wav)
		if err != nil {
			return nil, err
		}
		clips = append(clips, Clip{
			Name:      fmt.Sprintf("%s x%.2f %q", u.voice, u.stretch, u.text),
			X:         append(append(append([]float32(nil), pad...), x...), pad...),
			Synthetic: true,
		})
	}
	return clips, nil
}

// HourSeconds is the length of the corpus Hour builds.
const HourSeconds = 3600

// Hour is an hour of ordinary speech: every real recording Real finds,
// then synthetic speech (Synthetic) to make up the hour. Real and
// synthetic clips are marked apart (Clip.Synthetic).
func Hour(ctx context.Context, devset, cache string, leaveOut func(string) bool, progress func(done, total int)) ([]Clip, error) {
	real, err := Real(devset, leaveOut)
	if err != nil {
		return nil, err
	}
	var secs float64
	for _, c := range real {
		secs += c.Seconds()
	}
	synth, err := Synthetic(ctx, cache, max(HourSeconds-secs, 0), progress)
	if err != nil {
		return nil, err
	}
	return append(real, synth...), nil
}
