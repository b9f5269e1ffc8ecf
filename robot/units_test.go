package robot_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/robot"
)

// The unit types exist to make mix-ups compile errors. testdata/mixup holds
// one mix-up per line marked "// want"; the compiler must reject every one
// of them, and nothing else. (Were the quantities plain float64 again,
// every marked line would compile and this test would fail.)
func TestUnitMixUps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the compiler")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	src := filepath.Join("testdata", "mixup", "mixup.go")
	want := map[int]bool{}
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasSuffix(sc.Text(), "// want") {
			want[n] = true
		}
	}
	f.Close()
	if len(want) == 0 {
		t.Fatal("no mix-ups marked in " + src)
	}
	// -e reports every error, not the first ten.
	out, err := exec.Command(goTool, "build", "-gcflags=-e", "-o", os.DevNull, "./testdata/mixup").CombinedOutput()
	if err == nil {
		t.Fatalf("testdata/mixup compiled: the unit types no longer stop %d mix-ups", len(want))
	}
	errLine := regexp.MustCompile(`mixup\.go:(\d+):\d+: (.*)`)
	got := map[int]string{}
	for _, m := range errLine.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		got[n] = m[2]
	}
	if len(got) == 0 {
		t.Fatalf("go build failed without a compile error in mixup.go:\n%s", out)
	}
	for n := range want {
		if _, ok := got[n]; !ok {
			t.Errorf("mixup.go:%d compiles; the types should stop it", n)
		}
	}
	for n, msg := range got {
		if !want[n] {
			t.Errorf("mixup.go:%d: unexpected error: %s", n, msg)
		}
	}
}

// Each unit goes in and comes out as the same number.
func TestUnitRoundTrips(t *testing.T) {
	for _, x := range []float64{0, 1.5, -30, 2500} {
		if robot.Degrees(x).Degrees() != x || robot.DegreesPerSecond(x).DegreesPerSecond() != x ||
			robot.DegreesPerSecondSquared(x).DegreesPerSecondSquared() != x ||
			robot.Microseconds(x).Microseconds() != x || robot.Hertz(x).Hertz() != x {
			t.Errorf("%g does not round-trip", x)
		}
	}
	if p := robot.Hertz(50).Period(); p != robot.Microseconds(20000) {
		t.Errorf("50 Hz period %v, want 20000µs", p)
	}
	if d := robot.Hertz(20).Interval().Milliseconds(); d != 50 {
		t.Errorf("20 Hz interval %d ms, want 50", d)
	}
}
