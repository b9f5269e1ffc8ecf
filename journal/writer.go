package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

// WriterOpts tune a Writer.
type WriterOpts struct {
	Queue int // bounded queue length; Submit drops when full
	// Hold bounds the urgent records (alerts, opt-outs) kept aside when
	// the queue is full, to be written in order once the writer drains;
	// beyond it they are dropped too (counted, and reported once).
	Hold            int
	CommitEvery     time.Duration // a batch is committed at least this often (wall clock)
	BatchMax        int           // ... or as soon as it holds this many records
	AssessmentEvery time.Duration // downsampling by observation time, per person; 0 keeps all
	PoseEvery       time.Duration // downsampling by observation time; 0 keeps all
	// RetainDays, when > 0, bounds how long records are kept: sessions
	// older than this are deleted as Run starts (and the files scrubbed),
	// and every retainEvery while it runs, closed sessions that have grown
	// older since and the records of the open session older than this are
	// deleted too (see trimOlderThan).
	RetainDays int
	// Speed is the session seconds a wall second holds: records carry
	// session time, so at --speed 20 a record of a day ago is 20 session
	// days into its session. 0 means 1 (real time).
	Speed float64
	// Report is told about the first write failure (disk full, I/O error);
	// later ones are only counted, so a full disk does not flood the log.
	// It is also told, once, when an urgent record is lost because the
	// holding list was full, and, as Run ends, how many records were not
	// written (failed, dropped, no session) when any were not. Run's goroutine calls it, holding no lock, so
	// it may Submit.
	Report func(error)
	// Now gives the wall-clock time for session start and end stamps.
	Now func() time.Time
	// Forgotten, when set, is told of a person deleted while Run runs:
	// through DeletePerson (elsewhere false), or by another process (a
	// carer's `kindred sessions delete --person`, cron) that took the open
	// session's row with the person it was about, which Run finds as its
	// next batch fails the session's foreign key (elsewhere true). The
	// run's other holders of the person forget them; it returns the names
	// they were known by, which, with the ID, Run takes out of the records
	// queued before they forgot (Forget). Run's goroutine calls it, holding
	// no lock, before DeletePerson returns: it may Submit, and must not
	// wait for the writer.
	Forgotten func(id string, elsewhere bool) (names []string)
	// Session, when set, is begun as Run starts, before any queued record,
	// so records submitted before Run runs are not lost for want of a
	// session. Its ID and start are filled in when empty (see SessionID).
	Session *Session
}

// DefaultWriterOpts: 2 Hz assessments, 5 Hz poses, commits every 500 ms,
// up to 1024 urgent records held beyond a full queue.
func DefaultWriterOpts() WriterOpts {
	return WriterOpts{Queue: 4096, Hold: 1024, CommitEvery: 500 * time.Millisecond, BatchMax: 512,
		AssessmentEvery: 500 * time.Millisecond, PoseEvery: 200 * time.Millisecond, Now: time.Now}
}

// WriterStats counts what happened to submitted records. Every submitted
// record is counted once in Written, Dropped, Downsample, Failed or
// NoSession; Held and UrgentDropped count some of them again.
type WriterStats struct {
	Written    uint64 `json:"written"`     // committed to disk
	Dropped    uint64 `json:"dropped"`     // queue full (or urgent records held behind it), or writer stopped: never reached the writer
	Downsample uint64 `json:"downsampled"` // skipped by design (rate limits)
	Failed     uint64 `json:"failed"`      // lost to a write failure
	NoSession  uint64 `json:"no_session"`  // arrived when no session was open
	// Held: urgent records (alerts, opt-outs) that found the queue full and
	// were held, then taken in order; each also counts where it ended
	// (written, failed, no session).
	Held uint64 `json:"held"`
	// UrgentDropped: urgent records dropped all the same, because the
	// holding list was full or the writer had stopped; each also counts in
	// Dropped.
	UrgentDropped uint64 `json:"urgent_dropped"`
}

