// Package fusion turns the face, voice and posture streams into a
// PAINAD-aligned pain assessment about ten times a second (observation time).
//
// Each of the five PAINAD items (breathing, negative vocalisation, facial
// expression, body language, consolability) is scored 0..2 from its own
// evidence, with a confidence. Fusion is late and confidence-weighted: an item
// whose modality is missing or unsure (face turned away, hands over the face,
// no microphone) leans on what the other items show, and the assessment's
// confidence falls, so the estimate degrades instead of dropping to zero.
// Items are smoothed (fast rise, slow fall), so one noisy frame neither
// raises nor clears an alert. The band is always the PAINAD band of the
// score (0 none, 1–3 mild, 4–6 moderate, 7–10 severe).
//
// The face item uses the expression label as well as PSPI: a laugh raises
// PSPI through AU6, AU7 and AU10 but is labelled happy and lacks AU4, so it
// does not read as pain. Consolability is measured, not asked: after the robot
// comforts (perception.EventComforted), a score that falls is consoled, one
// that does not is not.
//
// A face lost and found (a new track, or a face after none for a second)
// starts a second smoothing of the items on what is seen and heard from
// then on; PainAssessment.Stale is how much of the score only that
// memory of the face before holds up (0 while the face was never lost).
// The score is unchanged; behavior begins no episode on the stale part.
//
// A face marked Carried (the face pipeline fitted no landmarks on its
// frame and repeats an earlier frame's values) keeps the person present
// and is no evidence: the face item reads only fitted frames.
//
// A 0–10 rating the person gave when asked (Report, Inputs.Reports) is the
// strongest cue: the Score is the higher of it (fading with a half-life,
// Opts.SelfReportHalfLife) and what is seen (Looks), never their average,
// and the assessment carries both (Says, Looks) for the carer.
//
// Observations are outside input, checked before they count: a face,
// voice hop or posture carrying NaN or infinite numbers, or a rating
// outside 0–10, is dropped, counted (Rejected) and, under Run, told to
// Inputs.Rejected with why ("face: NaN PSPI"), for the caller to record.
//
// Everything is relative to the person's Profile (neutral face, voice and
// movement baselines, per-person trust weights, item gains and thresholds)
// when one is known, looked up as they arrive (Opts.Profiles); Learn
// refits the gains to carers' PAINAD ratings. A stored profile that cannot
// be used is not taken for "not known": the person is scored against the
// population profile and, under Run, the error goes to
// Inputs.ProfileFailed for the caller to record. The
// package is pure Go; a Fuser is owned by one goroutine (Run, or a caller
// feeding it). Feed it the attended person's observations only.
package fusion
