package journal

import (
	"context"
	"encoding/json"
	"os"
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

// BenchmarkDeletePerson measures deleting one of two people from a journal
// of 50,000 assessments (about 7 hours of care at the 2 Hz the writer
// keeps), scrub included: VACUUM rewrites the whole file, so this is the
// pause a deletion puts in the writer during a run.
func BenchmarkDeletePerson(b *testing.B) {
	ctx := context.Background()
	const rows = 50_000
	var size int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bench.db")
		j, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		tx, err := j.db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range []string{"p-ana", "p-bo"} {
			if err := insertSession(ctx, tx, Session{ID: "s-" + p, Person: p, Started: time.Unix(0, 0)}); err != nil {
				b.Fatal(err)
			}
		}
		for k := range rows {
			a := benchAssessment(k)
			a.Person = []string{"p-ana", "p-bo"}[k%2]
			if err := insertRecord(ctx, tx, "s-"+a.Person, a); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
		b.StartTimer()
		if _, err := j.DeletePerson(ctx, "p-ana"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		j.Close()
	}
	b.ReportMetric(float64(size)/1e6, "MB-before")
}
