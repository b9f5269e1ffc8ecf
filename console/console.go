package console

import (
	"context"
	"crypto/tls"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/refusals"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
)

//go:embed web
var webFS embed.FS

// Status is what GET /api/v1/status answers.
type Status struct {
	Robot      string              `json:"robot"`
	State      string              `json:"state"`
	Person     string              `json:"person"`
	Session    string              `json:"session,omitempty"`
	Paused     bool                `json:"paused"`
	OptedOut   bool                `json:"opted_out"`
	Assessment *journal.Assessment `json:"assessment"`
	Joints     robot.Pose          `json:"joints"`
	// Mirror is the mimicry condition in force (the researcher's, with any
	// supervisor's change), so the page's sliders show it rather than a
	// default; nil when unknown.
	Mirror *Mirror `json:"mirror,omitempty"`
	// Ranges, when given, let the page draw any body's angles to scale;
	// without them it assumes about ±30° around 0.
	Ranges map[robot.JointID]JointRange `json:"ranges,omitempty"`
	// Present is who the robot takes the face in view to be; nil when
	// nobody is in view or the run does not name faces. Residents are the
	// people a carer can name in one click (identify).
	Present   *Present   `json:"present,omitempty"`
	Residents []Resident `json:"residents,omitempty"`
}

// Present is the person the robot assumes it is looking at. The page shows
// Name, never ID as a name: an unknown person's ID is a pseudonym.
type Present struct {
	ID       string `json:"id"`             // a resident's id, or an unknown person's pseudonym
	Name     string `json:"name,omitempty"` // residents only
	Resident bool   `json:"resident"`
	// Calibrated: their own calibrated baseline is in use; false: the
	// population baseline.
	Calibrated bool `json:"calibrated"`
	// Assumed: the robot's assumption (the configured resident, or a
	// stranger), not a carer's word.
	Assumed bool `json:"assumed"`
}

// Resident is someone who lives with the robot (config persons, primary,
// or the session's --person).
type Resident struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Calibrated bool   `json:"calibrated"`
}

// Mirror is the mimicry setting a researcher chose.
type Mirror struct {
	Enabled bool    `json:"enabled"`
	Gain    float64 `json:"gain"`     // 0..1
	DelayMS int64   `json:"delay_ms"` // human-like lag
}

// JointRange is a joint's calibrated range and rest angle.
type JointRange struct {
	Min     robot.Angle `json:"min"`
	Max     robot.Angle `json:"max"`
	Neutral robot.Angle `json:"neutral"`
}

// RangesOf converts a body's joint specs for Status.Ranges.
func RangesOf(specs []robot.JointSpec) map[robot.JointID]JointRange {
	out := make(map[robot.JointID]JointRange, len(specs))
	for _, s := range specs {
		out[s.ID] = JointRange{Min: s.Min, Max: s.Max, Neutral: s.Neutral}
	}
	return out
}

// SessionStore is what the console needs of the journal; *journal.Writer
// provides it during a run.
type SessionStore interface {
	Sessions(ctx context.Context) ([]journal.Session, error)
	Export(ctx context.Context, session string, f journal.Format, w io.Writer) error
	DeletePerson(ctx context.Context, id string) error
}

// Calibrations is the store of persons' calibrations (their voice and face
// baselines); *calibration.PersonStore provides it. Forget removes a
// person's calibration and says whether there was one.
type Calibrations interface {
	Forget(id string) (bool, error)
}

