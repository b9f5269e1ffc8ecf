// Package badinput marks the errors that come from bad usage or bad input (an
// unknown flag, an unreadable file, a bad config field), which the kindred
// command reports in one line with exit code 2, apart from runtime failures
// (exit code 1).
package badinput
