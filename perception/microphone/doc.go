// Package microphone captures the live microphone through miniaudio
// (malgo) as 16 kHz mono float32, the voice analyser's input. It is a cgo
// leaf: samples leave it as plain []float32 and nothing of malgo escapes.
//
// The audio thread's callback only copies and hands the chunk on without
// blocking; when the reader falls behind, chunks are dropped and counted,
// because late audio is worth less than a gap. A device that stops or goes
// silent for longer than the watchdog is reported as voice.ErrSourceLost and
// reopened on the next Read, so voice.Analyzer.Run can announce the loss
// and the return.
package microphone
