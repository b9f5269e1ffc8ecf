package calibration

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// TestLookupsOnArrivalTellUnusableFromUnknown: fusion asks the store for a
// person's profile as they arrive, and the face pipeline may ask for their
// face. Someone with no file, or an id no file can have, is not known
// (fusion.ErrNoProfile, ErrNoPerson); a file that exists but cannot be read
// or holds an invalid profile is an error naming the file and what is
// wrong, never "not known". Fails if Profile or FaceBaseline turn every
// load error into "not known" again.
func TestLookupsOnArrivalTellUnusableFromUnknown(t *testing.T) {
	for _, tc := range []struct {
		name    string
		id      string
		file    string // ada.yaml's content; "" none, "DIR" a directory in its place, "SAVE" ada saved
		face    bool   // ... with a face baseline, and it is returned
		unknown bool   // matches fusion.ErrNoProfile and ErrNoPerson
		wantErr string // in the error, with the file's path; "": no error
	}{
		{name: "calibrated on camera", id: "ada", file: "SAVE", face: true},
		{name: "calibrated without a camera", id: "ada", file: "SAVE"},
		{name: "no file", id: "ada", unknown: true},
		{name: "an id no file can have", id: "Visitor 7", unknown: true},
		{name: "a path for an id", id: "../ada", unknown: true},
		{name: "corrupt YAML", id: "ada", file: "id: ada\nface: [\n", wantErr: "yaml"},
		{name: "invalid profile", id: "ada", file: "id: ada\nface: {pspi: 20}\n", wantErr: "face.pspi = 20 outside 0..16"},
		{name: "another person's file", id: "ada", file: "id: bob\n", wantErr: "does not match"},
		{name: "not a file", id: "ada", file: "DIR", wantErr: "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ada.yaml")
			switch tc.file {
			case "":
			case "SAVE":
				p := Person{ID: "ada", Profile: fusion.Profile{Weights: fusion.Weights{Face: 0.5}}}
				if tc.face {
					p.FaceGeometry = &face.Baseline{Neutral: face.Features{EyeOpen: 0.3, MouthWidth: 1.5, BrowEye: 0.4}, Frames: 40}
				}
				if err := NewPersonStore(dir).Save(p); err != nil {
					t.Fatal(err)
				}
			case "DIR":
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			default:
				if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s := NewPersonStore(dir)
			prof, perr := s.Profile(tc.id)
			if want := (tc.file == "SAVE"); (prof.Weights.Face == 0.5) != want {
				t.Errorf("profile %+v, want the stored one: %v", prof, want)
			}
			b, ferr := s.FaceBaseline(tc.id)
			for what, err := range map[string]error{"Profile": perr, "FaceBaseline": ferr} {
				switch {
				case tc.unknown:
					if !errors.Is(err, fusion.ErrNoProfile) || !errors.Is(err, ErrNoPerson) {
						t.Errorf("%s: %v, want not known (fusion.ErrNoProfile, ErrNoPerson)", what, err)
					}
				case tc.wantErr == "":
					if err != nil {
						t.Errorf("%s: %v, want none", what, err)
					}
				case err == nil || errors.Is(err, fusion.ErrNoProfile) || errors.Is(err, ErrNoPerson) ||
					!strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr):
					t.Errorf("%s: %v, want an error naming %s and %q, not \"not known\"", what, err, path, tc.wantErr)
				}
			}
			if (b != nil) != tc.face {
				t.Errorf("face baseline %+v, want one: %v", b, tc.face)
			}
		})
	}
}
