// Package mesh is the cgo leaf that runs Kindred's licence-clean learned
// face stack in OpenCV's DNN module through gocv: the YuNet face detector
// (models.YuNet, decoded and suppressed here, face.Detector), MediaPipe's
// 478-point face mesh fitted in a square crop levelled on the eyes
// (models.FaceMesh, face.MeshFitter; the 68 iBUG points are mapped from the
// mesh so all 68-point geometry keeps working), and MediaPipe's 52
// blendshapes (models.FaceBlendshapes). Images cross the boundary as Go
// pixels: the Detector copies a frame into a Mat it makes once, reuses and
// closes; a fit's warp reads the frame in place for the length of one cgo
// call (crop.cpp) into buffers made the same way. Results come back as
// plain Go values.
package mesh
