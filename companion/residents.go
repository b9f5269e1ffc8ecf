package companion

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/perception/face"
)

// PersonLoader reads a person's stored calibration (calibration.PersonStore).
// A person never calibrated is an error matching calibration.ErrNoPerson or
// fs.ErrNotExist; any other error names the file that could not be read.
type PersonLoader interface {
	Load(id string) (calibration.Person, error)
}

// Household is who lives with the robot, as a run's configuration says.
type Household struct {
	// Assumed is the person the camera's face is taken to be ("" for
	// nobody: every face is a stranger under a pseudonym).
	Assumed string
	// Residents can be named by a carer at the console.
	Residents []string
	// Names are the names to speak to people by, by id; a calibration's
	// name stands in for a missing one.
	Names map[string]string
	// ReturnGap is Identities.SetReturnGap's gap (0: DefaultReturnGap).
	ReturnGap time.Duration
}

// Residents is what AssumePerson found: the identities a live camera's
// faces are named by, the residents' calibrated faces by id, and the stored
// calibrations that exist but could not be read.
type Residents struct {
	Identities *Identities
	Faces      map[string]*face.Baseline
	// Unread has one entry per unreadable calibration; each is for a
	// fault record, component "calibration" (NoteUnread).
	Unread []UnreadCalibration
}

// UnreadCalibration is a person's stored calibration that exists but could
// not be read or is invalid, so the population baseline stands in for it.
// Its message is the calibration fault's: the person, the store's error
// (which names the file) and what stands in.
type UnreadCalibration struct {
	Person string
	Err    error
}

func (u UnreadCalibration) Error() string {
	// Load's errors name the file; the package prefix is the fault's component.
	return fmt.Sprintf("person %s: %s; the population baseline stands in",
		u.Person, strings.TrimPrefix(u.Err.Error(), "calibration: "))
}

func (u UnreadCalibration) Unwrap() error { return u.Err }

// NoteUnread records each unreadable calibration as a fault (component
// "calibration"), as calibrationUnusable does, so that the person's arrival
// later in the run does not say it again; before Run the records wait for
// the run's sinks.
func (r Residents) NoteUnread(c *Companion) {
	for _, u := range r.Unread {
		c.calibrationUnusable(u.Person, u.Err)
	}
}

// unusableCalibrations are the people whose stored calibration was found
// unusable this run, at start (NoteUnread) or as they arrived (fusion's
// Inputs.ProfileFailed), each said once.
type unusableCalibrations struct {
	mu   sync.Mutex
	said map[string]bool
}

// calibrationUnusable records that person's stored calibration exists but
// could not be used (err, naming the file), so that they are scored against
// the population baseline: a fault, component "calibration", once per
// person per run, not on every arrival, and the console no longer shows a
// resident's calibration in use. It does not block: fusion calls it on its
// goroutine.
func (c *Companion) calibrationUnusable(person string, err error) {
	u := &c.unusable
	u.mu.Lock()
	said := u.said[person]
	if u.said == nil {
		u.said = map[string]bool{}
	}
	u.said[person] = true
	u.mu.Unlock()
	if c.ids != nil {
		c.ids.uncalibrated(person)
	}
	if !said {
		c.noteFault("calibration", UnreadCalibration{Person: person, Err: err})
	}
}

// AssumePerson reads the household's calibrations from store (nil: none is
// stored) and says on log whom the camera's face is taken to be and what it
// is scored against. A calibration that exists but cannot be read (corrupt,
// unreadable, for another version) is not silently dropped: the person is
// scored against the population baseline, the status line says why, and the
// error is in Unread.
func AssumePerson(h Household, store PersonLoader, log io.Writer) Residents {
	res := Residents{Faces: map[string]*face.Baseline{}}
	if h.Assumed == "" {
		res.Identities = NewIdentities("", "")
	}
	seen := map[string]bool{"": true}
	for _, who := range append([]string{h.Assumed}, h.Residents...) {
		if seen[who] {
			continue // the assumed person is usually a resident too
		}
		seen[who] = true
		p, name, calibrated, unread := res.lookup(h, store, who)
		if who != h.Assumed {
			res.Identities.AddResident(who, name, calibrated)
			continue
		}
		res.Identities = NewIdentities(who, name)
		res.Identities.AddResident(who, name, calibrated)
		status := "population baseline (not calibrated)"
		switch {
		case unread:
			status = "population baseline (calibration unreadable, see the calibration fault)"
		case calibrated:
			status = calibratedStatus(p, res.Faces[who] != nil)
		}
		fmt.Fprintf(log, "kindred: assuming %s is the person here: %s\n", who, status)
	}
	if h.ReturnGap > 0 {
		res.Identities.SetReturnGap(h.ReturnGap)
	}
	return res
}

// lookup is who's calibration, if it was read, and the name to speak to
// them by. A calibration that exists but could not be read is unread (also
// added to Unread).
func (r *Residents) lookup(h Household, store PersonLoader, who string) (p calibration.Person, name string, calibrated, unread bool) {
	name = h.Names[who]
	if store == nil {
		return p, name, false, false
	}
	p, err := store.Load(who)
	switch {
	case errors.Is(err, calibration.ErrNoPerson), errors.Is(err, fs.ErrNotExist):
		return p, name, false, false
	case err != nil:
		r.Unread = append(r.Unread, UnreadCalibration{Person: who, Err: err})
		return calibration.Person{}, name, false, true
	}
	if name == "" {
		name = p.Name
	}
	if p.FaceGeometry != nil {
		r.Faces[who] = p.FaceGeometry
	}
	return p, name, true, false
}

// calibratedStatus is what a calibrated person is scored against, for the
// run's status line.
func calibratedStatus(p calibration.Person, face bool) string {
	status := "calibrated profile"
	if face {
		status = "calibrated profile and face"
	}
	if p.Ratings > 0 {
		// What carers taught through kindred replay.
		status += fmt.Sprintf("; gains face %.2f, voice %.2f, body %.2f learnt from %d carer rating(s)",
			orOne(p.Gains.Face), orOne(p.Gains.Voice), orOne(p.Gains.Body), p.Ratings)
	}
	return status
}

// orOne reads a zero gain (one not learnt yet) as the 1 it means.
func orOne(g float64) float64 {
	if g == 0 {
		return 1
	}
	return g
}
