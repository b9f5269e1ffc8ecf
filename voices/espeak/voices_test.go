package espeak

import (
	"context"
	"testing"

	"github.com/kindred-hri/kindred/voices"
)

// Every voice the language table can choose must exist in this espeak-ng.
func TestEveryLanguageTagHasAVoice(t *testing.T) {
	e := open(t)
	for _, tag := range []string{"en", "en-gb", "en-us", "de", "fr", "fr-be", "fr-ch", "es", "es-419", "es-mx", "zh", "zh-cn", "cmn"} {
		l, err := voices.LookupLanguage(tag)
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range []string{"", "+f3", "+m3"} {
			if _, err := e.Synthesize(context.Background(), "a", voices.VoiceParams{Voice: l.Voice + variant, Rate: 175, Pitch: 50, Range: 50, Volume: 100}); err != nil {
				t.Errorf("%s: %v", tag, err)
			}
		}
	}
}
