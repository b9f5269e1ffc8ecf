package calibration

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/internal/inputfile"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// ErrNoPerson means no calibration is stored for that id.
var ErrNoPerson = errors.New("no such person")

// PersonStore keeps one YAML file per person, <dir>/<id>.yaml, readable
// only by the user (it describes a person's face and voice in numbers).
type PersonStore struct {
	dir string
}

// DefaultPersonDir is os.UserConfigDir()/kindred/persons.
func DefaultPersonDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("calibration: no config directory for person profiles: %w", err)
	}
	return filepath.Join(base, "kindred", "persons"), nil
}

// NewPersonStore returns a store in dir (created on first Save).
func NewPersonStore(dir string) *PersonStore { return &PersonStore{dir: dir} }

// Dir is where the files live.
func (s *PersonStore) Dir() string { return s.dir }

func (s *PersonStore) path(id string) (string, error) {
	if id == "" || PersonID(id) != id {
		return "", fmt.Errorf("calibration: person id %q: only lower-case letters, digits and dashes", id)
	}
	return filepath.Join(s.dir, id+".yaml"), nil
}

// Save writes the person's profile, replacing an earlier one atomically.
func (s *PersonStore) Save(p Person) error {
	path, err := s.path(p.ID)
	if err != nil {
		return err
	}
	if err := p.Profile.Validate(); err != nil {
		return fmt.Errorf("calibration: person %s: %w", p.ID, err)
	}
	data, err := yaml.Marshal(p)
	if err != nil {
		return fmt.Errorf("calibration: person %s: %w", p.ID, err)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+p.ID+"-*.yaml")
	if err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("calibration: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("calibration: %w", err)
	}
	return nil
}

// Load reads one person; unknown fields are rejected and the error names the file.
func (s *PersonStore) Load(id string) (Person, error) {
	path, err := s.path(id)
	if err != nil {
		return Person{}, err
	}
	data, err := inputfile.ReadFile(path, inputfile.MaxConfig)
	if errors.Is(err, fs.ErrNotExist) {
		return Person{}, fmt.Errorf("calibration: person %s: %w", id, ErrNoPerson)
	}
	if err != nil {
		return Person{}, fmt.Errorf("calibration: %w", err)
	}
	var p Person
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); errors.Is(err, io.EOF) { // the decoder's word for no document
		return Person{}, fmt.Errorf("calibration: %s: empty file", path)
	} else if err != nil {
		return Person{}, fmt.Errorf("calibration: %s: %s", path, strings.ReplaceAll(err.Error(), "\n", ";"))
	}
	if p.ID != id {
		return Person{}, fmt.Errorf("calibration: %s: id %q does not match the file name", path, p.ID)
	}
	if err := p.Profile.Validate(); err != nil {
		return Person{}, fmt.Errorf("calibration: %s: %w", path, err)
	}
	if p.FaceGeometry != nil {
		if err := p.FaceGeometry.Validate(); err != nil {
			return Person{}, fmt.Errorf("calibration: %s: %w", path, err)
		}
	}
	return p, nil
}

// Delete removes a person's calibration; deleting someone unknown is ErrNoPerson.
func (s *PersonStore) Delete(id string) error {
	path, err := s.path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("calibration: person %s: %w", id, ErrNoPerson)
		}
		return fmt.Errorf("calibration: %w", err)
	}
	return nil
}

// Forget removes a person's calibration, if there is one, and says whether
// there was: deleting a person removes it with their records. An id that
// cannot name a stored person has none.
func (s *PersonStore) Forget(id string) (bool, error) {
	if id == "" || PersonID(id) != id {
		return false, nil
	}
	err := s.Delete(id)
	if errors.Is(err, ErrNoPerson) {
		return false, nil
	}
	return err == nil, err
}

// List returns the ids of everyone stored, sorted.
func (s *PersonStore) List() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	var ids []string
	for _, e := range entries {
		name := e.Name()
		if id, ok := strings.CutSuffix(name, ".yaml"); ok && !e.IsDir() && PersonID(id) == id {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Profile implements fusion.Profiles: the fusion stage asks for a person's
// profile when they arrive. Someone with no file (a visitor, someone never
// calibrated, an id no file can have) is an error matching both
// fusion.ErrNoProfile and ErrNoPerson; a file that exists but cannot be
// read or is invalid is Load's error, naming the file, never "not known".
func (s *PersonStore) Profile(id string) (fusion.Profile, error) {
	p, err := s.load(id)
	if err != nil {
		return fusion.Profile{}, err
	}
	return p.Profile, nil
}

// FaceBaseline is the person's neutral face geometry for the face pipeline
// (face.Opts.Baseline), when they were calibrated on camera: nil and no
// error when they were calibrated without it. Errors are Profile's.
func (s *PersonStore) FaceBaseline(id string) (*face.Baseline, error) {
	p, err := s.load(id)
	if err != nil {
		return nil, err
	}
	return p.FaceGeometry, nil
}

// load is Load for a lookup by someone's id as it arrives: an id that is
// not a file name cannot have a file, and no file also means no profile.
func (s *PersonStore) load(id string) (Person, error) {
	if id == "" || PersonID(id) != id {
		return Person{}, fmt.Errorf("calibration: person %q: %w (%w)", id, ErrNoPerson, fusion.ErrNoProfile)
	}
	p, err := s.Load(id)
	if errors.Is(err, ErrNoPerson) {
		return Person{}, fmt.Errorf("%w (%w)", err, fusion.ErrNoProfile)
	}
	return p, err
}

var _ fusion.Profiles = (*PersonStore)(nil)
