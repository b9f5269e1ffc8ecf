package journal

import (
	"github.com/kindred-hri/kindred/behavior"
	"strings"
	"testing"
	"time"
)

func TestParseControl(t *testing.T) {
	for _, tc := range []struct {
		in    string
		check func(behavior.Command) bool
		err   string // substring of the error; empty when valid
	}{
		{`{"cmd":"pause"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdPause }, ""},
		{`{"cmd":"resume"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdResume }, ""},
		{`{"cmd":"opt_out"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdOptOut }, ""},
		{`{"cmd":"opt_in"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdOptIn }, ""},
		{`{"cmd":"say","text":"Hello"}`, func(c behavior.Command) bool {
			return c.Text == "Hello" && string(c.Raw) == `{"cmd":"say","text":"Hello"}`
		}, ""},
		{`{"cmd":"intent","kind":"comfort"}`, func(c behavior.Command) bool { return c.Kind == "comfort" }, ""},
		{`{"cmd":"intent","kind":"say","text":"Hi"}`, func(c behavior.Command) bool { return c.Text == "Hi" }, ""},
		{`{"cmd":"mimicry","gain":0.5,"delay_ms":300}`, func(c behavior.Command) bool { return *c.Gain == 0.5 && c.Delay() == 300*time.Millisecond }, ""},
		{`{"cmd":"mimicry","enabled":false}`, func(c behavior.Command) bool { return !*c.Enabled }, ""},
		{`{"cmd":"annotate","annotation":{"at":12.5,"person":"p1","scale":"nrs","rating":6}}`,
			func(c behavior.Command) bool {
				return annotationOf(c).At == 12500*time.Millisecond && annotationOf(c).Rating == 6
			}, ""},
		{`{"cmd":"annotate","annotation":{"at":3,"scale":"painad","rating":3,"items":{"breathing":0,"vocalisation":1,"face":2,"body":0,"consolability":0}}}`,
			func(c behavior.Command) bool { return annotationOf(c).Items.Face == 2 }, ""},
		{`{"cmd":"approve","id":7}`, func(c behavior.Command) bool { return c.ID == 7 }, ""},
		{`{"cmd":"replace","id":7,"intent":"say","text":"Shall I call someone?"}`, func(c behavior.Command) bool { return c.Text != "" && c.Intent == "say" }, ""},
		{`{"cmd":"acknowledge","by":"Mary"}`, func(c behavior.Command) bool {
			return c.Cmd == behavior.CmdAcknowledge && c.By == "Mary"
		}, ""},

		{`{"cmd":"identify","person":"ada-lovelace"}`, func(c behavior.Command) bool {
			return c.Cmd == behavior.CmdIdentify && c.Person == "ada-lovelace"
		}, ""},
		{`{"cmd":"identify","person":"visitor"}`, func(c behavior.Command) bool { return c.Person == "visitor" }, ""},
		{`{"cmd":"identify"}`, nil, `missing field "person"`},
		{`{"cmd":"identify","person":"Ada Lovelace"}`, nil, `not a person id`},
		{`{"cmd":"identify","person":"ada","by":"Mary"}`, nil, `unknown field "by"`},
		{`{"cmd":"acknowledge"}`, nil, `missing field "by"`},
		{`{"cmd":"acknowledge","by":""}`, nil, `by is empty`},
		{`{"cmd":"acknowledge","by":"Mary","text":"on my way"}`, nil, `unknown field "text"`},
		{`{"cmd":"pause","by":"Mary"}`, nil, `unknown field "by"`},
		{`{"cmd":"dance"}`, nil, `unknown cmd "dance"`},
		{`{"text":"hi"}`, nil, `missing field "cmd"`},
		{`{"cmd":"pause","text":"hi"}`, nil, `unknown field "text"`},
		{`{"cmd":"say"}`, nil, `missing field "text"`},
		{`{"cmd":"say","text":"  "}`, nil, `text is empty`},
		{`{"cmd":"say","text":"hi","tone":"angry"}`, nil, `unknown field "tone"`},
		{`{"cmd":"intent","kind":"say"}`, nil, `needs text`},
		{`{"cmd":"replace","id":3}`, nil, `missing field "intent"`},
		{`{"cmd":"say","text":"` + strings.Repeat("a", 501) + `"}`, nil, `longer`},
		{`{"cmd":"mimicry"}`, nil, `sets none of gain, delay_ms, enabled`},
		{`{"cmd":"mimicry","gain":1.5}`, nil, `gain`},
		{`{"cmd":"mimicry","delay_ms":-1}`, nil, `delay_ms`},
		{`{"cmd":"mimicry","delay_ms":2.5}`, nil, `delay_ms`},
		{`{"cmd":"mimicry","gain":"high"}`, nil, `gain`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"nrs","rating":11}}`, nil, `rating`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"painad","rating":2}}`, nil, `items`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"painad","rating":9,"items":{"face":1}}}`, nil, `total`},
		{`{"cmd":"approve","id":0}`, nil, `id is missing`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"nrs","rating":3,"mood":"sad"}}`, nil, `unknown field "mood"`},
		{`{"cmd":"annotate","annotation":{"scale":"nrs","rating":3}}`, nil, `missing field "at"`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"painad","rating":1,"items":{"face":1,"smile":0}}}`, nil, `unknown field "smile"`},
		{`{"cmd":"annotate","annotation":{"type":"alert","at":1,"scale":"nrs","rating":3}}`, nil, `type must be`},
		{`{"cmd":"annotate","annotation":[1]}`, nil, `must be an object`},
		{`{"cmd":"approve","id":"u7"}`, nil, `id`},
		{`{"cmd":"pause"`, nil, `not a JSON object`},
		{`[1]`, nil, `not a JSON object`},
	} {
		c, err := ParseControl([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseControl(%.60s) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseControl(%s): %v", tc.in, err)
			continue
		}
		if !tc.check(c) {
			t.Errorf("ParseControl(%s) = %+v", tc.in, c)
		}
	}
}

func annotationOf(c behavior.Command) Annotation {
	a, _ := AnnotationOf(c)
	return a
}
