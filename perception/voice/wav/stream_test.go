package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// streamHeader is a 16-bit PCM WAV header whose RIFF and data sizes are
// dataSize: 0xFFFFFFFF or 0 as streaming writers leave them, or a lie.
func streamHeader(rate, channels int, dataSize uint32) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(0xFFFFFFFF))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(formatPCM))
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * 2))
	le(uint16(channels * 2))
	le(uint16(16))
	b.WriteString("data")
	le(dataSize)
	return b.Bytes()
}

// toneStream is an io.Reader of frames 16-bit frames of a 220 Hz tone on
// every channel, made as it is read so the test holds none of it.
type toneStream struct {
	rate, channels int
	frames, i      int64
}

func (s *toneStream) Read(p []byte) (int, error) {
	if s.i >= s.frames {
		return 0, io.EOF
	}
	fb := 2 * s.channels
	n := 0
	for n+fb <= len(p) && s.i < s.frames {
		v := int16(12000 * math.Sin(2*math.Pi*220*float64(s.i)/float64(s.rate)))
		for c := 0; c < s.channels; c++ {
			binary.LittleEndian.PutUint16(p[n+2*c:], uint16(v))
		}
		n += fb
		s.i++
	}
	return n, nil
}

// piped feeds header and then body through an io.Pipe, as a shell pipe
// would, and returns the reading end; closing it stops the writer.
func piped(t testing.TB, header []byte, body io.Reader) *io.PipeReader {
	pr, pw := io.Pipe()
	go func() {
		if _, err := pw.Write(header); err != nil {
			pw.CloseWithError(err)
			return
		}
		_, err := io.Copy(pw, body)
		pw.CloseWithError(err)
	}()
	t.Cleanup(func() { pr.Close() })
	return pr
}

// A stream whose header claims 4 GiB, 2 GiB (sox's placeholder on a pipe)
// or nothing decodes to the samples that actually came, read until EOF.
func TestDecodeStreamOfUnknownLength(t *testing.T) {
	for _, size := range []uint32{0xFFFFFFFF, 0x7FFFF000, 0} {
		for _, ch := range []int{1, 2} {
			rate := 44100
			t.Run("", func(t *testing.T) {
				body := &toneStream{rate: rate, channels: ch, frames: 2 * int64(rate)}
				a, err := DefaultOpts().DecodeMono16k(piped(t, streamHeader(rate, ch, size), io.MultiReader(body, bytes.NewReader([]byte{1}))))
				if err != nil {
					t.Fatalf("size %#x, %d channels: %v", size, ch, err)
				}
				if a.Rate != AnalysisRate || a.Channels != 1 || len(a.Samples) != 2*AnalysisRate || a.Duration() != 2 {
					t.Fatalf("size %#x: rate %d, %d channels, %d samples (%.3f s), want 2 s at 16 kHz mono",
						size, a.Rate, a.Channels, len(a.Samples), a.Duration())
				}
				full, err := Decode(piped(t, streamHeader(rate, ch, size), &toneStream{rate: rate, channels: ch, frames: 2 * int64(rate)}))
				if err != nil || full.Duration() != 2 || full.Channels != ch {
					t.Fatalf("Decode: %v, %+v", err, full)
				}
			})
		}
	}
}

// Reading as a stream gives, sample for sample, what decoding the whole
// file and then resampling gives.
func TestDecodeMono16kMatchesWholeFile(t *testing.T) {
	for _, tc := range []struct{ rate, ch int }{{48000, 2}, {44100, 1}, {8000, 1}, {16000, 3}} {
		b := encode(t, formatPCM, 16, tc.ch, tc.rate, false, ramp(tc.rate/3*tc.ch))
		whole, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		want := whole.Mono16k()
		got, err := DefaultOpts().DecodeMono16k(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !equalSamples(got.Samples, want) {
			t.Errorf("%d Hz x%d: streamed %d samples differ from whole-file %d", tc.rate, tc.ch, len(got.Samples), len(want))
		}
	}
}

// The streaming resampler, fed in pieces of any size, gives exactly the
// batch result.
func TestResamplerInPiecesMatchesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 20011)
	for i := range x {
		x[i] = float32(rng.Float64()*2 - 1)
	}
	for _, from := range []int{8000, 11025, 22050, 44100, 44101, 48000, 96000} {
		want := Resample(x, from, AnalysisRate)
		r := newResampler(from, AnalysisRate)
		var got []float32
		for rest := x; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(3000))
			got = r.push(rest[:n], got)
			rest = rest[n:]
		}
		got = r.flush(got)
		if !equalSamples(got, want) {
			t.Errorf("%d Hz: pieces give %d samples, batch %d, or values differ", from, len(got), len(want))
		}
		if len(r.hist) > 2*r.taps+3000 {
			t.Errorf("%d Hz: resampler kept %d input samples, want about a kernel (%d)", from, len(r.hist), r.taps)
		}
	}
}

