package camera

/*
#cgo CXXFLAGS: -std=c++14 -O2 -I/usr/include/opencv4
#cgo LDFLAGS: -lopencv_core
#include "opencvlog.h"
*/
import "C"

import "os"

// OpenCV's own logger writes warnings to standard error ("[ WARN:0@0.010]
// global cap_v4l.cpp (902) open VIDEOIO(V4L2:/dev/video3): can't open camera
// by index" for a camera that is not there), above the one line the command
// gives that names the camera. OpenCV reads OPENCV_LOG_LEVEL as it loads,
// before Go runs, so the level is set here (errors only) unless the variable
// is set: whoever sets it (OPENCV_LOG_LEVEL=WARNING) still gets the warnings.
func init() {
	if _, set := os.LookupEnv("OPENCV_LOG_LEVEL"); !set {
		C.camera_opencv_log_errors_only()
	}
}
