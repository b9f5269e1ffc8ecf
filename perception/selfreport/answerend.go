package selfreport

import (
	"math"
	"time"
)

// The end of a spoken answer, heard live at 16 kHz.
const (
	// AnswerQuiet ends a spoken answer early: speech was heard, then this
	// much quiet. It is longer than the pauses inside one answer ("about…
	// a seven"; Stretches joins pauses under 600 ms) and, with the
	// recogniser's end of answer (about 0.1 s), keeps the value under a
	// second from the answer's end.
	AnswerQuiet = 700 * time.Millisecond
	// AnswerSpeech is how much loud audio counts as having answered.
	AnswerSpeech = 200 * time.Millisecond
	// AnswerChunk is the loudness step, in samples: 20 ms at 16 kHz.
	AnswerChunk = 320
	// quietFloor is the loudest a quiet room is taken to be (about -52
	// dBFS RMS) until a quieter chunk is heard.
	quietFloor = 0.0025
)

// AnswerEnd follows the loudness of an answer as it is heard, in 20 ms
// chunks, and says when it is over: once AnswerSpeech of speech has been
// heard and AnswerQuiet of quiet follows. Loud is 4 times the quietest
// chunk so far, taken as no louder than about -52 dBFS (an answer may
// start at once, before any quiet was heard), and at least -46 dBFS. In a
// room louder than 4 times that (-40 dBFS) no quiet is found, and the answer lasts as long as
// the listening does. The live answer desk and the offline count of false
// answers (kindred eval --only words) both cut answers with it, so the
// count hears what the robot would. The zero value is ready; one AnswerEnd
// follows one answer.
type AnswerEnd struct {
	chunk  []float32
	floor  float64
	speech int64 // loud samples so far
	quiet  int64 // quiet samples since the last loud chunk
}

// Over adds samples of the answer and reports whether it is over.
func (e *AnswerEnd) Over(s []float32) bool {
	for _, v := range s {
		e.chunk = append(e.chunk, v)
		if len(e.chunk) < AnswerChunk {
			continue
		}
		var sum float64
		for _, x := range e.chunk {
			sum += float64(x) * float64(x)
		}
		rms := math.Sqrt(sum / float64(len(e.chunk)))
		e.chunk = e.chunk[:0]
		if e.floor == 0 {
			e.floor = quietFloor
		}
		e.floor = max(min(e.floor, rms), 1e-5)
		if rms >= max(4*e.floor, 0.005) {
			e.speech += AnswerChunk
			e.quiet = 0
		} else if e.speech > 0 {
			e.quiet += AnswerChunk
		}
	}
	return e.speech >= answerSamples(AnswerSpeech) && e.quiet >= answerSamples(AnswerQuiet)
}

// Cut returns the part of a listening window x the live desk would hear:
// fed to an AnswerEnd in chunks of step samples, up to and including the
// chunk after which the answer is over, or all of x.
func Cut(x []float32, step int) []float32 {
	var e AnswerEnd
	for i := 0; i < len(x); i += step {
		j := min(i+step, len(x))
		if e.Over(x[i:j]) {
			return x[:j]
		}
	}
	return x
}

func answerSamples(d time.Duration) int64 { return int64(d.Seconds() * 16000) }
