package evaluate

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/face/drawn"

	"github.com/kindred-hri/kindred/devices"
)

// FaceReport is the faces part of `kindred eval`.
type FaceReport struct {
	Backend string           `json:"backend"`
	Files   int              `json:"files"`
	Classes []eval.FaceClass `json:"classes"`
	// Identities: each synthetic identity's pain images against its own
	// neutral image on PSPI.
	Identities []eval.Identity `json:"identities"`
	// The headline shares (of frames with a face).
	GrimacePain    float64 `json:"grimace_read_pain"`
	SmileHappyCalm float64 `json:"smiling_laughing_happy_fused_below_2"`
	// SmileCalm and SmileHappy are the two targets SmileHappyCalm joins:
	// smiling and laughing frames fused below 2 (at least 90 %) and read
	// happy (at least 80 %).
	SmileCalm  float64 `json:"smiling_laughing_fused_below_2"`
	SmileHappy float64 `json:"smiling_laughing_read_happy"`
	// SmileClips are the smiling and laughing frames clip by clip, with
	// when each fused to 2 or more.
	SmileClips      []eval.ClipFigures `json:"smiling_laughing_clips"`
	NeutralCalm     float64            `json:"neutral_pspi_below_2"`
	IdentitiesAbove int                `json:"pain_images_above_neutral"`
	IdentityImages  int                `json:"pain_images_compared"`
	// The target "crying grimace at least 2x laughter", on PSPI
	// and on the fused score: the pain-grimace frames' mean against the
	// smiling and laughing frames' (pooled, frame by frame).
	GrimaceVsSmilePSPI  Ratio `json:"grimace_vs_smiling_laughing_pspi"`
	GrimaceVsSmileFused Ratio `json:"grimace_vs_smiling_laughing_fused"`
	// Real and Animation are the issue's "faces in at least 95 % of frames
	// of real video, and none in an animation": frames with a face among
	// the labelled frames, and on the drawn set (package drawn), made here
	// at eval time, with what the face pipeline rejected as drawn.
	Real      Share           `json:"real_frames_with_face"`
	Animation AnimationReport `json:"animation"`
}

// Share is n of frames.
type Share struct {
	With   int `json:"with_face"`
	Frames int `json:"frames"`
}

// AnimationReport is the face pipeline on the drawn set.
type AnimationReport struct {
	Share
	Styles []StyleShare `json:"styles"`
	// RejectedFlat, RejectedNoiseless and RejectedColour count the
	// detections not taken for a person, by reason (face.Stats).
	RejectedFlat      int `json:"rejected_flat"`
	RejectedNoiseless int `json:"rejected_noiseless"`
	RejectedColour    int `json:"rejected_colour"`
}

// StyleShare is one drawing style's frames with a face.
type StyleShare struct {
	Style string `json:"style"`
	Share
}

// evalAnimation runs the face pipeline (the backend analyze uses) on every
// clip of the drawn set, a fresh pipeline per clip.
func evalAnimation(backend devices.FaceBackend, meshEvery int) (AnimationReport, error) {
	var r AnimationReport
	index := map[drawn.Style]int{}
	for _, c := range drawn.Set() {
		pipe, closeFace, err := devices.OpenFacePipelineWith(devices.FaceSchedule{DetectEvery: analysis.DefaultDetectEvery, MeshEvery: meshEvery}, backend, nil, nil)
		if err != nil {
			return r, err
		}
		i, ok := index[c.Style]
		if !ok {
			i = len(r.Styles)
			index[c.Style] = i
			r.Styles = append(r.Styles, StyleShare{Style: string(c.Style)})
		}
		for _, f := range c.Frames {
			r.Styles[i].Frames++
			r.Frames++
			if len(pipe.Process(f)) > 0 {
				r.Styles[i].With++
				r.With++
			}
		}
		st := pipe.Stats()
		r.RejectedFlat += st.DrawnFlat
		r.RejectedNoiseless += st.DrawnNoiseless
		r.RejectedColour += st.DrawnColour
		closeFace()
	}
	return r, nil
}

