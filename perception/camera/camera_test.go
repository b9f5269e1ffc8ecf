package camera

import (
	"context"
	"errors"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

func TestVideoFileFramesInMediaTime(t *testing.T) {
	v, err := OpenVideo(testmedia.Path(t, "Megamind.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.FPS() <= 0 || v.FrameCount() <= 0 {
		t.Fatalf("fps %v, frames %d", v.FPS(), v.FrameCount())
	}
	ctx := context.Background()
	n := 0
	var last perception.Frame
	for {
		f, err := v.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != n || f.Gray == nil || f.Gray.Bounds().Dx() == 0 {
			t.Fatalf("frame %d: seq %d, image %v", n, f.Seq, f.Gray.Bounds())
		}
		last = f
		n++
	}
	if n < v.FrameCount()-2 || n > v.FrameCount()+2 {
		t.Errorf("read %d frames, container says %d", n, v.FrameCount())
	}
	if want := time.Duration(float64(n-1) / v.FPS() * float64(time.Second)); last.At != want {
		t.Errorf("last frame at %v, want %v", last.At, want)
	}
	if _, err := v.Next(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("after the end: %v, want io.EOF", err)
	}
}

func TestBadFilesAreClearErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.avi")
	if err := os.WriteFile(text, []byte("not a video at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fakePNG := filepath.Join(dir, "photo.png")
	if err := os.WriteFile(fakePNG, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "readme.txt"), []byte("no images here"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want error
	}{
		{text, ErrNotMedia},
		{fakePNG, ErrNotMedia},
		{filepath.Join(dir, "missing.avi"), fs.ErrNotExist},
		{filepath.Join(dir, "missing.png"), fs.ErrNotExist},
		{empty, ErrNotMedia}, // a folder with no images
	}
	for _, c := range cases {
		_, err := OpenFile(c.path, 0)
		if !errors.Is(err, c.want) {
			t.Errorf("OpenFile(%s) = %v, want %v", filepath.Base(c.path), err, c.want)
		}
	}
}

func TestImagesAndFolders(t *testing.T) {
	src := testmedia.Path(t, "messi5.jpg")
	one, err := OpenFile(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := one.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f.Gray.Bounds() != image.Rect(0, 0, 548, 342) {
		t.Errorf("messi5.jpg decoded as %v", f.Gray.Bounds())
	}
	if _, err := one.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("second frame of one image: %v, want io.EOF", err)
	}

	dir := t.TempDir()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b.jpg", "a.jpg", "readme.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	folder, err := OpenImages(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if folder.Len() != 2 {
		t.Fatalf("folder has %d images, want 2 (the .txt skipped)", folder.Len())
	}
	var ats []time.Duration
	for {
		f, err := folder.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ats = append(ats, f.At)
	}
	if len(ats) != 2 || ats[1] != 500*time.Millisecond {
		t.Errorf("frame times %v, want [0 500ms] at 2 fps", ats)
	}
}

// flaky is a recording fake camera: it delivers frames, then fails, and
// refuses to reopen for a while. It fails the test on use after close.
type flaky struct {
	t         *testing.T
	framesOK  int // frames before the failure
	refusals  int // opens refused after the failure
	opens     int
	open      bool
	delivered int
}

func (f *flaky) opener() (device, error) {
	f.opens++
	if f.opens > 1 && f.refusals > 0 {
		f.refusals--
		return nil, errors.New("no such device")
	}
	f.open = true
	return f, nil
}

func (f *flaky) read() (picture, error) {
	if !f.open {
		f.t.Fatal("read from a closed camera")
	}
	if f.delivered == f.framesOK {
		f.delivered++ // fail once
		return picture{}, errors.New("select timeout")
	}
	f.delivered++
	return picture{gray: image.NewGray(image.Rect(0, 0, 4, 4))}, nil
}

func (f *flaky) close() error {
	if !f.open {
		f.t.Fatal("camera closed twice")
	}
	f.open = false
	return nil
}

func TestCameraLostAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := &flaky{t: t, framesOK: 3, refusals: 2}
		events := make(chan perception.Event, 4)
		c, err := newCamera(fake.opener, CameraOpts{RetryEvery: time.Second}, events)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var frames []perception.Frame
		for range 6 {
			f, err := c.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			frames = append(frames, f)
		}
		c.Close()
		close(events)
		var got []perception.Event
		for e := range events {
			got = append(got, e)
		}
		if len(got) != 2 || got[0].Kind != perception.EventModalityLost || got[1].Kind != perception.EventModalityBack {
			t.Fatalf("events %+v, want lost then back", got)
		}
		if got[0].Modality != perception.ModFace || got[0].Text == "" {
			t.Errorf("lost event %+v: want modality face and a reason", got[0])
		}
		// Lost at once; back after one wait for the failed read and two refused opens.
		if got[0].At != 0 || got[1].At != 3*time.Second {
			t.Errorf("lost at %v, back at %v; want 0 and 3s", got[0].At, got[1].At)
		}
		if frames[3].At != 3*time.Second || frames[3].Seq != 3 {
			t.Errorf("first frame after the loss: seq %d at %v", frames[3].Seq, frames[3].At)
		}
		if fake.opens != 4 {
			t.Errorf("opened %d times, want 4", fake.opens)
		}
	})
}

func TestCameraStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := &flaky{t: t, framesOK: 0, refusals: 1 << 30}
		c, err := newCamera(fake.opener, CameraOpts{RetryEvery: time.Second}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := c.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Next on a camera that never comes back: %v, want the context's error", err)
		}
		if fake.opens < 10 {
			t.Errorf("reopened %d times in 10 s, want about one a second", fake.opens)
		}
	})
}

