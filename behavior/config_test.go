package behavior

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestPresetsAreValid(t *testing.T) {
	for _, p := range Presets {
		c, err := PresetConfig(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if c.Preset != p {
			t.Errorf("%s: preset field %q", p, c.Preset)
		}
		if _, err := New(c); err != nil {
			t.Errorf("%s: New: %v", p, err)
		}
	}
	if _, err := PresetConfig("hospital"); err == nil {
		t.Error("unknown preset accepted")
	}
	lab, _ := PresetConfig(PresetLab)
	therapy, _ := PresetConfig(PresetTherapy)
	if !(lab.Pain.ConcernDwell < DefaultConfig().Pain.ConcernDwell && therapy.Speech.MinGap > DefaultConfig().Speech.MinGap) {
		t.Error("presets do not differ as documented")
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, err string
		check           func(Config) bool
	}{
		{name: "empty is elder-care", yaml: "", check: func(c Config) bool {
			return c.Preset == PresetElderCare && c.Pain.Concern == 3
		}},
		{name: "preset then overrides", yaml: `
preset: therapy
seed: 42
condition: {name: delayed-2s, mimicry: delayed, delay: 2s, comfort_speech: false}
pain: {concern: 3.5}
opt_out: {opt_in_touch: [hand]}
supervision: {wizard: true}
`, check: func(c Config) bool {
			return c.Preset == PresetTherapy && c.Seed == 42 && c.Condition.Delay == 2*time.Second &&
				!c.Condition.ComfortSpeech && c.Pain.Concern == 3.5 && c.Pain.Comfort == 4 &&
				c.Speech.MinGap == 12*time.Second && c.OptOut.OptInTouch[0] == "hand" &&
				len(c.OptOut.Words) == 2 && c.Supervision.Wizard
		}},
		{name: "unknown field", yaml: "pain: {concern: 3, loudness: 2}", err: "loudness"},
		{name: "unknown preset", yaml: "preset: hospital", err: "preset"},
		{name: "bad duration", yaml: "presence: {leave_after: soon}", err: "soon"},
		{name: "invalid value", yaml: "pain: {clear: 5}", err: "config pain: thresholds must rise"},
		{name: "no way to stop", yaml: "opt_out: {words: [], touch: []}", err: "opt_out"},
		{name: "asks before an opt-out by default", yaml: "opt_out: {confirm: 1m}", check: func(c Config) bool {
			return c.OptOut.Ask && c.OptOut.Confirm == time.Minute
		}},
		{name: "opt-out question off", yaml: "opt_out: {ask: false}", check: func(c Config) bool {
			return !c.OptOut.Ask && c.OptOut.Confirm == 2*time.Minute
		}},
		{name: "opt-out question neither on nor off", yaml: "opt_out: {ask: sometimes}", err: "sometimes"},
		{name: "an unclear answer is asked again by nod by default", yaml: "self_report: {ask: true}", check: func(c Config) bool {
			return c.SelfReport.NodAfterUnclear
		}},
		{name: "nod after unclear off", yaml: "self_report: {nod_after_unclear: false}", check: func(c Config) bool {
			return !c.SelfReport.NodAfterUnclear && c.SelfReport.Ask
		}},
		{name: "nod after unclear neither on nor off", yaml: "self_report: {nod_after_unclear: maybe}", err: "maybe"},
		{name: "nod after unclear misspelt", yaml: "self_report: {nod_after_unclears: false}", err: "nod_after_unclears"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(strings.NewReader(tc.yaml))
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err == "" && !tc.check(c):
				t.Fatalf("loaded %+v", c)
			}
		})
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"preset", func(c *Config) { c.Preset = "x" }},
		{"condition.mimicry", func(c *Config) { c.Condition.Mimicry = "mirror" }},
		{"condition.gain", func(c *Config) { c.Condition.Gain = 1.5 }},
		{"condition.delay", func(c *Config) { c.Condition.Delay = -time.Second }},
		{"pain.min_confidence", func(c *Config) { c.Pain.MinConfidence = nanValue() }},
		{"pain.smoothing", func(c *Config) { c.Pain.Smoothing = 0 }},
		{"pain.severe", func(c *Config) { c.Pain.Severe = 11 }},
		{"pain:", func(c *Config) { c.Pain.Comfort = 8 }},
		{"pain.ease_dwell", func(c *Config) { c.Pain.EaseDwell = -1 }},
		{"pain.persist_for", func(c *Config) { c.Pain.PersistFor = time.Second }},
		{"presence.leave_after", func(c *Config) { c.Presence.LeaveAfter = 0 }},
		{"speech.per_minute", func(c *Config) { c.Speech.PerMinute = 0 }},
		{"speech.greet_tone", func(c *Config) { c.Speech.GreetTone = "shouty" }},
		{"comfort.breathing_cycle", func(c *Config) { c.Comfort.BreathingCycle = time.Second }},
		{"comfort.breathing_cycles", func(c *Config) { c.Comfort.BreathingCycles = -1 }},
		{"comfort.breathing", func(c *Config) { c.Comfort.Breathing = "sometimes" }},
		{"comfort.breathing", func(c *Config) { c.Comfort.Breathing = "" }},
		{"self_report.place_from", func(c *Config) { c.SelfReport.PlaceFrom = 11 }},
		{"self_report.place_from", func(c *Config) { c.SelfReport.PlaceFrom = -1 }},
		{"comfort.repeat", func(c *Config) { c.Comfort.Repeat = time.Second }},
		{"comfort.jitter", func(c *Config) { c.Comfort.Jitter = 0.9 }},
		{"comfort.comforting_concern", func(c *Config) { c.Comfort.ComfortingConcern = 2 }},
		{"alert.cooldown", func(c *Config) { c.Alert.Cooldown = 30 * time.Second }},
		{"alert.relief_timeout", func(c *Config) { c.Alert.ReliefTimeout = 0 }},
		{"opt_out.words", func(c *Config) { c.OptOut.Words = []string{" "} }},
		{"opt_out.ack_grace", func(c *Config) { c.OptOut.AckGrace = -time.Second }},
		{"opt_out.confirm", func(c *Config) { c.OptOut.Confirm = time.Hour }},
		{"supervision.proposal_ttl", func(c *Config) { c.Supervision.ProposalTTL = 0 }},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "config "+tc.field) {
			t.Errorf("%s: error %v", tc.field, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", tc.field, err)
		}
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted an invalid config", tc.field)
		}
	}
}

