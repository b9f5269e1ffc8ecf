// Package inputfiletest makes the paths a loader of hand-given files must
// refuse at once (a directory, a named pipe nobody writes to, a symlink to
// a device, a file over inputfile.MaxConfig) and checks that it does,
// within a time limit. The device is /dev/null, not /dev/zero: a loader
// that regressed to reading any file whole would exhaust the test
// machine's memory on /dev/zero, while /dev/null shows the same missing
// check safely.
package inputfiletest
