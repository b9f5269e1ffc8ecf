package eval

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func TestParseFaceLabels(t *testing.T) {
	const head = "file,start_s,end_s,label,notes\n"
	for _, tc := range []struct {
		name, in, err string
		n             int
	}{
		{"still and segments", head + "faces/a.jpg,,,smiling,x\nfaces/v.mp4,0.00,1.5,neutral,\nfaces/v.mp4,1.5,3,other,frown\n", "", 3},
		{"unquoted commas in notes", head + "faces/a.jpg,,,occluded,crop of x, cropped, enlarged\n", "", 1},
		{"unknown label", head + "faces/a.jpg,,,angry,\n", `label: "angry"`, 0},
		{"one time only", head + "faces/v.mp4,1,,neutral,\n", "end_s", 0},
		{"end before start", head + "faces/v.mp4,2,1,neutral,\n", "not after", 0},
		{"negative time", head + "faces/v.mp4,-1,1,neutral,\n", "start_s", 0},
		{"overlap", head + "faces/v.mp4,0,2,neutral,\nfaces/v.mp4,1,3,other,\n", "overlaps", 0},
		{"still twice", head + "faces/a.jpg,,,neutral,\nfaces/a.jpg,,,smiling,\n", "a still has one row", 0},
		{"climbs out", head + "../a.jpg,,,neutral,\n", "inside the dev set", 0},
		{"short row", head + "faces/a.jpg,,\n", "fields", 0},
		{"missing column", "file,label\nfaces/a.jpg,neutral\n", `no "start_s"`, 0},
		{"no rows", head, "no rows", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFaceLabels(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil || len(got) != tc.n {
				t.Fatalf("got %d labels, %v; want %d", len(got), err, tc.n)
			}
		})
	}
}

func TestLabelAtAndFigures(t *testing.T) {
	labels := []FaceLabel{
		{File: "v.mp4", Segment: true, Start: 0, End: time.Second, Label: "neutral"},
		{File: "v.mp4", Segment: true, Start: time.Second, End: 2 * time.Second, Label: "smiling"},
		{File: "a.jpg", Label: "pain-grimace"},
	}
	for _, tc := range []struct {
		file string
		at   time.Duration
		want string
	}{
		{"v.mp4", 0, "neutral"}, {"v.mp4", time.Second, "smiling"}, {"v.mp4", 2 * time.Second, ""}, {"a.jpg", 0, "pain-grimace"}, {"b.jpg", 0, ""},
	} {
		if got := LabelAt(labels, tc.file, tc.at); got != tc.want {
			t.Errorf("LabelAt(%s, %v) = %q, want %q", tc.file, tc.at, got, tc.want)
		}
	}
	frames := []FaceFrame{
		{Label: "smiling", Face: true, Expr: perception.ExprHappy, PSPI: 5, Fused: 0.5, HasFused: true},
		{Label: "smiling", Face: true, Expr: perception.ExprHappy, PSPI: 6, Fused: 2.5, HasFused: true}, // happy, but fused too high
		{Label: "smiling", Face: true, Expr: perception.ExprNeutral, PSPI: 1},
		{Label: "smiling"}, // no face: counted in frames only
		{Label: "neutral", Face: true, Expr: perception.ExprNeutral, PSPI: 1.9},
		{Label: "neutral", Face: true, Expr: perception.ExprPain, PSPI: 2},
	}
	got := FaceFigures(frames)
	if len(got) != 2 || got[0].Label != "smiling" || got[1].Label != "neutral" {
		t.Fatalf("classes %+v, want smiling then neutral (the label list's order)", got)
	}
	s, n := got[0], got[1]
	if s.Frames != 4 || s.WithFace != 3 || s.Happy != 0.667 || s.HappyCalm != 0.333 || s.MeanPSPI != 4 || s.MeanFused != 1.5 {
		t.Errorf("smiling %+v", s)
	}
	if n.PSPIBelow != 0.5 || n.Pain != 0.5 {
		t.Errorf("neutral %+v", n)
	}
}

func TestIdentities(t *testing.T) {
	frames := []FaceFrame{
		{File: "faces/x__idA_neutral.png", Face: true, PSPI: 2},
		{File: "faces/x__idA_pain1.png", Face: true, PSPI: 5},
		{File: "faces/x__idA_pain2.png", Face: true, PSPI: 2}, // not above: equal
		{File: "faces/x__idA_pain3.png"},                      // no face
		{File: "faces/x__idB_pain1.png", Face: true, PSPI: 9}, // no neutral: left out
		{File: "faces/other.jpg", Face: true, PSPI: 3},
	}
	got := Identities(frames)
	if len(got) != 1 {
		t.Fatalf("identities %+v, want idA only", got)
	}
	if a := got[0]; a.ID != "idA" || a.Above != 1 || a.Missing != 1 || len(a.Pain) != 2 {
		t.Errorf("idA %+v", a)
	}
}

// Clips keeps each file's frames apart, counts only the labels asked for,
// and joins consecutive frames fused to 2 or more into one stretch (a
// frame without a face ends a stretch as a calm one does).
func TestClips(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	frames := []FaceFrame{
		{File: "v.mp4", Label: "neutral", At: 0, Face: true, Fused: 3, HasFused: true}, // not a label asked for
		{File: "v.mp4", Label: "laughing", At: ms(40), Face: true, Expr: perception.ExprHappy, PSPI: 2, Fused: 2.5, HasFused: true},
		{File: "v.mp4", Label: "laughing", At: ms(80), Face: true, Expr: perception.ExprHappy, PSPI: 4, Fused: 2, HasFused: true},
		{File: "v.mp4", Label: "laughing", At: ms(120), Face: true, Expr: perception.ExprNeutral, Fused: 1.9, HasFused: true},
		{File: "v.mp4", Label: "laughing", At: ms(160), Face: true, Expr: perception.ExprHappy, Fused: 2.2, HasFused: true},
		{File: "v.mp4", Label: "laughing", At: ms(200)}, // no face
		{File: "v.mp4", Label: "laughing", At: ms(240), Face: true, Expr: perception.ExprHappy, Fused: 2.1, HasFused: true},
		{File: "a.jpg", Label: "smiling", Face: true, Expr: perception.ExprHappy, PSPI: 6, Fused: 1.3, HasFused: true},
	}
	got := Clips(frames, "smiling", "laughing")
	if len(got) != 2 || got[0].File != "v.mp4" || got[1].File != "a.jpg" {
		t.Fatalf("clips %+v, want v.mp4 then a.jpg", got)
	}
	v := got[0]
	want := []Span{{0.04, 0.08}, {0.16, 0.16}, {0.24, 0.24}}
	if v.Frames != 6 || v.WithFace != 5 || v.Happy != 0.8 || v.FusedBelow != 0.2 || v.MaxFused != 2.5 || v.MeanPSPI != 1.2 || !slices.Equal(v.Raised, want) {
		t.Errorf("v.mp4 %+v, want 6 frames, 5 with a face, happy 0.8, fused below 2 0.2, max 2.5, mean PSPI 1.2, raised %v", v, want)
	}
	if a := got[1]; a.FusedBelow != 1 || a.Happy != 1 || len(a.Raised) != 0 || a.MaxFused != 1.3 {
		t.Errorf("a.jpg %+v", a)
	}
}
