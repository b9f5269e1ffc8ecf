package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/bench"
	"github.com/kindred-hri/kindred/journal"
)

// TestSoak runs whole sessions at high speed and checks that nothing
// accumulates: goroutines and heap late in the run stay near their early
// level, and the journal reads back consistent. In CI each scenario runs
// for 15 minutes of session time (seconds of wall time); KINDRED_SOAK=full
// (`make soak`) runs two hours of each. The figures are logged (-v).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("runs simulated sessions for several seconds")
	}
	session, speed := 15*time.Minute, 200.0
	if os.Getenv("KINDRED_SOAK") == "full" {
		session, speed = 2*time.Hour, 100
	}
	for _, name := range []string{"visit", "pain-episode"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "journal.db")
			sum := filepath.Join(dir, "summary.json")
			args := []string{"--scenario", name, "--speed", strconv.FormatFloat(speed, 'f', -1, 64),
				"--for", session.String(), "--console", "off", "--journal", db, "--summary", sum}
			ctx, cancel := context.WithTimeout(context.Background(), 10*session/time.Duration(speed)+time.Minute)
			defer cancel()
			samples, wall, err := bench.SampledRun(ctx, runInProcess, args, 50*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			if len(samples) < 20 {
				t.Fatalf("%d samples in %v; too few to judge", len(samples), wall)
			}
			early, late := earlyLate(samples)
			half := len(samples) / 2
			maxG := func(s []bench.RunSample) (m int) {
				for _, x := range s {
					m = max(m, x.Goroutines)
				}
				return m
			}
			t.Logf("%s: %v of session in %v (%d samples): goroutines %d -> %d (max %d -> %d), heap %.1f -> %.1f MB, RSS %.0f -> %.0f MB",
				name, session, wall.Round(time.Millisecond), len(samples), early.Goroutines, late.Goroutines,
				maxG(samples[:half]), maxG(samples[half:]), early.HeapMB, late.HeapMB, early.RSSMB, late.RSSMB)
			// Generous bounds: a leak of one goroutine per event or a
			// growing buffer shows up far beyond them over the run.
			if late.Goroutines > early.Goroutines+5 || maxG(samples[half:]) > maxG(samples[:half])+5 {
				t.Errorf("goroutines grow: %d early, %d late (max %d then %d)", early.Goroutines, late.Goroutines,
					maxG(samples[:half]), maxG(samples[half:]))
			}
			if late.HeapMB > 2*early.HeapMB+16 {
				t.Errorf("heap grows: %.1f MB early, %.1f MB late", early.HeapMB, late.HeapMB)
			}

			s := readSummary(t, sum)
			if math.Abs(s.DurationS-session.Seconds()) > 0.05*session.Seconds() {
				t.Errorf("summary duration %.1f s, want about %v", s.DurationS, session)
			}
			checkJournalConsistent(t, db, session)
		})
	}
}

// checkJournalConsistent: `sessions list` reads the journal, the one
// session ended, and its records are in time order and span the session.
func checkJournalConsistent(t *testing.T, db string, session time.Duration) {
	t.Helper()
	sess, recs := onlySession(t, db)
	if sess.Status != journal.StatusComplete {
		t.Errorf("session status %q, want %q", sess.Status, journal.StatusComplete)
	}
	code, table, errOut := runKindred(t, "sessions", "list", "--journal", db)
	if code != 0 || !strings.Contains(table, sess.ID) {
		t.Errorf("sessions list (exit %d) does not show %s: %s%s", code, sess.ID, table, errOut)
	}
	if len(recs) == 0 {
		t.Fatal("no records")
	}
	kinds := map[journal.Kind]int{}
	for i, r := range recs {
		kinds[r.Kind()]++
		if i > 0 && r.Time() < recs[i-1].Time() {
			t.Fatalf("record %d (%s at %v) comes before record %d (%s at %v)", i, r.Kind(), r.Time(), i-1,
				recs[i-1].Kind(), recs[i-1].Time())
		}
	}
	if last := recs[len(recs)-1].Time(); last < session*9/10 || last > session+time.Minute {
		t.Errorf("records end at %v of a %v session", last, session)
	}
	t.Logf("journal: %d records %v", len(recs), kinds)
}

// earlyLate are the means over the first and the last fifth of samples.
func earlyLate(samples []bench.RunSample) (early, late bench.RunSample) {
	fifth := max(1, len(samples)/5)
	mean := func(s []bench.RunSample) (m bench.RunSample) {
		var g float64
		for _, x := range s {
			m.HeapMB += x.HeapMB
			m.RSSMB += x.RSSMB
			g += float64(x.Goroutines)
		}
		n := float64(len(s))
		m.HeapMB, m.RSSMB, m.Goroutines = m.HeapMB/n, m.RSSMB/n, int(math.Round(g/n))
		return m
	}
	return mean(samples[:fifth]), mean(samples[len(samples)-fifth:])
}
