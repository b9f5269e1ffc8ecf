package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// FaceLabels is the face label file of a dev set, relative to its folder.
const FaceLabels = "faces/labels.csv"

// FaceLabel is one row of the face labels: a whole still image, or a
// segment [Start, End) of a video.
type FaceLabel struct {
	File       string
	Segment    bool // Start and End are set (a video); false for a still
	Start, End time.Duration
	Label      string // pain-grimace, crying, laughing, smiling, neutral, sad, surprise, other, occluded
}

// FaceClasses are the labels the face labels may use.
var FaceClasses = []string{"pain-grimace", "crying", "laughing", "smiling", "neutral", "sad", "surprise", "other", "occluded"}

// ReadFaceLabels reads dir's face labels. A missing file is ErrNoDevset.
func ReadFaceLabels(dir string) ([]FaceLabel, error) {
	full := filepath.Join(dir, filepath.FromSlash(FaceLabels))
	f, err := os.Open(full)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("eval: %s: %w", full, ErrNoDevset)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	labels, err := parseFaceLabels(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", full, err)
	}
	return labels, nil
}

// parseFaceLabels reads file,start_s,end_s,label rows: both times empty
// for a still, both set (0 <= start < end) for a video segment. A file
// is either a still with one row or a video with segments that do not
// overlap.
func parseFaceLabels(r io.Reader) ([]FaceLabel, error) {
	cr := csv.NewReader(r)
	// Notes come last and are free text: a row whose unquoted notes hold
	// commas has more fields than the header; the columns read here come
	// first and are checked one by one.
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range []string{"file", "start_s", "end_s", "label"} {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("header: no %q column", w)
		}
	}
	var out []FaceLabel
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < len(head) && len(rec) <= maxCol(col) {
			return nil, fmt.Errorf("line %d: %d fields, want %d", line, len(rec), len(head))
		}
		l, err := parseFaceRow(col, rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		for _, o := range out {
			if o.File != l.File {
				continue
			}
			if !o.Segment || !l.Segment {
				return nil, fmt.Errorf("line %d: file: %q: a still has one row", line, l.File)
			}
			if l.Start < o.End && o.Start < l.End {
				return nil, fmt.Errorf("line %d: %q: segment %v-%v overlaps %v-%v", line, l.File, l.Start, l.End, o.Start, o.End)
			}
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, errors.New("no rows")
	}
	return out, nil
}

func maxCol(col map[string]int) int {
	m := 0
	for _, k := range []string{"file", "start_s", "end_s", "label"} {
		m = max(m, col[k])
	}
	return m
}

func parseFaceRow(col map[string]int, rec []string) (FaceLabel, error) {
	l := FaceLabel{File: rec[col["file"]], Label: strings.TrimSpace(rec[col["label"]])}
	if err := checkPath(l.File); err != nil {
		return l, fmt.Errorf("file: %w", err)
	}
	if !slices.Contains(FaceClasses, l.Label) {
		return l, fmt.Errorf("label: %q is not one of %s", l.Label, strings.Join(FaceClasses, ", "))
	}
	s, e := strings.TrimSpace(rec[col["start_s"]]), strings.TrimSpace(rec[col["end_s"]])
	if s == "" && e == "" {
		return l, nil
	}
	sec := func(name, v string) (time.Duration, error) {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x >= 0 && x < 24*3600) {
			return 0, fmt.Errorf("%s: %q is not a time in seconds", name, v)
		}
		return time.Duration(x * float64(time.Second)), nil
	}
	var err error
	if l.Start, err = sec("start_s", s); err != nil {
		return l, err
	}
	if l.End, err = sec("end_s", e); err != nil {
		return l, err
	}
	if l.End <= l.Start {
		return l, fmt.Errorf("end_s %q is not after start_s %q", e, s)
	}
	l.Segment = true
	return l, nil
}

// Files lists the labelled files once each, in the order first seen.
func Files(labels []FaceLabel) []string {
	var out []string
	for _, l := range labels {
		if !slices.Contains(out, l.File) {
			out = append(out, l.File)
		}
	}
	return out
}

