// Package journal is the session record: one SQLite file (WAL mode) holding
// sessions, persons, downsampled assessments and poses, transitions,
// utterances, alerts, faults and annotations.
//
// The typed records defined here (Assessment, Transition, Utterance,
// PoseSample, Alert, Fault, Annotation) are the one vocabulary shared by the
// journal, the console's live stream and the fleet's MQTT messages; each
// marshals to {"type": KIND, "at": SECONDS, ...}. ParseControl reads the
// console's and the fleet's command bodies once, into behavior.Command.
//
// A Writer is the only goroutine that writes: stages Submit records without
// ever blocking (a bounded queue, drops counted), the Writer commits batches
// at least every 500 ms, so a crash loses at most the last second. Alerts and
// opt-outs (a transition to behavior.StateOptedOut) are not dropped when the
// queue is full: they are held aside (up to 1024; beyond that they are
// dropped, counted in WriterStats and reported once) and taken in order
// once the Writer has taken what was queued before them; while any is held,
// ordinary records are dropped, so none overtakes them. Nor do they wait for
// the batch: the Writer commits each, with whatever was queued before it, as
// soon as it takes it. Submit itself never waits for the
// disk, so a kill -9 in the moment between Submit and that commit (well
// under a millisecond on an idle writer) can still lose one; a commit
// survives a killed process, and with synchronous=NORMAL a power cut may
// lose the last commits before the next checkpoint. A write failure (disk
// full) is reported once and the robot keeps caring; the failed batch's
// records are lost, but its session and person rows are tried again with
// the next, so once there is room the run is recorded again; as the Writer's Run
// ends, the records not written (failed, dropped, no session) are reported
// in one count, never lost in silence. Sessions left open by
// a crash are marked incomplete at the next Open.
//
// Deletion (of a person, a session, or by retention) deletes from the files
// too: every connection runs with secure_delete, and a deletion is followed
// by VACUUM and a TRUNCATE checkpoint, so the deleted rows are not found in
// the database, -wal or -shm files. The files are created 0600 in a 0700
// directory whatever the umask.
package journal
