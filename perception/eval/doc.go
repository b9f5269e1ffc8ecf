// Package eval measures perception against labelled real recordings: it
// reads a development set's labels (file, class, speaker), keeps a
// confusion matrix of labelled classes against the classes Kindred
// outputs, and derives per-class recall and precision and the share of
// clips called distress.
//
// It is pure Go and holds no media: callers decode the files and run the
// classifier; this package only counts. Labels are outside input and are
// parsed strictly: a bad row is an error naming the file, line and field.
//
// The labelled classes are the dev set's own ("moaning", "crying", …);
// Mapping says which of Kindred's vocalisation classes each one should come
// out as, so recall and precision are defined only where a mapping exists.
package eval
