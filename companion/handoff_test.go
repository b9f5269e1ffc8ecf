package companion

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
)

// A hand-off never makes the router wait: a stage that takes nothing gets
// the newest maxHeld values, in order, the older ones dropped and each
// told (the first is already on its way to it); one that takes gets everything, in order; closing hands over what
// is queued, then closes the stage's channel. Checked against the bound
// switched off (nothing dropped): the 70 values are all kept, and the
// stuck stage's table row fails.
func TestHandOff(t *testing.T) {
	for _, tc := range []struct {
		name        string
		put         int
		taking      bool // the stage takes as values come
		wantDropped []int
		wantGot     []int
	}{
		{name: "a stage that takes gets all", put: 100, taking: true, wantGot: upTo(0, 100)},
		// The first value is on its way to the stuck stage: run holds it.
		{name: "a stuck stage gets the newest", put: maxHeld + 6, wantDropped: upTo(1, 6),
			wantGot: append([]int{0}, upTo(6, maxHeld+6)...)},
		{name: "within the bound nothing is dropped", put: maxHeld + 1, wantGot: upTo(0, maxHeld+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var dropped []int
				h := newHandOff(func(v int) { dropped = append(dropped, v) })
				out := make(chan int)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				ran := make(chan struct{})
				if !tc.taking {
					// The stage is stuck: run waits for it from the first value.
					go func() { defer close(ran); h.run(ctx, out) }()
				}
				var got []int
				taken := make(chan struct{})
				if tc.taking {
					go func() { defer close(ran); h.run(ctx, out) }()
					go func() {
						defer close(taken)
						for v := range out {
							got = append(got, v)
						}
					}()
				}
				for i := range tc.put {
					h.put(i) // never blocks: a stuck stage would hang the test here
					synctest.Wait()
				}
				h.close()
				if !tc.taking {
					// The stage comes back and takes what was held. The
					// first value was already on its way to it.
					go func() {
						defer close(taken)
						for v := range out {
							got = append(got, v)
						}
					}()
				}
				<-taken
				<-ran
				if !slices.Equal(dropped, tc.wantDropped) {
					t.Errorf("dropped %v, want %v", dropped, tc.wantDropped)
				}
				if !slices.Equal(got, tc.wantGot) {
					t.Errorf("the stage got %v, want %v", got, tc.wantGot)
				}
			})
		})
	}
}

func upTo(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}
