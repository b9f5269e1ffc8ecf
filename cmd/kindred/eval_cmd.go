package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/evaluate"
)

// defaultDevset is where the project's development set sits next to a
// checkout (read at evaluation time only; it is never copied in).
const defaultDevset = "../shared/devset"

const evalHelp = `kindred eval runs the vocalisation classifier on every clip of a labelled
folder (the dev set's layout: vocalisations/labels.csv with file,class,speaker
and optionally speech/labels.csv with file,source) and prints a confusion
matrix (labelled class against ours), per-class recall and precision where a
labelled class maps to one of ours, the share of clips called distress
(distress >= 0.5) per class, and distress false alarms on the negatives
(speech, laughing, coughing, sneezing, throat-clearing).

With faces/labels.csv (file,start_s,end_s,label) it also analyses every
labelled image and video as kindred analyze --video does (same face
backend, same two-pass baseline, same fusion) and prints per labelled
class: frames, frames with a face, mean PSPI, the share read pain, read
happy, read happy with a fused score below 2, and with PSPI below 2; and
for each synthetic identity how many of its pain images score above its
own neutral image on PSPI. --only faces or --only vocalisations runs one
part.

--only words measures the keyword spotter and the answer recogniser on an
hour of ordinary speech, in which every word or answer heard is a false
alarm: the real recordings Debian ships (LibriVox, alsa-utils, Asterisk's
prompts, codec2's samples) and the dev set's speech, then sentences from
fortunes-min said by synthetic voices to make up the hour (rendered once
into --cache). It prints, per spotted phrase, false alarms per hour on real
and on synthetic speech and how many synthetic takes of the phrase were
heard; false self-reports (ratings), yes/no and places the answer recogniser
understood, per hour, real and synthetic apart, each with file and time; and
false opt-outs per opt-out policy. About 15 minutes of CPU, on two cores.`

// cmdEval measures the classifiers on labelled recordings (package
// evaluate); here are its flags.
func cmdEval(ctx context.Context, e env, args []string) error {
	o := evaluate.Options{FaceBackend: defaultFaceBackend, Run: func(ctx context.Context, args []string) error { return cmdRun(ctx, e, args) }}
	fs := newFlags("eval", e.stdout)
	fs.StringVar(&o.Devset, "devset", defaultDevset, "labelled folder (dev set layout)")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of tables")
	fs.BoolVar(&o.Fit, "fit", false, "refit the vocalisation combiner on all clips and write it to --out")
	fs.StringVar(&o.Out, "out", "vocalisation-combiner.json", "parameter file --fit writes")
	fs.StringVar(&o.Data, "data", "", "what the clips are, for the model card (default: the folder)")
	fs.StringVar(&o.Licence, "licence", "", "the clips' licence, for the model card")
	fs.StringVar(&o.Augment, "augment", "", "comma-separated folders of degraded copies of the clips (scripts/degrade-devset.sh) that join every combiner fit")
	fs.BoolVar(&o.MultiCondition, "multi-condition", false, "also fit the combiner on copies of every clip made in process: pink noise, two simulated rooms, a synthetic talker")
	fs.StringVar(&o.Only, "only", "", "run one part: faces, vocalisations, words or words-live (default faces and vocalisations, each where its labels exist)")
	fs.StringVar(&o.Cache, "cache", "testdata/hour", "folder for --only words' synthetic speech")
	fs.Var(&o.FaceBackend, "face-backend", faceBackendUsage)
	fs.IntVar(&o.MeshEvery, "mesh-every", analysis.DefaultMeshEvery, "faces: fit the face mesh on every Nth frame, as analyze --mesh-every")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, errHelpShown) {
			fmt.Fprintln(e.stdout, evalHelp)
		}
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	o.WordsProgress = func(what string, total int) analysis.Progress { return terminalProgress(e.stderr, what, total) }
	return evaluate.Run(ctx, o, e.stdout)
}