func equalSamples(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Headers that claim absurd formats are refused before any sample is read.
func TestDecodeRejectsAbsurdHeaders(t *testing.T) {
	tests := []struct {
		name           string
		rate, channels int
		patch          func(h []byte)
	}{
		// Channel counts come with a matching block align (8-bit
		// samples), so only the channel bound can refuse them.
		{"65535 channels", 16000, 1, channels(65535)},
		{"33 channels", 16000, 1, channels(33)},
		{"0 channels", 16000, 1, channels(0)},
		{"4 GHz", 16000, 1, func(h []byte) { binary.LittleEndian.PutUint32(h[24:], 0xFFFFFFFF) }},
		{"1 MHz", 16000, 1, func(h []byte) { binary.LittleEndian.PutUint32(h[24:], 1_000_000) }},
		{"10 Hz", 16000, 1, func(h []byte) { binary.LittleEndian.PutUint32(h[24:], 10) }},
		{"block align 0", 16000, 1, func(h []byte) { binary.LittleEndian.PutUint16(h[32:], 0) }},
		{"block align 4096", 16000, 1, func(h []byte) { binary.LittleEndian.PutUint16(h[32:], 4096) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := streamHeader(tc.rate, tc.channels, 0xFFFFFFFF)
			tc.patch(h)
			_, err := DefaultOpts().NewReader(io.MultiReader(bytes.NewReader(h), failingReader{t}))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("NewReader = %v, want ErrInvalid", err)
			}
		})
	}
}

// channels patches a header to n channels of 8-bit samples.
func channels(n int) func(h []byte) {
	return func(h []byte) {
		binary.LittleEndian.PutUint16(h[22:], uint16(n))
		binary.LittleEndian.PutUint16(h[32:], uint16(n)) // block align
		binary.LittleEndian.PutUint16(h[34:], 8)         // bits per sample
	}
}

// failingReader fails the test when a decoder reads past the header.
type failingReader struct{ t testing.TB }

func (f failingReader) Read([]byte) (int, error) {
	f.t.Error("the decoder read samples after a header it should have refused")
	return 0, io.EOF
}

// A sound longer than the limit ends with ErrTooLong: a stream of unknown
// length as soon as it passes it, a declared chunk before any sample.
func TestDecodeStopsAtTheLimit(t *testing.T) {
	limit := Opts{MaxDuration: 2 * time.Second}
	const rate = 48000
	t.Run("stream past the limit", func(t *testing.T) {
		long := &toneStream{rate: rate, channels: 1, frames: 10 * rate}
		_, err := limit.DecodeMono16k(piped(t, streamHeader(rate, 1, 0xFFFFFFFF), long))
		if !errors.Is(err, ErrTooLong) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v, want ErrTooLong (which is ErrInvalid)", err)
		}
		// What the pipe and the decoder hold in flight is under a second.
		if read := time.Duration(long.i) * time.Second / rate; read > 3*time.Second {
			t.Errorf("read %v of a stream limited to 2 s", read)
		}
	})
	t.Run("declared chunk past the limit", func(t *testing.T) {
		h := streamHeader(rate, 1, uint32(2*rate*3)) // 3 s of 16-bit mono
		_, err := limit.Decode(io.MultiReader(bytes.NewReader(h), failingReader{t}))
		if !errors.Is(err, ErrTooLong) {
			t.Fatalf("err = %v, want ErrTooLong", err)
		}
	})
	t.Run("stream exactly at the limit", func(t *testing.T) {
		a, err := limit.DecodeMono16k(piped(t, streamHeader(rate, 1, 0), &toneStream{rate: rate, channels: 1, frames: 2 * rate}))
		if err != nil || a.Duration() != 2 {
			t.Fatalf("err = %v, duration %v, want 2 s accepted", err, a)
		}
	})
	t.Run("no limit is not an option", func(t *testing.T) {
		if _, err := (Opts{}).Decode(bytes.NewReader(streamHeader(rate, 1, 0))); err == nil {
			t.Fatal("a zero MaxDuration was accepted")
		}
	})
}

// Decoding a 10-minute 48 kHz stereo stream (110 MiB of samples behind a
// header that claims 4 GiB) allocates about twice the 16 kHz mono result
// (37 MiB) in all: memory follows the sound analysed, not the input's size
// or what its header claims.
func TestDecodeMono16kMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 10 minutes of audio")
	}
	const rate, minutes = 48000, 10
	body := &toneStream{rate: rate, channels: 2, frames: minutes * 60 * rate}
	r := piped(t, streamHeader(rate, 2, 0xFFFFFFFF), body)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := DefaultOpts().DecodeMono16k(r)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	result := uint64(len(a.Samples)) * 4
	if a.Duration() != minutes*60 {
		t.Fatalf("decoded %.1f s, want %d", a.Duration(), minutes*60)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	input := uint64(body.frames) * 4
	t.Logf("input %d MiB, result %d MiB, allocated %d MiB", input>>20, result>>20, allocated>>20)
	if bound := 2*result + 8<<20; allocated > bound {
		t.Errorf("allocated %d MiB decoding a %d MiB stream into %d MiB, want under %d MiB",
			allocated>>20, input>>20, result>>20, bound>>20)
	}
}
