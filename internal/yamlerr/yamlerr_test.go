package yamlerr

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

type doc struct {
	Robot struct {
		Name string `yaml:"name"`
	} `yaml:"robot"`
	Speed    float64       `yaml:"speed"`
	Retain   int           `yaml:"retain_days"`
	Cooldown time.Duration `yaml:"cooldown"`
	On       bool          `yaml:"on"`
	Words    []string      `yaml:"words"`
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"robot:\n  nmae: kiri\n", `line 2: nmae: unknown field`},
		{"speed: fast\n", `line 1: speed: "fast" is not a number`},
		{"retain_days: lots\n", `line 1: retain_days: "lots" is not a whole number`},
		{"cooldown: 5\n", `line 1: cooldown: "5" is not a duration such as 30s, 2m or 1h30m`},
		{"on: maybe\n", `line 1: on: "maybe" is not true or false`},
		{"words: help\n", `line 1: words: "help" is not a list`},
		{"robot: [a]\n", `line 1: robot: a list is not a section`},
		{"speed: fast\non: maybe\n", `line 1: speed: "fast" is not a number; line 2: on: "maybe" is not true or false`},
	} {
		var d doc
		dec := yaml.NewDecoder(strings.NewReader(tc.in))
		dec.KnownFields(true)
		err := dec.Decode(&d)
		if err == nil {
			t.Errorf("%q decoded", tc.in)
			continue
		}
		got := Describe(err, []byte(tc.in))
		if got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s\n(from %v)", tc.in, got, tc.want, err)
		}
		for _, leak := range []string{"float64", "time.Duration", "struct {", "!!", "unmarshal"} {
			if strings.Contains(got, leak) {
				t.Errorf("%q: %q leaks %q", tc.in, got, leak)
			}
		}
	}
}
