package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time this process has used so far: user and system,
// all threads (getrusage(2), RUSAGE_SELF). It is 0 if the kernel will not
// say.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
