package cvthreads

import (
	"runtime"
	"testing"
)

func TestMatched(t *testing.T) {
	cases := []struct {
		name             string
		gomaxprocs, cpus int
		want             int
	}{
		{"Go held to one CPU on a two-core machine", 1, 2, 1},
		{"both see every core", 4, 4, 4},
		{"GOMAXPROCS above the cores OpenCV may use", 8, 2, 2},
		{"nonsense counts still give one thread", 0, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matched(c.gomaxprocs, c.cpus); got != c.want {
				t.Errorf("matched(%d, %d) = %d, want %d", c.gomaxprocs, c.cpus, got, c.want)
			}
		})
	}
}

// Match must bring OpenCV's thread count down to Go's: with GOMAXPROCS at 1
// and OpenCV set to more threads, Match leaves it at 1.
func TestMatchFollowsGOMAXPROCS(t *testing.T) {
	before, prev := Threads(), runtime.GOMAXPROCS(1)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev); Set(before) })
	Set(3)
	if got := Threads(); got != 3 {
		t.Fatalf("after Set(3) OpenCV uses %d threads", got)
	}
	if got := Match(); got != 1 {
		t.Errorf("Match() = %d with GOMAXPROCS 1, want 1", got)
	}
	if got := Threads(); got != 1 {
		t.Errorf("after Match OpenCV uses %d threads, want 1", got)
	}
}

func TestSetKeepsAtLeastOneThread(t *testing.T) {
	before := Threads()
	t.Cleanup(func() { Set(before) })
	Set(0)
	if got := Threads(); got != 1 {
		t.Errorf("after Set(0) OpenCV uses %d threads, want 1", got)
	}
}
