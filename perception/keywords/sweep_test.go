package keywords

import (
	"cmp"
	"fmt"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// devsetDir is the project's development set beside the repository
// (../shared/devset from its root). It is read in place, never copied.
const devsetDir = "../../../shared/devset"

// clip is one recording to spot in.
type clip = speechcorpus.Clip

// seconds is how long c lasts.
func seconds(c clip) float64 { return float64(len(c.X)) / voice.Rate }

// realSpeech loads ordinary read speech: the LibriVox recordings and the
// dev set's speech clips (labels.csv names them; none says any of the
// phrases, so every spot in them is a false alarm). It skips the test when
// neither is installed.
func realSpeech(t testing.TB) []clip {
	t.Helper()
	return speechcorpus.Ordinary(t, devsetDir, nil)
}

// strangeVoices are espeak-ng voices and speeds the robot never speaks
// with (its personas use the f3 and m3 variants), so a hit is not the
// spotter recognising the robot's own voice.
var strangeVoices = []string{"en-us+f2", "en-gb+m1", "en-us+m7", "en-gb-x-rp+f4"}

var strangeSpeeds = []int{130, 175}

// carriers put a phrase alone, first and last in an utterance.
var carriers = []string{"%s!", "Oh, %s.", "%s, please."}

// spokenPhrase says phrase in every strange voice, speed and carrier,
// into t.TempDir(), with half a second of room either side.
func spokenPhrase(t testing.TB, phrase string) []clip {
	t.Helper()
	dir := t.TempDir()
	var clips []clip
	for _, v := range strangeVoices {
		for _, sp := range strangeSpeeds {
			for i, c := range carriers {
				text := fmt.Sprintf(c, phrase)
				text = strings.ToUpper(text[:1]) + text[1:]
				p := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.wav", v, sp, i))
				if out, err := exec.Command("espeak-ng", "-v", v, "-s", fmt.Sprint(sp), "-w", p, text).CombinedOutput(); err != nil {
					t.Skipf("espeak-ng: %v: %s", err, out)
				}
				a, err := wav.DecodeFile(p)
				if err != nil {
					t.Fatal(err)
				}
				pad := make([]float32, voice.Rate/2)
				x := append(append(append([]float32(nil), pad...), a.Mono16k()...), pad...)
				clips = append(clips, clip{Name: fmt.Sprintf("%s -s %d %q", v, sp, text), X: x})
			}
		}
	}
	return clips
}

// spotCounts runs a fresh spotter with o over x, fed in 20 ms pieces as a
// live run does, and counts each phrase spotted.
func spotCounts(t testing.TB, o Opts, x []float32) map[string]int {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Skip(err)
	}
	defer s.Close()
	n := map[string]int{}
	for i := 0; i < len(x); i += 2 * voice.HopSamples {
		kws, err := s.Spot(x[i:min(i+2*voice.HopSamples, len(x))], time.Duration(i)*time.Second/voice.Rate)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kws {
			n[k.Text]++
		}
	}
	kws, err := s.Flush()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kws {
		n[k.Text]++
	}
	return n
}

// falseAlarms spots with o in every clip and returns the false alarms per
// phrase and the hours of speech.
func falseAlarms(t testing.TB, o Opts, clips []clip) (map[string]int, float64) {
	total := map[string]int{}
	var secs float64
	for _, c := range clips {
		for w, n := range spotCounts(t, o, c.X) {
			total[w] += n
			if testing.Verbose() {
				t.Logf("%s: %d false %q", c.Name, n, w)
			}
		}
		secs += seconds(c)
	}
	return total, secs / 3600
}

// hits counts the clips in which phrase was spotted.
func hits(t testing.TB, o Opts, phrase string, clips []clip) int {
	n := 0
	for _, c := range clips {
		if spotCounts(t, o, c.X)[phrase] > 0 {
			n++
		}
	}
	return n
}

// maxFalseHelpPerHour is the bound on a spoken "help" that nobody said:
// the word pages a carer, so it may cry wolf at most once an hour of
// ordinary speech.
const maxFalseHelpPerHour = 1.0

