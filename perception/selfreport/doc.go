// Package selfreport turns what a person answers to the robot's questions
// into typed values: a 0–10 pain rating (the numeric rating scale), a yes or
// a no, or a place on the body. It holds the questions' closed grammars
// (JSGF, for a grammar-mode recogniser such as pocketsphinx) and the parser
// of a recogniser's hypothesis, and no recogniser itself: it is pure Go, so
// the dialogue, fusion and journal can use it without cgo.
//
// Self-report is the reference standard of pain assessment; clinicians ask
// for a number from 0 to 10 (Hjermstad et al., J Pain Symptom Manage 2011,
// "Studies comparing numerical rating scales, verbal rating scales, and
// visual analogue scales for assessment of pain intensity in adults").
// Anything the grammar does not cover parses as unclear, never as a guess.
package selfreport
