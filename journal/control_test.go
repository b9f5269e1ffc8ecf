package journal

import (
	"strings"
	"testing"
	"time"
)

func TestParseControl(t *testing.T) {
	for _, tc := range []struct {
		in    string
		check func(Control) bool
		err   string // substring of the error; empty when valid
	}{
		{`{"cmd":"pause"}`, func(c Control) bool { return c.Cmd == CmdPause }, ""},
		{`{"cmd":"resume"}`, func(c Control) bool { return c.Cmd == CmdResume }, ""},
		{`{"cmd":"opt_out","person":"p1"}`, func(c Control) bool { return c.Person == "p1" }, ""},
		{`{"cmd":"opt_in"}`, func(c Control) bool { return c.Cmd == CmdOptIn }, ""},
		{`{"cmd":"say","text":"Hello","tone":"gentle"}`, func(c Control) bool { return c.Text == "Hello" && c.Tone == "gentle" }, ""},
		{`{"cmd":"intent","intent":"comfort"}`, func(c Control) bool { return c.Intent == "comfort" }, ""},
		{`{"cmd":"mimicry","gain":0.5,"delay_ms":300}`, func(c Control) bool { return *c.Gain == 0.5 && c.Delay() == 300*time.Millisecond }, ""},
		{`{"cmd":"mimicry","enabled":false}`, func(c Control) bool { return !*c.Enabled }, ""},
		{`{"cmd":"annotate","annotation":{"at":12.5,"person":"p1","scale":"nrs","rating":6}}`,
			func(c Control) bool { return c.Annotation.At == 12500*time.Millisecond && c.Annotation.Rating == 6 }, ""},
		{`{"cmd":"annotate","annotation":{"at":3,"scale":"painad","rating":3,"items":{"breathing":0,"vocalisation":1,"face":2,"body":0,"consolability":0}}}`,
			func(c Control) bool { return c.Annotation.Items.Face == 2 }, ""},
		{`{"cmd":"approve","id":"u7"}`, func(c Control) bool { return c.ID == "u7" }, ""},
		{`{"cmd":"replace","id":"u7","text":"Shall I call someone?"}`, func(c Control) bool { return c.Text != "" }, ""},

		{`{"cmd":"dance"}`, nil, `unknown cmd "dance"`},
		{`{"text":"hi"}`, nil, `missing field "cmd"`},
		{`{"cmd":"pause","text":"hi"}`, nil, `unknown field "text"`},
		{`{"cmd":"say"}`, nil, `missing field "text"`},
		{`{"cmd":"say","text":"  "}`, nil, `text is empty`},
		{`{"cmd":"say","text":"hi","tone":"angry"}`, nil, `tone`},
		{`{"cmd":"say","text":"` + strings.Repeat("a", 501) + `"}`, nil, `longer`},
		{`{"cmd":"mimicry"}`, nil, `at least one`},
		{`{"cmd":"mimicry","gain":1.5}`, nil, `gain`},
		{`{"cmd":"mimicry","delay_ms":-1}`, nil, `delay_ms`},
		{`{"cmd":"mimicry","gain":"high"}`, nil, `gain`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"nrs","rating":11}}`, nil, `rating`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"painad","rating":2}}`, nil, `items`},
		{`{"cmd":"annotate","annotation":{"at":1,"scale":"painad","rating":9,"items":{"face":1}}}`, nil, `total`},
		{`{"cmd":"approve","id":""}`, nil, `id is empty`},
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
