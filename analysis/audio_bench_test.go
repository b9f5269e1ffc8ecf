package analysis

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/face/testmedia"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// BenchmarkAnalyzeAudio is `kindred analyze --audio`'s code path (models
// loaded, file decoded, every stage run) on a real 5.1 s dev set speech
// file, LJSpeech's LJ001-0004, in this process: one operation is the whole
// file. It reports CPU milliseconds an operation (every goroutine and
// native thread), which on a shared machine says more than the wall time:
//
//	go test -run '^$' -bench AnalyzeAudio -benchtime 10x -count 3 ./analysis
func BenchmarkAnalyzeAudio(b *testing.B) {
	p := filepath.Join("..", "..", "shared", "devset", "speech", "ljspeech__LJ001-0004.wav")
	if _, err := os.Stat(p); err != nil {
		b.Skipf("dev set absent: %v", err)
	}
	var n int
	cpu0 := testmedia.CPUTime()
	for b.Loop() {
		if _, _, err := analyzeAudio(b.Context(), p, wav.DefaultMaxDuration); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(testmedia.CPUTime()-cpu0)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
}
