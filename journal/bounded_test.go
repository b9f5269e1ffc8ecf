package journal

import (
	"fmt"
	"testing"
	"time"
)

// A run lasts days, and every visitor's face is a new person id: the
// writer's downsampling memory (one mark per person) must not keep them
// all. Ten thousand people, one assessment each, a second apart, leave at
// most maxAssessMarks marks; the downsampling of the person still there is
// unchanged. Without pruning in keep the map holds all 10,000.
func TestDownsamplingForgetsPeopleLongGone(t *testing.T) {
	j, _ := openTemp(t)
	w := j.NewWriter(DefaultWriterOpts())
	st := &runState{lastAsmt: map[string]assessMark{}}
	for i := range 10000 {
		at := time.Duration(i) * time.Second
		if !w.keep(st, Assessment{At: at, Person: fmt.Sprintf("visitor-%d", i), Band: "none"}) {
			t.Fatalf("a new person's first assessment was downsampled")
		}
	}
	if n := len(st.lastAsmt); n > maxAssessMarks {
		t.Fatalf("%d marks kept for 10,000 people seen once each, want at most %d", n, maxAssessMarks)
	}
	at := 10000 * time.Second
	for i, want := range []bool{true, false, false, false, false, true} { // 100 ms apart: one per 500 ms
		if got := w.keep(st, Assessment{At: at + time.Duration(i)*100*time.Millisecond, Person: "ada", Band: "none"}); got != want {
			t.Errorf("ada's assessment %d kept %v, want %v", i, got, want)
		}
	}
}