// op is one item on the writer's queue.
type op struct {
	rec     Record
	begin   *Session
	end     bool
	person  *Person
	delete  string // person ID to delete
	flushed chan error
	session string // set by Run: the session a record or end belongs to
	subject string // set by Run: the person a session turned out to be about
}

// Writer is the journal's only writing goroutine during a run.
type Writer struct {
	j     *Journal
	opts  WriterOpts
	queue chan op

	// stopping is closed when Run stops taking ops; stopped is then set
	// under the write lock. Putting an op on the queue holds the read
	// lock, so once Run has the write lock no op can arrive behind its
	// last drain of the queue, uncounted and never written.
	stopping chan struct{}
	stopOnce sync.Once
	mu       sync.RWMutex
	stopped  bool

	// holding keeps, in order, what came while the queue was full: urgent
	// records and the ops of Begin, End, Person, Flush and DeletePerson.
	// While it is not empty nothing is put on the queue, so once Run has
	// emptied the queue, holding is next in order (see takeHeld). taken is
	// closed, and replaced, each time Run takes it; kick wakes Run.
	holdMu  sync.Mutex
	holding []op
	taken   chan struct{}
	kick    chan struct{}

	written, dropped, downsampled, failed, noSession atomic.Uint64
	held, urgentDropped                              atomic.Uint64
}

// NewWriter makes a writer; start it with Run.
func (j *Journal) NewWriter(opts WriterOpts) *Writer {
	d := DefaultWriterOpts()
	if opts.Queue <= 0 {
		opts.Queue = d.Queue
	}
	if opts.CommitEvery <= 0 {
		opts.CommitEvery = d.CommitEvery
	}
	if opts.BatchMax <= 0 {
		opts.BatchMax = d.BatchMax
	}
	if opts.Hold <= 0 {
		opts.Hold = d.Hold
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Session != nil {
		s := *opts.Session
		if s.Started.IsZero() {
			s.Started = opts.Now()
		}
		if s.ID == "" {
			s.ID = NewSessionID(s.Started)
		}
		s.Status, s.Ended = StatusOpen, time.Time{}
		opts.Session = &s
	}
	return &Writer{j: j, opts: opts, queue: make(chan op, opts.Queue), stopping: make(chan struct{}),
		taken: make(chan struct{}), kick: make(chan struct{}, 1)}
}

// SessionID is the ID of WriterOpts.Session ("" when none was given).
func (w *Writer) SessionID() string {
	if w.opts.Session == nil {
		return ""
	}
	return w.opts.Session.ID
}

// Journal is the journal the writer writes to (for reads).
func (w *Writer) Journal() *Journal { return w.j }

// Submit queues a record for the current session without blocking; it
// returns false (and counts a drop) when the queue is full or Run has
// stopped. An urgent record (an alert, an opt-out) that finds the queue
// full is held instead, up to WriterOpts.Hold, and written in order once
// the writer has taken what was queued before it; while any is held,
// ordinary records are dropped, so none overtakes it.
func (w *Writer) Submit(r Record) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	urgent := committedAtOnce(r)
	if !w.stopped {
		switch res, _ := w.put(op{rec: r}, urgent); res {
		case queued:
			return true
		case held:
			w.held.Add(1)
			return true
		}
	}
	w.dropped.Add(1)
	if urgent {
		w.urgentDropped.Add(1)
		w.wake() // Run reports the loss
	}
	return false
}

type putResult int

const (
	queued putResult = iota
	held
	full
)

// put queues o, or holds it when the queue is full (or others are held)
// and mayHold, while the holding list has room. When it returns full, taken
// is closed once Run has taken the holding list. The caller holds w.mu's
// read lock and has seen that the writer has not stopped.
func (w *Writer) put(o op, mayHold bool) (res putResult, taken <-chan struct{}) {
	w.holdMu.Lock()
	defer w.holdMu.Unlock()
	if len(w.holding) == 0 {
		select {
		case w.queue <- o:
			return queued, nil
		default:
		}
	}
	if !mayHold || len(w.holding) >= w.opts.Hold {
		return full, w.taken
	}
	w.holding = append(w.holding, o)
	w.wake()
	return held, nil
}

