// Package cmudict reads the entries for a few words out of a CMU-format
// pronouncing dictionary, so a pocketsphinx decoder can be handed those few
// lines instead of the whole dictionary.
package cmudict
