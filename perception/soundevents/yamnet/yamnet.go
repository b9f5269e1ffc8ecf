package yamnet

import (
	"errors"
	"fmt"
	"sync"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception/soundevents"
)

// The graph's input and output names (models/NOTICE).
const (
	inputName  = "frames"
	outputName = "Identity"
)

// ErrClosed is returned by Score after Close.
var ErrClosed = errors.New("yamnet: closed")

// Net is the loaded model; Score calls are serialised (an OpenCV Net holds
// its blobs between calls).
type Net struct {
	mu   sync.Mutex
	net  gocv.Net
	open bool
}

var _ soundevents.Scorer = (*Net)(nil)

// Open loads the embedded model.
func Open() (*Net, error) {
	n, err := gocv.ReadNetFromONNXBytes(models.YAMNet)
	if err != nil {
		return nil, fmt.Errorf("yamnet: loading the embedded model: %w", err)
	}
	if n.Empty() {
		n.Close()
		return nil, errors.New("yamnet: OpenCV loaded an empty network from the embedded model")
	}
	return &Net{net: n, open: true}, nil
}

// Close frees the network; safe to call twice.
func (n *Net) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.open {
		return nil
	}
	n.open = false
	return n.net.Close()
}

// Score runs one window of soundevents.WindowSamples samples in [-1, 1].
func (n *Net) Score(window []float32) (*soundevents.Scores, error) {
	if len(window) != soundevents.WindowSamples {
		return nil, fmt.Errorf("yamnet: window of %d samples, want %d", len(window), soundevents.WindowSamples)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.open {
		return nil, ErrClosed
	}
	// The input Mat owns C memory; filling it in place keeps Go memory out
	// of OpenCV's hands.
	in := gocv.NewMatWithSize(soundevents.Frames, soundevents.FrameSamples, gocv.MatTypeCV32F)
	defer in.Close()
	dst, err := in.DataPtrFloat32()
	if err != nil {
		return nil, fmt.Errorf("yamnet: input: %w", err)
	}
	soundevents.FrameInto(dst, window)
	n.net.SetInput(in, inputName)
	out := n.net.Forward(outputName)
	defer out.Close()
	got, err := out.DataPtrFloat32()
	if err != nil {
		return nil, fmt.Errorf("yamnet: output: %w", err)
	}
	if len(got) != soundevents.NumClasses {
		return nil, fmt.Errorf("yamnet: %d scores, want %d", len(got), soundevents.NumClasses)
	}
	var s soundevents.Scores
	copy(s[:], got)
	return &s, nil
}
