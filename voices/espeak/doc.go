// Package espeak is the cgo leaf that speaks through libespeak-ng (1.51):
// synchronous synthesis to 22050 Hz mono 16-bit PCM with phoneme and word
// events, returned as plain voices.Audio values.
//
// libespeak-ng keeps one engine per process and is not thread-safe, so the
// package initialises it once and serialises every call behind a mutex;
// an Engine is safe for concurrent use. Only the classic espeak_Initialize
// with AUDIO_OUTPUT_SYNCHRONOUS and espeakINITIALIZE_PHONEME_EVENTS delivers
// phoneme events, so that is the path taken.
package espeak
