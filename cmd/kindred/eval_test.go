package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/vocalisation"

	"github.com/kindred-hri/kindred/evaluate"
)

func runEval(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"eval"}, args...))
	return code, out.String(), errb.String()
}

// tinyDevset is a labelled folder in the dev set's layout with two
// synthetic clips (a square-wave tone and silence): it exercises the
// plumbing, not the classifier.
func tinyDevset(t *testing.T, labels string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string][]byte{
		"vocalisations/moaning/a.wav": validWAV(16000, 32000),
		"speech/b.wav":                validWAV(16000, 16000),
		"vocalisations/labels.csv":    []byte(labels),
		"speech/labels.csv":           []byte("file,source\nspeech/b.wav,github:o/r@1:b.wav\n"),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEvalBadInput(t *testing.T) {
	good := "file,class,speaker\nvocalisations/moaning/a.wav,moaning,A\n"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no dev set", []string{"--devset", filepath.Join(t.TempDir(), "none")}, "no vocalisations/labels.csv"},
		{"bad label row", []string{"--devset", tinyDevset(t, "file,class,speaker\n../../etc/passwd,moaning,A\n")}, "line 2: file"},
		{"missing clip", []string{"--devset", tinyDevset(t, good+"vocalisations/x.wav,crying,B\n")}, "x.wav"},
		{"stray argument", []string{"--devset", tinyDevset(t, good), "extra"}, "unexpected argument"},
		{"unknown part", []string{"--only", "smells"}, "want faces, vocalisations, words or words-live"},
		{"augment without labels", []string{"--devset", tinyDevset(t, good), "--augment", filepath.Join(t.TempDir(), "none")}, "scripts/degrade-devset.sh"},
		{"words with fit", []string{"--only", "words", "--fit"}, "drop --only words"},
		{"words without cache", []string{"--only", "words", "--cache", ""}, "--cache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runEval(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line naming %q", code, stderr, tc.want)
			}
		})
	}
}

