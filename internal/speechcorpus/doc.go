// Package speechcorpus loads ordinary speech, in which every word or
// answer heard is a false alarm: the real recordings this machine has
// (LibriVox from pocketsphinx-testdata, alsa-utils' voice, the dev set's
// speech clips, Asterisk's prompts, codec2's samples) and, to make up an
// hour, sentences said by synthetic voices, rendered into a cache. A Room
// degrades clips in memory as a robot's microphone across a room hears
// them (reverberation, distance, a fan, a television), for measurements.
package speechcorpus
