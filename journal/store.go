package journal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite" // registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// applicationID marks a SQLite file as a Kindred journal ("KNDR").
const applicationID = 0x4B4E4452

// schemaVersion is bumped with a migration whenever the tables change.
const schemaVersion = 6

// migrations[v] takes a journal from schema version v to v+1. Each runs in
// one transaction, so a journal is never left between two versions.
var migrations = map[int][]string{
	// 1 → 2: who caused a state change (console, mqtt, voice, touch, ...).
	1: {`ALTER TABLE transitions ADD COLUMN source TEXT NOT NULL DEFAULT ''`},
	// 2 → 3: carers' acknowledgements of alerts.
	2: {acknowledgementsTable},
	// 3 → 4: carers saying who the face the robot sees is.
	3: {identificationsTable},
	// 4 → 5: the self-report dialogue's questions and answers, and the
	// person's rating beside the observed score on assessments.
	4: {selfReportsTable, `ALTER TABLE assessments ADD COLUMN says INTEGER`,
		`ALTER TABLE assessments ADD COLUMN looks REAL`},
	// 5 → 6: the values that shaped a run (seed, condition, config, build,
	// input and model hashes) and a supervisor's changes to them; who had
	// an utterance said; the route an acknowledgement came by.
	5: {settingsTable, `ALTER TABLE utterances ADD COLUMN source TEXT NOT NULL DEFAULT ''`, acknowledgementSource},
}

const settingsTable = `CREATE TABLE settings(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, source TEXT NOT NULL)`

const selfReportsTable = `CREATE TABLE self_reports(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, question TEXT NOT NULL, outcome TEXT NOT NULL,
		answer_by TEXT NOT NULL, attempt INTEGER NOT NULL, heard TEXT NOT NULL, rating INTEGER,
		answer TEXT NOT NULL, places TEXT NOT NULL, confidence REAL NOT NULL, error TEXT NOT NULL)`

const acknowledgementsTable = `CREATE TABLE acknowledgements(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, by_name TEXT NOT NULL, person TEXT NOT NULL, alert_level TEXT NOT NULL,
		score REAL NOT NULL, reason TEXT NOT NULL)`

// acknowledgementSource is schema 6's column of acknowledgementsTable.
const acknowledgementSource = `ALTER TABLE acknowledgements ADD COLUMN source TEXT NOT NULL DEFAULT ''`

const identificationsTable = `CREATE TABLE identifications(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, source TEXT NOT NULL)`

// ErrNotJournal means the file exists but is not a Kindred journal (or is corrupt).
var ErrNotJournal = errors.New("not a kindred journal")

// ErrNoSession means the session ID is not in the journal.
var ErrNoSession = errors.New("no such session")

// Status is a session's completeness.
type Status string

const (
	StatusOpen       Status = "open"       // being recorded now
	StatusComplete   Status = "complete"   // ended normally
	StatusIncomplete Status = "incomplete" // the process died before ending it
)

// Session describes one recorded session.
type Session struct {
	ID        string    `json:"id"`
	Robot     string    `json:"robot"`
	Condition string    `json:"condition"` // experiment condition, e.g. "mirror" or "control"
	Seed      int64     `json:"seed"`
	Consent   bool      `json:"consent"`
	Person    string    `json:"person,omitempty"` // the session's main person, when known
	Started   time.Time `json:"started"`
	Ended     time.Time `json:"ended,omitzero"`
	Status    Status    `json:"status"`
	// SessionTime is the session time its records cover, in seconds:
	// observation time, so a run at --speed 20 lists the minutes it
	// simulated, not the seconds it took (the time of its last record).
	SessionTime float64 `json:"session_time_s"`
}

// Person is someone the robot knows, pseudonymously.
type Person struct {
	ID          string `json:"id"` // pseudonymous, e.g. "p-3f9a"
	DisplayName string `json:"display_name"`
	Baseline    []byte `json:"baseline,omitempty"` // calibration's baseline profile, opaque here
}

