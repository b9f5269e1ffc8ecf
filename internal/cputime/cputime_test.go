package cputime

import "testing"

// Work on this goroutine is counted: the figure grows, and never goes back.
func TestProcessCountsWork(t *testing.T) {
	before := Process()
	if before <= 0 {
		t.Fatalf("Process() = %v before any work, want > 0 (the test binary has run)", before)
	}
	x := uint64(1)
	for after := Process(); after == before; after = Process() {
		for range 1 << 16 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	if after := Process(); after < before {
		t.Fatalf("CPU time went back from %v to %v", before, after)
	}
	_ = x
}
