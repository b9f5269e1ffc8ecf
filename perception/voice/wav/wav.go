package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// ErrInvalid marks a file that is not a WAV this package can decode:
// truncated, corrupt, of an unsupported format or too long.
var ErrInvalid = errors.New("not a supported WAV file")

// ErrTooLong marks a sound longer than Opts.MaxDuration. It is also
// ErrInvalid, so callers that treat bad files as bad input need no new case.
var ErrTooLong error = tooLong{}

type tooLong struct{}

func (tooLong) Error() string        { return "sound too long" }
func (tooLong) Is(target error) bool { return target == ErrInvalid }

// DefaultMaxDuration is the longest sound DefaultOpts accepts: a long care
// session or lab recording. The voice analysis needs the whole sound at
// once, and `kindred analyze` peaks at about 130 MB plus 18 MB a minute of
// audio (300 MB for 10 minutes), so 2 hours stay near 2.3 GB.
const DefaultMaxDuration = 2 * time.Hour

// Opts bound what a decode accepts. The methods decode with these bounds;
// the package-level functions use DefaultOpts.
type Opts struct {
	// MaxDuration is the longest sound accepted. A data chunk declaring more
	// is refused at once; a stream of unknown length (from a pipe, or from a
	// writer that did not know its length) is refused as soon as it goes
	// past it, so an endless stream costs at most MaxDuration of samples.
	MaxDuration time.Duration
}

// DefaultOpts accepts sounds up to DefaultMaxDuration.
func DefaultOpts() Opts { return Opts{MaxDuration: DefaultMaxDuration} }

// Validate reports options no decode could use.
func (o Opts) Validate() error {
	if o.MaxDuration <= 0 {
		return fmt.Errorf("wav: max duration %v: must be positive", o.MaxDuration)
	}
	return nil
}

// Format tags from the RIFF specification.
const (
	formatPCM        = 0x0001
	formatFloat      = 0x0003
	formatExtensible = 0xFFFE
)

// Writers that stream cannot seek back to fill in the data chunk's size
// and leave a placeholder in it: 0 or 0xFFFFFFFF, or, as sox does when
// writing to a pipe, 0x7FFFF000 (with a warning that the length "will be
// wrong"). A size of unknownSizeFrom or more is therefore read as unknown,
// to the end of the stream: no real chunk that large is likely (3 hours of
// 48 kHz stereo), and a pipe that ends before it is no error.
const (
	unknownSizeZero = 0
	unknownSizeFrom = 0x7FFF0000
)

// readBytes is how much of the data chunk one read asks for: memory per
// read stays constant whatever the header says.
const readBytes = 1 << 16

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

// Reader decodes a WAV stream piece by piece: the header when made, then
// samples as they are read. Nothing is allocated from the sizes the header
// claims.
type Reader struct {
	r         io.Reader
	f         *format
	left      int64 // bytes of the data chunk still to read; -1 when unknown
	frames    int64 // frames read so far
	maxFrames int64
	limit     time.Duration
	raw       []byte
	err       error // sticky: io.EOF once the data is done
}

// NewReader reads the header up to the start of the samples.
func (o Opts) NewReader(r io.Reader) (*Reader, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
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
			return o.dataReader(r, f, size)
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, fmt.Errorf("wav: chunk %q: %w", id, invalid(err))
			}
		}
	}
}

func (o Opts) dataReader(r io.Reader, f *format, size int64) (*Reader, error) {
	d := &Reader{r: r, f: f, left: size, limit: o.MaxDuration,
		maxFrames: int64(float64(f.rate) * o.MaxDuration.Seconds())}
	if size == unknownSizeZero || size >= unknownSizeFrom {
		d.left = -1 // read to the end of the stream
	} else {
		if size%int64(f.blockAlign) != 0 {
			return nil, fmt.Errorf("wav: data chunk of %d bytes is not whole frames of %d: %w", size, f.blockAlign, ErrInvalid)
		}
		if frames := size / int64(f.blockAlign); frames > d.maxFrames {
			return nil, fmt.Errorf("wav: data chunk declares %v of sound, more than the %v accepted: %w",
				time.Duration(float64(frames)/float64(f.rate)*float64(time.Second)).Round(time.Second), o.MaxDuration, ErrTooLong)
		}
	}
	d.raw = make([]byte, readBytes-readBytes%f.blockAlign)
	return d, nil
}

// Rate is the sample rate in Hz.
func (d *Reader) Rate() int { return d.f.rate }

// Channels is the number of interleaved channels.
func (d *Reader) Channels() int { return d.f.channels }

