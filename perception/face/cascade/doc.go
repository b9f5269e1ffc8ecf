// Package cascade is the cgo leaf over OpenCV's boosted cascades (Haar and
// LBP, from Debian's opencv-data) through gocv. It implements face.Detector:
// the gray frame is copied into a Mat, equalised and optionally shrunk, the
// cascade reports every raw window, and windows are grouped here so each
// face gets a score from how many windows agree on it. Every Mat is closed in
// the function that made it.
package cascade
