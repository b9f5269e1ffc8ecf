// Package puregotest is the cgo guard the core packages' tests share: it
// checks that a package builds without cgo and reaches none of the device
// libraries, so core packages stay testable on a machine without them.
package puregotest
