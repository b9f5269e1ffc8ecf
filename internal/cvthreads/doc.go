// Package cvthreads is the cgo leaf that reads and sets how many threads
// OpenCV's parallel loops (the DNN module's layers among them) use, which
// gocv v0.31 does not wrap, and matches it to Go's processor count.
package cvthreads
