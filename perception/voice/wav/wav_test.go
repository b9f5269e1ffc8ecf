package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// encode writes a WAV with the given format from samples in -1..1
// (interleaved); extensible wraps the tag in WAVE_FORMAT_EXTENSIBLE.
func encode(t testing.TB, tag uint16, bits, channels, rate int, extensible bool, samples []float64) []byte {
	t.Helper()
	var data bytes.Buffer
	for _, s := range samples {
		switch {
		case tag == formatPCM && bits == 8:
			data.WriteByte(byte(int(math.Round(s*127)) + 128))
		case tag == formatPCM && bits == 16:
			binary.Write(&data, binary.LittleEndian, int16(math.Round(s*32767)))
		case tag == formatPCM && bits == 24:
			v := int32(math.Round(s * 8388607))
			data.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16)})
		case tag == formatPCM && bits == 32:
			binary.Write(&data, binary.LittleEndian, int32(math.Round(s*2147483647)))
		case tag == formatFloat && bits == 32:
			binary.Write(&data, binary.LittleEndian, float32(s))
		case tag == formatFloat && bits == 64:
			binary.Write(&data, binary.LittleEndian, s)
		default:
			t.Fatalf("encode: no encoder for tag %d bits %d", tag, bits)
		}
	}
	var fmtc bytes.Buffer
	outerTag := tag
	if extensible {
		outerTag = formatExtensible
	}
	binary.Write(&fmtc, binary.LittleEndian, outerTag)
	binary.Write(&fmtc, binary.LittleEndian, uint16(channels))
	binary.Write(&fmtc, binary.LittleEndian, uint32(rate))
	binary.Write(&fmtc, binary.LittleEndian, uint32(rate*channels*bits/8))
	binary.Write(&fmtc, binary.LittleEndian, uint16(channels*bits/8))
	binary.Write(&fmtc, binary.LittleEndian, uint16(bits))
	if extensible {
		binary.Write(&fmtc, binary.LittleEndian, uint16(22))
		binary.Write(&fmtc, binary.LittleEndian, uint16(bits))
		binary.Write(&fmtc, binary.LittleEndian, uint32(0))
		binary.Write(&fmtc, binary.LittleEndian, tag)
		fmtc.Write([]byte{0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71})
	}
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(4+8+fmtc.Len()+8+8+data.Len()))
	out.WriteString("WAVE")
	out.WriteString("fmt ")
	binary.Write(&out, binary.LittleEndian, uint32(fmtc.Len()))
	out.Write(fmtc.Bytes())
	out.WriteString("LIST") // an unrelated chunk the decoder must skip
	binary.Write(&out, binary.LittleEndian, uint32(4))
	out.WriteString("INFO")
	out.WriteString("data")
	binary.Write(&out, binary.LittleEndian, uint32(data.Len()))
	out.Write(data.Bytes())
	return out.Bytes()
}

func ramp(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.Sin(float64(i)*0.3) * 0.8
	}
	return s
}