// NewSessionID makes a sortable, unique session ID.
func NewSessionID(started time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux (Go ≥1.24 panics instead)
	return started.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Journal is an open journal file. Reads are safe from any goroutine; writes
// during a run go through one Writer.
type Journal struct {
	db   *sql.DB
	path string
}

func dsn(path string, mode string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows are overwritten with zeros, not just unlinked: a pragma
	// is per connection, so it goes in the DSN every pooled connection runs
	// (https://www.sqlite.org/pragma.html#pragma_secure_delete).
	q.Add("_pragma", "secure_delete(1)")
	if mode != "" {
		q.Add("mode", mode)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens or creates the journal at path for recording: it creates the
// tables, turns on WAL and marks sessions a crash left open as incomplete.
// Use it once per recording process; readers use OpenExisting. A path that
// is not a journal, or that this user cannot write, fails with an error
// marked bad input (internal/badinput) naming the path.
func Open(ctx context.Context, path string) (*Journal, error) {
	if err := createPrivate(path); err != nil {
		return nil, openIsBadInput(fmt.Errorf("journal: %w", err))
	}
	if err := writable(path); err != nil {
		return nil, openIsBadInput(fmt.Errorf("journal: %w", err))
	}
	j, err := open(ctx, path, true)
	if err != nil {
		return nil, openIsBadInput(err)
	}
	if _, err := j.db.ExecContext(ctx, `UPDATE sessions SET status = ? WHERE status = ?`,
		StatusIncomplete, StatusOpen); err != nil {
		j.db.Close()
		return nil, fmt.Errorf("journal: %s: mark incomplete: %w", path, err)
	}
	return j, nil
}

// createPrivate makes the journal's directory (0700) and an empty file (0600)
// when they are missing: the journal holds health data about people, and
// SQLite's unix VFS gives its -wal and -shm files the main file's
// permissions (TestJournalFilesArePrivateWhateverTheUmask holds this with
// umask 0).
// A journal that other users could read (made by an older Kindred or
// another tool) loses their access, and so do its -wal and -shm files.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close() // a umask only takes bits away from 0600
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		// Only a journal's own files are made private: a path naming a
		// folder or a device (/tmp, /dev/zero) is a mistake, and chmod
		// on it, as root, would lock others out of it.
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s: %w (%s)", p, ErrNotJournal, notRegular(st.Mode()))
		}
		if st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, st.Mode().Perm()&0o700); err != nil {
				return err
			}
		}
	}
	return nil
}

// OpenExisting opens a journal that must already exist, for reading,
// exporting and deleting. It fails with ErrNotJournal (wrapped, naming the
// file) when the file is not a journal, and with fs.ErrNotExist when missing.
func OpenExisting(ctx context.Context, path string) (*Journal, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("journal: %s: %w (%s)", path, ErrNotJournal, notRegular(st.Mode()))
	}
	return open(ctx, path, false)
}

// notRegular names what a path that is not a regular file is.
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device"
	}
	return "not a regular file"
}

// writable checks, once the journal file exists, that this user may write
// it and its folder: SQLite makes the -wal and -shm files there, and an
// existing journal on a read-only file system would otherwise open and fail
// at its first write. (access(2); root passes it on a read-only folder but
// not on a read-only file system.)
func writable(path string) error {
	const rOK, wOK, xOK = 0x4, 0x2, 0x1 // POSIX unistd.h
	if err := syscall.Access(filepath.Dir(path), wOK|xOK); err != nil {
		return &fs.PathError{Op: "write", Path: filepath.Dir(path), Err: err}
	}
	if err := syscall.Access(path, rOK|wOK); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// openIsBadInput marks as bad input (exit 2 from the command) what the user
// gave wrong: a --journal path that names something other than a journal
// (ErrNotJournal), or one this user cannot write: permission denied, a
// read-only file system, a path below a regular file. A full disk or an I/O
// error stays a runtime failure.
func openIsBadInput(err error) error {
	for _, bad := range []error{ErrNotJournal, fs.ErrPermission, syscall.EROFS, syscall.ENOTDIR} {
		if errors.Is(err, bad) {
			return badinput.Errorf("%w", err)
		}
	}
	return err
}

func open(ctx context.Context, path string, create bool) (*Journal, error) {
	mode := "rw"
	if create {
		mode = "rwc"
	}
	db, err := sql.Open("sqlite", dsn(path, mode))
	if err != nil {
		return nil, fmt.Errorf("journal: %s: %w", path, err)
	}
	// WAL lets readers (the console's exports, the CLI) run beside the one
	// writer; a few connections keep a slow read from stalling the writer.
	// Every connection gets the DSN's pragmas (foreign keys, busy timeout).
	db.SetMaxOpenConns(4)
	j := &Journal{db: db, path: path}
	if err := j.init(ctx, create); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: %s: %w", path, err)
	}
	return j, nil
}

// notJournal says why the file cannot be read as a journal: ErrNotJournal
// when SQLite finds no database or a corrupt one in it, else err itself. A
// full disk or an I/O error (a crashed run's log that cannot be recovered
// for want of space) is the disk's, not the file's: called "not a kindred
// journal", an operator might delete a good journal of months of care.
func notJournal(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff != sqlite3.SQLITE_NOTADB && se.Code()&0xff != sqlite3.SQLITE_CORRUPT {
		return err
	}
	return fmt.Errorf("%w: %v", ErrNotJournal, err)
}

