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
