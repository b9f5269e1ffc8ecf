package sphinx

import (
	"errors"
	"testing"
	"time"
)

func newCallVerifier(t testing.TB) *CallVerifier {
	t.Helper()
	v, err := NewCallVerifier(DefaultOpts())
	if errors.Is(err, ErrNoModel) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// spotAt is where a keyword spotter would report a word that ends end
// before the end of x (say pads half a second): a few frames after it.
func spotAt(x []float32, end time.Duration) int {
	return len(x) - int((end-50*time.Millisecond).Seconds()*Rate)
}

// TestCallVerifier: a call for help said on its own is a call; "help"
// inside a longer stretch of talk, or with talk running on after it, is
// not, whatever the grammar would make of it.
func TestCallVerifier(t *testing.T) {
	v := newCallVerifier(t)
	dir := t.TempDir()
	quiet := make([]float32, 2*Rate)
	for _, c := range []struct {
		voice, text string
		want        bool
	}{
		{"flite:awb", "Help!", true},
		{"flite:kal", "Somebody help me!", true},
		{"festival:kal_diphone", "Help, please.", true},
		{"flite:slt", "I was glad to help my neighbour carry the shopping up the stairs yesterday afternoon.", false},
		{"flite:kal", "Help yourself to a biscuit, and tell me about your grandson's new school.", false},
	} {
		said := say(t, dir, c.voice, 175, c.text)
		// Quiet before it, so that the call starts within the window; the
		// spot at the word "help" (the end, for a call; the middle of a
		// sentence otherwise, where the spotter would hear it).
		x := append(append([]float32(nil), quiet...), said...)
		at := spotAt(x, 500*time.Millisecond)
		if !c.want {
			at = len(quiet) + len(said)/3
		}
		heard, err := v.Check(x, at)
		if err != nil {
			t.Fatal(err)
		}
		if got := heard != "" && heard[0] != '('; got != c.want {
			t.Errorf("%s %q: heard %q, call %v, want %v", c.voice, c.text, heard, got, c.want)
		}
	}
	// A call the window cuts, at its end (the person still speaking when
	// the verifier must judge) or at its start (talk under way before the
	// window), is no call of its own, though the grammar would take it.
	call := say(t, dir, "flite:awb", 175, "Help!")
	whole := append(append([]float32(nil), quiet...), call...)
	if heard, err := v.Check(whole, spotAt(whole, 500*time.Millisecond)); err != nil || heard != "help" {
		t.Fatalf("flite:awb \"Help!\" with quiet around it: heard %q, %v; want help", heard, err)
	}
	cutEnd := whole[:len(whole)-Rate/2]
	if heard, err := v.Check(cutEnd, len(cutEnd)-Rate/50); err != nil || heard[0] != '(' {
		t.Errorf("help cut off at the window's end: heard %q, %v; want no call", heard, err)
	}
	cutStart := call[Rate/2:]
	if heard, err := v.Check(cutStart, spotAt(cutStart, 500*time.Millisecond)); err != nil || heard[0] != '(' {
		t.Errorf("help at the window's very start: heard %q, %v; want no call", heard, err)
	}
	// A call with talk right after it is no call of its own.
	call = say(t, dir, "flite:slt", 175, "Help!")
	talk := say(t, dir, "flite:slt", 175, "the garden looks lovely today, doesn't it")
	x := append(append(append([]float32(nil), quiet...), call[:len(call)-Rate/2]...), talk[Rate/4:]...)
	if heard, err := v.Check(x, len(quiet)+len(call)-Rate/2); err != nil || heard[0] != '(' {
		t.Errorf("help with talk running on: heard %q, %v; want no call", heard, err)
	}
}

// BenchmarkCallVerify measures what one candidate "help" costs: the
// verifier's decoding of the stretch around it.
func BenchmarkCallVerify(b *testing.B) {
	v := newCallVerifier(b)
	x := append(make([]float32, 2*Rate), say(b, b.TempDir(), "flite:slt", 175, "Somebody help me!")...)
	at := spotAt(x, 500*time.Millisecond)
	c0 := cpuTime()
	for b.Loop() {
		if _, err := v.Verify(x, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu_ms/op")
}