// TestFalseHelpOnRealSpeech holds the shipped thresholds to the bound on
// real read speech (LibriVox and the dev set's speech, about 100 s). That
// little speech cannot show a rate as low as 1 an hour; what it does show is
// that not one false "help" occurs in it, which is what the bound demands
// of so short a sample.
func TestFalseHelpOnRealSpeech(t *testing.T) {
	clips := realSpeech(t)
	fa, hours := falseAlarms(t, DefaultOpts(), clips)
	rate := float64(fa["help"]) / hours
	t.Logf("%.1f s of real speech: false alarms %v; help %.1f per hour", hours*3600, fa, rate)
	if rate > maxFalseHelpPerHour {
		t.Errorf("false \"help\" %d in %.1f s of speech = %.0f per hour, want at most %g", fa["help"], hours*3600, rate, maxFalseHelpPerHour)
	}
}

// oldPhrases are the thresholds shipped before they were measured on real
// speech, kept to report the "before" figures.
var oldPhrases = []Phrase{{Text: "stop", Threshold: 1e-10}, {Text: "go away", Threshold: 1e-30}, {Text: "ouch", Threshold: 1e-5}, {Text: "it hurts", Threshold: 1e-20}, {Text: "help", Threshold: 1e-5}}

// TestKeywordSweep measures, per phrase, hits on the phrase said by
// espeak-ng voices the robot never uses (24 takes) and false alarms per
// hour of real speech, first with the old and the shipped thresholds (all
// five phrases searched together, as they run), then for each phrase over a
// range of thresholds with the others at their shipped values. It is a
// tuning measurement of a few minutes:
//
//	KINDRED_KWS_SWEEP=1 go test ./perception/keywords -run Sweep -v -count=1
func TestKeywordSweep(t *testing.T) {
	if os.Getenv("KINDRED_KWS_SWEEP") == "" {
		t.Skip("set KINDRED_KWS_SWEEP=1 to measure")
	}
	speech := realSpeech(t)
	spoken := map[string][]clip{}
	for _, p := range DefaultOpts().Phrases {
		spoken[p.Text] = spokenPhrase(t, p.Text)
	}
	report := func(label string, o Opts) {
		fa, hours := falseAlarms(t, o, speech)
		for _, p := range o.Phrases {
			t.Logf("%-8s %-10s threshold %-6g ds %d: hits %2d/%d, false %d in %.1f s = %.0f per hour",
				label, p.Text, p.Threshold, o.Downsample, hits(t, o, p.Text, spoken[p.Text]), len(spoken[p.Text]),
				fa[p.Text], hours*3600, float64(fa[p.Text])/hours)
		}
	}
	if set := os.Getenv("KINDRED_KWS_SWEEP"); strings.Contains(set, "=") {
		// A candidate: KINDRED_KWS_SWEEP='help=1e-3;go away=1e-20'.
		o := DefaultOpts()
		o.Phrases = append([]Phrase(nil), o.Phrases...)
		for _, kv := range strings.Split(set, ";") {
			k, v, _ := strings.Cut(kv, "=")
			th, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("KINDRED_KWS_SWEEP %q: %v", kv, err)
			}
			found := false
			for i := range o.Phrases {
				if o.Phrases[i].Text == strings.TrimSpace(k) {
					o.Phrases[i].Threshold, found = th, true
				}
			}
			if !found {
				t.Fatalf("KINDRED_KWS_SWEEP %q: no such phrase", kv)
			}
		}
		report("candidate", o)
		return
	}
	old := DefaultOpts()
	old.Phrases = oldPhrases
	report("before", old)
	report("after", DefaultOpts())
}

// TestSpotsStrangeVoices holds the opt-out and pain words that can be
// heard at all to a floor of hits on voices the robot never speaks with:
// "stop" was heard in 18 of 24 takes and "ouch" in 12 when the thresholds
// were chosen; fewer than half of "stop" or a third of "ouch" means the
// spotter has lost them.
func TestSpotsStrangeVoices(t *testing.T) {
	if testing.Short() {
		t.Skip("spots 48 synthetic takes")
	}
	for _, c := range []struct {
		phrase string
		min    int
	}{{"stop", 12}, {"ouch", 8}} {
		takes := spokenPhrase(t, c.phrase)
		if got := hits(t, DefaultOpts(), c.phrase, takes); got < c.min {
			t.Errorf("%q heard in %d of %d takes, want at least %d", c.phrase, got, len(takes), c.min)
		} else {
			t.Logf("%q heard in %d of %d takes", c.phrase, got, len(takes))
		}
	}
}

// helpPhrasings are ways of calling for help the sweep compares: the bare
// word is heard inside "himself", "helpful", "whelp"; longer phrases give
// the decoder more to match.
var helpPhrasings = []string{"help", "help me", "please help", "somebody help", "help help"}

