package calibration

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
)

type collected struct {
	faces    []perception.FaceObs
	voices   []perception.VoiceObs
	postures []perception.PostureObs
}

func (c *collected) Face(o perception.FaceObs)       { c.faces = append(c.faces, o) }
func (c *collected) Voice(o perception.VoiceObs)     { c.voices = append(c.voices, o) }
func (c *collected) Posture(o perception.PostureObs) { c.postures = append(c.postures, o) }
func (c *collected) Event(perception.Event)          {}

func observe(t *testing.T, name string, from, to time.Duration) *collected {
	t.Helper()
	s, err := scenario.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	p := scenario.NewPlayer(s)
	var skip collected
	p.Step(from, &skip, false)
	var c collected
	p.Step(to, &c, false)
	return &c
}

func TestPersonID(t *testing.T) {
	tests := map[string]string{
		"Margaret": "margaret", " Mrs O'Brien ": "mrs-o-brien", "Zoë 2": "zo-2", "../etc": "etc", "!!!": "",
	}
	for in, want := range tests {
		if got := PersonID(in); got != want {
			t.Errorf("PersonID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildPersonFromCalmChat(t *testing.T) {
	// The first 20 s of pain-episode are calm chat with F0 ~195 Hz.
	c := observe(t, "pain-episode", 0, 20*time.Second)
	p, err := BuildPerson("Margaret", c.faces, c.voices, c.postures)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "margaret" || p.Face.Frames < 500 || p.Voice.Hops < 1000 || p.Movement.Samples < 150 {
		t.Errorf("counts: %+v", p)
	}
	if p.Face.PSPI > 0.5 || math.Abs(p.Face.AU.AU12-0.5) > 0.05 {
		t.Errorf("neutral face baseline %+v", p.Face)
	}
	if math.Abs(p.Voice.F0Mean-195) > 10 || p.Voice.F0SD <= 0 || p.Voice.VoicedFraction < 0.3 || p.Voice.VoicedFraction > 0.8 {
		t.Errorf("voice baseline %+v", p.Voice)
	}
	if p.Movement.BreathingRate != 14 || math.Abs(p.Movement.Speed-0.2) > 1e-9 {
		t.Errorf("movement baseline %+v", p.Movement)
	}
	if math.Abs(p.Seconds-20) > 0.1 {
		t.Errorf("seconds %v, want 20", p.Seconds)
	}
}

func TestBuildPersonRefusesPainAndNothing(t *testing.T) {
	c := observe(t, "pain-episode", 45*time.Second, 60*time.Second) // the peak
	if _, err := BuildPerson("Margaret", c.faces, c.voices, c.postures); !errors.Is(err, ErrNotCalm) {
		t.Errorf("baseline at the peak of pain: %v, want ErrNotCalm", err)
	}
	if _, err := BuildPerson("Margaret", nil, nil, nil); !errors.Is(err, ErrNoObservations) {
		t.Errorf("no observations: %v, want ErrNoObservations", err)
	}
	if _, err := BuildPerson("???", nil, nil, nil); err == nil {
		t.Error("a name without letters was accepted")
	}
}

func TestPersonStoreRoundTripAndDelete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "persons")
	s := NewPersonStore(dir)
	c := observe(t, "visit", 0, 20*time.Second)
	p, err := BuildPerson("Harold", c.faces, c.voices, c.postures)
	if err != nil {
		t.Fatal(err)
	}
	if p.Face.PSPI != 0 || p.Face.AU.AU12 > 1 {
		t.Errorf("visit's greeting smile leaked into the neutral face: %+v", p.Face)
	}
	p.Created = time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)
	p.Source = "scenario visit"
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "harold.yaml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("stored file: %v, mode %v; want 0600", err, info)
	}
	got, err := s.Load("harold")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Harold" || got.Profile != p.Profile || !got.Created.Equal(p.Created) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	if prof, err := s.Profile("harold"); err != nil || prof != p.Profile {
		t.Errorf("Profile(harold) = %+v, %v; want the stored profile", prof, err)
	}
	ids, err := s.List()
	if err != nil || strings.Join(ids, ",") != "harold" {
		t.Errorf("List = %v, %v", ids, err)
	}
	if err := s.Delete("harold"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("harold"); !errors.Is(err, ErrNoPerson) {
		t.Errorf("after Delete: %v, want ErrNoPerson", err)
	}
	if err := s.Delete("harold"); !errors.Is(err, ErrNoPerson) {
		t.Errorf("second Delete: %v, want ErrNoPerson", err)
	}
	if _, err := s.Profile("harold"); !errors.Is(err, fusion.ErrNoProfile) || !errors.Is(err, ErrNoPerson) {
		t.Errorf("Profile of a deleted person: %v, want fusion.ErrNoProfile and ErrNoPerson", err)
	}
	if err := s.Delete("../x"); err == nil || errors.Is(err, ErrNoPerson) {
		t.Errorf("Delete(../x) = %v, want a bad-id error", err)
	}
}

