// Package face turns camera frames into facial observations: tracked faces
// with 68 landmarks, head pose, action units (AU1, AU2, AU4, AU6, AU7, AU9,
// AU10, AU12, AU15, AU25, AU26, AU43), PSPI and an expression label.
//
// It is pure Go. The image work that needs native libraries sits behind three
// small interfaces declared here and implemented by cgo leaves: Detector
// (face/mesh's YuNet, face/dlib's HOG),
// Landmarker (face/mesh's MediaPipe face mesh, a MeshFitter that also tracks
// mesh to mesh and gives blendshapes; face/dlib's shape predictor) and
// PoseEstimator (face/pose, OpenCV's solvePnP against GenericFace). Tests
// drive the pipeline with fakes of those. With blendshapes, BlendAUs reads
// most AU columns from them (blend.go).
//
// Action units are measured relative to the same person's neutral face
// (Baseline: from calibration, or learnt online as a median over calm
// frames), normalised by inter-ocular distance and corrected for head pose by
// frontalising the landmarks against GenericFace. AU43 needs the eyes shut
// for longer than a blink (MinEyesClosed, observation time), and eyes looking
// down are not eyes closed. PSPI is perception.AUs.PSPI(), faithful to the
// formula; the expression label, not PSPI, separates pain from laughter.
//
// All timing uses the frames' observation time (Frame.At), never the wall clock.
package face