// wake tells Run to look at the holding list (and at losses to report).
func (w *Writer) wake() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// ErrWriterStopped is returned by calls that need the writer after its Run
// has ended.
var ErrWriterStopped = errors.New("journal: writer stopped")

func (w *Writer) send(ctx context.Context, o op) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.stopped {
		return ErrWriterStopped
	}
	for {
		// Held when the queue is full, so it stays in order with urgent
		// records held before it (an End must not overtake an alert).
		res, taken := w.put(o, true)
		if res != full {
			return nil
		}
		select {
		case <-taken:
		case <-w.stopping:
			return ErrWriterStopped
		case <-ctx.Done():
			return fmt.Errorf("journal: %w", ctx.Err())
		}
	}
}

// stop makes the writer take no more ops; Run calls it once ctx ends, then
// drains the queue and the holding list. A send waiting for room gives up
// on stopping, so the write lock is never held up by a full queue.
func (w *Writer) stop() {
	w.stopOnce.Do(func() { close(w.stopping) })
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

// Begin starts a session; records submitted after it belong to it. An ID,
// start time and status are filled in when empty. It waits for room (in
// the queue, or in the holding list when the queue is full), not for the
// disk.
func (w *Writer) Begin(ctx context.Context, s Session) (Session, error) {
	if s.Started.IsZero() {
		s.Started = w.opts.Now()
	}
	if s.ID == "" {
		s.ID = NewSessionID(s.Started)
	}
	s.Status, s.Ended = StatusOpen, time.Time{}
	return s, w.send(ctx, op{begin: &s})
}

// End ends the current session normally.
func (w *Writer) End(ctx context.Context) error { return w.send(ctx, op{end: true}) }

// Person records or updates a person.
func (w *Writer) Person(ctx context.Context, p Person) error { return w.send(ctx, op{person: &p}) }

// DeletePerson removes every row about a person, in order with the records
// queued before it, and waits until it is done.
func (w *Writer) DeletePerson(ctx context.Context, id string) error {
	done := make(chan error, 1)
	if err := w.send(ctx, op{delete: id, flushed: done}); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("journal: delete person: %w", ctx.Err())
	}
}

// Flush waits until everything queued before it is committed.
func (w *Writer) Flush(ctx context.Context) error {
	done := make(chan error, 1)
	if err := w.send(ctx, op{flushed: done}); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("journal: flush: %w", ctx.Err())
	}
}

// Stats reports the counters; safe from any goroutine.
func (w *Writer) Stats() WriterStats {
	return WriterStats{Written: w.written.Load(), Dropped: w.dropped.Load(),
		Downsample: w.downsampled.Load(), Failed: w.failed.Load(), NoSession: w.noSession.Load(),
		Held: w.held.Load(), UrgentDropped: w.urgentDropped.Load()}
}

// runState is owned by Run's goroutine.
type runState struct {
	session string
	started time.Time // the open session's start
	open    Session   // the open session as begun, to begin again if a deletion takes it
	person  string    // the person the open session is about, once known
	// forget are a deleted person's ID and names, while Run takes them out
	// of the records queued before the run forgot them (forgetQueued).
	forget   []string
	batch    []op
	records  int
	lastAsmt map[string]assessMark
	lastPose time.Duration
	havePose bool
	reported bool
	lostTold bool // the loss of an urgent record has been reported
}

type assessMark struct {
	at   time.Duration
	band string
}

// maxAssessMarks bounds the downsampling marks kept: one per person, and
// in a run of days every visitor's face is a new person. Past it, the
// marks of people not assessed within AssessmentEvery go; forgetting one
// changes nothing, since their next assessment would be kept anyway.
const maxAssessMarks = 256

