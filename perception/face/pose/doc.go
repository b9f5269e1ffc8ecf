// Package pose is the cgo leaf that estimates head pose (yaw, pitch, roll)
// with OpenCV's solvePnP, fitting face.GenericFace's rigid points to the
// observed landmarks through a pinhole camera centred on the image with a
// focal length of about the image width.
//
// gocv v0.31 (the release for Debian's OpenCV 4.6) has no SolvePnP wrapper,
// so a few lines of C++ call cv::solvePnP and cv::Rodrigues directly; only
// float64s cross the boundary.
package pose
