package sessiontime

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"
)

func TestNewRejectsSpeeds(t *testing.T) {
	for _, speed := range []float64{0, -1, math.NaN(), math.Inf(1), MaxSpeed + 1} {
		if _, err := New(speed); err == nil {
			t.Errorf("New(%v): no error", speed)
		}
	}
	for _, speed := range []float64{0.5, 1, 20, MaxSpeed} {
		if _, err := New(speed); err != nil {
			t.Errorf("New(%v): %v", speed, err)
		}
	}
}

// TestScaling: session time passes speed times as fast as wall time, in
// every conversion and in tickers, timers and sleeps.
func TestScaling(t *testing.T) {
	for _, speed := range []float64{1, 4, 20} {
		synctest.Test(t, func(t *testing.T) {
			c, err := New(speed)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
			if got, want := c.Now(), time.Duration(speed*float64(time.Second)); got != want {
				t.Errorf("speed %v: Now after 1 s of wall time = %v, want %v", speed, got, want)
			}
			if got, want := c.Wall(10*time.Second), time.Duration(float64(10*time.Second)/speed); got != want {
				t.Errorf("speed %v: Wall(10s) = %v, want %v", speed, got, want)
			}
			wall0 := time.Now()
			tk := c.NewTicker(2 * time.Second)
			<-tk.C
			<-tk.C
			tk.Stop()
			if got, want := c.Since(wall0), 4*time.Second; got != want {
				t.Errorf("speed %v: two ticks of 2 s took %v of session time, want %v", speed, got, want)
			}
			wall0 = time.Now()
			if err := c.Sleep(context.Background(), 3*time.Second); err != nil {
				t.Fatal(err)
			}
			if got, want := c.Since(wall0), 3*time.Second; got != want {
				t.Errorf("speed %v: Sleep(3s) took %v of session time, want %v", speed, got, want)
			}
			wall0 = time.Now()
			tm := c.NewTimer(5 * time.Second)
			<-tm.C
			if got, want := c.Since(wall0), 5*time.Second; got != want {
				t.Errorf("speed %v: timer of 5 s fired after %v of session time", speed, got)
			}
		})
	}
}

// TestTickerFloor: a ticker never fires faster than once a millisecond of
// wall time, however fast the session.
func TestTickerFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _ := New(MaxSpeed)
		w0 := time.Now()
		tk := c.NewTicker(100 * time.Microsecond)
		<-tk.C
		tk.Stop()
		if got := time.Since(w0); got != time.Millisecond {
			t.Errorf("first tick after %v of wall time, want 1ms", got)
		}
	})
}

func TestSleepEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := RealTime()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(time.Second); cancel() }()
		if err := c.Sleep(ctx, time.Hour); err != context.Canceled {
			t.Errorf("Sleep = %v, want context.Canceled", err)
		}
	})
}

func TestWaitUntilPast(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WaitUntil(ctx, time.Now().Add(-time.Second)); err != nil {
		t.Errorf("WaitUntil(past) = %v, want nil", err)
	}
}

func TestOr(t *testing.T) {
	c, _ := New(7)
	if Or(c) != c {
		t.Error("Or(c) is not c")
	}
	if Or(nil).Speed() != 1 {
		t.Error("Or(nil) is not real time")
	}
}
