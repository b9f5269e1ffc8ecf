package goldenfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.Errorf(format, a...)
	r.fatal = true
}
func (r *recorder) Fatal(a ...any) { r.Fatalf("%s", fmt.Sprint(a...)) }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, []byte("a,b\n1,2\n3,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		path     string
		got      string
		fails    bool
		mentions string
	}{
		{"same", path, "a,b\n1,2\n3,4\n", false, ""},
		{"a line changed", path, "a,b\n1,2\n3,5\n", true, "line 3:\nwant 3,4\ngot  3,5"},
		{"a line added", path, "a,b\n1,2\n3,4\n5,6\n", true, "line 4:\nwant \ngot  5,6"},
		{"only a last newline added", path, "a,b\n1,2\n3,4\n\n", true, "want 4 lines, got 5"},
		{"no golden file", filepath.Join(t.TempDir(), "none"), "x", true, "run go test -update"},
	}
	for _, c := range cases {
		r := &recorder{TB: t}
		Check(r, c.path, []byte(c.got))
		if failed := len(r.errors) > 0; failed != c.fails {
			t.Errorf("%s: failed %v (%q), want %v", c.name, failed, r.errors, c.fails)
			continue
		}
		if c.fails && !strings.Contains(r.errors[0], c.mentions) {
			t.Errorf("%s: %q does not say %q", c.name, r.errors[0], c.mentions)
		}
	}
}

func TestCheckUnderUpdateRewritesTheFile(t *testing.T) {
	*update = true
	defer func() { *update = false }()
	path := filepath.Join(t.TempDir(), "new", "out.txt")
	r := &recorder{TB: t}
	Check(r, path, []byte("fresh\n"))
	if len(r.errors) > 0 {
		t.Fatalf("under -update: %q", r.errors)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "fresh\n" {
		t.Errorf("golden file %q, %v", b, err)
	}
}