func TestDecodeFormats(t *testing.T) {
	in := ramp(200)
	tests := []struct {
		name       string
		tag        uint16
		bits, ch   int
		extensible bool
		tol        float64
	}{
		{"pcm8", formatPCM, 8, 1, false, 0.02},
		{"pcm16", formatPCM, 16, 1, false, 1e-4},
		{"pcm24", formatPCM, 24, 2, false, 1e-6},
		{"pcm32", formatPCM, 32, 1, false, 1e-6},
		{"float32", formatFloat, 32, 1, false, 1e-7},
		{"float64 stereo", formatFloat, 64, 2, false, 1e-7},
		{"extensible pcm16", formatPCM, 16, 2, true, 1e-4},
		{"extensible float32", formatFloat, 32, 1, true, 1e-7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := encode(t, tc.tag, tc.bits, tc.ch, 22050, tc.extensible, in)
			a, err := Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if a.Rate != 22050 || a.Channels != tc.ch || len(a.Samples) != len(in) {
				t.Fatalf("got rate %d channels %d samples %d", a.Rate, a.Channels, len(a.Samples))
			}
			for i, s := range a.Samples {
				if math.Abs(float64(s)-in[i]) > tc.tol {
					t.Fatalf("sample %d = %v, want %v", i, s, in[i])
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	good := encode(t, formatPCM, 16, 1, 16000, false, ramp(100))
	bad12 := encode(t, formatPCM, 16, 1, 16000, false, ramp(100))
	binary.LittleEndian.PutUint16(bad12[34:], 12) // bits per sample
	alaw := encode(t, formatPCM, 16, 1, 16000, false, ramp(100))
	binary.LittleEndian.PutUint16(alaw[20:], 6) // A-law tag
	zeroRate := encode(t, formatPCM, 16, 1, 16000, false, ramp(100))
	binary.LittleEndian.PutUint32(zeroRate[24:], 0)
	tests := map[string][]byte{
		"empty":            nil,
		"not riff":         []byte("RIFX0000WAVEfmt "),
		"header only":      good[:12],
		"cut in fmt":       good[:30],
		"no data chunk":    good[:36+12],
		"truncated data":   good[:len(good)-7],
		"12-bit pcm":       bad12,
		"a-law":            alaw,
		"zero sample rate": zeroRate,
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(b))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDecodeFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.wav")
	if err := os.WriteFile(p, []byte("RIFF\x00\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeFile(p)
	if !errors.Is(err, ErrInvalid) || !bytes.Contains([]byte(err.Error()), []byte("broken.wav")) {
		t.Fatalf("DecodeFile = %v, want ErrInvalid naming the file", err)
	}
}

func TestDecodeDebianMedia(t *testing.T) {
	p := "/usr/share/sounds/alsa/Front_Center.wav"
	if _, err := os.Stat(p); err != nil {
		t.Skip("alsa-utils sounds not installed")
	}
	a, err := DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rate != 48000 || a.Duration() < 0.5 {
		t.Fatalf("rate %d duration %.2f s", a.Rate, a.Duration())
	}
}

// TestResampleKeepsFrequency checks that a 440 Hz tone resampled from common
// rates still crosses zero 880 times a second and keeps its level.
func TestResampleKeepsFrequency(t *testing.T) {
	for _, from := range []int{8000, 22050, 44100, 48000} {
		x := make([]float32, from)
		for i := range x {
			x[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/float64(from)))
		}
		y := Resample(x, from, AnalysisRate)
		if len(y) != AnalysisRate {
			t.Fatalf("%d Hz: %d samples, want %d", from, len(y), AnalysisRate)
		}
		crossings := 0
		var peak float32
		for i := 1000; i < len(y)-1000; i++ {
			if (y[i-1] < 0) != (y[i] < 0) {
				crossings++
			}
			peak = max(peak, y[i])
		}
		perSecond := float64(crossings) / (float64(len(y)-2000) / AnalysisRate)
		if math.Abs(perSecond-880) > 4 || math.Abs(float64(peak)-0.5) > 0.01 {
			t.Errorf("%d Hz: %.1f crossings/s, peak %.3f", from, perSecond, peak)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(f, formatPCM, 16, 1, 16000, false, ramp(20)))
	f.Add(encode(f, formatFloat, 32, 2, 44100, true, ramp(20)))
	f.Add(encode(f, formatPCM, 24, 1, 8000, false, ramp(9)))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode(bytes.NewReader(b))
		if err != nil {
			if a != nil {
				t.Fatal("audio returned with an error")
			}
			return
		}
		if a.Channels < 1 || a.Rate < 1 || len(a.Samples)%a.Channels != 0 {
			t.Fatalf("inconsistent audio: rate %d channels %d samples %d", a.Rate, a.Channels, len(a.Samples))
		}
		for _, s := range a.Samples {
			if s != s || s < -1 || s > 1 {
				t.Fatalf("sample %v out of range", s)
			}
		}
		// The streaming path agrees with the whole-file one, sample for
		// sample.
		m, err := DefaultOpts().DecodeMono16k(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Decode succeeded, DecodeMono16k: %v", err)
		}
		if !equalSamples(m.Samples, a.Mono16k()) {
			t.Fatalf("DecodeMono16k gave %d samples unlike Mono16k's", len(m.Samples))
		}
	})
}

// A folder given as a sound is a bad file (ErrInvalid, bad input), not a
// read failure: `kindred analyze --audio DIR` exited 1 as if a device failed.
func TestDecodeFileRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	opens := []struct {
		name string
		open func(string) (*Audio, error)
	}{
		{"DecodeFile", DecodeFile},
		{"DecodeFileMono16k", DefaultOpts().DecodeFileMono16k},
	}
	for _, o := range opens {
		t.Run(o.name, func(t *testing.T) {
			_, err := o.open(dir)
			if !errors.Is(err, ErrInvalid) || !bytes.Contains([]byte(err.Error()), []byte("is a directory")) {
				t.Fatalf("%s(folder) = %v, want ErrInvalid saying it is a directory", o.name, err)
			}
		})
	}
}