// Opts configure a Console.
type Opts struct {
	Robot string
	// Token guards state-changing requests (and everything off loopback).
	// Empty: LoadToken finds or creates one under TokenDir and, when it is
	// new, prints it once on Notice.
	Token    string
	TokenDir string    // default: os.UserConfigDir()/kindred
	Notice   io.Writer // default: os.Stderr
	// Status reports the robot's current state; nil answers with Robot only.
	Status func() Status
	// Sessions serves the session list, exports and deletion; nil answers 503.
	Sessions SessionStore
	// Calibrations are deleted with the person (DELETE /api/v1/persons/ID),
	// after their journal rows, so that deleting a person leaves no trace
	// of them; nil: there are none to delete.
	Calibrations Calibrations
	// Controls is the capacity of the Controls channel (default 64).
	Controls int
	// Backlog is how many recent events a newly connected page receives
	// (default 600, plus the latest pose); before them it receives the
	// unresolved alerts and an opt-out in force, however old.
	Backlog int
	// ClientBuffer is each stream client's queue (default 256); a slow
	// client misses ordinary events, but an urgent one (an alert, an
	// acknowledgement, an opt-out) that does not fit closes its stream so
	// the page resyncs from the backlog.
	ClientBuffer int
	// Rate and Burst limit requests per client address (defaults 20/s, 40).
	Rate  float64
	Burst float64
	// Logger logs requests that fail; never secrets (default: discard).
	Logger *slog.Logger
	// Now is the console's wall clock (default time.Now): the rate
	// limiter's, and the "wall" time stamped on a streamed event when
	// Clock is not set.
	Now func() time.Time
	// Clock is the run's session clock. When set, each streamed event's
	// "wall" is when it happened: the wall instant of its session time
	// (the clock's origin plus its "at" over the clock's speed), never
	// later than Now when the console had it. Nil: when the console had it.
	Clock *sessiontime.Clock

	// Hosts are the names, besides loopback names and the address a
	// request arrived on, that the console answers to in the Host header
	// (the robot's name on the care home's DNS, say). Any other Host is
	// refused: that is what stops a DNS-rebinding page.
	Hosts []string
	// TLS, when set, makes Serve speak HTTPS. Serve refuses an address
	// beyond loopback without it unless InsecureHTTP is set.
	TLS          *tls.Config
	InsecureHTTP bool
	// The HTTP server's timeouts (defaults 5 s, 30 s, 60 s, 120 s); the
	// stream lifts the read and write deadlines once it is a WebSocket.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConnsPerClient and MaxConns cap the open connections from one
	// remote address and in all (defaults 32 and 256); more are closed at once.
	MaxConnsPerClient, MaxConns int

	// ReportRefusals, when set, is told of the control requests the console
	// refused after the guard let them through: malformed (not a command,
	// too large, not JSON) or not taken (the robot was not reading). The
	// first is reported at once; while more come, at most one call per
	// RefusalEvery (default DefaultRefusalEvery) carries the count since the
	// last call and the latest reason; FlushRefusals reports the rest. Calls
	// come one at a time, from the console's goroutines; it must not block.
	ReportRefusals func(n int, latest string)
	RefusalEvery   time.Duration
	// ReportUnauthorised, when set, is told in the same way, in a stream of
	// its own, of the requests to any endpoint refused for want of access:
	// by the guard, before the handler, 421 (a Host it does not answer to),
	// 429 (rate limited), 403 (cross-origin), 401 (no token, or a wrong
	// one); and 403 when the token is asked for by other than the console
	// page on this machine. The reason is the status, why, the method and
	// path, and the client's address; never the token or the body. An audit
	// trail of refused access that a scan cannot use to hide a malformed
	// command's report.
	ReportUnauthorised func(n int, latest string)
}

// Console serves the page and the API.
type Console struct {
	opts     Opts
	token    string
	controls chan behavior.Command
	hub      *hub
	limiter  *limiter
	rejected atomic.Uint64 // controls refused because the engine was not reading
	newToken bool          // created by this New: Serve shows it once, on loopback only
	hosts    map[string]bool
	conns    connStats
	refusals *refusals.Coalescer // the control handler's refusals
	// unauthorised are the guard's refusals at the control endpoint.
	unauthorised *refusals.Coalescer
}

// New makes a console; it fails when no token can be had.
func New(o Opts) (*Console, error) {
	var newToken bool
	if o.Token == "" {
		tok, created, err := LoadToken(os.Getenv(TokenEnv), o.TokenDir)
		if err != nil {
			return nil, err
		}
		o.Token, newToken = tok, created
	}
	if len(o.Token) < minTokenLen {
		return nil, fmt.Errorf("console: token must be at least %d characters", minTokenLen)
	}
	if o.Controls <= 0 {
		o.Controls = 64
	}
	if o.Backlog <= 0 {
		o.Backlog = 600
	}
	if o.ClientBuffer <= 0 {
		o.ClientBuffer = 256
	}
	if o.Rate <= 0 {
		o.Rate = 20
	}
	if o.Burst <= 0 {
		o.Burst = 40
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Notice == nil {
		o.Notice = os.Stderr
	}
	hosts, err := hostSet(o.Hosts)
	if err != nil {
		return nil, err
	}
	setServerDefaults(&o)
	return &Console{
		opts:     o,
		newToken: newToken,
		hosts:    hosts,
		token:    o.Token,
		controls: make(chan behavior.Command, o.Controls),
		hub:      newHub(o.Backlog, o.ClientBuffer),
		limiter:  newLimiter(o.Rate, o.Burst, o.Now),
		refusals: refusals.New(o.RefusalEvery, o.ReportRefusals),

		unauthorised: refusals.New(o.RefusalEvery, o.ReportUnauthorised),
	}, nil
}

// Controls delivers validated commands to the engine. Commands the engine
// does not take in time are refused with 503, never queued without bound.
func (c *Console) Controls() <-chan behavior.Command { return c.controls }

// Publish sends a record to every connected page without blocking. An
// alert, an acknowledgement or an opt-out is never dropped for a page: a
// page too slow to take it loses its stream and, reconnecting, reads it
// from the backlog, where an unresolved alert and an opt-out in force stay
// however many events follow.
func (c *Console) Publish(r journal.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("console: publish: %w", err)
	}
	c.hub.publish(classify(r, withWall(b, c.wallOf(r))))
	return nil
}

