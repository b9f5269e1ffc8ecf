package models

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// The embedded bytes must be the files NOTICE describes: a model changed by
// accident (or a Git LFS pointer committed instead of the file) fails here.
func TestEmbeddedFilesMatchNotice(t *testing.T) {
	notice, err := os.ReadFile("NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"yamnet.onnx", YAMNet, YAMNetSHA256},
		{"yamnet_class_map.csv", YAMNetClassMap, YAMNetClassMapSHA256},
		{"face_detection_yunet_2023mar.onnx", YuNet, YuNetSHA256},
		{"face_landmarks_478.onnx", FaceMesh, FaceMeshSHA256},
		{"face_blendshapes_52.onnx", FaceBlendshapes, FaceBlendshapesSHA256},
		{"blendshape_names.txt", BlendshapeNames, BlendshapeNamesSHA256},
		{"blendshape_landmark_subset.txt", BlendshapeSubset, BlendshapeSubsetSHA256},
	} {
		sum := sha256.Sum256(tc.data)
		if got := hex.EncodeToString(sum[:]); got != tc.want {
			t.Errorf("%s: SHA-256 %s, want %s", tc.name, got, tc.want)
		}
		if !strings.Contains(string(notice), tc.want) {
			t.Errorf("NOTICE does not record %s's SHA-256 %s", tc.name, tc.want)
		}
	}
}