// Read fills p with whole frames of interleaved samples in -1..1 and
// returns how many samples it wrote (a multiple of Channels). At the end of
// the data it returns 0, io.EOF. A declared data chunk cut short is an
// error wrapping ErrInvalid; a stream of unknown length ends at EOF, its
// last partial frame dropped. Going past the duration limit is ErrTooLong.
func (d *Reader) Read(p []float32) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	frames := min(len(p)/d.f.channels, len(d.raw)/d.f.blockAlign)
	if frames == 0 {
		return 0, io.ErrShortBuffer
	}
	want := int64(frames * d.f.blockAlign)
	if d.left >= 0 {
		if d.left == 0 {
			d.err = io.EOF
			return 0, d.err
		}
		want = min(want, d.left)
	}
	n, err := io.ReadFull(d.r, d.raw[:want])
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if d.left >= 0 {
			d.err = fmt.Errorf("wav: data chunk cut short after %d bytes: truncated: %w", d.bytesRead()+int64(n), ErrInvalid)
			return 0, d.err
		}
		n -= n % d.f.blockAlign
		d.err = io.EOF
	default:
		d.err = fmt.Errorf("wav: data: %w", err)
		return 0, d.err
	}
	if d.left >= 0 {
		d.left -= int64(n)
	}
	got := n / d.f.blockAlign
	d.frames += int64(got)
	if d.frames > d.maxFrames {
		d.err = fmt.Errorf("wav: sound goes on past %v, the longest accepted: %w", d.limit, ErrTooLong)
		return 0, d.err
	}
	convert(p[:got*d.f.channels], d.raw[:n], d.f)
	if got == 0 {
		return 0, d.err
	}
	return got * d.f.channels, nil
}

// bytesRead is how many bytes of samples have been read.
func (d *Reader) bytesRead() int64 { return d.frames * int64(d.f.blockAlign) }

// Decode reads a whole WAV stream, keeping every channel at the file's rate.
func (o Opts) Decode(r io.Reader) (*Audio, error) {
	d, err := o.NewReader(r)
	if err != nil {
		return nil, err
	}
	var out chunks
	buf := make([]float32, readBytes)
	for {
		n, err := d.Read(buf)
		out.add(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return &Audio{Rate: d.Rate(), Channels: d.Channels(), Samples: out.join()}, nil
}

// DecodeMono16k reads a whole WAV stream as the voice analyser's input,
// 16 kHz mono, mixing and resampling as it reads: memory grows with the
// length of the 16 kHz sound only (64 kB a second, plus a fixed few hundred
// kB), whatever the file's rate and channels and whatever its header says.
// Duration is that of the 16 kHz sound (within 1/16000 s of the file's).
func (o Opts) DecodeMono16k(r io.Reader) (*Audio, error) {
	d, err := o.NewReader(r)
	if err != nil {
		return nil, err
	}
	ch := d.Channels()
	in := make([]float32, readBytes/ch*ch)
	mono := make([]float32, len(in)/ch)
	var rs *resampler
	if d.Rate() != AnalysisRate {
		rs = newResampler(d.Rate(), AnalysisRate)
	}
	var out chunks
	var step []float32
	for {
		n, err := d.Read(in)
		m := mixDown(mono, in[:n], ch)
		if rs == nil {
			out.add(m)
		} else {
			step = rs.push(m, step[:0])
			out.add(step)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if rs != nil {
		out.add(rs.flush(step[:0]))
	}
	return &Audio{Rate: AnalysisRate, Channels: 1, Samples: out.join()}, nil
}

// DecodeFile opens and decodes path with DefaultOpts; errors name the file.
func DecodeFile(path string) (*Audio, error) { return DefaultOpts().DecodeFile(path) }

// DecodeFile opens and decodes path; errors name the file.
func (o Opts) DecodeFile(path string) (*Audio, error) {
	return decodeFile(path, o.Decode)
}

// DecodeFileMono16k opens path and decodes it with DecodeMono16k; errors
// name the file. path may be a pipe (/dev/stdin, a FIFO).
func (o Opts) DecodeFileMono16k(path string) (*Audio, error) {
	return decodeFile(path, o.DecodeMono16k)
}

func decodeFile(path string, decode func(io.Reader) (*Audio, error)) (*Audio, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// A folder opens but cannot be read: say so as a bad file (bad input),
	// not as a read failure, which a caller takes for a failing device.
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory: %w", path, ErrInvalid)
	}
	a, err := decode(&bufReader{r: fh})
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

// convert turns raw little-endian samples into out (len(raw)/bytes per
// sample of them).
func convert(out []float32, raw []byte, f *format) {
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

// chunks collects samples in fixed blocks, so a long stream costs its
// length once while reading and once more when joined, instead of the
// copies a growing slice makes.
type chunks struct {
	full [][]float32
	cur  []float32
	n    int
}

const chunkSamples = 1 << 16

func (c *chunks) add(x []float32) {
	for len(x) > 0 {
		if len(c.cur) == cap(c.cur) {
			if c.cur != nil {
				c.full = append(c.full, c.cur)
			}
			c.cur = make([]float32, 0, chunkSamples)
		}
		k := min(len(x), cap(c.cur)-len(c.cur))
		c.cur = append(c.cur, x[:k]...)
		x = x[k:]
		c.n += k
	}
}

func (c *chunks) join() []float32 {
	out := make([]float32, 0, c.n)
	for _, b := range c.full {
		out = append(out, b...)
	}
	out = append(out, c.cur...)
	c.full, c.cur = nil, nil
	return out
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
