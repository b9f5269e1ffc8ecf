package cvthreads

/*
#cgo CXXFLAGS: -std=c++14 -O2 -I/usr/include/opencv4
#cgo LDFLAGS: -lopencv_core
#include "shim.h"
*/
import "C"

import "runtime"

// Threads is the number of threads OpenCV's parallel loops use now.
func Threads() int { return int(C.cvthreads_get()) }

// CPUs is the number of CPUs OpenCV sees: its default thread count. OpenCV
// 4.6 reads the affinity mask and cgroup v1's CPU quota, not cgroup v2's
// cpu.max (OpenCV's core utility docs, getNumberOfCPUs).
func CPUs() int { return int(C.cvthreads_cpus()) }

// Set makes OpenCV's parallel loops use n threads (at least 1). It is
// process-wide, and OpenCV rebuilds its thread pool (a TBB arena in
// Debian's build) to do it, so call it only while no OpenCV call is running.
func Set(n int) { C.cvthreads_set(C.int(max(n, 1))) }

// Match sets OpenCV's thread count to Go's, runtime.GOMAXPROCS, capped at
// the CPUs OpenCV sees, and returns it. Go's count follows GOMAXPROCS in the
// environment and a container's cgroup v2 CPU limit, which OpenCV 4.6 does
// not read; without this a process held to one CPU would run OpenCV's
// loops on as many threads as the machine has cores. Call it once, first
// thing, before any OpenCV work starts (see Set).
func Match() int {
	n := matched(runtime.GOMAXPROCS(0), CPUs())
	if Threads() != n {
		Set(n)
	}
	return n
}

// matched is the thread count for Go's processor count and OpenCV's CPUs.
func matched(gomaxprocs, cpus int) int {
	return max(1, min(gomaxprocs, cpus))
}
