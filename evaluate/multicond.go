package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/vocalisation"
	"github.com/kindred-hri/kindred/perception/voice/roomsim"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/voices"
)

// trainingRoom is one acoustic condition a clip is copied into for
// multi-condition fitting: degrade gets the clean 16 kHz samples, a
// generator seeded for this clip and condition, and the talker track.
type trainingRoom struct {
	name    string
	degrade func(x []float32, r *rand.Rand, talk []float32) []float32
}

// trainingRooms are the conditions of multi-condition fitting, fixed
// before they were measured (MODEL_CARD.md, "Multi-condition fitting").
// None is a condition the room test judges: the noise is pink at 15 dB
// (the test's is sox's, at 10 and 20 dB), the rooms are velvet-noise
// tails (the test's are sox's reverb), and the talker is espeak-ng
// reading sentences written for it (the test's television is a LibriVox
// reader).
var trainingRooms = []trainingRoom{
	{"pink noise 15 dB", func(x []float32, r *rand.Rand, _ []float32) []float32 {
		return roomsim.Mix(x, roomsim.Pink(len(x), r), 0, 15)
	}},
	{"room (RT60 0.5 s, DRR 0 dB)", func(x []float32, r *rand.Rand, _ []float32) []float32 {
		return roomsim.Reverb(x, roomsim.Room{RT60: 0.5, DRRdB: 0}, r)
	}},
	{"far (-12 dB, RT60 0.8 s, DRR -6 dB)", func(x []float32, r *rand.Rand, _ []float32) []float32 {
		return roomsim.Reverb(roomsim.Gain(x, -12), roomsim.Room{RT60: 0.8, DRRdB: -6}, r)
	}},
	{"synthetic talker 12 dB", func(x []float32, r *rand.Rand, talk []float32) []float32 {
		if len(talk) == 0 {
			return x
		}
		return roomsim.Mix(x, talk, r.IntN(len(talk)), 12)
	}},
}

// MultiConditionNote is how a model card names multi-condition fitting.
func multiConditionNote() []string {
	out := make([]string, len(trainingRooms))
	for i, c := range trainingRooms {
		out[i] = "in process: " + c.name
	}
	return out
}

// talkerLines are what the synthetic talker reads: plain sentences of the
// kind a television or a visitor says, written for this purpose.
var talkerLines = []string{
	"Good evening, and welcome to the news at six.",
	"Tomorrow will start cloudy, with some sunny spells in the afternoon and a light wind from the west.",
	"The council met on Tuesday to talk about the new bus timetable.",
	"Now, stir in the flour a little at a time, and keep the heat low.",
	"Our next guest has been growing tomatoes in her garden for forty years.",
	"The match was level at half time, but the visitors scored twice after the break.",
	"Did you remember to call your sister about the weekend?",
	"Traffic is heavy on the ring road this morning because of roadworks near the bridge.",
	"And that brings us to the end of the programme. Thank you for watching.",
	"The museum opens a new exhibition of old photographs of the harbour next month.",
}

// talkerVoices are the espeak-ng voices the talker reads with, men and
// women at several pitches.
var talkerVoices = []voices.VoiceParams{
	{Voice: "en-us+m3", Rate: 165, Pitch: 40, Range: 60, Volume: 100},
	{Voice: "en-us+f3", Rate: 175, Pitch: 55, Range: 70, Volume: 100},
	{Voice: "en-us+m1", Rate: 155, Pitch: 30, Range: 50, Volume: 100},
	{Voice: "en-us+f4", Rate: 170, Pitch: 65, Range: 60, Volume: 100},
}

// talkerTrack renders every line in every voice, with a 0.3 s pause
// after each, as one 16 kHz track: the other talker of multi-condition
// fitting, made in process so that no recording is shipped or fetched.
func talkerTrack(ctx context.Context, s voices.Synthesizer) ([]float32, error) {
	var out []float32
	for i, v := range talkerVoices {
		for j := range talkerLines {
			line := talkerLines[(i*3+j)%len(talkerLines)]
			a, err := s.Synthesize(ctx, line, v)
			if err != nil {
				return nil, fmt.Errorf("eval: multi-condition talker: %w", err)
			}
			x := make([]float32, len(a.Samples))
			for k, v := range a.Samples {
				x[k] = float32(v) / 32768
			}
			out = append(out, wav.Resample(x, a.SampleRate, roomsim.Rate)...)
			out = append(out, make([]float32, roomsim.Rate*3/10)...)
		}
	}
	return out, nil
}

// multiConditionSamples copies every clip of dir into each of
// trainingRooms and gives the copies' training samples, each under its
// clip's speaker (so the folds stay speaker-disjoint). A clip's copies
// share one clip's weight between them, so the clean clips keep half the
// say in the fit whatever the number of conditions. Fitting on clean and
// degraded copies together is multi-condition training (Hirsch & Pearce
// 2000; for rooms, Ko et al. 2017).
func multiConditionSamples(ctx context.Context, clf *analysis.ClipClassifier, dir string, talker voices.Synthesizer) ([]vocalisation.Sample, error) {
	clips, err := eval.ReadDevset(dir)
	switch {
	case errors.Is(err, eval.ErrNoDevset):
		return nil, badInput("%s: no vocalisations/labels.csv (pass --devset DIR)", dir)
	case err != nil:
		return nil, badInput("%v", err)
	}
	talk, err := talkerTrack(ctx, talker)
	if err != nil {
		return nil, err
	}
	cm := clf.ClassMap()
	var out []vocalisation.Sample
	share := 1 / float64(len(trainingRooms))
	for i, c := range clips {
		path := filepath.Join(dir, filepath.FromSlash(c.File))
		clean, err := decodeClip(path)
		if err != nil {
			return nil, err
		}
		for j, room := range trainingRooms {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r := rand.New(rand.NewPCG(uint64(i), uint64(j)))
			rec, err := measureSamples(ctx, clf, c, room.degrade(clean, r, talk), path+" ("+room.name+")")
			if err != nil {
				return nil, err
			}
			s := trainingSamples([]clipRecord{rec}, cm)
			for k := range s {
				s[k].Weight *= share
			}
			out = append(out, s...)
		}
	}
	return out, nil
}
