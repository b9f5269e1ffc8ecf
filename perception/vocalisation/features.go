package vocalisation

import (
	"math"
	"slices"

	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
)

// Feature names, in the order Extract returns them. Acoustic ones start
// with "a_", YAMNet ones with "y_".
var (
	// The clip's duration is measured (a_log_duration) but not used: in
	// the dev set the speech clips are longer than the vocalisations and
	// come from other corpora, so a fit learnt "short means not speech"
	// and called short spoken phrases outside it "other".
	// Nor is the SNR (a_snr_db): the dev set's phone recordings pause in
	// near-digital silence, so their SNR (mean 55 dB on moans, cries and
	// screams) measures the phone's noise suppression, not the voice. A
	// fit that used it heard a room's noise as a sign of speech or sighs:
	// with pink noise at 10 dB SNR it called 13 % of moans, cries and
	// screams distress, against 89 % clean (MODEL_CARD.md, Limits).
	AcousticFeatures = []string{"a_voiced_fraction", "a_log2_f0", "a_f0_range_st",
		"a_hnr_db", "a_flatness", "a_log2_centroid", "a_flux", "a_syllable_rate", "a_burst_rate",
		"a_intensity_slope"}
	EventFeatures = []string{"y_speech", "y_moan", "y_cry", "y_scream", "y_laugh", "y_cough",
		"y_breath", "y_animal"}
	// ContinuityFeatures are pitch continuity over the foreground
	// (continuity.go): with throat-clearing fitted apart (FittedApart)
	// they keep a throat-clearing's reverberant or noisy copy from
	// passing for a moan (MODEL_CARD.md, "Pitch continuity").
	ContinuityFeatures = []string{featF0Breaks, featStableRun}
	AllFeatures        = slices.Concat(AcousticFeatures, EventFeatures, ContinuityFeatures)
	// candidates are every feature Extract and ClipFeatures give,
	// including those the shipped sets leave out.
	candidates = append(append([]string{}, AllFeatures...), "a_log_duration",
		"a_snr_db", "a_f0_swing_st", "a_tremor_st", "a_max_voiced_run", "y_throat", "y_sneeze", "y_sigh",
		"y_mean_speech", "y_mean_moan", "y_mean_cry", "y_mean_scream", "y_mean_laugh")
)

// Extract gives every feature of AllFeatures for one clip (the
// continuity measures at 0: ClipFeatures fills them in). Logarithms keep
// pitch, duration and centroid on the scales they are heard on; a clip
// without voicing has its pitch features at 0 and says so through the
// voiced fraction.
func Extract(a voice.SegmentFeatures, e soundevents.ClipScores) map[string]float64 {
	f := map[string]float64{
		"a_log_duration":    math.Log(max(a.Duration, 0.05)),
		"a_voiced_fraction": a.VoicedFraction,
		"a_f0_range_st":     a.F0RangeST,
		"a_hnr_db":          a.HNR,
		"a_flatness":        a.Flatness,
		"a_syllable_rate":   a.SyllableRate,
		"a_burst_rate":      float64(a.Bursts) / max(a.Duration, 0.1),
		"a_log2_f0":         0,
		"a_log2_centroid":   0,
	}
	if a.F0Median > 0 {
		f["a_log2_f0"] = math.Log2(a.F0Median / 200)
	}
	if a.Centroid > 0 {
		f["a_log2_centroid"] = math.Log2(a.Centroid / 1000)
	}
	f["a_intensity_slope"] = a.IntensitySlope
	f["a_snr_db"] = a.SNRDB
	f["a_f0_swing_st"] = a.F0Swing
	f["a_tremor_st"] = a.TremorST
	f["a_max_voiced_run"] = a.MaxVoicedRun
	f["a_flux"] = a.Flux
	// Pitch continuity needs the hops themselves, which a summary does
	// not keep: given here as for a clip without voicing, and filled in
	// by ClipFeatures (continuity.go).
	f[featF0Breaks], f[featStableRun] = 0, 0
	m := e.Max
	f["y_throat"] = m[soundevents.GroupThroat]
	f["y_sneeze"] = m[soundevents.GroupSneeze]
	f["y_sigh"] = m[soundevents.GroupSigh]
	f["y_mean_speech"] = e.Mean[soundevents.GroupSpeech]
	f["y_mean_moan"] = e.Mean[soundevents.GroupMoan]
	f["y_mean_cry"] = e.Mean[soundevents.GroupCry]
	f["y_mean_scream"] = e.Mean[soundevents.GroupScream]
	f["y_mean_laugh"] = e.Mean[soundevents.GroupLaugh]
	f["y_speech"] = m[soundevents.GroupSpeech]
	f["y_moan"] = m[soundevents.GroupMoan]
	f["y_cry"] = m[soundevents.GroupCry]
	f["y_scream"] = m[soundevents.GroupScream]
	f["y_laugh"] = m[soundevents.GroupLaugh]
	f["y_cough"] = max(m[soundevents.GroupCough], m[soundevents.GroupThroat], m[soundevents.GroupSneeze])
	f["y_breath"] = max(m[soundevents.GroupBreath], m[soundevents.GroupSigh], m[soundevents.GroupGrunt])
	f["y_animal"] = m[soundevents.GroupAnimal]
	for k, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			f[k] = 0
		}
	}
	return f
}
