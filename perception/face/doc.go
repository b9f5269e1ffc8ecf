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
// drive the pipeline with fakes of those. With blendshapes, the AU columns
// keep their geometric reading against the person's neutral face, AU9 is
// held to what the blendshapes allow (and, against PopulationBaseline, to
// AU10), and the blendshapes are cues for the expression label (blend.go).
// With either backend, against the person's own neutral, AU10 is the upper
// lip's centre raised beyond the mouth corners (upperLipRaiser), and AU9
// counts the nose wings only as far as they rise beyond the corners
// (noseWrinkler): FACS does not score the lip or the wings a smile's
// corners carry up as AU10 or AU9.
//
// Action units are measured relative to the same person's neutral face,
// normalised by inter-ocular distance and corrected for head pose by
// frontalising the landmarks against GenericFace. Nothing assumes a face is
// calm: a calibrated Baseline wins; otherwise the pipeline scores a face
// against PopulationBaseline until it has been seen calm (still, not read as
// pain, the voice not distressed) for about 2 s, and then against a rolling
// neutral of its calm samples only, so a lasting grimace cannot leak in.
// Offline, NeutralOf takes a person's neutral from their least expressive
// frames over a whole recording and a Scorer scores every frame again
// against it (kindred analyze's two passes). Every baseline keeps the
// neutral face's blendshapes beside its geometry (Features.Blend), and the
// mesh's cues are measured against them (CuesAgainst). Classify weighs the
// pain face's regions (brows, orbit, upper lip, a held open mouth) against
// a laugh's (corners up, eyes crinkled but open, the mouth in bursts; corners
// up with the eyes squeezed shut are a grimace's), with
// the backend's Cues when it has them, to tell pain from laughter, a frown
// or a wink, and crying from smiling. AU43 needs the eyes shut
// for longer than a blink (MinEyesClosed, observation time), and eyes looking
// down are not eyes closed. PSPI is perception.AUs.PSPI(), faithful to the
// formula; the expression label, not PSPI, separates pain from laughter.
//
// A drawn face is no face: where a detection would start a track, and at
// each detection round while it is tracked, the skin the landmarks point
// at is read (MeasureLooks) and a face of a colour no skin has is dropped
// and counted by reason (Looks.Drawn, Stats), so a robot watching a cartoon
// does not comfort its characters, and so is one painted flat or rendered
// without any noise whose edges are as crisp as a drawing's (Looks.Sharp: a
// blurred or denoised real face reads as smooth, but its edges are soft);
// with Opts.DrawnTexture, a smooth one with soft edges too. Opts.AcceptDrawn
// turns the check off.
//
// The mesh is most of a frame's cost, so Opts.MeshEvery and MeshRate fit
// tracked faces on fewer frames than they see: a frame between is carried,
// each face handed back as last observed and marked FaceObs.Carried (no new
// evidence; offline, kindred analyze interpolates it with Between).
//
// All timing uses the frames' observation time (Frame.At), never the wall clock.
package face