func TestEvalReportsEveryClip(t *testing.T) {
	dir := tinyDevset(t, "file,class,speaker\nvocalisations/moaning/a.wav,moaning,A\n")
	code, stdout, stderr := runEval(t, "--devset", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep evaluate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if rep.Clips != 2 || len(rep.Classes) != 2 || rep.Distress.PositiveClips != 1 || rep.Distress.NegativeClips != 1 {
		t.Errorf("report = %+v; want 2 clips, one positive (moaning) and one negative (speech)", rep)
	}
	for _, c := range rep.Classes {
		n := 0
		for _, k := range rep.Confusion[c.Class] {
			n += k
		}
		if n != c.Clips || (c.Recall == nil) != (c.MapsTo == "") {
			t.Errorf("class %+v: confusion row sums to %d", c, n)
		}
	}
	code, text, _ := runEval(t, "--devset", dir)
	if code != 0 || !strings.Contains(text, "moaning") || !strings.Contains(text, "false alarms on speech") {
		t.Errorf("text report (exit %d):\n%s", code, text)
	}
}

// A folder with clips of two classes from four speakers each can be
// cross-validated and fitted; the file --fit writes loads as a combiner
// and carries its card. With one speaker per class it cannot, and --fit
// says so (exit 2) instead of writing a half-fitted file.
func TestEvalFit(t *testing.T) {
	dir := fitFolder(t, 0)
	out := filepath.Join(t.TempDir(), "c.json")
	code, _, stderr := runEval(t, "--devset", dir, "--fit", "--out", out, "--licence", "mine")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := vocalisation.Parse(b)
	if err != nil {
		t.Fatalf("written combiner: %v", err)
	}
	if m.Card == nil || m.Card.Licence != "mine" || m.Card.Clips["moaning"] != 4 || len(m.Card.Figures) != 4 || m.Card.Figures["running"].Recall == nil {
		t.Errorf("card = %+v", m.Card)
	}

	// A degraded copy (here: the same speakers' clips, longer) joins the
	// fit: the card names it and the weights move.
	copyDir := fitFolder(t, 4000)
	augOut := filepath.Join(t.TempDir(), "c.json")
	code, _, stderr = runEval(t, "--devset", dir, "--fit", "--out", augOut, "--augment", copyDir)
	if code != 0 {
		t.Fatalf("augmented: exit %d: %s", code, stderr)
	}
	if b, err = os.ReadFile(augOut); err != nil {
		t.Fatal(err)
	}
	aug, err := vocalisation.Parse(b)
	if err != nil {
		t.Fatalf("augmented combiner: %v", err)
	}
	if aug.Card == nil || len(aug.Card.Augmented) != 1 || aug.Card.Augmented[0] != copyDir || aug.Card.Clips["moaning"] != 4 {
		t.Errorf("augmented card = %+v; want the copy named and the clean clips counted", aug.Card)
	}
	if slices.Equal(aug.Mean, m.Mean) {
		t.Errorf("augmented fit standardises as the clean one (mean %v): the copy's clips did not join it", aug.Mean)
	}

	// --multi-condition makes the copies in process: the card names its
	// four conditions, counts the clean clips, and the weights move.
	mcOut := filepath.Join(t.TempDir(), "c.json")
	code, _, stderr = runEval(t, "--devset", dir, "--fit", "--out", mcOut, "--multi-condition")
	if code != 0 {
		t.Fatalf("multi-condition: exit %d: %s", code, stderr)
	}
	if b, err = os.ReadFile(mcOut); err != nil {
		t.Fatal(err)
	}
	mc, err := vocalisation.Parse(b)
	if err != nil {
		t.Fatalf("multi-condition combiner: %v", err)
	}
	if mc.Card == nil || len(mc.Card.Augmented) != 4 || !strings.HasPrefix(mc.Card.Augmented[0], "in process: ") || mc.Card.Clips["moaning"] != 4 {
		t.Errorf("multi-condition card = %+v; want the four in-process conditions named and the clean clips counted", mc.Card)
	}
	if slices.Equal(mc.Mean, m.Mean) {
		t.Errorf("multi-condition fit standardises as the clean one (mean %v): the copies did not join it", mc.Mean)
	}

	one := tinyDevset(t, "file,class,speaker\nvocalisations/moaning/a.wav,moaning,A\n")
	code, _, stderr = runEval(t, "--devset", one, "--fit", "--out", filepath.Join(t.TempDir(), "c.json"))
	if code != 2 || !strings.Contains(stderr, "cannot fit") {
		t.Errorf("one clip per class: exit %d, %q; want exit 2 saying it cannot fit", code, stderr)
	}
}

// fitFolder is a labelled folder with clips of two classes from four
// speakers each, every clip extra samples longer.
func fitFolder(t *testing.T, extra int) string {
	t.Helper()
	labels := "file,class,speaker\n"
	dir := t.TempDir()
	write := func(name string, body []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 8 {
		class, n := "moaning", 24000+1600*i
		if i%2 == 1 {
			class, n = "laughing", 8000+800*i
		}
		name := fmt.Sprintf("vocalisations/%s/%d.wav", class, i)
		write(name, validWAV(16000, n+extra))
		labels += fmt.Sprintf("%s,%s,S%d\n", name, class, i/2)
	}
	write("vocalisations/labels.csv", []byte(labels))
	return dir
}

// devsetDir is the project's development set beside the repository
// (../shared/devset from its root); tests that need it skip without it.
const devsetDir = "../../../shared/devset"

// On the dev set, with speaker-disjoint folds, the combination beats each
// part alone and reaches the targets overall; the shipped
// combiner does too (in-sample). Slow: it analyses 16 minutes of audio.
func TestEvalOnDevset(t *testing.T) {
	if _, err := os.Stat(filepath.Join(devsetDir, "vocalisations", "labels.csv")); err != nil {
		t.Skipf("dev set absent: %v", err)
	}
	code, stdout, stderr := runEval(t, "--devset", devsetDir, "--only", "vocalisations", "--json") // faces: TestEvalFacesOnDevset
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep evaluate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	c, a, y := rep.Combiners["combined"], rep.Combiners["acoustic"], rep.Combiners["yamnet"]
	t.Logf("cross-validated macro recall / distress on moan+cry+scream / false alarms: combined %.3f %.3f %.3f, acoustic %.3f %.3f %.3f, yamnet %.3f %.3f %.3f; shipped in-sample %.3f %.3f",
		c.MacroRecall, c.Recognised, c.FalseAlarms, a.MacroRecall, a.Recognised, a.FalseAlarms, y.MacroRecall, y.Recognised, y.FalseAlarms,
		rep.Distress.Recognised, rep.Distress.FalseAlarms)
	for _, part := range []vocalisation.Figure{a, y} {
		if c.MacroRecall <= part.MacroRecall || c.Recognised <= part.Recognised || c.FalseAlarms >= part.FalseAlarms {
			t.Errorf("combined %+v does not beat a part alone %+v", c, part)
		}
	}
	if c.Recognised < 0.85 || c.FalseAlarms > 0.05 {
		t.Errorf("cross-validated: distress on moans, cries, screams %.3f (want ≥ 0.85), false alarms %.3f (want ≤ 0.05)", c.Recognised, c.FalseAlarms)
	}
	// The running classifier of the live robot (YAMNet windows judged in
	// context) names the classes too: the hand-set per-hop classifier it
	// replaced had macro recall 0.26 here.
	if h := rep.HopClassifier; h == nil || h.MacroRecall < 0.6 || h.Recognised < 0.85 || h.FalseAlarms > 0.08 {
		t.Errorf("running classifier: %+v, want macro recall ≥ 0.6, distress on moans, cries, screams ≥ 0.85, false alarms ≤ 0.08", h)
	}
	// The same on unseen speakers: the live classifier with the combiner
	// of the other folds, fitted on their clips and the contexts it judges
	// (87.4 % and 4.8 %; 85.6 % and 6.0 % fitted on whole clips only).
	if r, ok := rep.Combiners["running"]; !ok || r.Recognised < 0.85 || r.FalseAlarms > 0.05 {
		t.Errorf("running classifier, cross-validated: %+v, want distress on moans, cries, screams ≥ 0.85, false alarms ≤ 0.05", r)
	}
	if rep.Distress.Recognised < 0.85 || rep.Distress.FalseAlarms > 0.05 {
		t.Errorf("shipped: distress on moans, cries, screams %.3f (want ≥ 0.85), false alarms %.3f (want ≤ 0.05)", rep.Distress.Recognised, rep.Distress.FalseAlarms)
	}
}

func TestEvalFacesBadInput(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown part", []string{"--devset", empty, "--only", "eyes"}, `--only "eyes"`},
		{"no face labels", []string{"--devset", empty, "--only", "faces"}, "no faces/labels.csv"},
		{"fit with faces only", []string{"--devset", empty, "--only", "faces", "--fit"}, "--fit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runEval(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line saying %q", code, stderr, tc.want)
			}
		})
	}
}