func (j *Journal) init(ctx context.Context, create bool) error {
	var appID, version int
	if err := j.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return notJournal(err)
	}
	if err := j.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return notJournal(err)
	}
	switch {
	case appID == applicationID && version == schemaVersion:
	case appID == applicationID && version >= 1 && version < schemaVersion:
		if err := j.migrate(ctx, version); err != nil {
			return err
		}
	case appID == applicationID:
		return fmt.Errorf("schema version %d, this build reads up to %d", version, schemaVersion)
	case appID == 0 && create:
		var tables int
		if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&tables); err != nil {
			return notJournal(err)
		}
		if tables > 0 {
			return ErrNotJournal
		}
		if err := j.create(ctx); err != nil {
			return err
		}
	default:
		return ErrNotJournal
	}
	if create {
		var mode string
		if err := j.db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode); err != nil {
			return fmt.Errorf("wal: %w", err)
		}
	}
	return nil
}

// migrate brings a journal of schema version from up to schemaVersion.
func (j *Journal) migrate(ctx context.Context, from int) error {
	for v := from; v < schemaVersion; v++ {
		steps, ok := migrations[v]
		if !ok {
			return fmt.Errorf("schema version %d: no migration to %d", v, v+1)
		}
		tx, err := j.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		for _, q := range append(steps, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				return fmt.Errorf("migrate to %d: %w", v+1, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
	}
	return nil
}

var schema = []string{
	`CREATE TABLE sessions(id TEXT PRIMARY KEY, robot TEXT NOT NULL, condition TEXT NOT NULL,
		seed INTEGER NOT NULL, consent INTEGER NOT NULL, person TEXT NOT NULL,
		started_ns INTEGER NOT NULL, ended_ns INTEGER, status TEXT NOT NULL)`,
	`CREATE TABLE persons(id TEXT PRIMARY KEY, display_name TEXT NOT NULL, baseline BLOB)`,
	`CREATE TABLE assessments(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, score REAL NOT NULL, breathing REAL NOT NULL,
		vocalisation REAL NOT NULL, face REAL NOT NULL, body REAL NOT NULL, consolability REAL NOT NULL,
		pspi REAL NOT NULL, band TEXT NOT NULL, confidence REAL NOT NULL, cues TEXT NOT NULL, present INTEGER NOT NULL,
		says INTEGER, looks REAL)`,
	`CREATE TABLE transitions(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, person TEXT NOT NULL,
		source TEXT NOT NULL DEFAULT '')`,
	`CREATE TABLE utterances(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, intent TEXT NOT NULL, text TEXT NOT NULL,
		lang TEXT NOT NULL, tone TEXT NOT NULL, uid TEXT NOT NULL, pending INTEGER NOT NULL,
		source TEXT NOT NULL DEFAULT '')`,
	`CREATE TABLE poses(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, joints TEXT NOT NULL)`,
	`CREATE TABLE alerts(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, level TEXT NOT NULL, score REAL NOT NULL, reason TEXT NOT NULL)`,
	`CREATE TABLE faults(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, component TEXT NOT NULL, message TEXT NOT NULL)`,
	`CREATE TABLE annotations(session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
		at_ns INTEGER NOT NULL, person TEXT NOT NULL, annotator TEXT NOT NULL, scale TEXT NOT NULL,
		items TEXT NOT NULL, rating REAL NOT NULL, note TEXT NOT NULL)`,
	acknowledgementsTable,
	acknowledgementSource,
	identificationsTable,
	selfReportsTable,
	settingsTable,
	`CREATE INDEX assessments_at ON assessments(session, at_ns)`,
	`CREATE INDEX assessments_person ON assessments(person)`,
	`CREATE INDEX poses_at ON poses(session, at_ns)`,
	`CREATE INDEX annotations_person ON annotations(person)`,
	fmt.Sprintf(`PRAGMA application_id = %d`, applicationID),
	fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
}

// personTables are the tables whose rows name a person.
var personTables = []string{"assessments", "transitions", "utterances", "alerts", "annotations", "acknowledgements",
	"identifications", "self_reports"}

// recordTables are the tables holding session records, in Kinds order.
var recordTables = []string{"settings", "assessments", "transitions", "utterances", "poses", "faults", "annotations", "alerts",
	"acknowledgements", "identifications", "self_reports"}

func (j *Journal) create(ctx context.Context) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range schema {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	return tx.Commit()
}

// Path is the file the journal lives in.
func (j *Journal) Path() string { return j.path }

// Close closes the file.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("journal: close %s: %w", j.path, err)
	}
	return nil
}

func nanos(t time.Time) int64 { return t.UnixNano() }

// Sessions lists every session, newest first.
func (j *Journal) Sessions(ctx context.Context) ([]Session, error) {
	return j.querySessions(ctx, "")
}

// Session returns one session or ErrNoSession.
func (j *Journal) Session(ctx context.Context, id string) (Session, error) {
	found, err := j.querySessions(ctx, "WHERE id = ?", id)
	if err != nil {
		return Session{}, err
	}
	if len(found) == 0 {
		return Session{}, fmt.Errorf("journal: session %q: %w", id, ErrNoSession)
	}
	return found[0], nil
}

