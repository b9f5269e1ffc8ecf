// Package yamnet is the cgo leaf that runs YAMNet (models.YAMNet, embedded)
// in OpenCV's DNN module through gocv. It implements soundevents.Scorer: a
// 0.975 s window of 16 kHz mono is laid out as the model's [96,400] frames
// input, and the 521 class scores come back as plain Go values. Every Mat
// is closed in the function that made it.
package yamnet
