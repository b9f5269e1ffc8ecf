package mesh

/*
#cgo CXXFLAGS: -std=c++14 -O2 -I/usr/include/opencv4
#cgo LDFLAGS: -lopencv_imgproc -lopencv_core
#include "crop.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// frameView is a frame's 8-bit pixels as they lie in Go memory: w x h
// pixels of channels bytes (BGR when 3), rows stride bytes apart, the
// first at pix[0].
type frameView struct {
	pix          []byte
	w, h, stride int
	channels     int
}

// cropInto warps img through am (image -> crop, a 2x3 row-major affine)
// into b.warped and fills b.blob from it, in one cgo call that reads img in
// place. cgo lets C read Go memory that holds no Go pointers for the length
// of a call and no longer (the cgo documentation, "Passing pointers"), so
// the frame needs no copy into C memory first: that copy and the Go loop
// that filled the blob's planes were a millisecond of a colour fit
// (BenchmarkCropBlob).
func (b *fitBuffers) cropInto(img frameView, am *[6]float64) error {
	if img.channels != 1 && img.channels != 3 {
		return fmt.Errorf("mesh: a frame of %d channels", img.channels)
	}
	if img.w < 1 || img.h < 1 || img.stride < img.channels*img.w || len(img.pix) < (img.h-1)*img.stride+img.channels*img.w {
		return errors.New("mesh: frame pixels shorter than its size")
	}
	warped, err := b.warped.DataPtrUint8()
	if err != nil || len(warped) < 3*cropSide*cropSide {
		return fmt.Errorf("mesh: crop buffer: %v", err)
	}
	planes, err := b.planes.DataPtrUint8()
	if err != nil || len(planes) < 3*cropSide*cropSide {
		return fmt.Errorf("mesh: crop planes: %v", err)
	}
	blob, err := b.blob.DataPtrFloat32()
	if err != nil || len(blob) < 3*cropSide*cropSide {
		return fmt.Errorf("mesh: crop input: %v", err)
	}
	rc := C.mesh_crop_blob((*C.uchar)(unsafe.Pointer(&img.pix[0])), C.int(img.w), C.int(img.h), C.int(img.stride), C.int(img.channels),
		(*C.double)(unsafe.Pointer(&am[0])), C.int(cropSide),
		(*C.uchar)(unsafe.Pointer(&warped[0])), (*C.uchar)(unsafe.Pointer(&planes[0])), (*C.float)(unsafe.Pointer(&blob[0])))
	runtime.KeepAlive(img.pix)
	if rc != 0 {
		return errors.New("mesh: OpenCV failed to warp the crop")
	}
	return nil
}