// Ratio is one mean against another, and whether it meets the issue's
// eval.GrimaceOverLaughter.
type Ratio struct {
	Grimace float64 `json:"grimace_mean"`
	Smile   float64 `json:"smiling_laughing_mean"`
	// Ratio is Grimace over Smile; null when Smile is 0 (any grimace
	// above 0 then meets the target).
	Ratio *float64 `json:"ratio"`
	Met   bool     `json:"meets_target"`
}

func ratioOf(grimace, smile float64) Ratio {
	r := Ratio{Grimace: round3(grimace), Smile: round3(smile)}
	if r.Smile > 0 {
		x := round3(grimace / smile)
		r.Ratio = &x
	}
	r.Met = r.Grimace > 0 && r.Grimace >= eval.GrimaceOverLaughter*r.Smile
	return r
}

func pct(s Share) float64 {
	if s.Frames == 0 {
		return 0
	}
	return 100 * float64(s.With) / float64(s.Frames)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func (r Ratio) String() string {
	verdict := "below the target"
	if r.Met {
		verdict = "meets the target"
	}
	if r.Ratio == nil {
		return fmt.Sprintf("%.2f against %.2f: %s", r.Grimace, r.Smile, verdict)
	}
	return fmt.Sprintf("%.2f against %.2f = %.2fx: %s", r.Grimace, r.Smile, *r.Ratio, verdict)
}

// evalFaces analyses every labelled face file as `kindred analyze
// --video` does (the same face pipeline, baseline and fusion), and tallies
// each frame under the label covering its time.
func evalFaces(ctx context.Context, dir string, labels []eval.FaceLabel, backend devices.FaceBackend, meshEvery int) (*FaceReport, error) {
	var frames []eval.FaceFrame
	var real Share
	files := eval.Files(labels)
	for _, file := range files {
		path := filepath.Join(dir, filepath.FromSlash(file))
		rows, _, err := analysis.AnalyzeVideoScheduled(ctx, path, devices.FaceSchedule{DetectEvery: analysis.DefaultDetectEvery, MeshEvery: meshEvery}, backend)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			r := &rows[i]
			label := eval.LabelAt(labels, file, r.At)
			if label == "" {
				continue
			}
			f := eval.FaceFrame{Label: label, File: file, At: r.At}
			real.Frames++
			if r.Face != nil {
				real.With++
				f.Face, f.Expr, f.PSPI = true, r.Face.Expression, r.Face.PSPI
			}
			if r.Pain != nil {
				f.Fused, f.HasFused = *r.Pain, true
			}
			frames = append(frames, f)
		}
	}
	anim, err := evalAnimation(backend, meshEvery)
	if err != nil {
		return nil, err
	}
	rep := &FaceReport{Backend: string(backend), Files: len(files), Classes: eval.FaceFigures(frames), Identities: eval.Identities(frames),
		Real: real, Animation: anim, SmileClips: eval.Clips(frames, "smiling", "laughing")}
	var smile, smileCalm, smileHappy, smileN, smilePSPI, smileFused, grimacePSPI, grimaceFused float64
	for _, c := range rep.Classes {
		switch c.Label {
		case "pain-grimace":
			rep.GrimacePain = c.Pain
			grimacePSPI, grimaceFused = c.MeanPSPI, c.MeanFused
		case "neutral":
			rep.NeutralCalm = c.PSPIBelow
		case "smiling", "laughing":
			n := float64(c.WithFace)
			smile += c.HappyCalm * n
			smileCalm += c.FusedBelow * n
			smileHappy += c.Happy * n
			smilePSPI += c.MeanPSPI * n
			smileFused += c.MeanFused * n
			smileN += n
		}
	}
	if smileN > 0 {
		rep.SmileHappyCalm = smile / smileN
		rep.SmileCalm = round3(smileCalm / smileN)
		rep.SmileHappy = round3(smileHappy / smileN)
		smilePSPI /= smileN
		smileFused /= smileN
	}
	rep.GrimaceVsSmilePSPI = ratioOf(grimacePSPI, smilePSPI)
	rep.GrimaceVsSmileFused = ratioOf(grimaceFused, smileFused)
	for _, id := range rep.Identities {
		rep.IdentitiesAbove += id.Above
		rep.IdentityImages += len(id.Pain)
	}
	return rep, nil
}

