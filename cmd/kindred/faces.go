package main

import (
	"time"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/voices"
)

// The face backend and the openers run uses, from package devices (under
// their old names, so run's files read as before).
type faceBackend = devices.FaceBackend

const (
	defaultFaceBackend = devices.DefaultFaceBackend
	faceBackendUsage   = devices.FaceBackendUsage
)

func openFacePipelineWith(s devices.FaceSchedule, b faceBackend, baseline func(track int) *face.Baseline, distressed func(at time.Duration) bool) (*face.Pipeline, func(), error) {
	return devices.OpenFacePipelineWith(s, b, baseline, distressed)
}

func openVoice() (voices.Synthesizer, voices.Player, error) { return devices.OpenVoice() }
