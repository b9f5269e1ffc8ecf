package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// ErrInvalid marks a file that is not a WAV this package can decode:
// truncated, corrupt or of an unsupported format.
var ErrInvalid = errors.New("not a supported WAV file")

// Format tags from the RIFF specification.
const (
	formatPCM        = 0x0001
	formatFloat      = 0x0003
	formatExtensible = 0xFFFE
)

// maxDataBytes bounds what one file may ask us to allocate (about 1 hour of
// 48 kHz stereo float64); a header claiming more is treated as corrupt.
const maxDataBytes = 1 << 31

// Audio is decoded sound: samples in -1..1, interleaved when Channels > 1.
type Audio struct {
	Rate     int
	Channels int
	Samples  []float32
}

// Duration is the length of the sound in seconds.
func (a *Audio) Duration() float64 {
	if a.Rate <= 0 || a.Channels <= 0 {
		return 0
	}
	return float64(len(a.Samples)/a.Channels) / float64(a.Rate)
}

type format struct {
	tag        uint16
	channels   int
	rate       int
	bits       int
	blockAlign int
}

// Decode reads a whole WAV stream.
func Decode(r io.Reader) (*Audio, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("wav: header: %w", invalid(err))
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return nil, fmt.Errorf("wav: no RIFF/WAVE signature: %w", ErrInvalid)
	}
	var f *format
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if f == nil {
				return nil, fmt.Errorf("wav: no fmt chunk: %w", invalid(err))
			}
			return nil, fmt.Errorf("wav: no data chunk: %w", invalid(err))
		}
		id := string(ch[0:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("wav: fmt chunk of %d bytes: %w", size, ErrInvalid)
			}
			buf := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, fmt.Errorf("wav: fmt chunk: %w", invalid(err))
			}
			pf, err := parseFormat(buf[:size])
			if err != nil {
				return nil, err
			}
			f = pf
		case "data":
			if f == nil {
				return nil, fmt.Errorf("wav: data chunk before fmt chunk: %w", ErrInvalid)
			}
			return readData(r, f, size)
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, fmt.Errorf("wav: chunk %q: %w", id, invalid(err))
			}
		}
	}
}

// DecodeFile opens and decodes path; errors name the file.
func DecodeFile(path string) (*Audio, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	a, err := Decode(&bufReader{r: fh})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func invalid(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated: %w", ErrInvalid)
	}
	return err
}

func parseFormat(b []byte) (*format, error) {
	f := &format{
		tag:        binary.LittleEndian.Uint16(b[0:2]),
		channels:   int(binary.LittleEndian.Uint16(b[2:4])),
		rate:       int(binary.LittleEndian.Uint32(b[4:8])),
		blockAlign: int(binary.LittleEndian.Uint16(b[12:14])),
		bits:       int(binary.LittleEndian.Uint16(b[14:16])),
	}
	if f.tag == formatExtensible {
		if len(b) < 40 {
			return nil, fmt.Errorf("wav: extensible fmt chunk of %d bytes: %w", len(b), ErrInvalid)
		}
		// The sub-format GUID starts with the plain format tag.
		f.tag = binary.LittleEndian.Uint16(b[24:26])
	}
	switch {
	case f.channels < 1 || f.channels > 32:
		return nil, fmt.Errorf("wav: %d channels: %w", f.channels, ErrInvalid)
	case f.rate < 1000 || f.rate > 768000:
		return nil, fmt.Errorf("wav: sample rate %d Hz: %w", f.rate, ErrInvalid)
	}
	switch {
	case f.tag == formatPCM && (f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32):
	case f.tag == formatFloat && (f.bits == 32 || f.bits == 64):
	default:
		return nil, fmt.Errorf("wav: format tag %#04x with %d bits per sample: %w", f.tag, f.bits, ErrInvalid)
	}
	if want := f.channels * f.bits / 8; f.blockAlign != want {
		return nil, fmt.Errorf("wav: block align %d, want %d: %w", f.blockAlign, want, ErrInvalid)
	}
	return f, nil
}

func readData(r io.Reader, f *format, size int64) (*Audio, error) {
	// Streams written before their length was known carry 0 or 0xFFFFFFFF;
	// read those to the end.
	open := size == 0 || size == 0xFFFFFFFF
	if !open && size > maxDataBytes {
		return nil, fmt.Errorf("wav: data chunk of %d bytes: %w", size, ErrInvalid)
	}
	var raw []byte
	var err error
	if open {
		raw, err = io.ReadAll(io.LimitReader(r, maxDataBytes))
		if err != nil {
			return nil, fmt.Errorf("wav: data: %w", err)
		}
		raw = raw[:len(raw)-len(raw)%f.blockAlign]
	} else {
		raw = make([]byte, 0, min(size, 1<<24))
		buf := make([]byte, 1<<16)
		for int64(len(raw)) < size {
			n, rerr := r.Read(buf[:min(int64(len(buf)), size-int64(len(raw)))])
			raw = append(raw, buf[:n]...)
			if rerr != nil {
				if errors.Is(rerr, io.EOF) {
					break
				}
				return nil, fmt.Errorf("wav: data: %w", rerr)
			}
		}
		if int64(len(raw)) < size {
			return nil, fmt.Errorf("wav: data chunk holds %d of %d bytes: truncated: %w", len(raw), size, ErrInvalid)
		}
		if size%int64(f.blockAlign) != 0 {
			return nil, fmt.Errorf("wav: data chunk of %d bytes is not whole frames of %d: %w", size, f.blockAlign, ErrInvalid)
		}
	}
	n := len(raw) / (f.bits / 8)
	out := make([]float32, n)
	switch {
	case f.tag == formatPCM && f.bits == 8:
		for i := range out {
			out[i] = (float32(raw[i]) - 128) / 128
		}
	case f.tag == formatPCM && f.bits == 16:
		for i := range out {
			out[i] = float32(int16(binary.LittleEndian.Uint16(raw[2*i:]))) / 32768
		}
	case f.tag == formatPCM && f.bits == 24:
		for i := range out {
			v := int32(uint32(raw[3*i])<<8|uint32(raw[3*i+1])<<16|uint32(raw[3*i+2])<<24) >> 8
			out[i] = float32(v) / (1 << 23)
		}
	case f.tag == formatPCM && f.bits == 32:
		for i := range out {
			out[i] = float32(float64(int32(binary.LittleEndian.Uint32(raw[4*i:]))) / (1 << 31))
		}
	case f.tag == formatFloat && f.bits == 32:
		for i := range out {
			out[i] = finite(float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))))
		}
	case f.tag == formatFloat && f.bits == 64:
		for i := range out {
			out[i] = finite(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
		}
	}
	return &Audio{Rate: f.rate, Channels: f.channels, Samples: out}, nil
}

// finite clamps float samples into -1..1 and maps NaN to silence, so one bad
// sample cannot poison every statistic downstream.
func finite(v float64) float32 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return float32(v)
}

// bufReader is a tiny buffered reader so chunk headers do not each cost a
// system call.
type bufReader struct {
	r    io.Reader
	buf  [1 << 16]byte
	i, n int
}

func (b *bufReader) Read(p []byte) (int, error) {
	if b.i == b.n {
		if len(p) >= len(b.buf) {
			return b.r.Read(p)
		}
		n, err := b.r.Read(b.buf[:])
		b.i, b.n = 0, n
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, b.buf[b.i:b.n])
	b.i += n
	return n, nil
}
