package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// Issue 18's first test, on real media Debian ships: calibrate a person
// from a recording, then watch it live with --person. The journal files
// the session under that person's id and the calibrated face is what the
// face is scored against (the readings move); without --person the face is
// a stranger under a pseudonym, scored against a neutral learnt online.
func TestCalibratedPersonIsRecognisedInALiveRun(t *testing.T) {
	const video = "/usr/share/doc/opencv-doc/examples/data/Megamind.avi"
	if _, err := os.Stat(video); err != nil {
		t.Fatalf("%s missing: run make test-deps", video)
	}
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	// Pinned to the dlib backend: a calibrated baseline moves only the
	// landmark-geometry AU columns, and under the mesh backend most columns
	// come from blendshapes, which no baseline holds yet (open work in
	// perception/face/baseline.go), so the PSPI difference this test looks
	// for is not there with the mesh.
	if code, _, stderr := runKindred(t, "calibrate", "person", "--name", "Mega Mind", "--video", video, "--seconds", "8", "--face-backend", "dlib"); code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	run := func(extra ...string) (person string, meanPSPI float64, series map[time.Duration]float64, stderr string) {
		t.Helper()
		jpath := filepath.Join(home, "j"+strings.Join(extra, "")+".db")
		args := append([]string{"run", "--video", video, "--speed", "4", "--console", "off", "--journal", jpath, "--face-backend", "dlib"}, extra...)
		code, _, stderr := runKindred(t, args...)
		if code != 0 {
			t.Fatalf("run %v: exit %d: %s", extra, code, stderr)
		}
		ctx := context.Background()
		j, err := journal.OpenExisting(ctx, jpath)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		ss, err := j.Sessions(ctx)
		if err != nil || len(ss) != 1 {
			t.Fatalf("sessions %v, %v", ss, err)
		}
		recs, err := j.Records(ctx, ss[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		n, theirs := 0, 0
		series = map[time.Duration]float64{}
		for _, r := range recs {
			if a, ok := r.(journal.Assessment); ok && a.Present {
				series[a.At.Round(100*time.Millisecond)] = a.PSPI
				meanPSPI += a.PSPI
				n++
				if a.Person == ss[0].Person {
					theirs++
				}
			}
		}
		if n < 20 {
			t.Fatalf("%d assessments with a face present", n)
		}
		// The film cuts between shots: a new track may start before the
		// old one ends, and is a stranger until then (15 of 23 here).
		if strings.HasPrefix(ss[0].Person, "visitor-") == false && 2*theirs <= n {
			t.Errorf("%d of %d assessments are the session person %s's", theirs, n, ss[0].Person)
		}
		return ss[0].Person, meanPSPI / float64(n), series, stderr
	}
	calPerson, calPSPI, calSeries, calLog := run("--person", "mega-mind")
	if calPerson != "mega-mind" || !strings.Contains(calLog, "calibrated profile and face") {
		t.Errorf("with --person: session person %q; log:\n%s", calPerson, calLog)
	}
	popPerson, popPSPI, popSeries, _ := run()
	if !strings.HasPrefix(popPerson, "visitor-") {
		t.Errorf("without --person: session person %q, want a pseudonym", popPerson)
	}
	// The readings move: at the same media times the PSPI against the
	// calibrated face differs from the one against the population's face
	// (an animated face never looks calm to the online learner). The means
	// alone can coincide (4.45 and 4.44 here), so compare time by time.
	var diff float64
	var matched int
	for at, c := range calSeries {
		if p, ok := popSeries[at]; ok {
			diff += math.Abs(c - p)
			matched++
		}
	}
	if matched < 10 {
		t.Fatalf("only %d assessments at matching times", matched)
	}
	diff /= float64(matched)
	t.Logf("mean PSPI calibrated %.2f, learnt online %.2f; at %d matching times they differ by %.2f on average", calPSPI, popPSPI, matched, diff)
	if diff < 0.3 {
		t.Errorf("PSPI against the calibrated face differs by %.2f on average from the online one: the calibrated face is not in use", diff)
	}
}
