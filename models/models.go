package models

import _ "embed"

// YAMNet is yamnet.onnx: YAMNet's 521-class audio event classifier for
// OpenCV 4.6's DNN module (Apache-2.0; see NOTICE).
//
//go:embed yamnet.onnx
var YAMNet []byte

// YAMNetClassMap is yamnet_class_map.csv: index,mid,display_name for each
// of YAMNet's outputs (AudioSet ontology, CC BY-SA 4.0; see NOTICE).
//
//go:embed yamnet_class_map.csv
var YAMNetClassMap []byte

// SHA-256 of the embedded files, as NOTICE records them.
const (
	YAMNetSHA256         = "3341025155f128f2a2de1b3453192425aeff2570546791b1f0c3d66442e05c06"
	YAMNetClassMapSHA256 = "cdf24d193e196d9e95912a2667051ae203e92a2ba09449218ccb40ef787c6df2"
)

// YuNet is face_detection_yunet_2023mar.onnx: the YuNet face detector with
// five keypoints (MIT, opencv_zoo; Apache-2.0, libfacedetection.train; see
// NOTICE).
//
//go:embed face_detection_yunet_2023mar.onnx
var YuNet []byte

// FaceMesh is face_landmarks_478.onnx: MediaPipe Face Landmarker v2's
// 478-point face mesh with a face-presence logit (Apache-2.0; see NOTICE).
//
//go:embed face_landmarks_478.onnx
var FaceMesh []byte

// FaceBlendshapes is face_blendshapes_52.onnx: MediaPipe's blendshape model,
// 52 ARKit-style coefficients from 146 mesh points (Apache-2.0; see NOTICE).
//
//go:embed face_blendshapes_52.onnx
var FaceBlendshapes []byte

// BlendshapeNames is blendshape_names.txt: the 52 output names in order,
// one a line (index 0 is _neutral).
//
//go:embed blendshape_names.txt
var BlendshapeNames []byte

// BlendshapeSubset is blendshape_landmark_subset.txt: the 146 mesh indices
// the blendshape model reads, in input order, one a line.
//
//go:embed blendshape_landmark_subset.txt
var BlendshapeSubset []byte

// SHA-256 of the face models, as NOTICE records them.
const (
	YuNetSHA256            = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
	FaceMeshSHA256         = "1ac9b6927a6ad57c5b5edec730f68706de650fdd06ca46f90f6c53a50f6836c9"
	FaceBlendshapesSHA256  = "9bcb08936cb3c58884eae54cb6e97fc26681d3a9890a7a51c77516d3bdff894e"
	BlendshapeNamesSHA256  = "c7f2631c35ebb79458cdb62eade818d4ae5faf04e1fb25ab808fc654bf3492d1"
	BlendshapeSubsetSHA256 = "f04ea4a93c03a6cd3deaaf0487c388edd8d3eb6c7628e27f0e8f1340cecbe48a"
)

// Model names a shipped model and its licence, for summaries and doctor.
type Model struct {
	Name    string `json:"name"`
	Licence string `json:"licence"`
}

// FaceModels are the face models the mesh backend runs.
var FaceModels = []Model{
	{"YuNet face detector 2023mar (face_detection_yunet_2023mar.onnx)", "MIT (opencv_zoo) / Apache-2.0 (libfacedetection.train)"},
	{"MediaPipe Face Landmarker v2 mesh, 478 points (face_landmarks_478.onnx)", "Apache-2.0"},
	{"MediaPipe face blendshapes, 52 (face_blendshapes_52.onnx)", "Apache-2.0"},
}

// File is an embedded model file and its SHA-256, for a run's record.
type File struct{ Name, SHA256 string }

// FaceFiles are the files the mesh face backend loads; AudioFiles those
// the vocalisation classifier's sound events load.
var (
	FaceFiles = []File{{"face_detection_yunet_2023mar.onnx", YuNetSHA256}, {"face_landmarks_478.onnx", FaceMeshSHA256},
		{"face_blendshapes_52.onnx", FaceBlendshapesSHA256}, {"blendshape_names.txt", BlendshapeNamesSHA256},
		{"blendshape_landmark_subset.txt", BlendshapeSubsetSHA256}}
	AudioFiles = []File{{"yamnet.onnx", YAMNetSHA256}, {"yamnet_class_map.csv", YAMNetClassMapSHA256}}
)