// TestHelpPhrasingSweep measures each phrasing of a call for help over a
// range of thresholds, searched together with the other shipped phrases:
// hits on espeak-ng takes (said alone and in carriers) and false alarms
// per hour of real speech. A tuning measurement of several minutes:
//
//	KINDRED_KWS_HELP_SWEEP=1 go test ./perception/keywords -run HelpPhrasing -v -count=1 -timeout 30m
func TestHelpPhrasingSweep(t *testing.T) {
	if os.Getenv("KINDRED_KWS_HELP_SWEEP") == "" {
		t.Skip("set KINDRED_KWS_HELP_SWEEP=1 to measure")
	}
	speech := realSpeech(t)
	for _, ph := range helpPhrasings {
		takes := spokenPhrase(t, ph)
		for _, th := range []float64{1e-40, 1e-30, 1e-20, 1e-10, 1e-5, 1} {
			o := DefaultOpts()
			var others []Phrase
			for _, p := range o.Phrases {
				if p.Text != "help" && p.Text != ph {
					others = append(others, p)
				}
			}
			o.Phrases = append(others, Phrase{Text: ph, Threshold: th})
			fa, hours := falseAlarms(t, o, speech)
			t.Logf("%-14q threshold %-6g: hits %2d/%d, false %d in %.1f s = %.0f per hour",
				ph, th, hits(t, o, ph, takes), len(takes), fa[ph], hours*3600, float64(fa[ph])/hours)
		}
	}
}

// TestKeywordsInVocalisations measures, per class of the dev set's
// non-verbal vocalisations, the phrases the shipped spotter hears where
// nobody spoke (every spot is a false alarm). Laughter is the worst: 14
// "ouch", 4 "stop", 2 "it hurts" and a "help" in 129 s, which is why
// fusion does not count a pain word in a laughing voice.
//
//	KINDRED_KWS_SWEEP=1 go test ./perception/keywords -run InVocalisations -v -count=1
func TestKeywordsInVocalisations(t *testing.T) {
	if os.Getenv("KINDRED_KWS_SWEEP") == "" {
		t.Skip("set KINDRED_KWS_SWEEP=1 to measure")
	}
	for _, cls := range []string{"laughing", "coughing", "sneezing", "throat-clearing", "moaning", "crying", "screaming", "sighing", "panting"} {
		files, _ := filepath.Glob(filepath.Join(devsetDir, "vocalisations", cls, "*.wav"))
		if len(files) == 0 {
			t.Skipf("dev set absent: no %s clips", cls)
		}
		var clips []clip
		for _, f := range files {
			a, err := wav.DecodeFile(f)
			if err != nil {
				t.Fatal(err)
			}
			clips = append(clips, clip{Name: filepath.Base(f), X: a.Mono16k()})
		}
		fa, hours := falseAlarms(t, DefaultOpts(), clips)
		t.Logf("%-16s %2d clips, %4.0f s: %v", cls, len(clips), hours*3600, fa)
	}
}

// hourCache is where the hour's synthetic speech is rendered (the
// repository's ignored testdata/hour, shared with `kindred eval --only
// words`).
const hourCache = "../../testdata/hour"

