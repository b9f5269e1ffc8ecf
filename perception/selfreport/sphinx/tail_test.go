package sphinx

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
)

// levels builds 10 ms frame levels (dBFS) from runs: n frames starting at
// from and moving by step a frame, a wobble of ±2 dB on every other frame
// (a tail's frames waver by a few dB).
func levels(runs ...[3]float64) []float64 {
	var db []float64
	for _, r := range runs {
		for i := range int(r[0]) {
			v := r[1] + r[2]*float64(i)
			if len(db)%2 == 1 {
				v -= 2
			}
			db = append(db, v)
		}
	}
	return db
}

// TestCallEnd: a syllable followed by a room's decay rings out from the
// syllable, and the call has ended; a new onset in the decay less than
// callTail (400 ms) before the end, or sound that stays level, is not
// a tail, so the call has not ended there.
func TestCallEnd(t *testing.T) {
	for _, c := range []struct {
		name string
		db   []float64
		// the tail must start at or after from and at or before to;
		// ends says whether the call has ended.
		from, to int
		ends     bool
	}{
		{"a syllable ringing out at 1 dB a frame (RT 0.6 s)",
			levels([3]float64{20, -60, 0}, [3]float64{25, -20, 0}, [3]float64{80, -26, -1}), 20, 45, true},
		{"a syllable ringing out slowly (RT 1.5 s)",
			levels([3]float64{20, -60, 0}, [3]float64{25, -20, 0}, [3]float64{80, -26, -0.4}), 20, 45, true},
		{"a new syllable 15 dB up in the decay",
			levels([3]float64{20, -60, 0}, [3]float64{25, -20, 0}, [3]float64{20, -26, -1}, [3]float64{15, -30, 0}, [3]float64{20, -40, -0.5}), 60, 80, false},
		{"sound that stays level (a hum, a held vowel)",
			levels([3]float64{20, -60, 0}, [3]float64{120, -30, 0}), 100, 140, false},
	} {
		got, ends := callEnd(c.db, 20)
		if got < c.from || got > c.to || ends != c.ends {
			t.Errorf("%s: tail from frame %d of %d, call ended %v; want %d to %d, ended %v", c.name, got, len(c.db), ends, c.from, c.to, c.ends)
		}
	}
}

// TestCallVerifierInRoom: a call for help said across a reverberant room
// (sox's reverb 50, and a strong room, reverb 90) is a call of its own,
// though the room keeps the stretch after it 15 dB above the quiet up to
// the end of the window; talk that runs on after "help" in the same room
// is still no call.
func TestCallVerifierInRoom(t *testing.T) {
	v := newCallVerifier(t)
	dir := t.TempDir()
	quiet := make([]float32, 2*Rate)
	after := int(1200 * time.Millisecond.Seconds() * Rate) // keywords.DefaultOpts' VerifyAfter
	hear := func(cond speechcorpus.Condition, said []float32, at int) string {
		t.Helper()
		room, err := speechcorpus.NewRoom(cond)
		if err != nil {
			t.Skip(err)
		}
		x := append(append(append([]float32(nil), quiet...), said...), make([]float32, Rate)...)
		if x, err = room.Hear(t.Context(), x, 0); err != nil {
			t.Skip(err)
		}
		heard, err := v.Check(x[:len(quiet)+at+after], len(quiet)+at)
		if err != nil {
			t.Fatal(err)
		}
		return heard
	}
	for _, c := range []struct {
		room        speechcorpus.Condition
		voice, text string
	}{
		{speechcorpus.Reverb50, "flite:awb", "Help!"},
		{speechcorpus.Reverb50, "flite:rms", "Help, please."},
		{speechcorpus.Reverb50, "festival:cmu_us_slt_arctic_hts", "Help, please."},
		{speechcorpus.Reverb90, "flite:rms", "Help!"},
		{speechcorpus.Reverb90, "flite:rms", "Oh, help."},
		{speechcorpus.Reverb90, "festival:cmu_us_slt_arctic_hts", "Help!"},
	} {
		said := say(t, dir, c.voice, 150, c.text)
		at := spotAt(said, 500*time.Millisecond) // just after the call
		if c.text == "Help, please." {
			at = len(said) / 2 // just after "help"
		}
		if heard := hear(c.room, said, at); heard == "" || heard[0] == '(' {
			t.Errorf("%s %s %q: heard %q; want a call", c.room, c.voice, c.text, heard)
		}
	}
	call := say(t, dir, "flite:slt", 175, "Help!")
	talk := say(t, dir, "flite:slt", 175, "the garden looks lovely today, doesn't it")
	said := append(append([]float32(nil), call[:len(call)-Rate/2]...), talk[Rate/4:]...)
	for _, room := range []speechcorpus.Condition{speechcorpus.Reverb50, speechcorpus.Reverb90} {
		if heard := hear(room, said, len(call)-Rate/2); heard == "" || heard[0] != '(' {
			t.Errorf("%s: help with talk running on: heard %q; want no call", room, heard)
		}
	}
}
