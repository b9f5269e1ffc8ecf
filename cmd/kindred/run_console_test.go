package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/testpki"
)

// Beyond loopback the console needs TLS or an explicit --insecure-http;
// anything else is one line and exit 2, before anything starts.
func TestConsoleBeyondLoopbackNeedsTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key, _ := testpki.WriteSelfSigned(t, dir)
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces, plain", []string{"--console", "0.0.0.0:8080"}, "--tls-cert"},
		{"a LAN address, plain", []string{"--console", "192.168.1.20:8080"}, "192.168.1.20:8080"},
		{"all interfaces, no host", []string{"--console", ":8080"}, "--insecure-http"},
		{"a certificate without its key", []string{"--console", "0.0.0.0:8080", "--tls-cert", cert}, "--tls-key"},
		{"a key without its certificate", []string{"--tls-key", key}, "--tls-cert"},
		{"TLS and plain HTTP both", []string{"--console", "0.0.0.0:8080", "--tls-cert", cert, "--tls-key", key, "--insecure-http"}, "--insecure-http"},
		{"a missing certificate", []string{"--console", "0.0.0.0:8080", "--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", key}, "none.pem"},
		{"a certificate that is not one", []string{"--console", "0.0.0.0:8080", "--tls-cert", garbage, "--tls-key", key}, "garbage.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runKindred(t, append([]string{"run", "--journal", "off"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q: want one line naming %q", stderr, tc.want)
			}
		})
	}
}

// A new token is shown once, on the first run, and only when the console
// is on loopback; beyond loopback (where stderr may be a log others read)
// only its file is named. With --tls-cert the console speaks HTTPS.
func TestConsoleTokenShownOnceAndNeverBeyondLoopback(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := testpki.WriteSelfSigned(t, dir)
	t.Setenv("KINDRED_CONSOLE_TOKEN", "")
	t.Setenv("HOME", dir)
	config := func(name string) string {
		cfg := filepath.Join(dir, name)
		t.Setenv("XDG_CONFIG_HOME", cfg)
		return filepath.Join(cfg, "kindred", "console-token")
	}
	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	local := "127.0.0.1:" + port

	// First run, on every interface with TLS: created, not shown.
	tokenFile := config("a")
	out, token := consoleRun(t, "https://"+local, pool, tokenFile, "--console", "0.0.0.0:"+port, "--tls-cert", certFile, "--tls-key", keyFile)
	if strings.Contains(out, token) {
		t.Errorf("beyond loopback the first run printed the token:\n%s", out)
	}
	if !strings.Contains(out, tokenFile) || !strings.Contains(out, "https://0.0.0.0:"+port) {
		t.Errorf("the first run does not say where the token is, or that it serves HTTPS:\n%s", out)
	}
	// Second run, on loopback: not new, so not shown.
	if out, _ := consoleRun(t, "http://"+local, nil, tokenFile, "--console", local); strings.Contains(out, token) {
		t.Errorf("a later run printed the token:\n%s", out)
	}
	// A first run on loopback shows it, once.
	tokenFile = config("b")
	out, token = consoleRun(t, "http://"+local, nil, tokenFile, "--console", local)
	if n := strings.Count(out, token); n != 1 {
		t.Errorf("a first run on loopback showed the token %d times:\n%s", n, out)
	}
}

// consoleRun runs `kindred run` with args until the console at base answers
// an authorised status request (with the token in tokenFile), then stops
// it. It returns what the run printed and the token.
func consoleRun(t *testing.T, base string, roots *x509.CertPool, tokenFile string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var stderr lockedBuffer
	run := &runExit{done: make(chan struct{})}
	go func() {
		defer close(run.done)
		run.code = dispatch(runCtx, env{stdin: strings.NewReader(""), stdout: &lockedBuffer{}, stderr: &stderr},
			append([]string{"run", "--scenario", "visit", "--for", "1h", "--journal", "off"}, args...))
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer client.CloseIdleConnections()
	var token string
	tick := time.NewTicker(50 * time.Millisecond) // polling another goroutine's server, not logic
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(tokenFile); err == nil {
			token = strings.TrimSpace(string(b))
			if authorisedStatus(ctx, client, base, token) {
				break
			}
		}
		select {
		case <-run.done:
			t.Fatalf("kindred run exited %d:\n%s", run.code, stderr.String())
		case <-ctx.Done():
			t.Fatalf("the console never answered at %s:\n%s", base, stderr.String())
		case <-tick.C:
		}
	}
	stopRun()
	<-run.done
	if run.code != 0 {
		t.Fatalf("kindred run exited %d after cancel:\n%s", run.code, stderr.String())
	}
	return stderr.String(), token
}

func authorisedStatus(ctx context.Context, client *http.Client, base, token string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/status", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK && (resp.TLS != nil) == strings.HasPrefix(base, "https:")
}

// A console address in use (a second `make run`, another program on 8080)
// is one line naming it and what to do, before the run starts. Before,
// the run said "console on http://ADDR", started, stopped at once with two
// faults of its own stopping (the body's writes, a decision not handled)
// and a "run ended" line, and only then gave the bind error.
func TestConsoleAddressInUseIsOneLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	addr := ln.Addr().String()
	code, _, stderr := runKindred(t, "run", "--journal", "off", "--for", "5s", "--console", addr)
	if code == 0 {
		t.Fatalf("exit 0 with %s in use; stderr:\n%s", addr, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "address already in use") || !strings.Contains(last, "--console") {
		t.Errorf("last line %q, want the address in use and what to do", last)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "console: new access token") { // shown once, whatever happens next
			t.Errorf("stderr has %q before the error; want nothing else", l)
		}
	}
}
