package main

import "testing"

// Only `kindred analyze` of audio alone sets the C heap up for a short run
// (nativeheap.ForShortRun): a video analysis may run many recordings at
// once (--jobs) and `kindred run` goes on for hours.
func TestAudioOnlyAnalyze(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{[]string{"analyze", "--audio", "a.wav", "--summary"}, true},
		{[]string{"analyze", "-audio=a.wav"}, true},
		{[]string{"analyze", ""}, true},
		{[]string{"analyze", "--audio", "a.wav", "--video", "v.mp4"}, false},
		{[]string{"analyze", "--video=v.mp4", "--audio", "a.wav"}, false},
		{[]string{"analyze", "-video", "v.mp4"}, false},
		{[]string{"analyze", "--audio", "video"}, true}, // a file called video
		{[]string{"run", "--audio", "a.wav"}, false},
		{[]string{"bench", "--only", "voice_cli"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := audioOnlyAnalyze(c.args); got != c.want {
			t.Errorf("audioOnlyAnalyze(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