// wallOf is when r happened, on the wall clock: the instant of its session
// time on the run's clock, so a line spoken at 41 s of a run played at
// --speed 10 is stamped 4.1 s after the run began, not when the console
// heard of it (after the line was spoken, or behind a busy stage). Without
// the run's clock, a negative session time, or one the clock has not
// reached when the console has it (an annotation's "at" is the client's
// word), the console's own time stands: an event is never stamped later
// than it was had.
func (c *Console) wallOf(r journal.Record) time.Time {
	had := c.opts.Now()
	clock, at := c.opts.Clock, r.Time()
	if clock == nil || at < 0 {
		return had
	}
	// Compared in session time first, so a huge "at" is never converted
	// to a wall duration (it would overflow).
	if at > clock.Session(had.Sub(clock.Origin())) {
		return had
	}
	if w := clock.WallAt(clock.Origin(), at); w.Before(had) {
		return w
	}
	return had
}

// wallLayout is the stream's "wall" field: UTC to the millisecond, which a
// browser's Date parses.
const wallLayout = "2006-01-02T15:04:05.000Z"

// withWall adds "wall", the wall time t the event happened (wallOf), to
// its JSON object: a record's "at" is session time, which tells a carer
// nothing of the time of day (and runs faster than the clock when a file
// is played at --speed). An event sent later from the backlog keeps it.
func withWall(obj []byte, t time.Time) []byte {
	n := len(obj)
	if n < 2 || obj[0] != '{' || obj[n-1] != '}' {
		return obj
	}
	out := make([]byte, 0, n+32)
	out = append(out, obj[:n-1]...)
	if n > 2 {
		out = append(out, ',')
	}
	out = append(out, `"wall":"`...)
	out = t.UTC().AppendFormat(out, wallLayout)
	return append(out, `"}`...)
}

// Handler is the whole console: page, assets and API. It answers to
// loopback names, Opts.Hosts and the address a request arrived on.
func (c *Console) Handler() http.Handler { return c.handler(nil) }

// handler is Handler, also answering to the names in bind (the host of the
// address Serve listens on, when it is a name).
func (c *Console) handler(bind map[string]bool) http.Handler {
	mux := http.NewServeMux()
	web, _ := fs.Sub(webFS, "web")
	mux.Handle("GET /", http.FileServerFS(web))
	mux.HandleFunc("GET /api/v1/status", c.status)
	mux.HandleFunc("GET "+streamPath, c.stream)
	mux.HandleFunc("POST /api/v1/control", c.control)
	mux.HandleFunc("GET /api/v1/sessions", c.sessions)
	mux.HandleFunc("GET /api/v1/sessions/{id}/export", c.export)
	mux.HandleFunc("DELETE /api/v1/persons/{id}", c.deletePerson)
	mux.HandleFunc("GET /api/v1/session-token", c.sessionToken)
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	return c.guard(mux, bind)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (c *Console) status(w http.ResponseWriter, r *http.Request) {
	st := Status{Robot: c.opts.Robot}
	if c.opts.Status != nil {
		st = c.opts.Status()
		if st.Robot == "" {
			st.Robot = c.opts.Robot
		}
	}
	if !c.authorized(r) {
		// Without the token (the guard lets that through on loopback only)
		// the robot's name and state, nothing about the person: not who,
		// not their pain, not the face that mirrors theirs.
		st = Status{Robot: st.Robot, State: st.State, Paused: st.Paused, OptedOut: st.OptedOut}
	}
	writeJSON(w, http.StatusOK, st)
}

// maxControlBody bounds a control request; the longest legal one is a few hundred bytes.
const maxControlBody = 8 << 10

func (c *Console) control(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		c.refuse(w, http.StatusUnsupportedMediaType, "control: Content-Type must be application/json")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxControlBody))
	if err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			c.refuse(w, http.StatusRequestEntityTooLarge, "control: body too large")
			return
		}
		// The client stopped sending, or took too long: not too large.
		c.refuse(w, http.StatusBadRequest, "control: cannot read the body")
		return
	}
	ctl, err := journal.ParseControl(body)
	if err != nil {
		c.refuse(w, http.StatusBadRequest, err.Error())
		return
	}
	select {
	case c.controls <- ctl:
		writeJSON(w, http.StatusAccepted, map[string]string{"accepted": string(ctl.Cmd)})
	default:
		c.rejected.Add(1)
		c.refuse(w, http.StatusServiceUnavailable, "control: the robot is not taking commands right now")
	}
}

