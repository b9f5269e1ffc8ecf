package console

import (
	"fmt"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
)

// BenchmarkPublish is the cost the pipeline pays per event with n pages
// open (each page's goroutine draining its queue, as the stream handler does).
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{0, 1, 10} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			c, err := New(Opts{Token: testToken})
			if err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			for range n {
				cl, _ := c.hub.subscribe()
				go func() {
					for {
						select {
						case <-cl.ch:
						case <-stop:
							return
						}
					}
				}()
			}
			a := journal.Assessment{At: time.Second, Person: "p-1", Score: 5, Items: journal.Items{Face: 2},
				Band: perception.BandModerate, Cues: []string{"brow lowered"}, Present: true}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a.At = time.Duration(i) * time.Millisecond
				if err := c.Publish(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
