package microphone

import (
	"testing"

	"github.com/kindred-hri/kindred/voices/playback/playbacktest"
)

// This package's tests use the shared test sound server; they hold it alone
// so that no other package's sound mixes into theirs (see playbacktest).
func TestMain(m *testing.M) { playbacktest.Main(m) }