func TestFaceGeometryRoundTrip(t *testing.T) {
	// Measure the generic face, projected frontally, as a calm person's frames.
	var calm []face.Features
	for i := range 40 {
		lm := face.Project(&face.GenericFace, perception.HeadPose{Yaw: perception.Degrees(float64(i%5) - 2)}, 3, perception.Point{X: 320, Y: 240})
		f, ok := face.Measure(nil, &lm, perception.HeadPose{Yaw: perception.Degrees(float64(i%5) - 2)})
		if !ok {
			t.Fatal("generic face not measurable")
		}
		// The mesh's blendshapes on the same frames: the person's neutral
		// eyeSquint is 0.4 to 0.44, their median 0.42.
		var bs perception.Blendshapes
		bs[19], bs[20] = 0.4+0.02*float32(i%3), 0.4+0.02*float32(i%3)
		f.Blend = &bs
		calm = append(calm, f)
	}
	c := observe(t, "visit", 0, 20*time.Second)
	p, err := BuildPerson("Ida", c.faces, c.voices, c.postures)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetFaceGeometry(calm[:3]); !errors.Is(err, ErrNoObservations) {
		t.Errorf("3 frames: %v, want ErrNoObservations", err)
	}
	if err := p.SetFaceGeometry(calm); err != nil {
		t.Fatal(err)
	}
	s := NewPersonStore(t.TempDir())
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	b, err := s.FaceBaseline("ida")
	if err != nil || b == nil || b.Neutral.Blend == nil || p.FaceGeometry.Neutral.Blend == nil {
		t.Fatalf("FaceBaseline = %+v, %v; want the neutral blendshapes kept", b, err)
	}
	if *b.Neutral.Blend != *p.FaceGeometry.Neutral.Blend || math.Abs(float64(b.Neutral.Blend[19])-0.42) > 1e-6 {
		t.Errorf("neutral blendshapes %v, want %v (eyeSquint 0.42)", *b.Neutral.Blend, *p.FaceGeometry.Neutral.Blend)
	}
	got, want := *b, *p.FaceGeometry
	got.Neutral.Blend, want.Neutral.Blend = nil, nil
	if got != want || b.Frames != 40 {
		t.Errorf("FaceBaseline = %+v, want %+v", got, want)
	}
}

// A calibration file written before the neutral blendshapes were kept
// (face_geometry without them) still loads: its geometry serves, and the
// cues stay absolute. A file whose blendshapes are out of range is refused,
// naming the file.
func TestFaceGeometryWithoutBlendshapesLoads(t *testing.T) {
	dir := t.TempDir()
	s := NewPersonStore(dir)
	c := observe(t, "visit", 0, 20*time.Second)
	p, err := BuildPerson("Ida", c.faces, c.voices, c.postures)
	if err != nil {
		t.Fatal(err)
	}
	lm := face.Project(&face.GenericFace, perception.HeadPose{}, 3, perception.Point{X: 320, Y: 240})
	f, _ := face.Measure(nil, &lm, perception.HeadPose{})
	p.FaceGeometry = &face.Baseline{Neutral: f, Frames: 40}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "ida.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "blendshapes") {
		t.Fatalf("a baseline without blendshapes wrote them:\n%s", data)
	}
	b, err := s.FaceBaseline("ida")
	if err != nil || b == nil || b.Neutral.Blend != nil || b.Neutral.EyeOpen != f.EyeOpen {
		t.Fatalf("old-style baseline: %+v, %v", b, err)
	}
	row := "[1.5" + strings.Repeat(", 0", 51) + "]"
	bad := strings.Replace(string(data), "face_geometry:\n    neutral:\n", "face_geometry:\n    neutral:\n        blendshapes: "+row+"\n", 1)
	if bad == string(data) {
		t.Fatalf("no face_geometry.neutral in:\n%s", data)
	}
	if err := os.WriteFile(filepath.Join(dir, "ida.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("ida"); err == nil || !strings.Contains(err.Error(), "ida.yaml") || !strings.Contains(err.Error(), "blendshape") {
		t.Errorf("out-of-range blendshape: %v, want refused", err)
	}
}

func TestPersonStoreRejectsUnknownFields(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ann.yaml"), []byte("id: ann\nname: Ann\nphoto: ann.jpg\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewPersonStore(dir).Load("ann")
	if err == nil || !strings.Contains(err.Error(), "ann.yaml") || !strings.Contains(err.Error(), "photo") {
		t.Errorf("Load with an unknown field: %v", err)
	}
}

// Forget deletes a stored calibration and says so; someone never
// calibrated, or an id that names no file, has nothing to forget; a file
// that cannot be removed is an error, never "nothing there".
func TestPersonStoreForget(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "persons")
	s := NewPersonStore(dir)
	if err := s.Save(Person{ID: "ada", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   string
		gone bool
	}{{"ada", true}, {"ada", false}, {"bea", false}, {"", false}, {"../persons/ada", false}} {
		if gone, err := s.Forget(tc.id); err != nil || gone != tc.gone {
			t.Errorf("Forget(%q) = %v, %v; want %v", tc.id, gone, err, tc.gone)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ada.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ada's calibration after Forget: %v", err)
	}
	// A calibration that cannot be removed (here a folder in its place,
	// which no one, root included, removes while it holds a file).
	if err := os.MkdirAll(filepath.Join(dir, "cal.yaml", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if gone, err := s.Forget("cal"); err == nil || gone {
		t.Errorf("Forget of an unremovable calibration = %v, %v; want an error", gone, err)
	}
}
