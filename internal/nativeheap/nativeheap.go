package nativeheap

/*
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

// nativeheap_tune applies the settings, grows the main heap by at least
// reserve bytes and advises huge pages over the new part. It returns 0, or
// which step failed: 1 mallopt, 2 the growth, 3 madvise (errno in *err).
static int nativeheap_tune(size_t threshold, size_t reserve, int *err) {
	if (!mallopt(M_MMAP_THRESHOLD, (int)threshold) ||
	    !mallopt(M_TRIM_THRESHOLD, (int)(1u << 30)) || !mallopt(M_TOP_PAD, (int)reserve)) {
		return 1;
	}
	uintptr_t from = (uintptr_t)sbrk(0);
	// Just under the mmap threshold, so it comes from the heap, which then
	// grows by it and by the top pad: reserve bytes stay free above it.
	void *p = malloc(threshold - 4096);
	if (p == NULL) return 2;
	uintptr_t to = (uintptr_t)sbrk(0);
	free(p);
	if (from == (uintptr_t)-1 || to <= from) return 2; // no brk heap: malloc used mmap
	const uintptr_t huge = 2u << 20;
	from = (from + huge - 1) & ~(huge - 1);
	to &= ~(huge - 1);
	if (to > from && madvise((void *)from, to - from, MADV_HUGEPAGE) != 0) {
		*err = errno;
		return 3;
	}
	return 0;
}

// nativeheap_mmapped reports whether a block of n bytes gets a mapping of
// its own: glibc marks such a chunk in the size word before it (bit 2,
// IS_MMAPPED; its malloc.c). For the tests.
static int nativeheap_mmapped(size_t n) {
	size_t *p = malloc(n);
	if (p == NULL) return -1;
	int m = (p[-1] & 2) != 0;
	free(p);
	return m;
}
*/
import "C"

import (
	"fmt"
	"syscall"
)

// mmapThreshold is the largest block still taken from the heap:
// glibc's upper limit for M_MMAP_THRESHOLD on 64-bit systems (half its
// 64 MiB heap size, mallopt(3)). YAMNet's largest weight tensor is 4 MiB.
const mmapThreshold = 32 << 20

// DefaultReserve is how much the heap grows at once: about what
// `kindred analyze --audio` allocates from C in all (its peak resident
// size is some 180 MB, half of it the mapped libraries). It is address
// space, not memory: pages are only backed once touched.
const DefaultReserve = 128 << 20

// ForShortRun makes glibc's malloc take blocks of up to 32 MiB from its
// heaps rather than from mappings of their own (M_MMAP_THRESHOLD), never
// give freed memory back to the kernel (M_TRIM_THRESHOLD), so that a block
// freed is reused rather than faulted in afresh, and grow the main heap
// reserve bytes at a time (M_TOP_PAD); it grows the main heap now and
// advises transparent huge pages over that growth.
//
// Call it once, from an init function: Go runs those on the main thread,
// whose arena is the main heap (threads allocate from arenas of their own,
// which the settings reach but the huge pages do not; M_ARENA_MAX cannot
// fold them into one in a Go program, as each of Go's threads has taken an
// arena before any init runs). Only in a process that exits when its work
// is done: memory freed is kept until then. An error means the heap keeps
// some of glibc's defaults; the program works the same, only slower.
func ForShortRun(reserve int) error {
	if reserve < mmapThreshold {
		return fmt.Errorf("nativeheap: reserve %d bytes: want at least %d", reserve, mmapThreshold)
	}
	var errno C.int
	switch C.nativeheap_tune(C.size_t(mmapThreshold), C.size_t(reserve), &errno) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("nativeheap: mallopt refused a setting")
	case 2:
		return fmt.Errorf("nativeheap: the heap did not grow with brk")
	default:
		return fmt.Errorf("nativeheap: madvise: %w", syscall.Errno(errno))
	}
}

// mmapped reports whether malloc gives a block of n bytes a mapping of its
// own.
func mmapped(n int) bool { return C.nativeheap_mmapped(C.size_t(n)) == 1 }
