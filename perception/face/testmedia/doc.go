// Package testmedia locates the real face media the face tests use, all
// shipped by Debian: astronaut.png from python3-skimage (extracted into
// testdata/debian by scripts/testmedia.sh, or found in KINDRED_TESTMEDIA) and
// opencv-doc's messi5.jpg and Megamind.avi. Tests skip, saying what to
// install, when a file is absent.
package testmedia