// As a section of a larger file the same rules hold, whatever the outer
// decoder checks.
func TestConfigAsSection(t *testing.T) {
	type file struct {
		Robot    string `yaml:"robot"`
		Behavior Config `yaml:"behavior"`
	}
	var f file
	f.Behavior = DefaultConfig()
	doc := "robot: sim\nbehavior:\n  preset: lab\n  speech: {lang: de}\n"
	if err := yaml.Unmarshal([]byte(doc), &f); err != nil {
		t.Fatal(err)
	}
	if f.Behavior.Preset != PresetLab || f.Behavior.Speech.MinGap != 6*time.Second || f.Behavior.Speech.Lang != "de" {
		t.Errorf("section decoded to %+v", f.Behavior)
	}
	bad := "robot: sim\nbehavior:\n  comfort:\n    hug: true\n"
	err := yaml.Unmarshal([]byte(bad), &f)
	if err == nil || !strings.Contains(err.Error(), "config comfort.hug: line 4: unknown field") {
		t.Errorf("unknown nested field: %v", err)
	}
}

// loadConfig decodes a Config document on its own and validates it, as
// kindred run's config file decodes its behaviour section (UnmarshalYAML).
func loadConfig(r io.Reader) (Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("behavior: config: %w", err)
	}
	cfg := DefaultConfig()
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
