// Package evaluate measures Kindred's vocalisation and face readings on
// labelled real recordings and prints what `kindred eval` reports: a
// confusion matrix, per-class recall and precision, distress false alarms,
// cross-validated combiner figures, and per-class face figures; with Fit it
// refits the vocalisation combiner on the user's own labelled clips, and
// with MultiCondition it fits also on copies of them degraded in process
// (perception/voice/roomsim, an espeak-ng talker; multicond.go).
//
// It drives package analysis exactly as `kindred analyze` does, so what it
// measures is what analyze ships; the metrics themselves are
// perception/eval's.
package evaluate
