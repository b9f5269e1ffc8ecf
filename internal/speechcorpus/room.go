package speechcorpus

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kindred-hri/kindred/perception/voice/roomsim"
)

// Condition is one way a robot's microphone across a room hears speech:
// the conditions of scripts/degrade-devset.sh, applied to audio in memory
// so that nothing degraded is written anywhere.
type Condition string

// The conditions. SNRs are against the clip's whole-signal RMS (pauses
// included), as the script takes them.
const (
	Clean    Condition = "clean"
	Reverb50 Condition = "reverb50" // a room: sox `reverb 50`, dry and wet
	Reverb90 Condition = "reverb90" // a strong room: sox `reverb 90 50 100 100 20`
	Far      Condition = "far"      // four times the distance: direct sound -12 dB, then reverb 50
	Pink20   Condition = "pink20"   // a fan: pink noise at 20 dB SNR
	Pink10   Condition = "pink10"   // pink noise at 10 dB SNR
	TV20     Condition = "tv20"     // a television: one LibriVox talker at 20 dB SNR
	TV10     Condition = "tv10"     // the talker at 10 dB SNR
)

// Conditions are all of them, clean first.
var Conditions = []Condition{Clean, Reverb50, Reverb90, Far, Pink20, Pink10, TV20, TV10}

// ParseConditions reads a comma-separated list of condition names.
func ParseConditions(s string) ([]Condition, error) {
	var out []Condition
	for _, f := range strings.Split(s, ",") {
		c := Condition(strings.TrimSpace(f))
		if !slices.Contains(Conditions, c) {
			return nil, fmt.Errorf("speechcorpus: condition %q: want one of %v", f, Conditions)
		}
		out = append(out, c)
	}
	return out, nil
}

// Room degrades clips by one Condition. Reverberation is sox's (freeverb),
// run through pipes; noise is mixed here. It is used from one goroutine.
type Room struct {
	cond   Condition
	talker []float32 // the television's speech, for TV20 and TV10
}

// NewRoom prepares cond: the TV conditions load the LibriVox recordings
// as the talker, the reverberant ones check that sox is installed.
func NewRoom(cond Condition) (*Room, error) {
	r := &Room{cond: cond}
	switch cond {
	case Clean, Pink20, Pink10:
	case Reverb50, Reverb90, Far:
		if _, err := exec.LookPath("sox"); err != nil {
			return nil, fmt.Errorf("speechcorpus: %s needs sox (apt-get install sox): %w", cond, err)
		}
	case TV20, TV10:
		files, _ := filepath.Glob(librivoxGlob)
		if len(files) == 0 {
			return nil, fmt.Errorf("speechcorpus: %s needs the LibriVox recordings %s (pocketsphinx test data)", cond, librivoxGlob)
		}
		for _, f := range files {
			x, err := load(f)
			if err != nil {
				return nil, err
			}
			r.talker = append(r.talker, x...)
		}
	default:
		return nil, fmt.Errorf("speechcorpus: condition %q: want one of %v", cond, Conditions)
	}
	return r, nil
}

// Condition is the room's condition.
func (r *Room) Condition() Condition { return r.cond }

// Hear returns x (16 kHz mono) as the robot hears it in the room. i is the
// clip's number, which sets the noise deterministically: the pink noise's
// seed, and where in the talker's recording the television starts (7.31 s
// further for each clip, as the script does). x is not changed.
func (r *Room) Hear(ctx context.Context, x []float32, i int) ([]float32, error) {
	switch r.cond {
	case Clean:
		return slices.Clone(x), nil
	case Reverb50:
		return soxEffect(ctx, x, "reverb", "50")
	case Reverb90:
		return soxEffect(ctx, x, "reverb", "90", "50", "100", "100", "20")
	case Far:
		return soxEffect(ctx, x, "gain", "-12", "reverb", "50")
	case Pink20, Pink10:
		return roomsim.Mix(x, pinkNoise(len(x), uint64(i)), 0, snrOf(r.cond)), nil
	case TV20, TV10:
		start := int(math.Mod(float64(i)*7.31, float64(len(r.talker))/Rate-1) * Rate)
		return roomsim.Mix(x, r.talker, start, snrOf(r.cond)), nil
	}
	return nil, fmt.Errorf("speechcorpus: condition %q", r.cond)
}

func snrOf(c Condition) float64 {
	if c == Pink20 || c == TV20 {
		return 20
	}
	return 10
}

// pinkNoise is n samples of 1/f noise: white noise through Paul Kellet's
// refined pink filter (musicdsp.org, "Pink noise filter", 1999; within
// 0.05 dB of -3 dB an octave from 9.2 Hz up at 44.1 kHz), from a generator
// seeded with seed.
func pinkNoise(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x6b696e64))
	var b0, b1, b2, b3, b4, b5, b6 float64
	out := make([]float32, n)
	for i := range out {
		w := rng.Float64()*2 - 1
		b0 = 0.99886*b0 + w*0.0555179
		b1 = 0.99332*b1 + w*0.0750759
		b2 = 0.96900*b2 + w*0.1538520
		b3 = 0.86650*b3 + w*0.3104856
		b4 = 0.55000*b4 + w*0.5329522
		b5 = -0.7616*b5 - w*0.0168980
		out[i] = float32((b0 + b1 + b2 + b3 + b4 + b5 + b6 + w*0.5362) * 0.11)
		b6 = w * 0.115926
	}
	return out
}

// soxEffect runs x through sox's effects, raw 32-bit float in and out
// through pipes: nothing is written to disk.
func soxEffect(ctx context.Context, x []float32, effects ...string) ([]float32, error) {
	raw := []string{"-t", "f32", "-L", "-r", fmt.Sprint(Rate), "-c", "1"}
	args := append(append(append(append([]string{"-q"}, raw...), "-"), raw...), "-")
	cmd := exec.CommandContext(ctx, "sox", append(args, effects...)...)
	in := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(in[4*i:], math.Float32bits(v))
	}
	cmd.Stdin = bytes.NewReader(in)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("speechcorpus: sox %v: %w: %s", effects, err, strings.TrimSpace(stderr.String()))
	}
	b := out.Bytes()
	y := make([]float32, len(b)/4)
	for i := range y {
		y[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return y, nil
}
