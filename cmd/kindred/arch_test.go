package main

import (
	"os/exec"
	"strings"
	"testing"
)

// cgoLeaves are the only packages allowed to use cgo or to import the native
// libraries (gocv, malgo, oto, dlib, espeak-ng, pocketsphinx). Everything
// else is core and must build with CGO_ENABLED=0, so that the logic of the
// robot can be tested, fuzzed and reasoned about without native code.
var cgoLeaves = map[string]bool{
	"cmd/kindred":                   true, // wires leaves to the core, with the packages below
	"analysis":                      true, // offline pipeline: opens the camera, face and sound models
	"devices":                       true, // opens the face stack and the speech devices
	"evaluate":                      true, // drives analysis over labelled recordings
	"doctor":                        true, // opens each device to see that it works
	"calibration/observe":           true, // watches a person through the camera and face stack
	"internal/cvthreads":            true, // sets OpenCV's thread count
	"internal/nativeheap":           true, // sets glibc malloc's heap up for a short run
	"perception/camera":             true,
	"perception/face/dlib":          true,
	"perception/face/mesh":          true,
	"perception/face/pose":          true,
	"perception/microphone":         true,
	"perception/keywords":           true, // no cgo of its own; uses perception/sphinx
	"perception/selfreport/sphinx":  true, // no cgo of its own; uses perception/sphinx
	"perception/sphinx":             true,
	"perception/soundevents/yamnet": true,
	"voices/espeak":                 true,
	"voices/playback":               true,
}

var nativeModules = []string{"gocv.io/x/gocv", "github.com/gen2brain/malgo", "github.com/ebitengine/oto"}

func TestCorePackagesNeedNoCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	const module = "github.com/kindred-hri/kindred/"
	out, err := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}}|{{join .Deps \" \"}}|{{len .CgoFiles}}", module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var core []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("unexpected go list line %q", line)
		}
		rel := strings.TrimPrefix(parts[0], module)
		if isLeaf(rel) {
			continue
		}
		core = append(core, "./"+rel)
		if parts[2] != "0" {
			t.Errorf("core package %s has cgo files; move them into a leaf package", rel)
		}
		for _, dep := range strings.Fields(parts[1]) {
			for _, native := range nativeModules {
				if strings.HasPrefix(dep, native) {
					t.Errorf("core package %s depends on %s; only leaf packages may", rel, dep)
				}
			}
			if strings.HasPrefix(dep, module) && isLeaf(strings.TrimPrefix(dep, module)) {
				t.Errorf("core package %s imports leaf %s", rel, dep)
			}
		}
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	build := exec.Command("go", append([]string{"build", "-o", "/dev/null"}, core...)...)
	build.Dir = strings.TrimSpace(string(root))
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("core packages do not build with CGO_ENABLED=0: %v\n%s", err, out)
	}
}

func isLeaf(rel string) bool {
	for leaf := range cgoLeaves {
		if rel == leaf || strings.HasPrefix(rel, leaf+"/") {
			return true
		}
	}
	return false
}
