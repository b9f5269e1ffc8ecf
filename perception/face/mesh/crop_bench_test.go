package mesh

import (
	"image"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// BenchmarkCropBlob is the part of a mesh fit that is not the network: the
// turned crop warped to 256x256 from the frame's pixels where they lie and
// the model's RGB 0..1 NCHW input filled, on 640x480 frames of
// a real clip (each a fresh buffer, as a camera gives them), in colour as
// `kindred run` fits them and in gray. The crop is the tracked one, from
// the first frame's mesh. Run on one core:
//
//	taskset -c 0 go test -run '^$' -bench CropBlob -cpu 1 -benchmem ./perception/face/mesh
func BenchmarkCropBlob(b *testing.B) {
	frames := webcamFrames(b, "liveportrait__d3.mp4", 60)
	fit := fitter(b)
	first, err := fit.FitMesh(frames[0], image.Rect(0, 0, 640, 480).Intersect(faceBox(b, frames[0])), [2]perception.Point{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	c := fit.cropFromMesh(first.Mesh)
	for _, v := range []struct {
		name string
		gray bool
	}{{"colour", false}, {"gray", true}} {
		b.Run(v.name, func(b *testing.B) {
			buf := newFitBuffers()
			defer buf.close()
			i := 0
			cpuPerOp(b, func() {
				f := frames[i%len(frames)]
				i++
				if v.gray {
					f.Color = nil
				}
				if err := buf.cropBlob(f, c); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// faceBox is the largest face YuNet finds in a frame.
func faceBox(b *testing.B, f perception.Frame) image.Rectangle {
	b.Helper()
	dets, err := detector(b).Detect(f.Gray)
	if err != nil || len(dets) == 0 {
		b.Fatalf("no face in the first frame (%v)", err)
	}
	return dets[0].Box
}
