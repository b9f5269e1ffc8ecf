// Package inputfile reads the small files a person hands the robot (config,
// robot profiles, scenarios, personas, calibration) as hostile input: only
// a regular file is read, and only up to a limit. A path that names a
// directory, a named pipe or a device (a symlink to /dev/zero, a FIFO
// nobody writes to) fails at once with an error naming the kind of file,
// instead of reading without end or blocking the caller, so the command
// can answer with one clear line.
package inputfile