// TestHourSweep measures "help" at each threshold of
// KINDRED_KWS_HOUR_SWEEP (comma-separated), searched with the other
// shipped phrases, on the hour of ordinary speech (speechcorpus.Hour:
// false alarms per hour, real and synthetic apart) and on the synthetic
// takes of "help" (speechcorpus.Takes). About as long as the hour of audio
// for each threshold:
//
//	KINDRED_KWS_HOUR_SWEEP=1e-20,1e-10,1 go test ./perception/keywords -run HourSweep -v -count=1 -timeout 3h
//
// Each spot of the phrase is verified (Phrase.Verify) unless
// KINDRED_KWS_HOUR_VERIFY=off; the candidates the verifier was asked about
// are counted too. KINDRED_KWS_HOUR_TAKES_ONLY=1 measures the takes alone,
// KINDRED_KWS_HOUR_HALF=real or synthetic one half of the hour.
func TestHourSweep(t *testing.T) {
	set := os.Getenv("KINDRED_KWS_HOUR_SWEEP")
	if set == "" {
		t.Skip("set KINDRED_KWS_HOUR_SWEEP=threshold,… to measure")
	}
	phrase := cmp.Or(os.Getenv("KINDRED_KWS_HOUR_PHRASE"), "help")
	clips, err := speechcorpus.Hour(t.Context(), devsetDir, hourCache, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var real, synth []clip
	half := os.Getenv("KINDRED_KWS_HOUR_HALF") // "real" or "synthetic" measures that half alone
	for _, c := range clips {
		if half != "" && c.Synthetic != (half == "synthetic") {
			continue
		}
		if c.Synthetic {
			synth = append(synth, c)
		} else {
			real = append(real, c)
		}
	}
	takes, err := speechcorpus.Takes(t.Context(), hourCache, phrase)
	if err != nil {
		t.Fatal(err)
	}
	verify := os.Getenv("KINDRED_KWS_HOUR_VERIFY") != "off"
	for _, v := range strings.Split(set, ",") {
		th, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			t.Fatalf("KINDRED_KWS_HOUR_SWEEP %q: %v", v, err)
		}
		var n tally
		o := withPhrase(DefaultOpts(), Phrase{Text: phrase, Threshold: th, Verify: verify}, &n)
		// A threshold that hears none of the takes is not worth an hour of
		// decoding: it is as deaf as the shipped one.
		h, cand := 0, 0
		for _, c := range takes {
			before := n.asked
			if spotCounts(t, o, c.X)[phrase] > 0 {
				h++
			}
			if n.asked > before {
				cand++
			}
		}
		if h == 0 {
			t.Logf("%q threshold %g verify %v: hits 0/%d synthetic takes (%d candidates); not measured on the hour", phrase, th, verify, len(takes), cand)
			continue
		}
		if os.Getenv("KINDRED_KWS_HOUR_TAKES_ONLY") != "" {
			t.Logf("%q threshold %g verify %v: hits %d/%d synthetic takes (%d with a candidate)", phrase, th, verify, h, len(takes), cand)
			continue
		}
		n = tally{}
		rf, rh := falseAlarms(t, o, real)
		rn := n
		n = tally{}
		sf, sh := falseAlarms(t, o, synth)
		t.Logf("%q threshold %g verify %v: hits %d/%d synthetic takes (%d with a candidate); false %d in %.0f s real = %.1f per hour (%d candidates), %d in %.0f s synthetic = %.1f per hour (%d candidates)",
			phrase, th, verify, h, len(takes), cand, rf[phrase], rh*3600, float64(rf[phrase])/rh, rn.asked, sf[phrase], sh*3600, float64(sf[phrase])/sh, n.asked)
	}
}

// tally counts a verifier's verdicts.
type tally struct{ asked, passed int }

// countingVerifier counts the spots it is asked about.
type countingVerifier struct {
	Verifier
	n *tally
}

func (c countingVerifier) Verify(x []float32, at int) (bool, error) {
	ok, err := c.Verifier.Verify(x, at)
	c.n.asked++
	if ok {
		c.n.passed++
	}
	return ok, err
}

// withPhrase is o with p in place of the phrase of the same text, its
// verifier counting into n.
func withPhrase(o Opts, p Phrase, n *tally) Opts {
	var ps []Phrase
	for _, q := range o.Phrases {
		if q.Text != p.Text {
			ps = append(ps, q)
		}
	}
	o.Phrases = append(ps, p)
	newV := o.NewVerifier
	o.NewVerifier = func() (Verifier, error) {
		v, err := newV()
		if err != nil {
			return nil, err
		}
		return countingVerifier{v, n}, nil
	}
	return o
}

// minHelpTakes is the floor of synthetic takes of "help" the shipped
// spotter hears: 52 of 99 at 1e-20 with each spot verified as a call and
// held 1.2 s (43 held 0.8 s, 46 held 0.8 s with a ringing tail ending a
// call; 9 at 1e25 unverified, as shipped before; 22 at 1e3 verified);
// fewer than 48 means the looser threshold, the hold or the verifier has
// lost calls.
const minHelpTakes = 48

// TestHelpHeardInSomeTakes holds "help", made strict enough to stay within
// its false-alarm budget, to a floor of hits on the 99 synthetic takes of
// it (flite, festival and espeak-ng voices the robot never uses).
func TestHelpHeardInSomeTakes(t *testing.T) {
	if testing.Short() {
		t.Skip("spots 99 synthetic takes")
	}
	takes, err := speechcorpus.Takes(t.Context(), hourCache, "help")
	if err != nil {
		t.Skip(err)
	}
	got := hits(t, DefaultOpts(), "help", takes)
	t.Logf("\"help\" heard in %d of %d takes", got, len(takes))
	if got < minHelpTakes {
		t.Errorf("\"help\" heard in %d of %d takes, want at least %d", got, len(takes), minHelpTakes)
	}
}
