package journal

import "testing"

// What the engine would refuse is refused at the door, so the console and
// MQTT never answer "accepted" for a command the robot will not carry out.
func TestParseControlRefusesWhatTheEngineCannotDo(t *testing.T) {
	for _, body := range []string{
		`{"cmd":"intent","kind":"dance"}`,
		`{"cmd":"replace","id":3,"intent":"juggle"}`,
	} {
		if _, err := ParseControl([]byte(body)); err == nil {
			t.Errorf("ParseControl(%s) accepted a command the engine refuses", body)
		}
	}
	for _, body := range []string{`{"cmd":"intent","kind":"comfort"}`, `{"cmd":"replace","id":3,"intent":"reassure"}`} {
		if _, err := ParseControl([]byte(body)); err != nil {
			t.Errorf("ParseControl(%s): %v", body, err)
		}
	}
}
