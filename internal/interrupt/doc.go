// Package interrupt ends a command on Ctrl-C or SIGTERM even when some call
// cannot see its context: the first signal cancels the context so the
// command can stop cleanly (the body to its safe pose, the journal
// flushed); a second signal, or a command still running a grace period
// later, ends the process with one line saying why. Without it, a command
// blocked where no context reaches (opening a named pipe nobody writes to,
// a device that never answers) could not be stopped by any signal but
// SIGKILL, because catching SIGINT and SIGTERM turns off their default of
// ending the process.
package interrupt
