package robot

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinProfilesLoad(t *testing.T) {
	want := map[string]struct {
		kind   BoardKind
		joints int
	}{
		"sim":              {BoardSim, 16},
		"tabletop-pca9685": {BoardPCA9685, 12},
		"humanoid-firmata": {BoardFirmata, 8},
	}
	if got := Builtins(); len(got) != len(want) {
		t.Fatalf("Builtins() = %v, want the %d in this test", got, len(want))
	}
	for name, w := range want {
		p, err := LoadProfile(name)
		if err != nil {
			t.Fatalf("LoadProfile(%q): %v", name, err)
		}
		if p.Board.Kind != w.kind || len(p.Joints) != w.joints {
			t.Errorf("%s: board %s with %d joints, want %s with %d", name, p.Board.Kind, len(p.Joints), w.kind, w.joints)
		}
		if p.Source != "builtin:"+name {
			t.Errorf("%s: source %q", name, p.Source)
		}
		// The round trip through Marshal is what calibration writes.
		data, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseProfile("roundtrip.yaml", data)
		if err != nil {
			t.Fatalf("%s: re-parse of marshalled profile: %v\n%s", name, err, data)
		}
		if len(q.Joints) != len(p.Joints) || q.Joints[0] != p.Joints[0] {
			t.Errorf("%s: round trip changed joints: %+v vs %+v", name, q.Joints[0], p.Joints[0])
		}
	}
	sim, _ := LoadProfile("sim")
	for _, id := range []JointID{HeadPan, HeadTilt, HeadRoll, BrowInnerLeft, BrowInnerRight, BrowOuterLeft,
		BrowOuterRight, LidLeft, LidRight, MouthCornerLeft, MouthCornerRight, Jaw,
		ArmLeftShoulder, ArmLeftElbow, ArmRightShoulder, ArmRightElbow} {
		if _, ok := sim.Joint(id); !ok {
			t.Errorf("sim profile lacks %s", id)
		}
	}
}

const goodProfile = `name: test
board:
  kind: pca9685
  bus: 1
joints:
  - id: head_pan
    channel: 0
    min_deg: -60
    max_deg: 60
    neutral_deg: 0
    pulse_us: {min: 900, neutral: 1500, max: 2100}
    max_speed_dps: 180
    max_accel_dps2: 900
  - id: jaw
    channel: 1
    min_deg: 0
    max_deg: 30
    neutral_deg: 0
    pulse_us: {min: 1600, neutral: 1600, max: 1300}
    invert: true
    max_speed_dps: 400
    max_accel_dps2: 6000
`

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name      string
		old, repl string
		want      string // the whole one-line message
	}{
		{"unknown field", "    channel: 0\n", "    channel: 0\n    colour: red\n",
			`p.yaml:8: unknown field "colour" in joint`},
		{"unknown top field", "name: test\n", "name: test\nspeed: 3\n",
			`p.yaml:2: unknown field "speed" in profile`},
		{"unknown joint", "id: head_pan", "id: tail_wag",
			`p.yaml:6: joints[0].id: unknown joint "tail_wag"`},
		{"min above max", "min_deg: -60", "min_deg: 70",
			`p.yaml:8: joints[0].min_deg: min 70° must be below max 60°`},
		{"pulse out of range", "min: 900,", "min: 90,",
			`p.yaml:11: joints[0].pulse_us.min: pulse 90µs out of range 500..2500µs`},
		{"pulse order", "{min: 900, neutral: 1500, max: 2100}", "{min: 2100, neutral: 1500, max: 900}",
			`p.yaml:11: joints[0].pulse_us: need min ≤ neutral ≤ max pulses with min < max (or invert: true), got 2100, 1500, 900`},
		{"neutral outside", "neutral_deg: 0\n    pulse_us: {min: 900", "neutral_deg: 61\n    pulse_us: {min: 900",
			`p.yaml:10: joints[0].neutral_deg: neutral 61° outside range [-60°, 60°]`},
		{"duplicate joint", "id: jaw", "id: head_pan",
			`p.yaml:14: joints[1].id: joint "head_pan" already declared at joints[0]`},
		{"duplicate channel", "channel: 1", "channel: 0",
			`p.yaml:15: joints[1].channel: channel 0 already used by head_pan`},
		{"channel range", "channel: 1", "channel: 16",
			`p.yaml:15: joints[1].channel: channel 16 out of range 0..15`},
		{"speed", "max_speed_dps: 400", "max_speed_dps: 0",
			`p.yaml:21: joints[1].max_speed_dps: 0 out of range (0, 2000] °/s`},
		{"board kind", "kind: pca9685", "kind: lego",
			`p.yaml:3: board.kind: unknown board "lego" (want sim, pca9685 or firmata)`},
		{"wrong type", "min_deg: -60", "min_deg: left",
			"p.yaml:8: cannot unmarshal !!str `left` into float64"},
		{"bad yaml", "joints:\n", "joints: [\n", "p.yaml:5: did not find expected node content"},
		{"sensor on pca", "joints:\n", "sensors:\n  - {id: t, kind: touch, signal: digital, pin: 2}\njoints:\n",
			`p.yaml:6: sensors[0]: a pca9685 board has no input pins`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodProfile, tt.old) {
				t.Fatalf("test edits %q, which is not in the profile", tt.old)
			}
			src := strings.Replace(goodProfile, tt.old, tt.repl, 1)
			_, err := ParseProfile("p.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error for\n%s", src)
			}
			if !errors.Is(err, ErrBadProfile) {
				t.Errorf("error %v is not ErrBadProfile", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	if _, err := ParseProfile("p.yaml", []byte(goodProfile)); err != nil {
		t.Fatalf("good profile: %v", err)
	}
}

func TestLoadProfileFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "head.yaml")
	if err := os.WriteFile(path, []byte(goodProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Board.Address != 0x40 || p.Board.PWMRate != Hertz(50) || p.Source != path {
		t.Errorf("defaults not applied: %+v source %q", p.Board, p.Source)
	}
	for _, bad := range []string{filepath.Join(dir, "missing.yaml"), "nonesuch", dir} {
		_, err := LoadProfile(bad)
		if !errors.Is(err, ErrBadProfile) || !strings.HasPrefix(err.Error(), bad+": ") {
			t.Errorf("LoadProfile(%q) = %v, want a ProfileError naming the file", bad, err)
		}
	}
}

func TestPulseAt(t *testing.T) {
	p, err := ParseProfile("p.yaml", []byte(goodProfile))
	if err != nil {
		t.Fatal(err)
	}
	pan, _ := p.Joint(HeadPan)
	jaw, _ := p.Joint(Jaw)
	tests := []struct {
		j    JointConfig
		a    Angle
		want PulseWidth
	}{
		{pan, 0, 1500}, {pan, -60, 900}, {pan, 60, 2100}, {pan, 30, 1800}, {pan, -30, 1200},
		{pan, 90, 2100}, {pan, -1e9, 900}, {pan, Angle(math.NaN()), 1500}, {pan, Angle(math.Inf(1)), 2100},
		{jaw, 0, 1600}, {jaw, 30, 1300}, {jaw, 15, 1450}, {jaw, -5, 1600},
	}
	for _, tt := range tests {
		if got := tt.j.PulseAt(tt.a); math.Abs((got - tt.want).Microseconds()) > 1e-9 {
			t.Errorf("%s.PulseAt(%v) = %v, want %v", tt.j.ID, tt.a, got, tt.want)
		}
	}
}
