package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// devsetClip is a dev set video, or skips when the dev set is absent.
func devsetClip(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join("..", "..", "shared", "devset", "faces", name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("dev set absent: %v", err)
	}
	return p
}

// BenchmarkAnalyzeVideo is `kindred analyze --video` on a real 11.8 s clip
// of one person (354 frames at 30 fps), writing nothing: one operation is
// the whole clip. It reports CPU milliseconds a frame (every goroutine and
// OpenCV thread) and the clip's length over the wall time, which on a
// shared machine measures the neighbours too. For the 2-core figure:
//
//	taskset -c 0,1 go test -run '^$' -bench AnalyzeVideo -benchtime 3x ./analysis
//
// The variants fit the face mesh on every frame (mesh-every-1, analyze's
// default) or on every 2nd, 3rd or 4th (--mesh-every), the frames between
// interpolated.
func BenchmarkAnalyzeVideo(b *testing.B) {
	clip := devsetClip(b, "liveportrait__d3.mp4")
	for _, every := range []int{1, 2, 3, 4} {
		b.Run(fmt.Sprintf("mesh-every-%d", every), func(b *testing.B) {
			var frames int
			var media time.Duration
			cpu0 := testmedia.CPUTime()
			start := time.Now()
			for b.Loop() {
				rows, _, err := AnalyzeVideoScheduled(b.Context(), clip, devices.FaceSchedule{DetectEvery: DefaultDetectEvery, MeshEvery: every}, devices.FaceMesh)
				if err != nil {
					b.Fatal(err)
				}
				frames += len(rows)
				media += rows[len(rows)-1].At
			}
			wall := time.Since(start)
			b.ReportMetric(float64(testmedia.CPUTime()-cpu0)/float64(time.Millisecond)/float64(frames), "cpu-ms/frame")
			b.ReportMetric(media.Seconds()/wall.Seconds(), "x-realtime")
		})
	}
}
