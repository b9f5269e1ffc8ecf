package companion

import (
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/sessiontime"
)

// `kindred run --for 30s` with a camera, a microphone or a long recording
// stops at 30 s of session time, as it does with a scenario. Without
// Live.For the live run went on until Ctrl-C (here, the test's stop at
// 5 minutes), the flag accepted and ignored.
func TestLiveRunStopsAfterFor(t *testing.T) {
	faces := func(func(int) *face.Baseline) (FaceStage, func(), error) { return readingFaces{}, func() {}, nil }
	reads := 0
	listen := func(bool) (VoiceStage, func(), error) { return countingVoice{&reads}, func() {}, nil }
	camera := func(chan<- perception.Event) (face.FrameSource, func(), error) {
		return &hangingCamera{stall: time.Hour}, func() {}, nil
	}
	mic := func() (voice.AudioSource, func(), error) { return steadyMic{}, func() {}, nil }
	for _, tc := range []struct {
		name string
		live Live
		want time.Duration
	}{
		{"camera and microphone", Live{Camera: camera, Mic: mic, Faces: faces, Voice: listen, For: 30 * time.Second}, 30 * time.Second},
		{"microphone alone", Live{Mic: mic, Voice: listen, For: 45 * time.Second}, 45 * time.Second},
		{"a recording longer than --for", Live{VideoFile: &hangingCamera{stall: time.Hour}, Faces: faces, For: 20 * time.Second}, 20 * time.Second},
		{"no --for: until stopped", Live{Camera: camera, Faces: faces}, 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock, err := sessiontime.New(1)
				if err != nil {
					t.Fatal(err)
				}
				engine, err := behavior.New(behavior.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}, Log: io.Discard})
				if err != nil {
					t.Fatal(err)
				}
				comp.Bind(t.Context())
				backstop := time.AfterFunc(5*time.Minute, comp.Stop) // Ctrl-C
				defer backstop.Stop()
				start := time.Now()
				if err := comp.Run(comp.StartLive(tc.live)); err != nil {
					t.Fatal(err)
				}
				if got := time.Since(start); got < tc.want || got > tc.want+time.Second {
					t.Errorf("the run stopped after %v, want %v", got, tc.want)
				}
			})
		})
	}
}
