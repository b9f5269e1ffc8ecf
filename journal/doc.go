// Package journal is the session record: one SQLite file (WAL mode) holding
// sessions, persons, downsampled assessments and poses, transitions,
// utterances, alerts, faults and annotations.
//
// The typed records defined here (Assessment, Transition, Utterance,
// PoseSample, Alert, Fault, Annotation) are the one vocabulary shared by the
// journal, the console's live stream and the fleet's MQTT messages; each
// marshals to {"type": KIND, "at": SECONDS, ...}. Control is the command
// schema shared by the console and the fleet.
//
// A Writer is the only goroutine that writes: stages Submit records without
// ever blocking (a bounded queue, drops counted), the Writer commits batches
// at least every 500 ms, so a crash loses at most the last second. A write
// failure (disk full) is reported once and the robot keeps caring.
// Sessions left open by a crash are marked incomplete at the next Open.
package journal