func (r *FaceReport) print(w io.Writer) {
	fmt.Fprintf(w, "faces: %d labelled files, backend %s (shares are of frames with a face)\n", r.Files, r.Backend)
	fmt.Fprintf(w, "%-13s %6s %5s %6s %6s %6s %6s %7s %7s %7s\n", "label", "frames", "face", "PSPI", "fused", "pain%", "happy%", "happy&", "PSPI<2%", "fused<2%")
	fmt.Fprintf(w, "%-13s %6s %5s %6s %6s %6s %6s %7s %7s %7s\n", "", "", "", "mean", "mean", "", "", "fused<2%", "", "")
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-13s %6d %5d %6.2f %6.2f %6.0f %6.0f %7.0f %7.0f %7.0f\n", c.Label, c.Frames, c.WithFace, c.MeanPSPI, c.MeanFused,
			100*c.Pain, 100*c.Happy, 100*c.HappyCalm, 100*c.PSPIBelow, 100*c.FusedBelow)
	}
	fmt.Fprintf(w, "pain-grimace frames read pain: %.0f %% (target >= 60 %%)\n", 100*r.GrimacePain)
	fmt.Fprintf(w, "smiling+laughing frames with fused < 2: %.0f %% (target >= 90 %%); read happy: %.0f %% (target >= 80 %%); both: %.0f %%\n",
		100*r.SmileCalm, 100*r.SmileHappy, 100*r.SmileHappyCalm)
	for _, c := range r.SmileClips {
		raised := "never"
		switch {
		case len(c.Raised) > 0 && c.Frames == 1:
			raised = "the still"
		case len(c.Raised) > 0:
			var spans []string
			for _, s := range c.Raised {
				spans = append(spans, fmt.Sprintf("%.2f-%.2f s", s.From, s.To))
			}
			raised = strings.Join(spans, ", ")
		}
		fmt.Fprintf(w, "  %-48s %3d frames: happy %3.0f %%, fused < 2 %3.0f %%, max fused %.2f, fused >= 2: %s\n",
			filepath.Base(c.File), c.WithFace, 100*c.Happy, 100*c.FusedBelow, c.MaxFused, raised)
	}
	fmt.Fprintf(w, "pain-grimace against smiling+laughing frames (target >= %gx), mean PSPI: %s\n", eval.GrimaceOverLaughter, r.GrimaceVsSmilePSPI)
	fmt.Fprintf(w, "pain-grimace against smiling+laughing frames (target >= %gx), mean fused: %s\n", eval.GrimaceOverLaughter, r.GrimaceVsSmileFused)
	fmt.Fprintf(w, "neutral frames with PSPI < 2: %.0f %%\n", 100*r.NeutralCalm)
	fmt.Fprintf(w, "frames with a face: real %d of %d (%.1f %%, target >= 95 %%), animation %d of %d (%.1f %%, target 0)\n",
		r.Real.With, r.Real.Frames, pct(r.Real), r.Animation.With, r.Animation.Frames, pct(r.Animation.Share))
	fmt.Fprintf(w, "  animation (drawn here):")
	for _, s := range r.Animation.Styles {
		fmt.Fprintf(w, " %s %d of %d;", s.Style, s.With, s.Frames)
	}
	fmt.Fprintf(w, " rejected as drawn: flat %d, noiseless %d, colour %d\n", r.Animation.RejectedFlat, r.Animation.RejectedNoiseless, r.Animation.RejectedColour)
	fmt.Fprintf(w, "synthetic identities, pain images above their own neutral on PSPI: %d of %d\n", r.IdentitiesAbove, r.IdentityImages)
	for _, id := range r.Identities {
		miss := ""
		if id.Missing > 0 {
			miss = fmt.Sprintf(", %d without a face", id.Missing)
		}
		fmt.Fprintf(w, "  %-4s neutral %5.2f, pain %v: %d above%s\n", id.ID, id.Neutral, id.Pain, id.Above, miss)
	}
}