// LabelAt is the label of file at time at (a still's label at any time),
// or "" when no row covers it.
func LabelAt(labels []FaceLabel, file string, at time.Duration) string {
	for _, l := range labels {
		if l.File == file && (!l.Segment || (at >= l.Start && at < l.End)) {
			return l.Label
		}
	}
	return ""
}

// FaceFrame is what the face analysis made of one labelled frame.
type FaceFrame struct {
	Label string
	File  string
	At    time.Duration // the frame's time in its file (0 for a still)
	Face  bool          // a face was found; the rest is meaningless without one
	Expr  perception.Expression
	PSPI  float64
	// Fused is the fused pain score (0..10) when HasFused.
	Fused    float64
	HasFused bool
}

// FusedCalm is the fused score below which a smiling or laughing frame
// counts as not pain (the target: below 2).
const FusedCalm = 2

// GrimaceOverLaughter is the target for a grimace against
// laughter, on PSPI and on the fused score: at least twice.
const GrimaceOverLaughter = 2.0

// PSPICalm is the PSPI below which a neutral frame counts as calm.
const PSPICalm = 2

// FaceClass is the figures of one labelled class.
type FaceClass struct {
	Label    string  `json:"label"`
	Frames   int     `json:"frames"`
	WithFace int     `json:"with_face"`
	MeanPSPI float64 `json:"mean_pspi"`
	// Shares of the frames with a face.
	Pain      float64 `json:"read_pain"`
	Happy     float64 `json:"read_happy"`
	PSPIBelow float64 `json:"pspi_below_2"`
	// HappyCalm is the share read happy with a fused score below 2 (or
	// none: fusion had no one to score).
	HappyCalm  float64 `json:"happy_fused_below_2"`
	FusedBelow float64 `json:"fused_below_2"`
	MeanFused  float64 `json:"mean_fused"`
}

// Identity is one synthetic identity's check: each pain image's PSPI
// against the same identity's neutral image.
type Identity struct {
	ID      string    `json:"id"`
	Neutral float64   `json:"neutral_pspi"`
	Pain    []float64 `json:"pain_pspi"`
	Above   int       `json:"pain_above_neutral"` // how many pain images score above the neutral one
	Missing int       `json:"missing"`            // images with no face found
}