// querySessions reads the sessions a WHERE clause selects, newest first.
func (j *Journal) querySessions(ctx context.Context, where string, args ...any) ([]Session, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT id, robot, condition, seed, consent, person, started_ns,
		ended_ns, status, coalesce((SELECT max(at_ns) FROM (
			SELECT max(at_ns) AS at_ns FROM assessments WHERE session = sessions.id
			UNION ALL SELECT max(at_ns) FROM poses WHERE session = sessions.id
			UNION ALL SELECT max(at_ns) FROM transitions WHERE session = sessions.id
			UNION ALL SELECT max(at_ns) FROM utterances WHERE session = sessions.id)), 0)
		FROM sessions `+where+` ORDER BY started_ns DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		var started int64
		var ended sql.NullInt64
		var length int64
		if err := rows.Scan(&s.ID, &s.Robot, &s.Condition, &s.Seed, &s.Consent, &s.Person, &started,
			&ended, &s.Status, &length); err != nil {
			return nil, fmt.Errorf("journal: sessions: %w", err)
		}
		s.Started = time.Unix(0, started).UTC()
		s.SessionTime = time.Duration(length).Seconds()
		if ended.Valid {
			s.Ended = time.Unix(0, ended.Int64).UTC()
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: sessions: %w", err)
	}
	return out, nil
}

