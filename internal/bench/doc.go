// Package bench measures Kindred's stages on real media and times the
// reference tools a user would otherwise pick on the very same inputs,
// labelling every ratio with exactly what its two sides do.
//
// It holds no native code: the command wires in the face backend, the video
// decoder, the in-process analyze and run paths and the kindred executable
// (see Deps), so a learned face backend plugs in as a face.Detector and
// face.Landmarker pair without changes here. A missing reference tool is
// reported as missing, never estimated.
package bench
