package nativeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// initErr is ForShortRun's result, called as a program must: from init,
// on the main thread.
var initErr = ForShortRun(DefaultReserve)

func TestForShortRun(t *testing.T) {
	if initErr != nil {
		t.Fatalf("ForShortRun: %v", initErr)
	}
	// A block the size of YAMNet's largest weight tensor, and one at the
	// limit, come from the heap, where freed memory is reused; glibc's
	// default gives each its own mapping, faulted in afresh.
	for _, n := range []int{4 << 20, 16 << 20, mmapThreshold - 4096} {
		if mmapped(n) {
			t.Errorf("a block of %d bytes got a mapping of its own", n)
		}
	}
	// The main heap grew by the reserve, advised for huge pages ("hg"
	// among the mapping's VmFlags, proc(5)).
	if kb := advisedKB(t); kb < DefaultReserve>>10 {
		t.Errorf("%d KiB of anonymous memory advised for huge pages, want at least the reserve, %d KiB", kb, DefaultReserve>>10)
	}
}

func TestForShortRunRejectsASmallReserve(t *testing.T) {
	if err := ForShortRun(1 << 20); err == nil {
		t.Error("a 1 MiB reserve was accepted")
	}
}

// advisedKB is the size of the largest anonymous mapping (the heap
// included) of this process that is advised for huge pages.
func advisedKB(t *testing.T) int {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	var size, best int
	anon := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) >= 5 && strings.Contains(fs[0], "-"):
			anon = fs[4] == "0" && (len(fs) == 5 || fs[5] == "[heap]")
		case fs[0] == "Size:":
			size, _ = strconv.Atoi(fs[1])
		case fs[0] == "VmFlags:" && anon:
			for _, fl := range fs[1:] {
				if fl == "hg" {
					best = max(best, size)
				}
			}
		}
	}
	return best
}
