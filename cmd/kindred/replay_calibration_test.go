package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/calibration"
)

// What carers taught is used on the next day: replay writes the gains it
// learnt from their ratings into the person's calibration, and a run with
// that person says it uses them. A second replay of the same sessions
// teaches nothing twice.
func TestReplayTeachesTheNextRun(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	path := syntheticJournal(t) // carers rate p-ana's face as counting double

	code, _, errs := run(t, "replay", "--journal", path)
	if code != 0 || !strings.Contains(errs, "p-ana: calibration updated") {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	dir, err := calibration.DefaultPersonDir()
	if err != nil {
		t.Fatal(err)
	}
	p, err := calibration.NewPersonStore(dir).Load("p-ana")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("learnt gains %+v from %d ratings", p.Gains, p.Ratings)
	if p.Ratings != 40 || p.Gains.Face < 1.5 || p.ReplayedThrough != "s-ana" {
		t.Errorf("stored calibration %+v after %d ratings, want a face gain well above 1 from 40", p.Gains, p.Ratings)
	}

	code, _, errs = runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--for", "2s",
		"--console", "off", "--journal", "off", "--person", "p-ana")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	m := regexp.MustCompile(`assuming p-ana is the person here: calibrated profile; gains face ([0-9.]+), .* learnt from 40 carer rating`).FindStringSubmatch(errs)
	if m == nil {
		t.Fatalf("run does not say it uses the learnt profile:\n%s", errs)
	}
	if g, _ := strconv.ParseFloat(m[1], 64); g < 1.5 {
		t.Errorf("run uses face gain %v", g)
	}

	if code, _, errs := run(t, "replay", "--journal", path); code != 0 || !strings.Contains(errs, "no ratings newer") {
		t.Errorf("second replay: exit %d: %s", code, errs)
	}
	again, _ := calibration.NewPersonStore(dir).Load("p-ana")
	if again.Gains != p.Gains || again.Ratings != 40 {
		t.Errorf("replaying the same sessions again changed the gains: %+v (%d) -> %+v (%d)", p.Gains, p.Ratings, again.Gains, again.Ratings)
	}
}
