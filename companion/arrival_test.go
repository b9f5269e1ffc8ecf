package companion

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/sessiontime"
)

// householdStore is a person store in a fresh folder with ada's
// calibration corrupt, bea's holding an invalid profile, cal calibrated,
// and nobody else's; it returns the store and the folder.
func householdStore(t *testing.T) (*calibration.PersonStore, string) {
	t.Helper()
	dir := t.TempDir()
	store := calibration.NewPersonStore(dir)
	if err := store.Save(calibration.Person{ID: "cal", Name: "Cal"}); err != nil {
		t.Fatal(err)
	}
	for id, doc := range map[string]string{"ada": "id: ada\nface: [\n", "bea": "id: bea\nface: {pspi: 20}\n"} {
		if err := os.WriteFile(filepath.Join(dir, id+".yaml"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return store, dir
}

// storeFuser is a real fusion stage that looks people up in store as they
// arrive, and a session clock at real time.
func storeFuser(t *testing.T, store *calibration.PersonStore) (*fusion.Fuser, *sessiontime.Clock) {
	t.Helper()
	o := fusion.DefaultOpts()
	o.Profiles = store
	fu, err := fusion.New(o)
	if err != nil {
		t.Fatal(err)
	}
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	return fu, clock
}

// TestArrivalWithAnUnusableCalibrationIsAFault: a person recognised as
// they arrive whose stored calibration exists but cannot be read (ada:
// corrupt YAML) or holds an invalid profile (bea) is a fault, component
// "calibration", naming the person and the file, once per person per run
// however often they arrive or were found at start (NoteUnread); a visitor
// or someone never calibrated is no fault, nor is a calibrated person. Care
// goes on: fusion keeps assessing the person who arrived, on the population
// baseline. Fails without fusion's ProfileFailed wired to the companion (no
// fault on arrival), and without the once-per-person check (ada twice).
func TestArrivalWithAnUnusableCalibrationIsAFault(t *testing.T) {
	for _, tc := range []struct {
		name     string
		atStart  []string // found unreadable at start (AssumePerson)
		arrivals []string
		faults   []string // the persons and what is wrong, in order
	}{
		{name: "unreadable", arrivals: []string{"ada"}, faults: []string{"ada yaml"}},
		{name: "invalid", arrivals: []string{"bea"}, faults: []string{"bea face.pspi = 20 outside 0..16"}},
		{name: "never calibrated", arrivals: []string{"visitor-0a1b2c3d4e", "dan"}},
		{name: "calibrated", arrivals: []string{"cal"}},
		{name: "arriving again", arrivals: []string{"ada", "cal", "ada", "visitor-0a1b2c3d4e", "ada"},
			faults: []string{"ada yaml"}},
		{name: "both", arrivals: []string{"ada", "bea", "ada", "bea"}, faults: []string{"ada yaml", "bea face.pspi"}},
		{name: "found at start", atStart: []string{"ada"}, arrivals: []string{"ada", "cal", "ada"}, faults: []string{"ada yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, dir := householdStore(t)
			synctest.Test(t, func(t *testing.T) {
				fu, clock := storeFuser(t, store)
				var log bytes.Buffer
				rec := &recorder{}
				comp, err := New(Parts{Clock: clock, Fuser: fu, Engine: &fakeEngine{}, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Log: &log})
				if err != nil {
					t.Fatal(err)
				}
				if len(tc.atStart) > 0 {
					AssumePerson(Household{Residents: tc.atStart}, store, &log).NoteUnread(comp)
				}
				comp.Bind(t.Context())
				err = comp.Run(func(context.Context) error {
					at := time.Duration(0)
					for _, who := range tc.arrivals {
						comp.Event(perception.Event{At: at, Kind: perception.EventArrived, Person: who})
						for range 20 { // a grimace, for fusion to assess
							at += 100 * time.Millisecond
							comp.Face(perception.FaceObs{At: at, Confidence: 0.9, PSPI: 9, Expression: perception.ExprPain,
								AU: perception.AUs{AU04: 3.5, AU07: 3}})
							time.Sleep(100 * time.Millisecond)
						}
					}
					comp.Stop()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				var faults []journal.Fault
				var last journal.Assessment
				for _, r := range rec.records {
					switch r := r.(type) {
					case journal.Fault:
						faults = append(faults, r)
					case journal.Assessment:
						last = r
					}
				}
				if len(faults) != len(tc.faults) {
					t.Fatalf("faults %+v, want %d: %q", faults, len(tc.faults), tc.faults)
				}
				for i, f := range faults {
					who, what, _ := strings.Cut(tc.faults[i], " ")
					file := filepath.Join(dir, who+".yaml")
					if f.Component != "calibration" || !strings.HasPrefix(f.Message, "person "+who+": "+file+": ") ||
						!strings.Contains(f.Message, what) || !strings.HasSuffix(f.Message, "; the population baseline stands in") {
						t.Errorf("fault %s: %q, want component calibration, %s, %s, %q and the population baseline", f.Component, f.Message, who, file, what)
					}
					if line := "kindred: fault: calibration: " + f.Message + "\n"; strings.Count(log.String(), line) != 1 {
						t.Errorf("log %q: want the line %q once", log.String(), line)
					}
				}
				if st := comp.Stats(); st.Faults != len(tc.faults) {
					t.Errorf("the summary counts %d faults, want %d", st.Faults, len(tc.faults))
				}
				if who := tc.arrivals[len(tc.arrivals)-1]; last.Person != who || last.Score < 2 {
					t.Errorf("last assessment %+v, want %s's grimace assessed", last, who)
				}
			})
		})
	}
}

// TestScenarioWithAnUnreadableCalibrationCares: the pain episode played
// through the real fusion and engine with Margaret's stored calibration
// corrupt. Her arrival is one calibration fault in the journal, naming her
// and the file, and care goes on on the population baseline: her pain is
// assessed and a carer is called. Fails without fusion's ProfileFailed
// wired to the companion (no fault).
func TestScenarioWithAnUnreadableCalibrationCares(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "margaret.yaml")
	if err := os.WriteFile(file, []byte("id: margaret\nvoice: {f0_mean_hz: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Load("pain-episode")
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		o := fusion.DefaultOpts()
		o.Profiles = calibration.NewPersonStore(dir)
		fu, err := fusion.New(o)
		if err != nil {
			t.Fatal(err)
		}
		e, err := behavior.New(behavior.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		j, comp, _ := journalledWithFuser(t, ctx, filepath.Join(dir, "journal.db"), fu, e)
		if err := comp.Run(comp.PlayScenario(s.Name, scenario.NewPlayer(s), scenario.PlayOpts{})); err != nil {
			t.Fatal(err)
		}
		faults := endedSessionFaults(t, ctx, j)
		if len(faults) != 1 || faults[0].Component != "calibration" ||
			!strings.HasPrefix(faults[0].Message, "person margaret: "+file+": ") ||
			!strings.HasSuffix(faults[0].Message, "; the population baseline stands in") {
			t.Errorf("faults %+v, want one calibration fault naming margaret and %s", faults, file)
		}
		var alerts int
		var worst float64
		for _, r := range sessionRecords(t, ctx, j) {
			switch r := r.(type) {
			case journal.Alert:
				if r.Person == "margaret" && r.Level != journal.LevelResolved {
					alerts++
				}
			case journal.Assessment:
				if r.Person == "margaret" {
					worst = max(worst, r.Score)
				}
			}
		}
		if alerts == 0 || worst < 4 {
			t.Errorf("%d alert(s) for margaret, worst score %.1f: want her pain assessed and a carer called", alerts, worst)
		}
	})
}

// TestResidentWhoseCalibrationBreaksIsNoLongerShownCalibrated: ada's
// calibration was read at start (the console shows her calibrated) and is
// found corrupt when she arrives: the fault is recorded and the console's
// list of residents no longer says her calibrated baseline is in use.
// Fails without calibrationUnusable telling the identities.
func TestResidentWhoseCalibrationBreaksIsNoLongerShownCalibrated(t *testing.T) {
	store, _ := householdStore(t)
	synctest.Test(t, func(t *testing.T) {
		fu, clock := storeFuser(t, store)
		ids := NewIdentities("", "")
		ids.AddResident("ada", "Ada", true) // as if her file broke after the start
		ids.AddResident("cal", "Cal", true)
		rec := &recorder{}
		comp, err := New(Parts{Clock: clock, Fuser: fu, Engine: &fakeEngine{}, Mirror: fakeMirror{},
			Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Identities: ids})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		err = comp.Run(func(context.Context) error {
			comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada", Text: "Ada"})
			time.Sleep(time.Second)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if st := comp.Stats(); st.Faults != 1 {
			t.Errorf("%d faults, want ada's calibration fault", st.Faults)
		}
		_, residents := comp.Presence()
		for _, r := range residents {
			if want := r.Person == "cal"; r.Calibrated != want {
				t.Errorf("%s shown calibrated: %v, want %v", r.Person, r.Calibrated, want)
			}
		}
	})
}
