package main

import (
	"context"
	"errors"

	"github.com/kindred-hri/kindred/perception"
)

// PLACEHOLDER: replaced by the voice perception work.
// analyzeAudio reads an audio file, writes the per-hop voice CSV to csvPath
// (when not empty) and returns the contract's "audio" summary block and the
// observations, in media time.
func analyzeAudio(ctx context.Context, path, csvPath string) (*audioSummary, []perception.VoiceObs, error) {
	return nil, nil, errors.New("audio analysis: not built yet")
}

type audioSummary struct {
	File            string            `json:"file"`
	DurationS       float64           `json:"duration_s"`
	ElapsedS        float64           `json:"elapsed_s"`
	VoicedFraction  float64           `json:"voiced_fraction"`
	F0MeanHz        float64           `json:"f0_mean_hz"`
	F0SdHz          float64           `json:"f0_sd_hz"`
	JitterLocalPct  float64           `json:"jitter_local_pct"`
	ShimmerLocalPct float64           `json:"shimmer_local_pct"`
	HNRdB           float64           `json:"hnr_db"`
	IntensityMeanDB float64           `json:"intensity_mean_db"`
	Vocalisation    vocalisationBlock `json:"vocalisation"`
	Keywords        []string          `json:"keywords"`
}

type vocalisationBlock struct {
	Class    string  `json:"class"`
	Distress float64 `json:"distress"`
}