func BenchmarkVideoDecode(b *testing.B) {
	path := testmedia.Path(b, "Megamind.avi")
	ctx := context.Background()
	b.ReportAllocs()
	frames := 0
	for b.Loop() {
		v, err := OpenVideo(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := v.Next(ctx); err != nil {
				break
			}
			frames++
		}
		v.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(frames), "ns/frame")
}

// Every source here feeds the face pipeline directly.
var (
	_ face.FrameSource = (*Camera)(nil)
	_ face.FrameSource = (*Video)(nil)
	_ face.FrameSource = (*Images)(nil)
	_ Source           = (*Camera)(nil)
	_ Source           = (*Video)(nil)
	_ Source           = (*Images)(nil)
)

// A bad image in a folder fails at its turn and is passed: the next call
// reads the image after it, at its own time. Before, the folder stuck on
// the bad image, failing every call, so a reader that skips a bad frame
// (the live run) could never get past it.
func TestFolderPassesABadImage(t *testing.T) {
	data, err := os.ReadFile(testmedia.Path(t, "messi5.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for n, b := range map[string][]byte{"a.jpg": data, "b.jpg": []byte("not a jpeg"), "c.jpg": data} {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	folder, err := OpenImages(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 4 {
		f, err := folder.Next(context.Background())
		switch {
		case errors.Is(err, io.EOF):
			got = append(got, "EOF")
		case err != nil:
			got = append(got, "error")
			if !strings.Contains(err.Error(), "b.jpg") {
				t.Errorf("error %v does not name the bad image", err)
			}
		default:
			got = append(got, f.At.String())
		}
	}
	if want := []string{"0s", "error", "1s", "EOF"}; !slices.Equal(got, want) {
		t.Errorf("reads %v, want %v", got, want)
	}
}

// A camera closed for an opt-out and opened again 10 s later is a new
// Camera: with the run's origin its first frame is in the run's time.
// Counting from its own opening it began at zero again, behind everything
// fusion had seen, which then assessed nothing for as long as the run had
// lasted before the opt-out.
func TestReopenedCameraGoesOnInTheRunsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := CameraOpts{RetryEvery: time.Second, Origin: time.Now()}
		var got []time.Duration
		for range 2 {
			time.Sleep(10 * time.Second)
			fake := &flaky{t: t, framesOK: 10}
			c, err := newCamera(fake.opener, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, f.At)
			c.Close()
		}
		if got[0] != 10*time.Second || got[1] != 20*time.Second {
			t.Errorf("first frames at %v, want 10s and 20s: the run's time, not the camera's", got)
		}
	})
}

// A camera index with no device node is not present.
func TestPresentNeedsTheDevice(t *testing.T) {
	if Present(999) {
		t.Error("Present(999) with no /dev/video999")
	}
}
