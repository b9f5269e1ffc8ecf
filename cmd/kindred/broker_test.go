package main

import (
	"fmt"
	"net"
	"os/exec"
	"testing"
)

// startMosquitto runs a real Mosquitto on a free loopback port for the
// test, with extra mosquitto.conf lines (beyond the listener) when given
// through conf; it returns the broker's URL. make deps installs Mosquitto:
// without it the test fails with the fix, never skips.
func startMosquitto(t *testing.T, conf func(port int) (args []string)) string {
	t.Helper()
	if _, err := exec.LookPath("mosquitto"); err != nil {
		t.Fatal("mosquitto not installed: run make deps")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	args := []string{"-p", fmt.Sprint(port)}
	if conf != nil {
		args = conf(port)
	}
	broker := exec.Command("mosquitto", args...)
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.Process.Kill(); broker.Wait() })
	return fmt.Sprintf("tcp://127.0.0.1:%d", port)
}
