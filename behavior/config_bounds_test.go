package behavior

import (
	"strings"
	"testing"
	"time"
)

// Every key that smooths, delays, gates or rate-limits an alert has a
// range: at its ends it is taken, a step past them it is refused with an
// error naming the key, and a NaN is refused too. One row per key and end.
func TestAlertingKeysHaveRanges(t *testing.T) {
	const ns = time.Nanosecond
	for _, tc := range []struct {
		name string
		key  string // "" when the value must be taken
		edit func(*Config)
	}{
		{"min_confidence 0", "", func(c *Config) { c.Pain.MinConfidence = 0 }},
		{"min_confidence below 0", "pain.min_confidence", func(c *Config) { c.Pain.MinConfidence = -0.01 }},
		{"min_confidence at most", "", func(c *Config) { c.Pain.MinConfidence = MaxMinConfidence }},
		{"min_confidence over", "pain.min_confidence", func(c *Config) { c.Pain.MinConfidence = MaxMinConfidence + 0.01 }},
		{"min_confidence 1", "pain.min_confidence", func(c *Config) { c.Pain.MinConfidence = 1 }},
		{"min_confidence NaN", "pain.min_confidence", func(c *Config) { c.Pain.MinConfidence = nanValue() }},

		{"smoothing at most", "", func(c *Config) { c.Pain.Smoothing = MaxSmoothing }},
		{"smoothing over", "pain.smoothing", func(c *Config) { c.Pain.Smoothing = MaxSmoothing + ns }},
		{"smoothing 1000h", "pain.smoothing", func(c *Config) { c.Pain.Smoothing = 1000 * time.Hour }},
		{"smoothing 0", "pain.smoothing", func(c *Config) { c.Pain.Smoothing = 0 }},

		{"stale_after at least", "", func(c *Config) { c.Pain.StaleAfter = MinStaleAfter }},
		{"stale_after under", "pain.stale_after", func(c *Config) { c.Pain.StaleAfter = MinStaleAfter - ns }},
		{"stale_after at most", "", func(c *Config) { c.Pain.StaleAfter = MaxStaleAfter }},
		{"stale_after over", "pain.stale_after", func(c *Config) { c.Pain.StaleAfter = MaxStaleAfter + ns }},

		{"concern at most", "", func(c *Config) { c.Pain.Concern = MaxConcern }},
		{"concern over", "pain.concern", func(c *Config) { c.Pain.Concern, c.Pain.Comfort = MaxConcern+0.01, 5 }},
		{"concern NaN", "pain.concern", func(c *Config) { c.Pain.Concern = nanValue() }},

		{"severe at most", "", func(c *Config) { c.Pain.Severe = MaxSevere }},
		{"severe over", "pain.severe", func(c *Config) { c.Pain.Severe = MaxSevere + 0.01 }},
		{"severe NaN", "pain.severe", func(c *Config) { c.Pain.Severe = nanValue() }},

		{"comfort NaN", "pain.comfort", func(c *Config) { c.Pain.Comfort = nanValue() }},
		{"clear NaN", "pain.clear", func(c *Config) { c.Pain.Clear = nanValue() }},

		{"concern_dwell at most", "", func(c *Config) { c.Pain.ConcernDwell = MaxConcernDwell }},
		{"concern_dwell over", "pain.concern_dwell", func(c *Config) { c.Pain.ConcernDwell = MaxConcernDwell + ns }},
		{"concern_dwell negative", "pain.concern_dwell", func(c *Config) { c.Pain.ConcernDwell = -ns }},

		{"comfort_dwell at most", "", func(c *Config) {
			c.Pain.ComfortDwell, c.Pain.PersistFor = MaxComfortDwell, MaxPersistFor
		}},
		{"comfort_dwell over", "pain.comfort_dwell", func(c *Config) {
			c.Pain.ComfortDwell, c.Pain.PersistFor = MaxComfortDwell+ns, MaxPersistFor
		}},

		{"persist_for at most", "", func(c *Config) { c.Pain.PersistFor = MaxPersistFor }},
		{"persist_for over", "pain.persist_for", func(c *Config) { c.Pain.PersistFor = MaxPersistFor + ns }},

		{"severe_dwell at most", "", func(c *Config) { c.Pain.SevereDwell = MaxSevereDwell }},
		{"severe_dwell over", "pain.severe_dwell", func(c *Config) { c.Pain.SevereDwell = MaxSevereDwell + ns }},
		{"severe_dwell 1000h", "pain.severe_dwell", func(c *Config) { c.Pain.SevereDwell = 1000 * time.Hour }},

		{"ease_dwell at most", "", func(c *Config) { c.Pain.EaseDwell = MaxEaseDwell }},
		{"ease_dwell over", "pain.ease_dwell", func(c *Config) { c.Pain.EaseDwell = MaxEaseDwell + ns }},

		{"arrive_after at most", "", func(c *Config) { c.Presence.ArriveAfter = MaxArriveAfter }},
		{"arrive_after over", "presence.arrive_after", func(c *Config) { c.Presence.ArriveAfter = MaxArriveAfter + ns }},

		{"leave_after at least", "", func(c *Config) { c.Presence.LeaveAfter = MinLeaveAfter }},
		{"leave_after under", "presence.leave_after", func(c *Config) { c.Presence.LeaveAfter = MinLeaveAfter - ns }},
		{"leave_after at most", "", func(c *Config) { c.Presence.LeaveAfter = MaxLeaveAfter }},
		{"leave_after over", "presence.leave_after", func(c *Config) { c.Presence.LeaveAfter = MaxLeaveAfter + ns }},

		{"relief_timeout at most", "", func(c *Config) { c.Alert.ReliefTimeout = MaxReliefTimeout }},
		{"relief_timeout over", "alert.relief_timeout", func(c *Config) { c.Alert.ReliefTimeout = MaxReliefTimeout + ns }},
		{"relief_timeout 1000h", "alert.relief_timeout", func(c *Config) { c.Alert.ReliefTimeout = 1000 * time.Hour }},

		{"cooldown at least", "", func(c *Config) { c.Alert.Cooldown = MinCooldown }},
		{"cooldown under", "alert.cooldown", func(c *Config) { c.Alert.Cooldown = MinCooldown - ns }},
		{"cooldown at most", "", func(c *Config) { c.Alert.Cooldown = MaxCooldown }},
		{"cooldown over", "alert.cooldown", func(c *Config) { c.Alert.Cooldown = MaxCooldown + ns }},

		{"corroborate at most", "", func(c *Config) { c.Alert.Corroborate = MaxCorroborate }},
		{"corroborate over", "alert.corroborate", func(c *Config) { c.Alert.Corroborate = MaxCorroborate + ns }},

		{"sense_lost at most", "", func(c *Config) { c.Alert.SenseLost = MaxSenseLost }},
		{"sense_lost over", "alert.sense_lost", func(c *Config) { c.Alert.SenseLost = MaxSenseLost + ns }},

		{"unseen_after at least", "", func(c *Config) { c.Alert.UnseenAfter = MinUnseenAfter }},
		{"unseen_after under", "alert.unseen_after", func(c *Config) { c.Alert.UnseenAfter = MinUnseenAfter - ns }},
		{"unseen_after at most", "", func(c *Config) { c.Alert.UnseenAfter = MaxUnseenAfter }},
		{"unseen_after over", "alert.unseen_after", func(c *Config) { c.Alert.UnseenAfter = MaxUnseenAfter + ns }},

		{"alert words none", "alert.words", func(c *Config) { c.Alert.Words = nil }},
		{"alert words empty", "alert.words", func(c *Config) { c.Alert.Words = []string{"help", " ?"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.key == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.key == "":
				return
			case err == nil:
				t.Fatal("taken")
			case !strings.HasPrefix(err.Error(), "behavior: config "+tc.key+": "):
				t.Fatalf("error %q does not name %s", err, tc.key)
			case strings.Contains(err.Error(), "\n"):
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

// A NaN written in YAML (.nan) is refused like any other value out of range.
func TestConfigNaNFromYAML(t *testing.T) {
	for _, key := range []string{"min_confidence", "concern", "severe"} {
		_, err := loadConfig(strings.NewReader("pain: {" + key + ": .nan}"))
		if err == nil || !strings.Contains(err.Error(), "pain."+key+": NaN is outside") {
			t.Errorf("%s: .nan gave %v", key, err)
		}
	}
}

// edgesConfig sets every alerting key at the end of its range that delays
// an alert most; comfort just under severe makes comfort wait for
// persist_for.
func edgesConfig() Config {
	c := DefaultConfig()
	c.Pain.MinConfidence = MaxMinConfidence
	c.Pain.Smoothing = MaxSmoothing
	c.Pain.StaleAfter = MinStaleAfter
	c.Pain.Concern, c.Pain.Comfort, c.Pain.Severe = MaxConcern, MaxSevere-0.01, MaxSevere
	c.Pain.ConcernDwell = MaxConcernDwell
	c.Pain.ComfortDwell = MaxComfortDwell
	c.Pain.PersistFor = MaxPersistFor
	c.Pain.SevereDwell = MaxSevereDwell
	c.Pain.EaseDwell = MaxEaseDwell
	c.Presence.ArriveAfter = MaxArriveAfter
	c.Presence.LeaveAfter = MinLeaveAfter
	c.Alert.ReliefTimeout = MaxReliefTimeout
	c.Alert.Cooldown = MaxCooldown
	c.Alert.Corroborate = MaxCorroborate
	c.Alert.SenseLost = MaxSenseLost
	c.Alert.UnseenAfter = MaxUnseenAfter
	return c
}

// With every key at the end of its range, alerts still come, and soon
// enough to be warnings: pain 9 after calm pages as urgent within 2 minutes,
// pain 5 that lasts through comfort warns within 15. Assessments carry just
// the least confidence taken. (-v prints how soon each came.)
func TestAlertsComeAtTheEndsOfTheRanges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		score  float64
		level  AlertLevel
		within time.Duration
	}{
		{"severe pain", 9, AlertUrgent, 2 * time.Minute},
		{"lasting moderate pain", 5, AlertWarning, 15 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, edgesConfig())
			const onset = 30.0 // calm until then: arrived and greeted
			var first *Alert
			for at := 0.0; at < onset+20*60 && first == nil; at += 0.1 {
				score := 0.0
				if at >= onset {
					score = tc.score
				}
				a := assessment(at, score)
				a.Confidence = MaxMinConfidence
				for _, o := range h.feed(AssessmentInput(a)) {
					if al, ok := o.(Alert); ok {
						first = &al
					}
				}
			}
			if first == nil {
				t.Fatalf("no alert in 20 minutes of pain %g\n%s", tc.score, describe(h.outs))
			}
			after := first.At - sec(onset)
			t.Logf("pain %g: %s alert %v after onset (%s)", tc.score, first.Level, after.Round(100*time.Millisecond), first.Reason)
			if first.Level != tc.level || after > tc.within {
				t.Errorf("pain %g: %s alert after %v, want %s within %v", tc.score, first.Level, after, tc.level, tc.within)
			}
		})
	}
}
