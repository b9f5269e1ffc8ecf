package companion

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/sessiontime"
)

// TestAssumePersonSaysWhenACalibrationCannotBeRead: a person never
// calibrated is on the population baseline without a fault; one whose
// stored calibration exists but cannot be read is on it too, but the status
// line says so and the error, naming the person and the file, is for a
// fault record. A resident other than the assumed person is treated alike.
func TestAssumePersonSaysWhenACalibrationCannotBeRead(t *testing.T) {
	for _, tc := range []struct {
		name       string
		file       func(path string) error // writes ada's calibration at path; nil: none
		calibrated bool
		status     string
		unread     string // in the one Unread error; "": none
	}{
		{name: "never calibrated", status: "population baseline (not calibrated)"},
		{name: "calibrated", calibrated: true, status: "calibrated profile",
			file: func(string) error { return nil }}, // saved through the store below
		{name: "corrupt YAML", status: "population baseline (calibration unreadable, see the calibration fault)", unread: "yaml",
			file: func(p string) error { return os.WriteFile(p, []byte("id: ada\nprofile: [\n"), 0o600) }},
		{name: "another version's field", status: "population baseline (calibration unreadable, see the calibration fault)", unread: "not found",
			file: func(p string) error { return os.WriteFile(p, []byte("id: ada\nschema_v9: 1\n"), 0o600) }},
		{name: "another person's file", status: "population baseline (calibration unreadable, see the calibration fault)", unread: "does not match",
			file: func(p string) error { return os.WriteFile(p, []byte("id: bob\n"), 0o600) }},
		{name: "a directory", status: "population baseline (calibration unreadable, see the calibration fault)", unread: "not a regular file",
			file: func(p string) error { return os.Mkdir(p, 0o700) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			store := calibration.NewPersonStore(dir)
			path := filepath.Join(dir, "ada.yaml")
			if tc.calibrated {
				if err := store.Save(calibration.Person{ID: "ada", Name: "Ada"}); err != nil {
					t.Fatal(err)
				}
			}
			for _, who := range []string{"ada", "bob"} {
				t.Run(who+" assumed", func(t *testing.T) {
					if tc.file != nil && !tc.calibrated {
						os.RemoveAll(path)
						if err := tc.file(path); err != nil {
							t.Fatal(err)
						}
					}
					var log bytes.Buffer
					res := AssumePerson(Household{Assumed: who, Residents: []string{"ada", "bob"}}, store, &log)
					if line := log.String(); who == "ada" && (strings.Count(line, "\n") != 1 ||
						!strings.HasPrefix(line, "kindred: assuming ada is the person here: ") || !strings.Contains(line, tc.status)) {
						t.Errorf("status %q, want one line assuming ada: %s", line, tc.status)
					}
					if tc.unread == "" {
						if len(res.Unread) != 0 {
							t.Errorf("unread %v, want none", res.Unread)
						}
					} else if len(res.Unread) != 1 {
						t.Fatalf("unread %v, want one error", res.Unread)
					} else if msg := res.Unread[0].Error(); !strings.HasPrefix(msg, "person ada: ") || !strings.Contains(msg, path) ||
						!strings.Contains(msg, tc.unread) || !strings.HasSuffix(msg, "; the population baseline stands in") {
						t.Errorf("unread %q: want the person, the file %s, %q and that the population baseline stands in", msg, path, tc.unread)
					}
					if rs := res.Identities.residentList(); len(rs) != 2 {
						t.Errorf("residents %+v, want ada and bob", rs)
					}
					for _, r := range res.Identities.residentList() {
						if r.Person == "ada" && r.Calibrated != tc.calibrated {
							t.Errorf("ada calibrated %v, want %v", r.Calibrated, tc.calibrated)
						}
					}
				})
			}
		})
	}
}

// TestFaultBeforeRunReachesTheSinks: a fault noted while the run is built
// (an unreadable calibration) is said at once and recorded once Run has
// started, when the journal, console and fleet are among the sinks.
func TestFaultBeforeRunReachesTheSinks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		sinks := &Fanout{}
		comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: &fakeEngine{}, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: sinks, Log: &log})
		if err != nil {
			t.Fatal(err)
		}
		Residents{Unread: []UnreadCalibration{{Person: "ada", Err: errors.New("calibration: /p/ada.yaml: broken")}}}.NoteUnread(comp)
		if !strings.Contains(log.String(), "kindred: fault: calibration: person ada: /p/ada.yaml: broken; the population baseline stands in\n") {
			t.Errorf("log %q: want the fault said at once", log.String())
		}
		jr := &recorder{}
		sinks.Add(jr.Record) // after New, as the journal, console and fleet are
		comp.Bind(t.Context())
		if err := comp.Run(func(context.Context) error { comp.Stop(); return nil }); err != nil {
			t.Fatal(err)
		}
		var faults []string
		for _, rec := range jr.records {
			if f, ok := rec.(journal.Fault); ok {
				faults = append(faults, f.Component+": "+f.Message)
			}
		}
		if len(faults) != 1 || faults[0] != "calibration: person ada: /p/ada.yaml: broken; the population baseline stands in" {
			t.Errorf("faults %q reached the journal, want the calibration fault", faults)
		}
	})
}
