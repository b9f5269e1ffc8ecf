// Package progress draws one line of progress for long work on a
// terminal (frames done, rate, time left), and nothing on a pipe or file,
// as the command line's conventions ask: progress on a terminal, clean
// output elsewhere.
package progress