// On the dev set's faces (same backend and analysis as analyze --video),
// the figures the issue asks for: grimaces read pain, smiles read happy
// without a fused score of 2 or more, neutral frames stay below PSPI 2 and
// below a fused score of 2, the synthetic identities' pain images score
// above their own neutral image, and hard negatives (frowns, winks, open
// mouths) rarely read pain. Each backend is held to what it measured: dlib
// 67 %, 83 %, 92 %, 96 %, 4 of 5 comparable, 0 %; mesh (the default) 62 %,
// 86 %, 90 %, 100 %, 12 of 12, 1 % (smiles: 81 % and 85 % once the laughing
// infant had a face and counted, read neutral by both). Before the pain face was read as
// regions with cues against the person's own neutral blendshapes the mesh
// read 15 % of grimaces and 15 % of hard negatives as pain; before the
// movement analysis stopped reading a close-up's face as a body, neutral
// frames fused below 2 in 78 % (mesh) and 76 % (dlib). The mesh finds a
// face in at least 95 % of every label's frames (the target for
// real video); before its plausibility gate let a short or tilted-back nose
// pass, the crying and the laughing infant had none. Each still is held
// before fusion as analyze holds it, so the grimaces' mean fused score is
// a real figure: at least 2.5 with the mesh (2.73 measured) and 2.8 with
// dlib (3.09), and at least twice the smiling and laughing frames' (0.04
// and 0.12). Fused as one frame, as before the hold, every still stayed
// under 0.6 and the grimaces' mean was 0.34 (mesh) and 0.38 (dlib), and
// this test failed (the ratio alone did not: the smiling frames, mostly
// video, fuse near 0 either way). On the drawn set (package drawn), whose
// faces the mesh found in 86 of its 88 frames before drawn faces were
// rejected, the default options (the colour reason, and the texture
// reasons where the face's edges are as crisp as a drawing's,
// face.Looks.Sharp) leave the mesh 0 and dlib 1 (84 and 41 with the colour
// reason alone): the bounds below are that snapshot, so a lost check fails it.
func TestEvalFacesOnDevset(t *testing.T) {
	if _, err := os.Stat(filepath.Join(devsetDir, "faces", "labels.csv")); err != nil {
		t.Skipf("dev set absent: %v", err)
	}
	for _, tc := range []struct {
		backend                                        string
		grimace, smile, neutral, neutralFused, hardNeg float64
		identities                                     int
		everyClassFaced                                bool
		grimaceFused                                   float64
		drawnFaces                                     int
	}{
		{"dlib", 0.6, 0.8, 0.9, 0.93, 0.05, 4, false, 2.8, 1},
		{"mesh", 0.6, 0.8, 0.88, 0.95, 0.05, 12, true, 2.5, 0},
	} {
		t.Run(tc.backend, func(t *testing.T) {
			code, stdout, stderr := runEval(t, "--devset", devsetDir, "--only", "faces", "--json", "--face-backend", tc.backend)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep struct{ Faces evaluate.FaceReport }
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			f := rep.Faces
			t.Logf("%s: grimace read pain %.2f, smiling/laughing happy with fused < 2 %.2f, neutral PSPI < 2 %.2f, identities %d of %d",
				f.Backend, f.GrimacePain, f.SmileHappyCalm, f.NeutralCalm, f.IdentitiesAbove, f.IdentityImages)
			if f.Backend != tc.backend {
				t.Errorf("backend %q, want %q", f.Backend, tc.backend)
			}
			if f.GrimacePain < tc.grimace || f.SmileHappyCalm < tc.smile || f.NeutralCalm < tc.neutral || f.IdentitiesAbove < tc.identities {
				t.Errorf("faces below what was measured: %+v", f)
			}
			// Issue 20: the fused score during smiling and laughing below 2
			// in at least 90 % of frames (mesh 100 %, dlib 96 %), and the
			// clip-by-clip figures add up to the pooled one.
			if f.SmileCalm < 0.9 {
				t.Errorf("smiling and laughing frames fused below 2: %.2f, want at least 0.9", f.SmileCalm)
			}
			var calm, faced float64
			for _, c := range f.SmileClips {
				calm += c.FusedBelow * float64(c.WithFace)
				faced += float64(c.WithFace)
			}
			if faced == 0 || math.Abs(calm/faced-f.SmileCalm) > 0.01 {
				t.Errorf("the smiling and laughing clips' frames fused below 2 add up to %.0f of %.0f, against the pooled %.3f", calm, faced, f.SmileCalm)
			}
			if r := f.GrimaceVsSmileFused; r.Grimace < tc.grimaceFused || !r.Met {
				t.Errorf("grimaces fused to %.2f on average against smiles' %.2f, want at least %g and twice the smiles'", r.Grimace, r.Smile, tc.grimaceFused)
			}
			// Issue 20: faces in at least 95 % of real frames, none in an
			// animation (the drawn set, made at eval time; not yet met by
			// default, see above).
			t.Logf("real frames with a face %+v, drawn %+v", f.Real, f.Animation)
			if f.Animation.Frames == 0 || f.Animation.With > tc.drawnFaces {
				t.Errorf("a face in %d of %d drawn frames, want at most %d", f.Animation.With, f.Animation.Frames, tc.drawnFaces)
			}
			if tc.everyClassFaced && float64(f.Real.With) < 0.95*float64(f.Real.Frames) {
				t.Errorf("a face in %d of %d real frames, want at least 95 %%", f.Real.With, f.Real.Frames)
			}
			for _, c := range f.Classes {
				t.Logf("%s: a face in %d of %d frames", c.Label, c.WithFace, c.Frames)
				if tc.everyClassFaced && float64(c.WithFace) < 0.95*float64(c.Frames) {
					t.Errorf("%s: a face in %d of %d frames, want at least 95 %%", c.Label, c.WithFace, c.Frames)
				}
				if c.Label == "other" && c.Pain > tc.hardNeg {
					t.Errorf("the frowns, winks and open mouths (hard negatives) read pain in %.0f %% of frames", 100*c.Pain)
				}
				if c.Label == "neutral" && c.FusedBelow < tc.neutralFused {
					t.Errorf("neutral frames fused below 2 in %.0f %%, want %.0f %%", 100*c.FusedBelow, 100*tc.neutralFused)
				}
			}
		})
	}
}
