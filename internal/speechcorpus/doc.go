// Package speechcorpus loads, for tests, the real ordinary speech this
// machine has: the LibriVox recordings of pocketsphinx-testdata,
// alsa-utils' spoken test sounds and the dev set's speech clips. Words and
// answers heard in them are false alarms.
package speechcorpus
