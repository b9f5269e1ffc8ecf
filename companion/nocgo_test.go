package companion

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPureGo keeps the companion a core package: it must build without cgo
// and reach none of the device libraries, which cmd/kindred hands in.
func TestPureGo(t *testing.T) {
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
	banned := []string{"gocv.io", "gen2brain/malgo", "ebitengine/oto", "espeak", "pocketsphinx", "dlib",
		"kindred/perception/camera", "kindred/perception/microphone", "kindred/perception/keywords",
		"kindred/voices/playback", "kindred/robot/body", "kindred/robot/firmata", "kindred/robot/pca9685"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, cgoFiles, _ := strings.Cut(line, " ")
		for _, b := range banned {
			if strings.Contains(path, b) {
				t.Errorf("companion depends on %s", path)
			}
		}
		if cgoFiles != "0" {
			t.Errorf("%s has cgo files", path)
		}
	}
}
