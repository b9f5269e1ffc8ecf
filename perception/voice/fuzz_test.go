package voice

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzProcess feeds arbitrary float32 streams in arbitrary chunk sizes: the
// analyser must not panic and must only report finite values.
func FuzzProcess(f *testing.F) {
	seed := make([]byte, 4*3000)
	for i := 0; i < 3000; i++ {
		binary.LittleEndian.PutUint32(seed[4*i:], math.Float32bits(float32(0.3*math.Sin(float64(i)*0.08))))
	}
	f.Add(seed, uint16(160))
	f.Add(seed[:401], uint16(7))
	f.Add([]byte{0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x7f}, uint16(1))
	// A float WAV can hold any finite number: the sine at 5.7e26 (the
	// fuzzer's find) made the spectral flatness +Inf.
	loud := make([]byte, len(seed))
	for i := 0; i < 3000; i++ {
		binary.LittleEndian.PutUint32(loud[4*i:], math.Float32bits(float32(5.7e26*math.Sin(float64(i)*0.08))))
	}
	f.Add(loud, uint16(130))
	f.Fuzz(func(t *testing.T, raw []byte, chunk uint16) {
		x := make([]float32, len(raw)/4)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		a, err := NewAnalyzer(DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		step := int(chunk%2000) + 1
		check := func(hops []HopFeatures) {
			for _, h := range hops {
				for _, v := range []float64{h.F0, h.IntensityDB, h.HNR, h.Centroid, h.Flux, h.Flatness, h.SNRDB} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("non-finite measure in %+v", h)
					}
				}
			}
		}
		for i := 0; i < len(x); i += step {
			a.Process(x[i:min(i+step, len(x))], samplesToDuration(int64(i)))
			check(a.Hops())
		}
		a.Flush()
		check(a.Hops())
	})
}