// Persons lists the persons the journal knows.
func (j *Journal) Persons(ctx context.Context) ([]Person, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT id, display_name, baseline FROM persons ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("journal: persons: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.DisplayName, &p.Baseline); err != nil {
			return nil, fmt.Errorf("journal: persons: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Records returns a session's records in time order (kinds in Kinds order
// at equal times).
func (j *Journal) Records(ctx context.Context, session string) ([]Record, error) {
	if _, err := j.Session(ctx, session); err != nil {
		return nil, err
	}
	var out []Record
	for _, k := range Kinds {
		recs, err := j.records(ctx, session, k)
		if err != nil {
			return nil, fmt.Errorf("journal: session %s: %s: %w", session, k, err)
		}
		out = append(out, recs...)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Time() < out[b].Time() })
	return out, nil
}

func (j *Journal) records(ctx context.Context, session string, k Kind) ([]Record, error) {
	var q string
	switch k {
	case KindAssessment:
		q = `SELECT at_ns, person, score, breathing, vocalisation, face, body, consolability, pspi, band, confidence, cues, present, says, looks FROM assessments`
	case KindTransition:
		q = `SELECT at_ns, from_state, to_state, reason, person, source FROM transitions`
	case KindUtterance:
		q = `SELECT at_ns, person, intent, text, lang, tone, uid, pending, source FROM utterances`
	case KindPose:
		q = `SELECT at_ns, joints FROM poses`
	case KindFault:
		q = `SELECT at_ns, component, message FROM faults`
	case KindAnnotation:
		q = `SELECT at_ns, person, annotator, scale, items, rating, note FROM annotations`
	case KindAlert:
		q = `SELECT at_ns, person, level, score, reason FROM alerts`
	case KindAcknowledgement:
		q = `SELECT at_ns, by_name, person, alert_level, score, reason, source FROM acknowledgements`
	case KindIdentification:
		q = `SELECT at_ns, person, source FROM identifications`
	case KindSelfReport:
		q = `SELECT at_ns, person, question, outcome, answer_by, attempt, heard, rating, answer, places, confidence, error FROM self_reports`
	case KindSetting:
		q = `SELECT at_ns, key, value, source FROM settings`
	default:
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	rows, err := j.db.QueryContext(ctx, q+` WHERE session = ? ORDER BY at_ns, rowid`, session)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var at int64
		var r Record
		switch k {
		case KindAssessment:
			var a Assessment
			var cues string
			var says sql.NullInt64
			var looks sql.NullFloat64
			err = rows.Scan(&at, &a.Person, &a.Score, &a.Items.Breathing, &a.Items.Vocalisation, &a.Items.Face,
				&a.Items.Body, &a.Items.Consolability, &a.PSPI, &a.Band, &a.Confidence, &cues, &a.Present, &says, &looks)
			if err == nil {
				err = json.Unmarshal([]byte(cues), &a.Cues)
			}
			if says.Valid && looks.Valid {
				s, l := int(says.Int64), looks.Float64
				a.Says, a.Looks = &s, &l
			}
			a.At = time.Duration(at)
			r = a
		case KindTransition:
			var t Transition
			err = rows.Scan(&at, &t.From, &t.To, &t.Reason, &t.Person, &t.Source)
			t.At = time.Duration(at)
			r = t
		case KindUtterance:
			var u Utterance
			err = rows.Scan(&at, &u.Person, &u.Intent, &u.Text, &u.Lang, &u.Tone, &u.ID, &u.Pending, &u.Source)
			u.At = time.Duration(at)
			r = u
		case KindPose:
			var p PoseSample
			var joints string
			err = rows.Scan(&at, &joints)
			if err == nil {
				err = json.Unmarshal([]byte(joints), &p.Joints)
			}
			p.At = time.Duration(at)
			r = p
		case KindFault:
			var f Fault
			err = rows.Scan(&at, &f.Component, &f.Message)
			f.At = time.Duration(at)
			r = f
		case KindAnnotation:
			var a Annotation
			var items string
			err = rows.Scan(&at, &a.Person, &a.Annotator, &a.Scale, &items, &a.Rating, &a.Note)
			if err == nil && items != "" {
				a.Items = new(Items)
				err = json.Unmarshal([]byte(items), a.Items)
			}
			a.At = time.Duration(at)
			r = a
		case KindAlert:
			var a Alert
			err = rows.Scan(&at, &a.Person, &a.Level, &a.Score, &a.Reason)
			a.At = time.Duration(at)
			r = a
		case KindAcknowledgement:
			var a Acknowledgement
			err = rows.Scan(&at, &a.By, &a.Person, &a.AlertLevel, &a.Score, &a.Reason, &a.Source)
			a.At = time.Duration(at)
			r = a
		case KindSetting:
			var v Setting
			err = rows.Scan(&at, &v.Key, &v.Value, &v.Source)
			v.At = time.Duration(at)
			r = v
		case KindIdentification:
			var d Identification
			err = rows.Scan(&at, &d.Person, &d.Source)
			d.At = time.Duration(at)
			r = d
		case KindSelfReport:
			var s SelfReport
			var rating sql.NullInt64
			var places string
			err = rows.Scan(&at, &s.Person, &s.Question, &s.Outcome, &s.AnswerBy, &s.Attempt, &s.Heard, &rating,
				&s.Answer, &places, &s.Confidence, &s.Error)
			if err == nil && rating.Valid {
				v := int(rating.Int64)
				s.Rating = &v
			}
			if err == nil && places != "" {
				err = json.Unmarshal([]byte(places), &s.Places)
			}
			s.At = time.Duration(at)
			r = s
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// execer is what inserts need: a transaction or the database.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertSession(ctx context.Context, x execer, s Session) error {
	if s.Status == "" {
		s.Status = StatusOpen
	}
	var ended any
	if !s.Ended.IsZero() {
		ended = nanos(s.Ended)
	}
	_, err := x.ExecContext(ctx, `INSERT INTO sessions(id, robot, condition, seed, consent, person, started_ns,
		ended_ns, status) VALUES(?,?,?,?,?,?,?,?,?)`, s.ID, s.Robot, s.Condition, s.Seed, s.Consent, s.Person,
		nanos(s.Started), ended, s.Status)
	if err != nil {
		return fmt.Errorf("session %s: %w", s.ID, err)
	}
	return nil
}

func endSession(ctx context.Context, x execer, id string, ended time.Time) error {
	_, err := x.ExecContext(ctx, `UPDATE sessions SET ended_ns = ?, status = ? WHERE id = ?`,
		nanos(ended), StatusComplete, id)
	if err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	return nil
}

func upsertPerson(ctx context.Context, x execer, p Person) error {
	_, err := x.ExecContext(ctx, `INSERT INTO persons(id, display_name, baseline) VALUES(?,?,?)
		ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, baseline = excluded.baseline`,
		p.ID, p.DisplayName, p.Baseline)
	if err != nil {
		return fmt.Errorf("person %s: %w", p.ID, err)
	}
	return nil
}

func insertRecord(ctx context.Context, x execer, session string, r Record) error {
	var err error
	at := int64(r.Time())
	switch v := r.(type) {
	case Assessment:
		cues, _ := json.Marshal(nonNil(v.Cues))
		var says, looks any
		if v.Says != nil && v.Looks != nil {
			says, looks = *v.Says, *v.Looks
		}
		_, err = x.ExecContext(ctx, `INSERT INTO assessments(session, at_ns, person, score, breathing, vocalisation,
			face, body, consolability, pspi, band, confidence, cues, present, says, looks)
			VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, session, at,
			v.Person, v.Score, v.Items.Breathing, v.Items.Vocalisation, v.Items.Face, v.Items.Body,
			v.Items.Consolability, v.PSPI, v.Band, v.Confidence, string(cues), v.Present, says, looks)
	case Transition:
		_, err = x.ExecContext(ctx, `INSERT INTO transitions VALUES(?,?,?,?,?,?,?)`, session, at, v.From, v.To, v.Reason, v.Person,
			v.Source)
	case Utterance:
		_, err = x.ExecContext(ctx, `INSERT INTO utterances VALUES(?,?,?,?,?,?,?,?,?,?)`, session, at, v.Person,
			v.Intent, v.Text, v.Lang, v.Tone, v.ID, v.Pending, v.Source)
	case PoseSample:
		joints, jerr := json.Marshal(v.Joints)
		if jerr != nil {
			return fmt.Errorf("pose: %w", jerr)
		}
		_, err = x.ExecContext(ctx, `INSERT INTO poses VALUES(?,?,?)`, session, at, string(joints))
	case Fault:
		_, err = x.ExecContext(ctx, `INSERT INTO faults VALUES(?,?,?,?)`, session, at, v.Component, v.Message)
	case Annotation:
		items := ""
		if v.Items != nil {
			b, _ := json.Marshal(v.Items)
			items = string(b)
		}
		_, err = x.ExecContext(ctx, `INSERT INTO annotations VALUES(?,?,?,?,?,?,?,?)`, session, at, v.Person,
			v.Annotator, v.Scale, items, v.Rating, v.Note)
	case Alert:
		_, err = x.ExecContext(ctx, `INSERT INTO alerts VALUES(?,?,?,?,?,?)`, session, at, v.Person, v.Level,
			v.Score, v.Reason)
	case Acknowledgement:
		_, err = x.ExecContext(ctx, `INSERT INTO acknowledgements VALUES(?,?,?,?,?,?,?,?)`, session, at, v.By,
			v.Person, v.AlertLevel, v.Score, v.Reason, v.Source)
	case Identification:
		_, err = x.ExecContext(ctx, `INSERT INTO identifications VALUES(?,?,?,?)`, session, at, v.Person, v.Source)
	case Setting:
		_, err = x.ExecContext(ctx, `INSERT INTO settings VALUES(?,?,?,?,?)`, session, at, v.Key, v.Value, v.Source)
	case SelfReport:
		var rating any
		if v.Rating != nil {
			rating = *v.Rating
		}
		places := ""
		if len(v.Places) > 0 {
			b, _ := json.Marshal(v.Places)
			places = string(b)
		}
		_, err = x.ExecContext(ctx, `INSERT INTO self_reports VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`, session, at,
			v.Person, v.Question, v.Outcome, v.AnswerBy, v.Attempt, v.Heard, rating, v.Answer, places, v.Confidence, v.Error)
	default:
		return fmt.Errorf("unknown record %T", r)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", r.Kind(), err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ErrScrubBusy means rows were deleted but other readers kept the WAL from
// being truncated, so copies of the deleted rows may remain in the -wal file
// until a later checkpoint; deleting again when the journal is idle finishes it.
var ErrScrubBusy = errors.New("rows deleted, but a reader kept the write-ahead log in use: copies may remain in the -wal file; delete again when the journal is idle")

// DeletePerson removes every row about a person: the person, the sessions
// that were about them (with everything recorded in them) and, in other
// sessions, every record naming them. Then it scrubs the files (see scrub),
// so the person is not found in them. It returns how many rows went.
func (j *Journal) DeletePerson(ctx context.Context, id string) (int64, error) {
	n, _, err := deletePerson(ctx, j.db, id, nil)
	if err != nil {
		return n, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return n, nil
}

// deletePerson deletes person id's rows and scrubs the files. before, when
// set, runs first in the same transaction (the writer's ops waiting to be
// tried again). committed says whether the deletion, and before, were
// written, even when the scrub after it failed.
func deletePerson(ctx context.Context, db *sql.DB, id string, before func(*sql.Tx) error) (total int64, committed bool, err error) {
	if id == "" {
		return 0, false, errors.New("delete person: empty ID")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("delete person %s: %w", id, err)
	}
	defer tx.Rollback()
	if before != nil {
		if err := before(tx); err != nil {
			return 0, false, fmt.Errorf("delete person %s: %w", id, err)
		}
	}
	total, err = deletePersonRows(ctx, tx, id)
	if err != nil {
		return 0, false, fmt.Errorf("delete person %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("delete person %s: %w", id, err)
	}
	if err := scrub(ctx, db); err != nil {
		return total, true, fmt.Errorf("delete person %s: %w", id, err)
	}
	return total, true, nil
}

// deletePersonRows is the one place that knows which rows are about a
// person; a new table that names people adds its DELETE here. It runs
// inside the caller's transaction and returns how many rows went.
func deletePersonRows(ctx context.Context, x *sql.Tx, id string) (int64, error) {
	// The fleet's pseudonym for them goes too, or the broker's history
	// stays linkable to the person.
	if err := deletePseudonyms(ctx, x, id); err != nil {
		return 0, err
	}
	stmts := []string{`DELETE FROM sessions WHERE person = ?`, `DELETE FROM persons WHERE id = ?`}
	for _, t := range personTables {
		stmts = append(stmts, `DELETE FROM `+t+` WHERE person = ?`)
	}
	var total int64
	for _, s := range stmts {
		res, err := x.ExecContext(ctx, s, id)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	n, err := redactFaults(ctx, x, id)
	return total + n, err
}

// personNamed reports whether any row names person id: a session about
// them, their person row, or a record naming them.
func personNamed(ctx context.Context, db *sql.DB, id string) (bool, error) {
	q := `EXISTS(SELECT 1 FROM sessions WHERE person = ?1) OR EXISTS(SELECT 1 FROM persons WHERE id = ?1)`
	for _, t := range personTables {
		q += ` OR EXISTS(SELECT 1 FROM ` + t + ` WHERE person = ?1)`
	}
	var named bool
	if err := db.QueryRowContext(ctx, `SELECT `+q, id).Scan(&named); err != nil {
		return false, err
	}
	return named, nil
}

// DeletedPerson stands for a deleted person wherever a record that stays
// named them: a fault's message in the journal, an event the console
// still holds.
const DeletedPerson = "(a deleted person)"

// redactFaults takes a deleted person's ID out of the fault messages that
// name it, as a word, and returns how many changed. A fault names no
// person in a column of its own, yet some name one in their text: a
// calibration that cannot be read says "person ada: .../persons/ada.yaml:
// …", and it stayed in the journal after ada was deleted whenever the
// session was about someone else. The fault itself stays: the robot's
// record of what failed.
func redactFaults(ctx context.Context, x *sql.Tx, id string) (int64, error) {
	rows, err := x.QueryContext(ctx, `SELECT rowid, message FROM faults WHERE instr(message, ?) > 0`, id)
	if err != nil {
		return 0, err
	}
	type change struct {
		rowid int64
		msg   string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.rowid, &c.msg); err != nil {
			rows.Close()
			return 0, err
		}
		if m := Redact(c.msg, id); m != c.msg {
			changes = append(changes, change{c.rowid, m})
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, c := range changes {
		if _, err := x.ExecContext(ctx, `UPDATE faults SET message = ? WHERE rowid = ?`, c.msg, c.rowid); err != nil {
			return 0, err
		}
	}
	return int64(len(changes)), nil
}

// Redact replaces each occurrence of id (a deleted person's ID, or their
// name) in s that is a word of its own, not part of a longer name or word
// (the ID "bo" in "body" or "bo-2"), with DeletedPerson: the journal's
// fault messages, and the events a running console holds.
func Redact(s, id string) string {
	if id == "" {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, id)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(id)
		if (i == 0 || !idByte(s[i-1])) && (end == len(s) || !idByte(s[end])) {
			b.WriteString(s[:i])
			b.WriteString(DeletedPerson)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

// Forget is r with who (a deleted person's ID and the names they were
// known by) taken out: a person field naming one of them names nobody, and
// each of them as a word in its text becomes DeletedPerson (Redact). The
// record itself stays: what the robot saw and did goes on being recorded,
// about nobody. Records naming none of who come back unchanged.
func Forget(r Record, who ...string) Record {
	person := func(p *string) {
		if slices.Contains(who, *p) {
			*p = ""
		}
	}
	text := func(ss ...*string) {
		for _, s := range ss {
			for _, w := range who {
				*s = Redact(*s, w)
			}
		}
	}
	switch v := r.(type) {
	case Assessment:
		person(&v.Person)
		return v
	case Transition:
		person(&v.Person)
		text(&v.Reason)
		return v
	case Utterance:
		person(&v.Person)
		text(&v.Text)
		return v
	case Alert:
		person(&v.Person)
		text(&v.Reason)
		return v
	case Acknowledgement:
		person(&v.Person)
		text(&v.Reason)
		return v
	case Identification:
		person(&v.Person)
		return v
	case SelfReport:
		person(&v.Person)
		text(&v.Heard)
		return v
	case Annotation:
		person(&v.Person)
		text(&v.Note)
		return v
	case Fault:
		text(&v.Message)
		return v
	}
	return r
}

// idByte says whether c may continue a person's ID (calibrate person
// makes them of letters, digits, '-' and '_').
func idByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80
}

// scrub makes deleted rows unreadable in the journal's files, not just
// unreachable by queries. secure_delete zeroes them in the pages the delete
// rewrote, but in WAL mode the older copies of those pages stay in the -wal
// file, and freed space in the main file keeps what it held. VACUUM rewrites
// every page of the database from the live rows only (in WAL mode, into the
// log); a TRUNCATE checkpoint then copies those pages over the main file,
// shrinks it, and empties the log to zero bytes
// (https://www.sqlite.org/lang_vacuum.html, https://www.sqlite.org/pragma.html#pragma_wal_checkpoint).
// VACUUM's own scratch copy holds only surviving rows, in a temporary file
// SQLite unlinks as it opens it.
//
// VACUUM needs free disk space about the size of the database; when it
// fails, the checkpoint still runs, and secure_delete has already zeroed
// what this deletion removed.
func scrub(ctx context.Context, db *sql.DB) error {
	var errs []error
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		errs = append(errs, fmt.Errorf("scrub: vacuum: %w", err))
	}
	var busy, logFrames, checkpointed int
	err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("scrub: checkpoint: %w", err))
	case busy != 0:
		errs = append(errs, fmt.Errorf("scrub: %w", ErrScrubBusy))
	}
	return errors.Join(errs...)
}

// DeleteSession removes a session and everything recorded in it, then
// scrubs the files like DeletePerson.
func (j *Journal) DeleteSession(ctx context.Context, id string) error {
	res, err := j.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("journal: delete session %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("journal: session %q: %w", id, ErrNoSession)
	}
	if err := scrub(ctx, j.db); err != nil {
		return fmt.Errorf("journal: delete session %s: %w", id, err)
	}
	return nil
}

// DeleteOlderThan is the retention rule: it removes sessions that started
// more than days before now (open sessions are kept), scrubs the files when
// any went, and returns how many.
func (j *Journal) DeleteOlderThan(ctx context.Context, now time.Time, days int) (int, error) {
	n, err := deleteOlderThan(ctx, j.db, now, days)
	if err != nil {
		return n, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return n, nil
}

func deleteOlderThan(ctx context.Context, db *sql.DB, now time.Time, days int) (int, error) {
	if days <= 0 {
		return 0, fmt.Errorf("retention: days must be positive, not %d", days)
	}
	cut, ok := cutoff(now, days)
	if !ok {
		return 0, nil
	}
	n, err := deleteClosedBefore(ctx, db, cut)
	if err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	if err := scrub(ctx, db); err != nil {
		return int(n), fmt.Errorf("retention: %w", err)
	}
	return int(n), nil
}

// deleteClosedBefore deletes the sessions started before cut that are not
// open (their records go with them, ON DELETE CASCADE), in db or a
// transaction, and says how many.
func deleteClosedBefore(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, cut time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM sessions WHERE started_ns < ? AND status != ?`, nanos(cut), StatusOpen)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// maxRetainDays is the most days a time.Duration holds (about 292 years).
const maxRetainDays = math.MaxInt64 / int64(24*time.Hour)

// cutoff is the time before which a record is more than days old, and
// false when days reach back further than a time.Duration holds: nothing
// recorded is that old. Multiplied out, such a count overflowed to a
// negative duration, a cut in the future, and "--older-than 200000" or
// "retain_days: 200000" deleted every session.
func cutoff(now time.Time, days int) (time.Time, bool) {
	if int64(days) > maxRetainDays {
		return time.Time{}, false
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour), true
}

// retainEvery is how often a running writer applies RetainDays. A robot
// that cares for weeks without a restart would otherwise keep everything
// of its one open session (about 280 MB a day at the default rates, most
// of it poses and assessments) until the disk filled, and keep records of
// people for longer than the care plan's retention allows.
const retainEvery = time.Hour

// trimOlderThan is retention while a run lasts: closed sessions started
// before now minus days are deleted, and so are the records of the open
// session, open (nothing when "") and started at started, whose time is
// before that cut. Records' times are session time, which runs at speed
// session seconds a wall second (0 is 1), so the cut is scaled to it. It does not VACUUM, which would rewrite a file of
// gigabytes and hold the writer for minutes: secure_delete (Open) zeroes
// what is deleted, the pages freed are reused, so the file stops growing,
// and a checkpoint moves the zeroed pages out of the log into the file.
func trimOlderThan(ctx context.Context, db *sql.DB, now time.Time, days int, open string, started time.Time, speed float64) error {
	cut, ok := cutoff(now, days)
	if !ok {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	defer tx.Rollback()
	if _, err := deleteClosedBefore(ctx, tx, cut); err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	if open != "" && started.Before(cut) {
		at := sessionCut(cut.Sub(started), speed)
		for _, t := range recordTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE session = ? AND at_ns < ?`, open, int64(at)); err != nil {
				return fmt.Errorf("retention: %s: %w", t, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("retention: checkpoint: %w", err)
	}
	return nil
}

// sessionCut is the session time reached wall after a session's start at
// speed (0 is 1), held within a Duration. Taken as wall time, it kept a
// run at --speed 20 twenty times longer than its retention, and a slowed
// replay deleted records younger than that.
func sessionCut(wall time.Duration, speed float64) time.Duration {
	if speed <= 0 || math.IsNaN(speed) {
		speed = 1
	}
	if at := float64(wall) * speed; at < math.MaxInt64 {
		return time.Duration(at)
	}
	return math.MaxInt64
}

// DefaultPath is where the journal lives unless --journal says otherwise:
// os.UserConfigDir()/kindred/journal.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	return filepath.Join(dir, "kindred", "journal.db"), nil
}