// FaceFigures tallies labelled frames per class.
func FaceFigures(frames []FaceFrame) []FaceClass {
	by := map[string]*FaceClass{}
	var order []string
	sums := map[string]*[3]float64{} // PSPI, fused, frames with a fused score
	for _, f := range frames {
		c := by[f.Label]
		if c == nil {
			c = &FaceClass{Label: f.Label}
			by[f.Label] = c
			sums[f.Label] = &[3]float64{}
			order = append(order, f.Label)
		}
		c.Frames++
		if !f.Face {
			continue
		}
		c.WithFace++
		s := sums[f.Label]
		s[0] += f.PSPI
		calm := !f.HasFused || f.Fused < FusedCalm
		if f.HasFused {
			s[1] += f.Fused
			s[2]++
		}
		if f.Expr == perception.ExprPain {
			c.Pain++
		}
		if f.Expr == perception.ExprHappy {
			c.Happy++
			if calm {
				c.HappyCalm++
			}
		}
		if f.PSPI < PSPICalm {
			c.PSPIBelow++
		}
		if calm {
			c.FusedBelow++
		}
	}
	out := make([]FaceClass, 0, len(order))
	for _, l := range FaceClasses {
		c := by[l]
		if c == nil {
			continue
		}
		if n := float64(c.WithFace); n > 0 {
			s := sums[l]
			c.MeanPSPI = round3(s[0] / n)
			if s[2] > 0 {
				c.MeanFused = round3(s[1] / s[2])
			}
			c.Pain, c.Happy, c.PSPIBelow = round3(c.Pain/n), round3(c.Happy/n), round3(c.PSPIBelow/n)
			c.HappyCalm, c.FusedBelow = round3(c.HappyCalm/n), round3(c.FusedBelow/n)
		}
		out = append(out, *c)
	}
	return out
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// ClipFigures are one file's frames of some labels: how many read happy
// and fused below FusedCalm, and when the fused score was FusedCalm or
// more, so a figure pooled over clips can be checked clip by clip.
type ClipFigures struct {
	File     string `json:"file"`
	Frames   int    `json:"frames"`
	WithFace int    `json:"with_face"`
	// Shares of the frames with a face, as in FaceClass.
	Happy      float64 `json:"read_happy"`
	FusedBelow float64 `json:"fused_below_2"`
	MeanPSPI   float64 `json:"mean_pspi"`
	MaxFused   float64 `json:"max_fused"`
	// Raised are the stretches of consecutive frames with a fused score
	// of FusedCalm or more, in the file's time.
	Raised []Span `json:"fused_2_or_more"`
}

// Span is a stretch of a file's time, in seconds.
type Span struct {
	From float64 `json:"from_s"`
	To   float64 `json:"to_s"`
}

// Clips tallies, file by file in the order first seen, the frames whose
// label is one of labels. Frames are taken in the order given, which is
// each file's time order.
func Clips(frames []FaceFrame, labels ...string) []ClipFigures {
	var out []ClipFigures
	index := map[string]int{}
	// Per clip, by out's index: the PSPI summed over frames with a face,
	// and whether the clip's last frame was raised (its span goes on).
	var pspi []float64
	var lastRaised []bool
	for _, f := range frames {
		if !slices.Contains(labels, f.Label) {
			continue
		}
		i, ok := index[f.File]
		if !ok {
			i = len(out)
			index[f.File] = i
			out = append(out, ClipFigures{File: f.File})
			pspi, lastRaised = append(pspi, 0), append(lastRaised, false)
		}
		c := &out[i]
		c.Frames++
		raised := f.Face && f.HasFused && f.Fused >= FusedCalm
		if raised {
			at := f.At.Seconds()
			if n := len(c.Raised); lastRaised[i] && n > 0 {
				c.Raised[n-1].To = at
			} else {
				c.Raised = append(c.Raised, Span{From: at, To: at})
			}
		}
		lastRaised[i] = raised
		if !f.Face {
			continue
		}
		c.WithFace++
		pspi[i] += f.PSPI
		if f.Expr == perception.ExprHappy {
			c.Happy++
		}
		if !raised {
			c.FusedBelow++
		}
		if f.HasFused {
			c.MaxFused = max(c.MaxFused, f.Fused)
		}
	}
	for i := range out {
		c := &out[i]
		if n := float64(c.WithFace); n > 0 {
			c.MeanPSPI = round3(pspi[i] / n)
			c.Happy, c.FusedBelow = round3(c.Happy/n), round3(c.FusedBelow/n)
		}
		c.MaxFused = round3(c.MaxFused)
	}
	return out
}

// identityFile matches the synthetic identities' images: NAME_idX_neutral
// or NAME_idX_painN.
var identityFile = regexp.MustCompile(`_(id[A-Za-z0-9]+)_(neutral|pain[0-9]+)\.[A-Za-z]+$`)

// Identities pairs each synthetic identity's pain images with its neutral
// image (stills only: one frame each) and counts the pain images whose
// PSPI is above the neutral one's. An identity without a neutral image
// with a face is left out.
func Identities(frames []FaceFrame) []Identity {
	type img struct {
		face bool
		pspi float64
	}
	neutral := map[string]img{}
	pain := map[string][]img{}
	var ids []string
	for _, f := range frames {
		m := identityFile.FindStringSubmatch(f.File)
		if m == nil {
			continue
		}
		id := m[1]
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		if m[2] == "neutral" {
			neutral[id] = img{f.Face, f.PSPI}
		} else {
			pain[id] = append(pain[id], img{f.Face, f.PSPI})
		}
	}
	slices.Sort(ids)
	var out []Identity
	for _, id := range ids {
		n, ok := neutral[id]
		if !ok || !n.face {
			continue
		}
		r := Identity{ID: id, Neutral: round3(n.pspi)}
		for _, p := range pain[id] {
			if !p.face {
				r.Missing++
				continue
			}
			r.Pain = append(r.Pain, round3(p.pspi))
			if p.pspi > n.pspi {
				r.Above++
			}
		}
		out = append(out, r)
	}
	return out
}
