// Package camera is the cgo leaf that reads frames through gocv (OpenCV 4.6's
// videoio and imgcodecs): a camera by index, a video file, one image, or a
// folder of images. Frames leave as perception.Frame (gray, plain Go); every
// Mat is closed in the function that made it.
//
// Files carry media time (frame number over frame rate), cameras the time
// since they were opened. A file that is not an image or video gives an
// error wrapping ErrNotMedia. A camera that stops delivering reports
// EventModalityLost for ModFace, keeps retrying, and reports
// EventModalityBack when frames come again; the run goes on meanwhile.
package camera
