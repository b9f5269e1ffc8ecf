package puregotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Check lists the dependencies of the package in the current folder with
// CGO_ENABLED=0 and fails t for every one that has cgo files or whose import
// path contains one of banned. name is the package, for the messages.
func Check(t testing.TB, name string, banned []string) {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no go command at %s: %v", goBin, err)
	}
	cmd := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}} {{len .CgoFiles}}", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list with CGO_ENABLED=0: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, cgoFiles, _ := strings.Cut(line, " ")
		for _, b := range banned {
			if strings.Contains(path, b) {
				t.Errorf("%s depends on %s", name, path)
			}
		}
		if cgoFiles != "0" {
			t.Errorf("%s has cgo files", path)
		}
	}
}

// NativeLibraries are the import paths of the native libraries no core
// package may reach.
var NativeLibraries = []string{"gocv.io", "gen2brain/malgo", "ebitengine/oto", "espeak", "pocketsphinx", "dlib"}