// Run writes until ctx ends, then commits what is queued and, when a session
// is still open, ends it normally. Write failures do not stop it.
func (w *Writer) Run(ctx context.Context) error {
	st := &runState{lastAsmt: map[string]assessMark{}}
	var retain <-chan time.Time
	if w.opts.RetainDays > 0 {
		if _, err := deleteOlderThan(context.WithoutCancel(ctx), w.j.db, w.opts.Now(), w.opts.RetainDays); err != nil {
			w.fail(st, err, 0)
		}
		t := time.NewTicker(retainEvery)
		defer t.Stop()
		retain = t.C
	}
	tick := time.NewTicker(w.opts.CommitEvery)
	defer tick.Stop()
	bg := context.WithoutCancel(ctx)
	if w.opts.Session != nil {
		w.take(bg, st, op{begin: w.opts.Session})
	}
	for {
		select {
		case o := <-w.queue:
			w.take(bg, st, o)
		case <-w.kick:
		case <-tick.C:
			w.commit(bg, st)
		case <-retain:
			w.commit(bg, st)
			if err := trimOlderThan(bg, w.j.db, w.opts.Now(), w.opts.RetainDays, st.session, st.started, w.opts.Speed); err != nil {
				w.fail(st, err, 0)
			}
		case <-ctx.Done():
			w.stop()
			for {
				select {
				case o := <-w.queue:
					w.take(bg, st, o)
					continue
				default:
				}
				if !w.takeHeld(bg, st) {
					break
				}
			}
			if st.session != "" {
				w.take(bg, st, op{end: true})
			}
			w.commit(bg, st)
			w.reportLoss(st)
			w.reportUnwritten()
			return nil
		}
		w.takeHeld(bg, st)
		w.reportLoss(st)
	}
}

// takeHeld takes the holding list once the queue is empty: nothing is put
// on the queue while the list is not empty, so the ops in it come next.
// It reports whether it took any.
func (w *Writer) takeHeld(ctx context.Context, st *runState) bool {
	if len(w.queue) > 0 {
		return false
	}
	w.holdMu.Lock()
	if len(w.queue) > 0 || len(w.holding) == 0 {
		w.holdMu.Unlock()
		return false
	}
	ops := w.holding
	w.holding = nil
	close(w.taken)
	w.taken = make(chan struct{})
	w.holdMu.Unlock()
	for _, o := range ops {
		w.take(ctx, st, o)
	}
	return true
}

// reportLoss tells Report, once, that urgent records were lost.
func (w *Writer) reportLoss(st *runState) {
	n := w.urgentDropped.Load()
	if n == 0 || st.lostTold || w.opts.Report == nil {
		return
	}
	st.lostTold = true
	w.opts.Report(fmt.Errorf("journal: %s: %d alert or opt-out records lost: the queue was full and %d urgent records were already held", w.j.path, n, w.opts.Hold))
}

