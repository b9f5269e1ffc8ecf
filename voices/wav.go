package voices

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WriteWAV writes a as a canonical 16-bit mono PCM WAV file.
func WriteWAV(w io.Writer, a Audio) error {
	if a.SampleRate <= 0 {
		return fmt.Errorf("voices: wav: sample rate %d", a.SampleRate)
	}
	data := uint32(len(a.Samples) * 2)
	bw := bufio.NewWriter(w)
	hdr := []any{
		[4]byte{'R', 'I', 'F', 'F'}, 36 + data, [4]byte{'W', 'A', 'V', 'E'},
		[4]byte{'f', 'm', 't', ' '}, uint32(16), uint16(1), uint16(1),
		uint32(a.SampleRate), uint32(a.SampleRate * 2), uint16(2), uint16(16),
		[4]byte{'d', 'a', 't', 'a'}, data,
	}
	for _, v := range hdr {
		if err := binary.Write(bw, binary.LittleEndian, v); err != nil {
			return fmt.Errorf("voices: wav header: %w", err)
		}
	}
	if err := binary.Write(bw, binary.LittleEndian, a.Samples); err != nil {
		return fmt.Errorf("voices: wav data: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("voices: wav: %w", err)
	}
	return nil
}

// ReadWAV reads a 16-bit PCM WAV file; a stereo file is mixed down to mono.
// Marks are not stored in WAV files, so the result has none.
func ReadWAV(r io.Reader) (Audio, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return Audio{}, fmt.Errorf("voices: wav: %w", err)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return Audio{}, errors.New("voices: wav: not a RIFF/WAVE file")
	}
	var channels, bits uint16
	var rate uint32
	haveFmt := false
	for {
		var chunk [8]byte
		if _, err := io.ReadFull(r, chunk[:]); err != nil {
			return Audio{}, fmt.Errorf("voices: wav: no data chunk: %w", err)
		}
		size := binary.LittleEndian.Uint32(chunk[4:])
		switch string(chunk[0:4]) {
		case "fmt ":
			if size < 16 || size > 1<<16 {
				return Audio{}, fmt.Errorf("voices: wav: fmt chunk of %d bytes", size)
			}
			buf := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, buf); err != nil {
				return Audio{}, fmt.Errorf("voices: wav fmt: %w", err)
			}
			format := binary.LittleEndian.Uint16(buf[0:])
			channels = binary.LittleEndian.Uint16(buf[2:])
			rate = binary.LittleEndian.Uint32(buf[4:])
			bits = binary.LittleEndian.Uint16(buf[14:])
			if format != 1 || bits != 16 || channels < 1 || channels > 2 || rate == 0 {
				return Audio{}, fmt.Errorf("voices: wav: want 16-bit PCM mono or stereo, got format %d, %d bits, %d channels", format, bits, channels)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return Audio{}, errors.New("voices: wav: data before fmt")
			}
			raw, err := io.ReadAll(io.LimitReader(r, int64(size)))
			if err != nil {
				return Audio{}, fmt.Errorf("voices: wav data: %w", err)
			}
			frames := len(raw) / (2 * int(channels))
			a := Audio{SampleRate: int(rate), Samples: make([]int16, frames)}
			for i := range frames {
				var sum int
				for c := range int(channels) {
					sum += int(int16(binary.LittleEndian.Uint16(raw[(i*int(channels)+c)*2:])))
				}
				a.Samples[i] = int16(sum / int(channels))
			}
			return a, nil
		default:
			if _, err := io.CopyN(io.Discard, r, int64(size+size%2)); err != nil {
				return Audio{}, fmt.Errorf("voices: wav: chunk %q: %w", chunk[0:4], err)
			}
		}
	}
}
