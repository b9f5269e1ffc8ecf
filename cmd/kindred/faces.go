package main

import (
	"io"
	"time"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/voices"
)

// The face backends and openers main's commands use, from package devices
// (kept under their old names so the commands that use them read as before).
type faceBackend = devices.FaceBackend

const (
	faceMesh           = devices.FaceMesh
	faceDlib           = devices.FaceDlib
	defaultFaceBackend = devices.DefaultFaceBackend
	faceBackendUsage   = devices.FaceBackendUsage
)

func faceModels(b faceBackend) []models.Model { return devices.FaceModels(b) }

func openFacePipeline(detectEvery int, b faceBackend) (*face.Pipeline, func(), error) {
	return devices.OpenFacePipeline(detectEvery, b)
}

func openFacePipelineWith(detectEvery int, b faceBackend, baseline func(track int) *face.Baseline, distressed func(at time.Duration) bool) (*face.Pipeline, func(), error) {
	return devices.OpenFacePipelineWith(detectEvery, b, baseline, distressed)
}

func openVoice(log io.Writer) (voices.Synthesizer, voices.Player, error) {
	return devices.OpenVoice(log)
}