// reportUnwritten tells Report, as Run ends, how many of the run's records
// were not written: lost to write failures, dropped (the queue was full, or
// they came after the writer stopped), or come with no session open. The
// first failure was told as it happened; this is the count, so no record
// is lost in silence. Downsampled records are left out by design.
func (w *Writer) reportUnwritten() {
	failed, dropped, none := w.failed.Load(), w.dropped.Load(), w.noSession.Load()
	if failed+dropped+none == 0 || w.opts.Report == nil {
		return
	}
	var why []string
	for _, c := range []struct {
		n    uint64
		what string
	}{{failed, "lost to write failures"}, {dropped, "dropped: the queue was full or the writer had stopped"},
		{none, "with no session open"}} {
		if c.n > 0 {
			why = append(why, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	w.opts.Report(fmt.Errorf("journal: %s: %d record(s) not written this run (%s)", w.j.path, failed+dropped+none,
		strings.Join(why, "; ")))
}

func (w *Writer) take(ctx context.Context, st *runState, o op) {
	switch {
	case o.rec != nil:
		if st.session == "" {
			w.noSession.Add(1)
			return
		}
		if !w.keep(st, o.rec) {
			w.downsampled.Add(1)
			return
		}
		if st.forget != nil {
			o.rec = Forget(o.rec, st.forget...)
		}
		if p := personOf(o.rec); p != "" && st.person == "" {
			// A session begun before anyone was recognised is about the
			// first person seen, so deleting them deletes it.
			st.person = p
			st.batch = append(st.batch, op{session: st.session, subject: p})
		}
		st.records++
	case o.begin != nil:
		if st.session != "" {
			st.batch = append(st.batch, w.stamp(st, op{end: true}))
		}
		st.session, st.started, st.open = o.begin.ID, o.begin.Started, *o.begin
		st.person = o.begin.Person
		clear(st.lastAsmt)
		st.havePose = false
	case o.end:
		if st.session == "" {
			return
		}
	case o.delete != "":
		w.commit(ctx, st)
		// What a failed batch left to be tried again goes in the deletion's
		// transaction, before it: written after it, it would bring back the
		// row of a session about the person just deleted.
		waiting := st.batch
		_, committed, err := deletePerson(ctx, w.j.db, o.delete, func(tx *sql.Tx) error { return w.applyIn(ctx, tx, waiting) })
		if committed {
			st.batch = st.batch[:0:0]
			delete(st.lastAsmt, o.delete)
			w.reopen(ctx, st)
		}
		if err != nil {
			err = fmt.Errorf("journal: %w", err)
		}
		if committed {
			// Told before DeletePerson returns: once it has, the run
			// records nothing more naming them.
			w.forgotten(ctx, st, o.delete)
		}
		o.flushed <- err
		return
	case o.flushed != nil:
		o.flushed <- w.commit(ctx, st)
		return
	}
	st.batch = append(st.batch, w.stamp(st, o))
	if o.end {
		st.session = ""
	}
	if st.records >= w.opts.BatchMax || (o.rec != nil && committedAtOnce(o.rec)) {
		w.commit(ctx, st)
	}
}

// reopen begins the open session again, under its ID and with no person,
// when a deletion has just taken its row (the session was about the person
// deleted): every later record of the run names that session, and without
// its row each failed its foreign key, so a carer deleting the resident
// while the robot ran lost the rest of the run's record, alerts about
// anyone included. The person it is about is learnt again from the next
// record that names one, as for a session begun before anyone was seen.
func (w *Writer) reopen(ctx context.Context, st *runState) {
	if st.session == "" || !w.sessionGone(ctx, st.session) {
		return // still there; or unknown, and the next batch says why if it fails
	}
	st.batch = append(st.batch, op{begin: st.beginAgain()})
}

// sessionGone reports whether session id's row is no longer in the journal
// (a deletion took it); one that cannot be read is not said gone.
func (w *Writer) sessionGone(ctx context.Context, id string) bool {
	var n int
	err := w.j.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE id = ?`, id).Scan(&n)
	return err == nil && n == 0
}

// beginAgain is the open session begun again after a deletion took its
// row: under its ID and start, open, about nobody; the person it is about
// is learnt again from the next record naming one.
func (st *runState) beginAgain() *Session {
	s := st.open
	s.Person, s.Status, s.Ended = "", StatusOpen, time.Time{}
	st.person = ""
	return &s
}

// committedAtOnce says which records do not wait for the next batch: an
// alert asks a carer to look, and an opt-out is a person withdrawing
// consent; losing either to a crash in the batch window is worse than one
// small transaction each (they are rare). Whatever is queued before them is
// committed with them, in order.
func committedAtOnce(r Record) bool {
	switch v := r.(type) {
	case Alert:
		return true
	case Transition:
		return v.To == string(behavior.StateOptedOut)
	}
	return false
}

// stamp binds a record op to the session it arrived in.
func (w *Writer) stamp(st *runState, o op) op {
	if o.rec != nil || o.end {
		o.session = st.session
	}
	return o
}

// keep applies downsampling by observation time: at most one assessment
// per AssessmentEvery per person (band changes always kept), one pose per
// PoseEvery; time going backwards (a new media file) restarts the clock.
func (w *Writer) keep(st *runState, r Record) bool {
	switch v := r.(type) {
	case Assessment:
		last, ok := st.lastAsmt[v.Person]
		if ok && v.At >= last.at && v.At-last.at < w.opts.AssessmentEvery && string(v.Band) == last.band {
			return false
		}
		if !ok && len(st.lastAsmt) >= maxAssessMarks {
			maps.DeleteFunc(st.lastAsmt, func(_ string, m assessMark) bool {
				return v.At < m.at || v.At-m.at >= w.opts.AssessmentEvery
			})
		}
		st.lastAsmt[v.Person] = assessMark{v.At, string(v.Band)}
	case PoseSample:
		if st.havePose && v.At >= st.lastPose && v.At-st.lastPose < w.opts.PoseEvery {
			return false
		}
		st.lastPose, st.havePose = v.At, true
	}
	return true
}

func (w *Writer) commit(ctx context.Context, st *runState) error {
	if len(st.batch) == 0 {
		return nil
	}
	batch, n := st.batch, st.records
	st.batch, st.records = st.batch[:0:0], 0
	err := w.apply(ctx, batch)
	var who []string // a person deleted with the session, and their names
	if err != nil && w.sessionTaken(ctx, st, batch) {
		// Another process deleted the open session: the rest of the run
		// is recorded all the same, about nobody (reopen), and when its
		// person went with it the run forgets them as if they had been
		// deleted through DeletePerson.
		if id := w.deletedWith(ctx, st, batch); id != "" {
			who = w.namesOf(id, true)
			delete(st.lastAsmt, id)
		}
		batch = w.resumed(st, batch, who)
		err = w.apply(ctx, batch)
	}
	if err != nil {
		w.fail(st, err, n)
		st.batch = sessionOps(batch)
		return err
	}
	w.written.Add(uint64(n))
	if who != nil {
		w.forgetQueued(ctx, st, who)
	}
	return nil
}

// sessionTaken reports whether the open session's row is gone although
// it was written: batch failed, does not begin the session itself (a
// begin kept from a batch a full disk failed), and the row is not there.
// Only another process deletes it: this writer's own deletions begin it
// again at once (reopen).
func (w *Writer) sessionTaken(ctx context.Context, st *runState, batch []op) bool {
	if st.open.ID == "" {
		return false
	}
	for _, o := range batch {
		if o.begin != nil && o.begin.ID == st.open.ID {
			return false
		}
	}
	return w.sessionGone(ctx, st.open.ID)
}

// deletedWith is the person deleted with the open session, or "" when it
// was deleted as a session (`sessions delete --session`, retention) or was
// about nobody: the person the session was written about, if no row in
// the journal names them any more. A person the batch named as its
// subject is not: the row deleted named nobody.
func (w *Writer) deletedWith(ctx context.Context, st *runState, batch []op) string {
	if st.person == "" {
		return ""
	}
	for _, o := range batch {
		if o.subject != "" {
			return ""
		}
	}
	named, err := personNamed(ctx, w.j.db, st.person)
	if err != nil || named {
		return ""
	}
	return st.person
}

// resumed is a batch the deletion of the open session failed, to be
// written again: the session begun again about nobody, then batch's ops
// with the deleted person's ID and names (who; none when only the session
// was deleted) taken out of its records, and the session's person learnt
// again from the first record left naming one.
func (w *Writer) resumed(st *runState, batch []op, who []string) []op {
	s := st.beginAgain()
	out := []op{{begin: s}}
	for _, o := range batch {
		switch {
		case o.subject != "" && o.session == s.ID:
			continue // learnt again below
		case o.rec != nil && o.session == s.ID:
			if who != nil {
				o.rec = Forget(o.rec, who...)
			}
			if p := personOf(o.rec); p != "" && st.person == "" {
				st.person = p
				out = append(out, op{session: s.ID, subject: p})
			}
		}
		out = append(out, o)
	}
	return out
}

// namesOf tells Forgotten of person id and is the ID with the names it
// returns.
func (w *Writer) namesOf(id string, elsewhere bool) []string {
	who := []string{id}
	if w.opts.Forgotten != nil {
		for _, n := range w.opts.Forgotten(id, elsewhere) {
			if n != "" && !slices.Contains(who, n) {
				who = append(who, n)
			}
		}
	}
	return who
}

// forgotten tells the run that person id was deleted through DeletePerson
// and takes them out of the records queued meanwhile.
func (w *Writer) forgotten(ctx context.Context, st *runState, id string) {
	w.forgetQueued(ctx, st, w.namesOf(id, false))
}

// forgetQueued takes what is queued now, with who (a deleted person's ID
// and names) taken out of its records: they were submitted before the run
// forgot the person, some naming them, and written as they were they would
// record them again after their deletion. What is submitted once the run
// has forgotten them names them no more.
func (w *Writer) forgetQueued(ctx context.Context, st *runState, who []string) {
	prev := st.forget
	st.forget = append(slices.Clip(prev), who...)
	defer func() { st.forget = prev }()
	for {
		select {
		case o := <-w.queue:
			w.take(ctx, st, o)
			continue
		default:
		}
		if !w.takeHeld(ctx, st) {
			return
		}
	}
}

// sessionOps keeps, in order, what a failed batch did to sessions and
// persons (a begin, the session's subject, an end, a person), to be tried
// again with the next batch; its records are lost and counted. The batch's
// transaction was rolled back, so none of them was written, and without the
// session's row every record after it would fail its reference to the
// session: a disk full at the run's first commit would lose the whole run,
// days of it, even once there was room again.
func sessionOps(batch []op) []op {
	var keep []op
	for _, o := range batch {
		if o.rec == nil {
			keep = append(keep, o)
		}
	}
	return keep
}

func (w *Writer) apply(ctx context.Context, batch []op) error {
	tx, err := w.j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal: %s: begin: %w", w.j.path, err)
	}
	defer tx.Rollback()
	if err := w.applyIn(ctx, tx, batch); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal: %s: commit: %w", w.j.path, err)
	}
	return nil
}

// applyIn writes batch's ops in tx, in order.
func (w *Writer) applyIn(ctx context.Context, tx *sql.Tx, batch []op) error {
	var err error
	now := w.opts.Now()
	for _, o := range batch {
		switch {
		case o.rec != nil:
			err = insertRecord(ctx, tx, o.session, o.rec)
		case o.begin != nil:
			err = insertSession(ctx, tx, *o.begin)
		case o.end:
			err = endSession(ctx, tx, o.session, now)
		case o.person != nil:
			err = upsertPerson(ctx, tx, *o.person)
		case o.subject != "":
			_, err = tx.ExecContext(ctx, `UPDATE sessions SET person = ? WHERE id = ? AND person = ''`, o.subject, o.session)
		}
		if err != nil {
			return fmt.Errorf("journal: %s: %w", w.j.path, err)
		}
	}
	return nil
}

func (w *Writer) fail(st *runState, err error, lost int) {
	w.failed.Add(uint64(lost))
	if !st.reported && w.opts.Report != nil && !errors.Is(err, context.Canceled) {
		st.reported = true
		w.opts.Report(fmt.Errorf("%w (the robot keeps caring; records are being lost, and counted as the run ends)", err))
	}
}

// Sessions lists the journal's sessions (reads do not go through the queue).
func (w *Writer) Sessions(ctx context.Context) ([]Session, error) { return w.j.Sessions(ctx) }

// Export exports a session as committed so far (at most CommitEvery behind).
func (w *Writer) Export(ctx context.Context, session string, f Format, out io.Writer) error {
	return w.j.Export(ctx, session, f, out)
}

// personOf is the person a record is about, if any.
func personOf(r Record) string {
	switch v := r.(type) {
	case Assessment:
		return v.Person
	case Transition:
		return v.Person
	case Utterance:
		return v.Person
	case Alert:
		return v.Person
	case Annotation:
		return v.Person
	case Acknowledgement:
		return v.Person
	case Identification:
		return v.Person
	case SelfReport:
		return v.Person
	}
	return ""
}
