package doctor

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ALSA lists plugin and null devices on any machine; they are not a
// microphone. Only a capture PCM or a sound server that answers counts.
func TestDoctorMicrophoneNeedsRealHardware(t *testing.T) {
	none := func(string) string { return "" }
	snd := t.TempDir()
	if _, err := captureHardware(t.Context(), snd, none); err == nil {
		t.Error("no capture PCM and no sound server: reported a microphone")
	}
	// A playback-only card is not a microphone either.
	if err := os.WriteFile(filepath.Join(snd, "pcmC0D0p"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := captureHardware(t.Context(), snd, none); err == nil {
		t.Error("a playback PCM was taken for a microphone")
	}
	if err := os.WriteFile(filepath.Join(snd, "pcmC1D0c"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if d, err := captureHardware(t.Context(), snd, none); err != nil || !strings.Contains(d, "pcmC1D0c") {
		t.Errorf("capture PCM present: %q, %v", d, err)
	}
	// A sound server socket nobody listens on does not count.
	env := func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return t.TempDir()
		}
		return ""
	}
	if _, err := captureHardware(t.Context(), t.TempDir(), env); err == nil {
		t.Error("a missing sound server was taken for a microphone")
	}
}

// With a broker, doctor says whether the robot publishes as its own
// account: under the README's ACL a broker drops every alert published
// under another name, and the robot cannot tell. Before, doctor said
// "ok mqtt" for a robot named kindred with the account kiri.
func TestDoctorChecksTheBrokerAccountIsTheRobotsName(t *testing.T) {
	for _, tc := range []struct {
		robot, user string
		want        string // "" when the check passes
	}{
		{"kiri", "kiri", ""},
		{"kindred", "kiri", `the broker account "kiri" is not the robot's name "kindred"`},
		{"kiri", "", "anonymously"},
	} {
		account := brokerAccountCheck(tc.robot, tc.user)
		if account.required {
			t.Error("the account check stops the run: another ACL may allow it")
		}
		_, err := account.run(t.Context())
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("robot %q, account %q: %v, want %q", tc.robot, tc.user, err, tc.want)
		}
	}
}

// The broker check dials the host of any broker URL a run takes: ssl://
// too, which before was dialled as "ssl://HOST:PORT" and failed ("too many
// colons in address") with the broker up. A URL without a host or port is
// said to be one.
func TestDoctorDialsTheBrokersHost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	for _, tc := range []struct {
		broker, want string // want: what the line says
	}{
		{"tcp://" + addr, "broker " + addr + " accepts connections"},
		{"ssl://" + addr, "broker " + addr + " accepts connections"},
		{"mqtts://" + addr, "broker " + addr + " accepts connections"},
		{"bogus", `broker "bogus": want tcp://HOST:PORT or ssl://HOST:PORT`},
		{"tcp://127.0.0.1", `want tcp://HOST:PORT`},
	} {
		got, err := brokerCheck(tc.broker).run(t.Context())
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.broker, got, tc.want)
		}
	}
}

// A --journal that is some other file says what to do about it: the
// check's fix, a writable path or disk space, does not help there. Before,
// the line ended with SQLite's "file is not a database (26)".
func TestDoctorJournalThatIsNoJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(path, []byte("garbage, not SQLite\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := journalCheck(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "not a kindred journal") || !strings.Contains(err.Error(), "move it aside, or give --journal a new file") {
		t.Errorf("journalCheck(garbage) = %v, want it named no journal and what to do", err)
	}
}