// refuse answers a control request the robot will not act on and counts
// it for Opts.ReportRefusals: every refused command is a recorded fault,
// coalesced so a flood cannot flood the record.
func (c *Console) refuse(w http.ResponseWriter, code int, reason string) {
	c.refusals.Note(reason)
	writeError(w, code, reason)
}

func (c *Console) sessions(w http.ResponseWriter, r *http.Request) {
	if c.opts.Sessions == nil {
		writeError(w, http.StatusServiceUnavailable, "no journal")
		return
	}
	list, err := c.opts.Sessions.Sessions(r.Context())
	if err != nil {
		c.opts.Logger.Warn("sessions", "err", err)
		writeError(w, http.StatusInternalServerError, "sessions: cannot read the journal")
		return
	}
	if list == nil {
		list = []journal.Session{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (c *Console) export(w http.ResponseWriter, r *http.Request) {
	if c.opts.Sessions == nil {
		writeError(w, http.StatusServiceUnavailable, "no journal")
		return
	}
	f, err := journal.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	id := r.PathValue("id")
	// Buffer so a missing session is a clean 404, not a half-written 200.
	var buf strings.Builder
	if err := c.opts.Sessions.Export(r.Context(), id, f, &buf); err != nil {
		if errors.Is(err, journal.ErrNoSession) {
			writeError(w, http.StatusNotFound, "no such session")
			return
		}
		c.opts.Logger.Warn("export", "session", id, "err", err)
		writeError(w, http.StatusInternalServerError, "export failed")
		return
	}
	ctype := "text/csv; charset=utf-8"
	if f == journal.FormatJSONL {
		ctype = "application/x-ndjson"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", safeName(id)+"."+string(f)))
	io.WriteString(w, buf.String())
}

// named is how the console's events may name a person: their id, and
// their name when the status has it (a resident's).
func (c *Console) named(id string) []string {
	who := []string{id}
	if c.opts.Status != nil {
		st := c.opts.Status()
		for _, r := range st.Residents {
			if r.ID == id {
				who = withName(who, r.Name)
			}
		}
		if p := st.Present; p != nil && p.ID == id {
			who = withName(who, p.Name)
		}
	}
	return who
}

// withName is who with name added, unless it is empty or already there.
func withName(who []string, name string) []string {
	if name == "" || slices.Contains(who, name) {
		return who
	}
	return append(who, name)
}

// Forget takes a person deleted while the console runs other than through
// it (by another process, which the run's journal finds), id and the names
// they were known by, out of the events it holds and the pages open, as a
// deletion through the console does.
func (c *Console) Forget(id string, names ...string) {
	who := c.named(id)
	for _, n := range names {
		who = withName(who, n)
	}
	c.forget(who)
}

// forget takes a person just deleted, who (named), out of the events the
// console holds and the pages open (hub.forget).
func (c *Console) forget(who []string) {
	msg, err := json.Marshal(map[string]any{"type": "forgotten", "person": who[0], "names": who[1:],
		"as": journal.DeletedPerson})
	if err != nil {
		return // strings and a slice of them always marshal
	}
	c.hub.forget(msg, who...)
}

// safeName keeps a file name to harmless characters.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func (c *Console) deletePerson(w http.ResponseWriter, r *http.Request) {
	if c.opts.Sessions == nil {
		writeError(w, http.StatusServiceUnavailable, "no journal")
		return
	}
	id := r.PathValue("id")
	who := c.named(id) // before the delete, after which the robot may no longer name them
	if err := c.opts.Sessions.DeletePerson(r.Context(), id); err != nil {
		c.opts.Logger.Warn("delete person", "err", err)
		writeError(w, http.StatusInternalServerError, "delete failed")
		return
	}
	c.forget(who)
	calibrated := false
	if c.opts.Calibrations != nil {
		var err error
		if calibrated, err = c.opts.Calibrations.Forget(id); err != nil {
			c.opts.Logger.Warn("delete person's calibration", "err", err)
			writeError(w, http.StatusInternalServerError, "records deleted; calibration delete failed")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": id, "calibration_deleted": calibrated})
}
