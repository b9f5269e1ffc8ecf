package face_test

import (
	"fmt"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// A laugh raises PSPI through the cheeks, lids and upper lip, but without
// the brow lowerer's evidence and with the corners leading the upper lip up
// it is labelled happy, not pain. The same lifted corners on a mouth pulled
// square (the upper lip rising as far: a crying mouth) are not a smile.
func ExampleClassify() {
	laugh := perception.AUs{AU06: 3.5, AU07: 2, AU10: 2.5, AU12: 4.5, AU25: 3.5}
	fmt.Printf("laugh: PSPI %.1f, %s\n", laugh.PSPI(), face.Classify(laugh, face.Evidence{Curve: 0.04}))
	fmt.Printf("crying mouth: %s\n", face.Classify(laugh, face.Evidence{Curve: -0.08}))

	grimace := perception.AUs{AU04: 3, AU06: 2, AU07: 2.5, AU10: 2, AU25: 1}
	fmt.Printf("grimace: PSPI %.1f, %s\n", grimace.PSPI(), face.Classify(grimace, face.Evidence{AU4: 0.7}))
	// Output:
	// laugh: PSPI 6.0, happy
	// crying mouth: neutral
	// grimace: PSPI 7.5, pain
}

// A calibration measures calm frames and keeps their median as the person's
// neutral face; the baseline is plain numbers, stored with the person.
func ExampleBaselineOf() {
	calm := face.Project(&face.GenericFace, perception.HeadPose{Yaw: 5}, 2, perception.Point{X: 320, Y: 240})
	f, _ := face.Measure(nil, &calm, perception.HeadPose{Yaw: 5})
	b, err := face.BaselineOf([]face.Features{f, f, f})
	fmt.Printf("%d frames, eye aspect ratio %.2f, err %v\n", b.Frames, b.Neutral.EyeOpen, err)
	// Output:
	// 3 frames, eye aspect ratio 0.37, err <nil>
}
