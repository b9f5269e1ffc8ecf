package main

import (
	"os"
	"testing"

	"github.com/kindred-hri/kindred/voices/playback/playbacktest"
)

// This package's tests use the shared test sound server; they hold it alone
// so that no other package's sound mixes into theirs (see playbacktest).
//
// With KINDRED_TEST_AS_CLI=1 the test binary is the kindred command
// instead, so that a test can time kindred as a whole process (bench).
func TestMain(m *testing.M) {
	if os.Getenv("KINDRED_TEST_AS_CLI") == "1" {
		main()
	}
	playbacktest.Main(m)
}
