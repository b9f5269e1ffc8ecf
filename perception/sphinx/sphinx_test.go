package sphinx

import (
	"encoding/binary"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

const (
	hmm     = "/usr/share/pocketsphinx/model/en-us/en-us"
	testRaw = "/usr/share/pocketsphinx/test/data/goforward.raw" // "go forward ten meters", pocketsphinx-testdata
)

// turtleDict holds the CMUdict pronunciations of the words the test grammar
// uses.
var turtleDict = []string{
	"go G OW", "forward F AO R W ER D", "backward B AE K W ER D",
	"ten T EH N", "four F AO R", "meters M IY T ER Z",
}

const turtleFSG = `FSG_BEGIN turtle
NUM_STATES 5
START_STATE 0
FINAL_STATE 4
TRANSITION 0 1 1 go
TRANSITION 1 2 0.5 forward
TRANSITION 1 2 0.5 backward
TRANSITION 2 3 0.5 ten
TRANSITION 2 3 0.5 four
TRANSITION 3 4 1 meters
FSG_END
`

func newDecoder(t *testing.T) *Decoder {
	t.Helper()
	if _, err := os.Stat(hmm); err != nil {
		t.Skip("pocketsphinx-en-us not installed")
	}
	d, err := New(hmm, turtleDict)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func goforward(t *testing.T) []float32 {
	t.Helper()
	b, err := os.ReadFile(testRaw)
	if err != nil {
		t.Skip("pocketsphinx-testdata not installed")
	}
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return x
}

func TestToInt16(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		want int16
	}{{0, 0}, {1, 32767}, {-1, -32767}, {2, 32767}, {-2, -32768}, {float32(math.NaN()), 0}, {0.5, 16384}} {
		if got := ToInt16(tc.in); got != tc.want {
			t.Errorf("ToInt16(%g) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestDecodesGrammar decodes pocketsphinx's own recording of "go forward
// ten meters" in a grammar, fed live in 20 ms pieces and whole, and spots
// "forward" in it with a keyword search on the same decoder.
func TestDecodesGrammar(t *testing.T) {
	d := newDecoder(t)
	x := goforward(t)
	if err := d.SetFSG("turtle", turtleFSG); err != nil {
		t.Fatal(err)
	}
	if err := d.SetKeywords("kws", []string{"forward /1e-20/"}); err != nil {
		t.Fatal(err)
	}
	for _, whole := range []bool{false, true} {
		if err := d.Use("turtle"); err != nil {
			t.Fatal(err)
		}
		if err := d.Start(); err != nil {
			t.Fatal(err)
		}
		step := 320
		if whole {
			step = len(x)
		}
		for i := 0; i < len(x); i += step {
			if err := d.Process(x[i:min(len(x), i+step)], whole); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.End(); err != nil {
			t.Fatal(err)
		}
		h, ok := d.Hyp()
		if !ok || h.Text != "go forward ten meters" {
			t.Errorf("whole %v: hypothesis %+v, want go forward ten meters", whole, h)
		}
		if h.Score >= 0 {
			t.Errorf("whole %v: score %g, want below 0", whole, h.Score)
		}
		var words []string
		var sum float64
		for _, s := range d.Segments() {
			if !strings.HasPrefix(s.Word, "<") && !strings.HasPrefix(s.Word, "[") {
				words = append(words, s.Word)
				if s.Acoustic >= 0 {
					t.Errorf("whole %v: %s's acoustic score %g, want below 0", whole, s.Word, s.Acoustic)
				}
			}
			sum += s.Acoustic + s.Language
		}
		// The segments' scores make up the path's, up to rounding in
		// pocketsphinx's log base.
		if math.Abs(sum-h.Score) > 0.01*math.Abs(h.Score) {
			t.Errorf("whole %v: segments' scores add to %g, hypothesis %g", whole, sum, h.Score)
		}
		if strings.Join(words, " ") != "go forward ten meters" {
			t.Errorf("whole %v: segments %v", whole, d.Segments())
		}
	}
	if err := d.Use("kws"); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	if err := d.Process(x, false); err != nil {
		t.Fatal(err)
	}
	if h, ok := d.Hyp(); !ok || !strings.Contains(h.Text, "forward") {
		t.Errorf("keyword search heard %+v, want forward", h)
	}
}

func TestMisuse(t *testing.T) {
	d := newDecoder(t)
	if err := d.Process(make([]float32, 320), false); err == nil {
		t.Error("Process before Start: no error")
	}
	if err := d.End(); err == nil {
		t.Error("End before Start: no error")
	}
	if err := d.Use("nothing"); err == nil {
		t.Error("Use of an unknown search: no error")
	}
	if err := d.SetFSG("bad", "FSG_BEGIN x\nnonsense\n"); err == nil {
		t.Error("a bad grammar: no error")
	}
	if _, err := New(hmm, turtleDict, "-wip"); err == nil {
		t.Error("an odd argument list: no error")
	}
	if _, err := New(hmm, turtleDict, "-nosuchflag", "1"); err == nil {
		t.Error("an unknown argument: no error")
	}
	d.Close()
	if err := d.Start(); err == nil {
		t.Error("Start after Close: no error")
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestDecodersStartAndStopAtOnce starts and frees decoders from several
// goroutines at once, as analyze does (keyword spotter and answer
// recogniser side by side). sphinxbase's process-wide log stream made
// concurrent starts close each other's stream and corrupt the heap.
func TestDecodersStartAndStopAtOnce(t *testing.T) {
	if _, err := os.Stat(hmm); err != nil {
		t.Skip("pocketsphinx-en-us not installed")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 4 {
		wg.Go(func() {
			for range 4 {
				d, err := New(hmm, turtleDict)
				if err != nil {
					errs <- err
					return
				}
				if err := d.SetFSG("turtle", turtleFSG); err != nil {
					errs <- err
				}
				d.Close()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
