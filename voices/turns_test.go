package voices

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func TestTurns(t *testing.T) {
	ms := time.Millisecond
	// voicing describes 10 ms hops: 'v' voiced, '.' unvoiced.
	tests := []struct {
		name    string
		voicing string
		want    string // speaking after each hop: 'S' or '-'
	}{
		{"a click is not speech", "vv.....", "-------"},
		{"150 ms of voicing is", "vvvvvvvvvvvvvvvvv", "---------------SS"},
		{"short gaps are bridged", "vvvvv.vvvvv.vvvvvv", "---------------SSS"},
		{"long gaps restart the run", "vvvvvvvvvv..........vvvvvv", "--------------------------"},
	}
	for _, tt := range tests {
		tr := NewTurns(DefaultTurnOpts())
		got := make([]byte, len(tt.voicing))
		for i, c := range tt.voicing {
			if tr.Observe(perception.VoiceObs{At: time.Duration(i) * 10 * ms, Voiced: c == 'v'}) {
				got[i] = 'S'
			} else {
				got[i] = '-'
			}
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n voicing %s\n got     %s\n want    %s", tt.name, tt.voicing, got, tt.want)
		}
	}

	tr := NewTurns(DefaultTurnOpts())
	at := time.Duration(0)
	for ; at <= 200*ms; at += 10 * ms {
		tr.Observe(perception.VoiceObs{At: at, Voiced: true})
	}
	last := at - 10*ms
	for ; at < last+600*ms; at += 10 * ms {
		if !tr.Observe(perception.VoiceObs{At: at}) {
			t.Fatalf("released after %v of quiet, want 600ms", at-last)
		}
	}
	if tr.Observe(perception.VoiceObs{At: last + 600*ms}) {
		t.Error("still speaking after 600 ms of quiet")
	}
	tr.Set(true)
	if !tr.Speaking() {
		t.Error("Set(true) ignored")
	}
}
