package microphone

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOptsValidate(t *testing.T) {
	for name, o := range map[string]Opts{
		"short watchdog": {Watchdog: time.Millisecond, Queue: 1},
		"no queue":       {Watchdog: time.Second},
	} {
		if _, err := Open(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestNullBackendCaptures uses miniaudio's null device, which delivers
// silence on a timer: no sound server or card needed.
func TestNullBackendCaptures(t *testing.T) {
	o := DefaultOpts()
	o.NullBackend = true
	m, err := Open(o)
	if err != nil {
		t.Skipf("null backend unavailable: %v", err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	buf := make([]float32, 320)
	got := 0
	for got < 1600 {
		n, err := m.Read(ctx, buf)
		if err != nil {
			t.Fatalf("after %d samples: %v", got, err)
		}
		for _, v := range buf[:n] {
			if v != 0 {
				t.Fatalf("null device gave %v, want silence", v)
			}
		}
		got += n
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := m.Read(ctx, buf); err == nil {
		t.Fatal("Read after Close succeeded")
	}
}

func TestUnknownDevice(t *testing.T) {
	o := DefaultOpts()
	o.NullBackend = true
	o.Name = "no-such-microphone-xyz"
	_, err := Open(o)
	if err == nil {
		t.Fatal("opened a device that does not exist")
	}
	if !errors.Is(err, ErrNoDevice) {
		t.Skipf("audio system unavailable: %v", err)
	}
}
