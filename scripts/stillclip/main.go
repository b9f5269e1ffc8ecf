//go:build ignore

// Command stillclip joins still images into a video, each held for a
// number of seconds, to try `kindred run --video` on a cut between two
// faces (a grimace, then a smile) or on a face lost for a moment:
//
//	go run scripts/stillclip/main.go OUT.avi IMAGE:SECONDS [IMAGE:SECONDS ...]
//
// IMAGE "blank" is a grey frame with no face. Each image is scaled to fit
// 640x480 and centred on grey; the video is MJPG at 25 fps. Write it
// outside the repository: it is made of other people's faces. It needs
// gocv, so it is built only when named (the ignore tag keeps it out of
// ./..., whose packages must build without cgo unless they are leaves).
package main

import (
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"

	"gocv.io/x/gocv"
)

const (
	width, height = 640, 480
	fps           = 25.0
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stillclip:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: stillclip OUT.avi IMAGE:SECONDS [IMAGE:SECONDS ...]")
	}
	w, err := gocv.VideoWriterFile(args[0], "MJPG", fps, width, height, true)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	defer w.Close()
	for _, a := range args[1:] {
		if err := hold(w, a); err != nil {
			return err
		}
	}
	return nil
}

// hold writes one IMAGE:SECONDS argument's frames.
func hold(w *gocv.VideoWriter, arg string) error {
	i := strings.LastIndex(arg, ":")
	if i < 0 {
		return fmt.Errorf("%q: want IMAGE:SECONDS", arg)
	}
	secs, err := strconv.ParseFloat(arg[i+1:], 64)
	if err != nil || secs <= 0 || secs > 600 {
		return fmt.Errorf("%q: seconds must be a number in (0, 600]", arg)
	}
	frame := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), height, width, gocv.MatTypeCV8UC3)
	defer frame.Close()
	if name := arg[:i]; name != "blank" {
		img := gocv.IMRead(name, gocv.IMReadColor)
		defer img.Close()
		if img.Empty() {
			return fmt.Errorf("%s: not an image", name)
		}
		s := min(float64(width)/float64(img.Cols()), float64(height)/float64(img.Rows()))
		nw, nh := int(float64(img.Cols())*s), int(float64(img.Rows())*s)
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(img, &small, image.Pt(nw, nh), 0, 0, gocv.InterpolationArea)
		x, y := (width-nw)/2, (height-nh)/2
		roi := frame.Region(image.Rect(x, y, x+nw, y+nh))
		defer roi.Close()
		small.CopyTo(&roi)
	}
	for range int(secs*fps + 0.5) {
		if err := w.Write(frame); err != nil {
			return fmt.Errorf("%s: %w", arg, err)
		}
	}
	return nil
}
