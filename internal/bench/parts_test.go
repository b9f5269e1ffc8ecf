package bench

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
)

func TestParseParts(t *testing.T) {
	tests := []struct {
		in      string
		want    []string // nil: every part
		wantErr string
	}{
		{"", nil, ""},
		{"  ", nil, ""},
		{"voice_cli", []string{"voice_cli"}, ""},
		{"face, voice_cli,face", []string{"face", "voice_cli"}, ""},
		{"fusion,limiter,session", []string{"fusion", "limiter", "session"}, ""},
		{"voice,praat", nil, `unknown part "praat"`},
		{"face_comparisons", nil, `unknown part "face_comparisons"`},
		{"voice,", nil, `unknown part ""`},
		{"Voice", nil, `unknown part "Voice"`},
	}
	for _, tc := range tests {
		got, err := ParseParts(tc.in)
		if tc.wantErr != "" {
			switch {
			case err == nil:
				t.Errorf("%q: parts %v, want an error", tc.in, got)
			case !badinput.Is(err):
				t.Errorf("%q: %v is not bad input (exit 2)", tc.in, err)
			case !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), strings.Join(Parts(), ", ")):
				t.Errorf("%q: %q does not say %s and name every part", tc.in, err, tc.wantErr)
			case strings.Contains(err.Error(), "\n"):
				t.Errorf("%q: %q is more than one line", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if tc.want == nil {
			if got != nil {
				t.Errorf("%q: parts %v, want every part (nil)", tc.in, got)
			}
			continue
		}
		if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, tc.want) {
			t.Errorf("%q: parts %v, want %v", tc.in, keys, tc.want)
		}
	}
}

// TestPartsAreReportFields: every part is named as a field of the --json
// report, and both the --only help and Help name every part.
func TestPartsAreReportFields(t *testing.T) {
	b, err := json.Marshal(Report{})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, p := range Parts() {
		if string(fields[p]) != "null" {
			t.Errorf("part %s: not a field of the report that is null when not run (%q)", p, fields[p])
		}
		if !strings.Contains(OnlyUsage(), p) || !strings.Contains(Help, p) {
			t.Errorf("part %s: not named in the --only help or in Help", p)
		}
	}
}
