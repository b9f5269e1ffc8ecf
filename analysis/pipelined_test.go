package analysis

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/kindred-hri/kindred/devices"
)

// TestAnalyzePipelinedIsSerial: analyze tracks faces on one goroutine ahead
// of the rest of the analysis; its per-frame CSV (every AU, PSPI,
// expression, movement and fused pain score of every frame) must be the
// one that tracking and observing each frame in turn on one goroutine
// writes, byte for byte, on a real clip with a person who moves and
// grimaces.
func TestAnalyzePipelinedIsSerial(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses a real clip twice")
	}
	clip := devsetClip(t, "liveportrait__d0.mp4")
	run := func(serial bool) []byte {
		hooks, err := newFrameHooks(nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		csv := bufio.NewWriter(&buf)
		var res analysis
		if err := analyzeVideo(t.Context(), clip, devices.FaceSchedule{DetectEvery: DefaultDetectEvery, MeshEvery: DefaultMeshEvery}, devices.FaceMesh, serial, csv, hooks, &res, nil); err != nil {
			t.Fatal(err)
		}
		if err := csv.Flush(); err != nil {
			t.Fatal(err)
		}
		if res.Video.FramesWithFace == 0 {
			t.Fatalf("serial=%v: no face in %d frames", serial, res.Video.Frames)
		}
		return buf.Bytes()
	}
	serial, pipelined := run(true), run(false)
	if !bytes.Equal(serial, pipelined) {
		s, p := bytes.Split(serial, []byte("\n")), bytes.Split(pipelined, []byte("\n"))
		for i := range min(len(s), len(p)) {
			if !bytes.Equal(s[i], p[i]) {
				t.Fatalf("line %d differs:\nserial    %s\npipelined %s", i+1, s[i], p[i])
			}
		}
		t.Fatalf("serial CSV has %d lines, pipelined %d", len(s), len(p))
	}
	t.Logf("%d bytes, %d lines identical", len(serial), bytes.Count(serial, []byte("\n")))
}
