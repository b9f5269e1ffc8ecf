package voices

import (
	"fmt"
	"sort"
	"strings"
)

// Language is a language the robot can speak: its short code (what phrase
// banks and utterances use) and the synthesiser voice that reads it.
type Language struct {
	Code  string // en, de, fr, es, zh
	Voice string // espeak-ng voice name
	Name  string // for people
}

// Chinese is spoken by espeak-ng's cmn-latn-pinyin voice, which reads pinyin
// with tone numbers ("ni3 hao3"); its plain cmn voice reads pinyin with
// English sounds, and zh/zh-cmn do not exist in libespeak-ng 1.51.
var languages = map[string]Language{
	"en": {Code: "en", Voice: "en-us", Name: "English"},
	"de": {Code: "de", Voice: "de", Name: "German"},
	"fr": {Code: "fr", Voice: "fr", Name: "French"},
	"es": {Code: "es", Voice: "es", Name: "Spanish"},
	"zh": {Code: "zh", Voice: "cmn-latn-pinyin", Name: "Mandarin Chinese (pinyin with tone numbers)"},
}

// Regional voices a tag may ask for explicitly.
var regionalVoices = map[string]string{
	"en-gb": "en", "en-us": "en-us", "fr-be": "fr-be", "fr-ch": "fr-ch",
	"es-419": "es-419", "es-mx": "es-419", "zh-cn": "cmn-latn-pinyin", "cmn": "cmn-latn-pinyin",
}

// LookupLanguage resolves a BCP-47-ish tag ("en", "en-GB", "zh", "zh_CN",
// "cmn") to a supported language. The error names the supported codes.
func LookupLanguage(tag string) (Language, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	primary, _, _ := strings.Cut(t, "-")
	if primary == "cmn" {
		primary = "zh"
	}
	l, ok := languages[primary]
	if !ok {
		return Language{}, fmt.Errorf("voices: unknown language %q (supported: %s)", tag, strings.Join(LanguageCodes(), ", "))
	}
	if v, ok := regionalVoices[t]; ok {
		l.Voice = v
	}
	return l, nil
}

// LanguageCodes lists the supported language codes, sorted.
func LanguageCodes() []string {
	codes := make([]string, 0, len(languages))
	for c := range languages {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}
