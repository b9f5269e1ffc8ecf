package voices

import (
	"time"
)

// Mark is a timed event inside synthesised audio: a phoneme (Name is the
// synthesiser's phoneme mnemonic) or a word (Name is the word's text).
type Mark struct {
	At   time.Duration // from the start of the audio
	Name string
}

// Audio is synthesised speech as plain Go values: mono signed 16-bit PCM and
// the phoneme and word marks the synthesiser reported, in time order.
type Audio struct {
	SampleRate int
	Samples    []int16
	Phonemes   []Mark
	Words      []Mark
}

// Duration is the length of the audio.
func (a Audio) Duration() time.Duration {
	if a.SampleRate <= 0 {
		return 0
	}
	return time.Duration(len(a.Samples)) * time.Second / time.Duration(a.SampleRate)
}

// samplesFor converts a duration into a sample count at the audio's rate.
func (a Audio) samplesFor(d time.Duration) int {
	return int(int64(d) * int64(a.SampleRate) / int64(time.Second))
}

// appendAudio appends b (same sample rate) after a, shifting b's marks.
func appendAudio(a, b Audio) Audio {
	offset := a.Duration()
	a.Samples = append(a.Samples, b.Samples...)
	for _, m := range b.Phonemes {
		a.Phonemes = append(a.Phonemes, Mark{At: m.At + offset, Name: m.Name})
	}
	for _, m := range b.Words {
		a.Words = append(a.Words, Mark{At: m.At + offset, Name: m.Name})
	}
	return a
}

// appendSilence appends d of silence.
func appendSilence(a Audio, d time.Duration) Audio {
	if n := a.samplesFor(d); n > 0 {
		a.Samples = append(a.Samples, make([]int16, n)...)
	}
	return a
}
