package journal

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func benchAssessment(i int) Assessment {
	return Assessment{At: time.Duration(i) * 100 * time.Millisecond, Person: "p-ana", Score: 5.5,
		Items: Items{1, 1.5, 2, 0.5, 0.5}, PSPI: 7.25, Band: perception.BandModerate, Confidence: 0.9,
		Cues: []string{"brow lowered", "moaning"}, Present: true}
}

// BenchmarkWriter measures committed records per second through the one
// writer goroutine (no downsampling, default batching): the journal's
// ceiling, far above the ~15 records/s a session produces after downsampling.
func BenchmarkWriter(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	w := j.NewWriter(WriterOpts{Queue: 8192})
	go w.Run(ctx)
	if _, err := w.Begin(ctx, Session{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for !w.Submit(benchAssessment(i)) {
			// the queue is full: wait for the writer as a saturating producer would
			if err := w.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if st := w.Stats(); st.Written != uint64(b.N) {
		b.Fatalf("written %d of %d", st.Written, b.N)
	}
}

func BenchmarkMarshalAssessment(b *testing.B) {
	a := benchAssessment(1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseControl(b *testing.B) {
	body := []byte(`{"cmd":"annotate","annotation":{"at":12.5,"person":"p-1","scale":"painad","rating":3,
		"items":{"breathing":0,"vocalisation":1,"face":2,"body":0,"consolability":0}}}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseControl(body); err != nil {
			b.Fatal(err)
		}
	}
}
