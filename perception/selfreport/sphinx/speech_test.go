package sphinx

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// devsetDir is the project's development set beside the repository
// (../shared/devset from its root). It is read in place, never copied.
const devsetDir = "../../../../shared/devset"

// librivoxGlob is the read speech Debian's pocketsphinx-testdata ships.
const librivoxGlob = "/usr/share/pocketsphinx/test/data/librivox/*.wav"

type clip struct {
	name string
	x    []float32
}

func (c clip) seconds() float64 { return float64(len(c.x)) / Rate }

func newRecogniser(t testing.TB, o Opts) *Recogniser {
	t.Helper()
	r, err := New(o)
	if errors.Is(err, ErrNoModel) {
		t.Skip("pocketsphinx-en-us not installed")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// ordinarySpeech loads real read speech that answers no question: the
// LibriVox recordings and the dev set's speech clips (labels.csv), except
// the dev set's recording of spoken numbers, which is an answer. It skips
// the test when neither is installed.
func ordinarySpeech(t testing.TB) []clip {
	t.Helper()
	files, _ := filepath.Glob(librivoxGlob)
	if f, err := os.Open(filepath.Join(devsetDir, "speech", "labels.csv")); err == nil {
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("dev set speech labels: %v", err)
		}
		for _, r := range rows[1:] {
			if !strings.Contains(r[0], "numbers") {
				files = append(files, filepath.Join(devsetDir, r[0]))
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no real speech: install pocketsphinx-testdata or put the dev set beside the repository")
	}
	var clips []clip
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		clips = append(clips, clip{filepath.Base(f), a.Mono16k()})
	}
	return clips
}

// say synthesises text with an espeak-ng voice and speed into dir, with
// half a second of room either side.
func say(t testing.TB, dir, voice string, speed int, text string) []float32 {
	t.Helper()
	p := filepath.Join(dir, "say.wav")
	if out, err := exec.Command("espeak-ng", "-v", voice, "-s", fmt.Sprint(speed), "-w", p, text).CombinedOutput(); err != nil {
		t.Skipf("espeak-ng: %v: %s", err, out)
	}
	a, err := wav.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	pad := make([]float32, Rate/2)
	return append(append(append([]float32(nil), pad...), a.Mono16k()...), pad...)
}

// The robot speaks with espeak-ng's f3 and m3 variants; these voices are
// others. devVoices were listened to while the grammar and thresholds were
// chosen; heldOutVoices were not, and give the reported figures.
var (
	devVoices     = []string{"en-us+f2", "en-gb+m1", "en-us+m7"}
	heldOutVoices = []string{"en-gb-x-rp+f4", "en-gb-scotland+m2", "en-029+f1", "en-us-nyc+m4", "en-gb-x-gbclan+f5"}
	speeds        = []int{120, 175}
	numberNames   = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	// ratingCarriers put a rating alone and in the sentences people use.
	ratingCarriers = []string{"%s.", "About a %s.", "Maybe %s.", "It's a %s.", "I'd say %s out of ten."}
)

type take struct {
	name string
	want selfreport.Rating
	x    []float32
}

// ratingTakes says every rating 0–10 in every carrier, voice and speed.
func ratingTakes(t testing.TB, voices []string, speeds []int, carriers []string) []take {
	t.Helper()
	dir := t.TempDir()
	var takes []take
	for _, v := range voices {
		for _, sp := range speeds {
			for n, name := range numberNames {
				for _, c := range carriers {
					text := fmt.Sprintf(c, name)
					takes = append(takes, take{fmt.Sprintf("%s -s %d %q", v, sp, text), selfreport.Rating(n), say(t, dir, v, sp, text)})
				}
			}
		}
	}
	return takes
}

// understood counts the takes whose rating r recognised correctly, and
// the wrong ratings (a wrong number is worse than none).
func understood(t testing.TB, r *Recogniser, k selfreport.Kind, takes []take) (right, wrong int) {
	t.Helper()
	for _, tk := range takes {
		rep, err := r.Recognise(k, tk.x)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case rep.Rating == tk.want:
			right++
		case rep.Rating.Valid():
			wrong++
			t.Logf("%s: heard %q = %d (confidence %.2f)", tk.name, rep.Heard, rep.Rating, rep.Confidence)
		default:
			if testing.Verbose() {
				t.Logf("%s: unclear, heard %q (confidence %.2f)", tk.name, rep.Heard, rep.Confidence)
			}
		}
	}
	return right, wrong
}

// falseReports counts the clips of ordinary speech in which r understood
// a rating or an answer, and the hours of speech.
func falseReports(t testing.TB, r *Recogniser, clips []clip) (n int, hours float64) {
	t.Helper()
	for _, c := range clips {
		rep, err := r.RecogniseRecording(selfreport.Any, c.x)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Clear() {
			n++
			t.Logf("%s: false report %+v", c.name, rep)
		} else if testing.Verbose() {
			t.Logf("%s: unclear, heard %q (confidence %.2f)", c.name, rep.Heard, rep.Confidence)
		}
		hours += c.seconds() / 3600
	}
	return n, hours
}

// TestAnswerSweep is the tuning measurement: with KINDRED_ANSWER_SWEEP=1,
//
//	KINDRED_ANSWER_SWEEP=1 go test ./perception/selfreport/sphinx -run Sweep -v -count=1
//
// reports ratings understood from the development voices and false
// reports on ordinary speech over a range of garbage weights and
// confidence thresholds.
func TestAnswerSweep(t *testing.T) {
	if os.Getenv("KINDRED_ANSWER_SWEEP") == "" {
		t.Skip("set KINDRED_ANSWER_SWEEP=1 to measure")
	}
	voices, sp, carriers := devVoices[:2], speeds[1:], ratingCarriers[:3]
	if os.Getenv("KINDRED_ANSWER_SWEEP") == "heldout" {
		voices, sp, carriers = heldOutVoices, []int{150}, ratingCarriers[:2]
	}
	takes := ratingTakes(t, voices, sp, carriers)
	speech := ordinarySpeech(t)
	// Each configuration is "entry,step,frame".
	cfgs := "1,0.1,0.1"
	if c := os.Getenv("KINDRED_ANSWER_CFG"); c != "" {
		cfgs = c
	}
	for _, cfg := range strings.Split(cfgs, ";") {
		var v [3]float64
		for i, f := range strings.SplitN(cfg, ",", 3) {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("KINDRED_ANSWER_CFG %q: %v", cfg, err)
			}
			v[i] = x
		}
		o := DefaultOpts()
		o.GarbageEntry, o.GarbageStep, o.FrameProb = v[0], v[1], v[2]
		r := newRecogniser(t, o)
		right, wrong := understood(t, r, selfreport.RatingQuestion, takes)
		fr, hours := falseReports(t, r, speech)
		t.Logf("%s: rating question %d/%d right, %d wrong; false reports %d in %.0f s of ordinary speech",
			cfg, right, len(takes), wrong, fr, hours*3600)
		r.Close()
	}
}
