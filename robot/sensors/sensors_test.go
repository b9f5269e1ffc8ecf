package sensors_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sensors"
	"github.com/kindred-hri/kindred/robot/sim"
)

func simProfile(t *testing.T) *robot.Profile {
	t.Helper()
	p, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTouchEventsAndReadings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := simProfile(t) // head_touch digital pin 2 at 20 Hz, hand_eda analog 0 at 10 Hz
		body := sim.New(p)
		r, err := sensors.New(p, body)
		if err != nil {
			t.Fatal(err)
		}
		events := make(chan perception.Event, 10)
		readings := make(chan sensors.Reading, 100)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- r.Run(ctx, events, readings) }()

		body.SetAnalog(0, 512)
		time.Sleep(time.Second + time.Millisecond)
		if err := body.Touch("head_touch", true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond) // held: one event, not ten
		body.Touch("head_touch", false)
		time.Sleep(200 * time.Millisecond)
		body.Touch("head_touch", true)
		time.Sleep(100 * time.Millisecond)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		close(events)
		var at []time.Duration
		for ev := range events {
			if ev.Kind != perception.EventTouch || ev.Text != "head_touch" || ev.Modality != perception.ModSensors {
				t.Errorf("event %+v", ev)
			}
			at = append(at, ev.At)
		}
		if len(at) != 2 || at[0] != 1050*time.Millisecond || at[1] != 1750*time.Millisecond {
			t.Errorf("touch events at %v, want 1.05 s and 1.75 s", at)
		}
		close(readings)
		n := map[string]int{}
		for rd := range readings {
			n[rd.Sensor]++
			if rd.Sensor == "hand_eda" && (rd.Raw != 512 || rd.Value < 0.5 || rd.Value > 0.501 || rd.Kind != robot.SensorEDA) {
				t.Errorf("eda reading %+v", rd)
			}
		}
		// 1.8 s: head_touch at 20 Hz, hand_eda at 10 Hz.
		if n["head_touch"] != 36 || n["hand_eda"] != 18 {
			t.Errorf("readings %v, want 36 head_touch and 18 hand_eda", n)
		}
	})
}

func TestAnalogTouchHysteresis(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := simProfile(t)
		p.Sensors = []robot.SensorConfig{{ID: "cheek", Kind: robot.SensorTouch, Signal: robot.SignalAnalog, Pin: 3, Rate: robot.Hertz(10), Threshold: 0.5}}
		body := sim.New(p)
		r, _ := sensors.New(p, body)
		events := make(chan perception.Event, 10)
		ctx, cancel := context.WithCancel(t.Context())
		go r.Run(ctx, events, nil)
		// Change the pin half-way between the reader's 100 ms samples, so
		// no change lands on the same instant as a sample (in synctest
		// their order would then be up to the scheduler).
		time.Sleep(50 * time.Millisecond)
		// Noise around the threshold after a touch must not re-fire.
		for _, raw := range []int{100, 520, 490, 530, 495, 300, 600} {
			body.SetAnalog(3, raw)
			time.Sleep(100 * time.Millisecond)
		}
		cancel()
		synctest.Wait()
		if len(events) != 2 {
			t.Errorf("%d touch events, want 2 (at 520 and again at 600 after a release at 300)", len(events))
		}
	})
}

type flaky struct{ n int }

func (f *flaky) DigitalRead(string) (int, error) {
	f.n++
	if f.n%2 == 0 {
		return 0, errors.New("timeout")
	}
	return 1, nil
}
func (f *flaky) AnalogRead(string) (int, error) { return -1, nil }

func TestDropsAndErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := simProfile(t)
		r, _ := sensors.New(p, &flaky{})
		readings := make(chan sensors.Reading) // nobody reads: every sample is dropped
		ctx, cancel := context.WithCancel(t.Context())
		go r.Run(ctx, nil, readings)
		time.Sleep(time.Second + time.Millisecond)
		cancel()
		synctest.Wait()
		// 20 digital reads (10 fail), 10 analog reads that never answered.
		if r.Errors() != 20 || r.Dropped() != 10 {
			t.Errorf("errors %d dropped %d, want 20 and 10", r.Errors(), r.Dropped())
		}
	})
	p := simProfile(t)
	p.Sensors = nil
	if _, err := sensors.New(p, &flaky{}); err == nil {
		t.Error("a profile without sensors gave a reader")
	}
}

func TestWithClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := simProfile(t)
		body := sim.New(p)
		start := time.Now()
		media := func() time.Duration { return 20 * time.Since(start) } // a run at --speed 20
		r, _ := sensors.New(p, body, sensors.WithClock(media))
		events := make(chan perception.Event, 1)
		ctx, cancel := context.WithCancel(t.Context())
		go r.Run(ctx, events, nil)
		time.Sleep(120 * time.Millisecond)
		body.Touch("head_touch", true)
		time.Sleep(60 * time.Millisecond)
		cancel()
		synctest.Wait()
		if ev := <-events; ev.At != 20*150*time.Millisecond {
			t.Errorf("touch at %v, want media time 3s", ev.At)
		}
	})
}
