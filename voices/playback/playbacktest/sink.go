package playbacktest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// sink is the test binary's own null sink on the test sound server.
var sink struct {
	name, description, module string
}

// openSink loads a null sink named after this process and makes it and its
// monitor the server's defaults (for the kindred commands a test starts
// too), so the loopback tests play into and record from a sink no other
// test binary has used or can still be playing into.
func openSink() error {
	pid := strconv.Itoa(os.Getpid())
	name, desc := "kindred_test_"+pid, "KindredTest"+pid
	out, err := exec.Command("pactl", "load-module", "module-null-sink",
		"sink_name="+name, "sink_properties=device.description="+desc).Output()
	if err != nil {
		return fmt.Errorf("private null sink %s: pactl load-module: %w", name, err)
	}
	sink.name, sink.description, sink.module = name, desc, string(bytes.TrimSpace(out))
	// oto (through ALSA's pulse plugin) plays to the server's default sink
	// whatever PULSE_SINK says, so the sink is made the server's default
	// while this binary holds the lock, and "robot" again afterwards.
	for _, args := range [][]string{{"set-default-sink", name}, {"set-default-source", name + ".monitor"}} {
		if err := exec.Command("pactl", args...).Run(); err != nil {
			closeSink()
			return fmt.Errorf("private null sink %s: pactl %s: %w", name, args[0], err)
		}
	}
	return nil
}

// closeSink gives the defaults back to the shared sink and unloads the one
// openSink loaded.
func closeSink() {
	_ = exec.Command("pactl", "set-default-sink", sharedSink).Run()
	_ = exec.Command("pactl", "set-default-source", sharedSink+".monitor").Run()
	if sink.module != "" {
		_ = exec.Command("pactl", "unload-module", sink.module).Run()
	}
}

// sharedSink is the null sink scripts/with-audio.sh makes the default.
const sharedSink = "robot"

// Sink is the PulseAudio name of the binary's own null sink, where its
// sound goes by default ("" outside Main with KINDRED_TEST_AUDIO).
func Sink() string { return sink.name }

// Monitor is the PulseAudio name of that sink's monitor source, for
// parec --device.
func Monitor() string {
	if sink.name == "" {
		return ""
	}
	return sink.name + ".monitor"
}

// MonitorDevice is the name capture libraries (malgo) list the monitor
// under, for microphone.Opts.Name.
func MonitorDevice() string {
	if sink.name == "" {
		return ""
	}
	return "Monitor of " + sink.description
}
