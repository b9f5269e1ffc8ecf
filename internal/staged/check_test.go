package staged

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "old.json")
	if err := os.WriteFile(file, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		ok   bool
	}{
		{"a new file in a folder that exists", filepath.Join(dir, "s.json"), true},
		{"a file that exists", file, true},
		{"a device", os.DevNull, true},
		{"a folder", dir, false},
		{"in a folder that does not exist", filepath.Join(dir, "no", "s.json"), false},
		{"below a file", filepath.Join(file, "s.json"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.path)
			if (err == nil) != c.ok {
				t.Errorf("Check(%s) = %v, want ok %v", c.path, err, c.ok)
			}
		})
	}
	if data, _ := os.ReadFile(file); string(data) != "kept" {
		t.Errorf("Check changed a file that exists: %q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("Check left %v behind", left)
	}
}

func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]error{dir: nil, filepath.Join(dir, "new"): nil, file: ErrNotDir} {
		if err := CheckDir(path); !errors.Is(err, want) {
			t.Errorf("CheckDir(%s) = %v, want %v", path, err, want)
		}
	}
}

// Create refuses a folder at once: the rename at Commit would fail only
// after the work that filled the file.
func TestCreateRefusesAFolder(t *testing.T) {
	var o Outputs
	defer o.Discard()
	if _, err := o.Create(t.TempDir()); !errors.Is(err, ErrIsDir) {
		t.Errorf("Create(folder) = %v, want ErrIsDir", err)
	}
}
