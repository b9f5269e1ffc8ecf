// Package voices gives the robot its voice: phrase banks per language and
// intent, personas, tones (prosody), rendering text to audio through a
// Synthesizer, mouth movement that follows the audio, and the Speaker stage
// that turns behaviour's intents into speech with barge-in.
//
// The package is pure Go. Speech synthesis (voices/espeak, libespeak-ng) and
// playback (voices/playback, oto) live in cgo/driver leaves that implement the
// small Synthesizer and Player interfaces declared here; cmd/kindred wires
// them. Audio is plain Go: 16-bit mono PCM with timed phoneme and word marks.
//
// Mouth commands are timed against the playback position reported by the
// Player, never against a separate clock, so the jaw stays with the sound
// even when playback stalls.
package voices
