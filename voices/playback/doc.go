// Package playback plays voices.Audio on the default audio output through
// oto v3 (PulseAudio, else ALSA, both loaded at run time). oto allows one
// context per process, so the package opens it once and every Player (and
// every test) shares it.
//
// With no sound server and no card, Open fails with an error that wraps
// voices.ErrNoAudioOutput and says how to fix it; the wiring logs it once
// and speaks silently. Check gives `kindred doctor` the same diagnosis.
package playback
