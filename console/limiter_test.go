package console

import (
	"fmt"
	"testing"
	"time"
)

// The rate limiter keeps one bucket per client address, and a flood from
// more addresses than maxBuckets within a moment (an IPv6 LAN gives a host
// millions) must not grow it without end: before, prune only forgot full
// buckets, and a bucket is not full again until burst/rate after its last
// request, so every new address of the flood was kept.
func TestLimiterForgetsBeyondMaxBuckets(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	l := newLimiter(20, 40, func() time.Time { return now })
	for i := range 3 * maxBuckets {
		now = now.Add(time.Microsecond)
		l.allow(fmt.Sprintf("2001:db8::%x", i))
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Errorf("%d buckets after %d addresses, want at most %d", n, 3*maxBuckets, maxBuckets)
	}
	// A client held to its limit stays held: its bucket is the newest.
	for range 60 {
		l.allow("192.0.2.7")
	}
	if l.allow("192.0.2.7") {
		t.Error("a client over its burst was let through")
	}
}
