package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/console/consoletest"
)

// Issue 9's acceptance test, against the real `kindred run`: a headless
// browser loads the console while the pain-episode scenario plays, sees the
// state and a rising gauge, clicks Pause and sees the robot pause. The waits
// are wall-clock polls of the browser and the HTTP server, not logic timing.
func TestConsoleRunPainEpisodeInBrowser(t *testing.T) {
	consoletest.NeedChromium(t)
	home := t.TempDir()
	const token = "e2e-console-token-0123456789"
	t.Setenv("KINDRED_CONSOLE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)

	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var stderr lockedBuffer
	run := &runExit{done: make(chan struct{})}
	go func() {
		defer close(run.done)
		run.code = dispatch(runCtx, env{stdin: strings.NewReader(""), stdout: &lockedBuffer{}, stderr: &stderr},
			[]string{"run", "--scenario", "pain-episode", "--speed", "4", "--console", addr,
				"--journal", filepath.Join(t.TempDir(), "j.db")})
	}()
	defer func() {
		stopRun()
		<-run.done
		if t.Failed() {
			t.Logf("kindred run said:\n%s", stderr.String())
		}
	}()

	base := "http://" + addr
	if _, err := waitStatus(ctx, base, token, run, func(consoleStatus) bool { return true }); err != nil {
		t.Fatalf("console never answered: %v", err)
	}
	b := consoletest.Open(t, base+"/")

	// The first reading the gauge shows, then a clearly higher one: the
	// scenario's calm chat (20 s of session time, 5 s here) turns to pain.
	gauge := `(() => { const g = document.getElementById("gauge"), s = document.getElementById("state").textContent;
		return g.dataset.score !== "" && s !== "unknown" && JSON.stringify({score: Number(g.dataset.score), band: g.dataset.band, state: s}); })()`
	type reading struct {
		Score       float64
		Band, State string
	}
	read := func(cond string) reading {
		t.Helper()
		v, err := b.WaitFor(cond, 40*time.Second)
		if err != nil {
			t.Fatalf("page: %v", err)
		}
		var r reading
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			t.Fatalf("page: %q: %v", v, err)
		}
		return r
	}
	first := read(gauge)
	t.Logf("first reading: %+v", first)
	if first.Band == "severe" {
		t.Fatalf("the episode was already at its peak when the page first drew it (%+v); nothing left to rise", first)
	}
	risen := read(fmt.Sprintf(`(() => { const g = document.getElementById("gauge");
		return Number(g.dataset.score) > %g && ["moderate", "severe"].includes(g.dataset.band) && %s; })()`,
		first.Score+1, gauge))
	t.Logf("risen: %+v", risen)
	if risen.Score <= first.Score {
		t.Fatalf("gauge went from %.1f to %.1f", first.Score, risen.Score)
	}
	if risen.State == "paused" || risen.State == "unknown" {
		t.Fatalf("state %q before anyone paused", risen.State)
	}
	if conn, err := b.Eval(`document.getElementById("conn").textContent`); err != nil || conn != "live" {
		t.Errorf("connection pill %q, %v; want live", conn, err)
	}

	if err := b.Click("#pause"); err != nil {
		t.Fatal(err)
	}
	// The engine's transition reaches the page over the stream, and the
	// page's periodic status poll raises the paused flag.
	if _, err := b.WaitFor(`document.getElementById("state").textContent === "paused" &&
		document.getElementById("flags").textContent.includes("paused")`, 20*time.Second); err != nil {
		fb, _ := b.Eval(`document.getElementById("feedback").textContent`)
		t.Fatalf("the page does not show the robot paused (feedback %q): %v", fb, err)
	}
	st, err := waitStatus(ctx, base, token, run, func(s consoleStatus) bool { return s.Paused })
	if err != nil {
		t.Fatalf("status after Pause: %v", err)
	}
	if st.State != "paused" {
		t.Errorf("status state %q with paused true", st.State)
	}
	// The sliders show the condition the run was started with (mimicry on:
	// gain 1, no delay), from the status, not a page default.
	if m := st.Mirror; m == nil || !m.Enabled || m.Gain != 1 || m.DelayMS != 0 {
		t.Errorf("status mirror %+v, want the run's condition: on, gain 1, delay 0", m)
	}
	if v, err := b.WaitFor(`document.getElementById("mimicry-set").dataset.known === "true" &&
		[document.getElementById("mimic-gain").value, document.getElementById("mimic-delay").value].join(" ")`, 20*time.Second); err != nil || v != "1 0" {
		t.Errorf("sliders %q (%v), want 1 0", v, err)
	}

	// A carer's acknowledgement reaches the journal with their name.
	if code, body := apiCall(ctx, t, "POST", base+"/api/v1/control", token, `{"cmd":"acknowledge","by":"Mary"}`); code != http.StatusAccepted {
		t.Fatalf("acknowledge: %d %s", code, body)
	}
	if err := pollUntil(ctx, run, func() bool {
		_, list := apiCall(ctx, t, "GET", base+"/api/v1/sessions", token, "")
		var sessions []struct{ ID string }
		if json.Unmarshal([]byte(list), &sessions) != nil || len(sessions) == 0 {
			return false
		}
		_, export := apiCall(ctx, t, "GET", base+"/api/v1/sessions/"+sessions[0].ID+"/export?format=jsonl", token, "")
		return strings.Contains(export, `"type":"acknowledgement"`) && strings.Contains(export, `"by":"Mary"`)
	}); err != nil {
		t.Errorf("the journal never recorded Mary's acknowledgement: %v", err)
	}

	if _, err := b.Eval(`window.scrollTo(0, 0)`); err != nil { // the gauge and the state in the picture
		t.Fatal(err)
	}
	png, err := b.Screenshot()
	if err != nil || len(png) < 10000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	t.Logf("screenshot: %s", consoletest.SaveArtifact(t, "console-run-pain-episode.png", png))

	stopRun()
	select {
	case <-run.done:
		if run.code != 0 {
			t.Fatalf("kindred run exited %d after cancel", run.code)
		}
	case <-ctx.Done():
		t.Fatal("kindred run did not stop after cancel")
	}
}

// runExit is the exit code of a run in its own goroutine, readable once
// done is closed.
type runExit struct {
	done chan struct{}
	code int
}

// consoleStatus is the part of GET /api/v1/status this test reads.
type consoleStatus struct {
	State  string `json:"state"`
	Paused bool   `json:"paused"`
	Mirror *struct {
		Enabled bool    `json:"enabled"`
		Gain    float64 `json:"gain"`
		DelayMS int64   `json:"delay_ms"`
	} `json:"mirror"`
	Assessment *struct {
		At     float64 `json:"at"`
		Person string  `json:"person"`
	} `json:"assessment"`
	Present *struct {
		ID, Name             string
		Resident, Calibrated bool
		Assumed              bool
	} `json:"present"`
}

// apiCall makes one authorised request and returns the code and body.
func apiCall(ctx context.Context, t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// pollUntil asks ok every 100 ms until it holds, the run exits or ctx ends.
func pollUntil(ctx context.Context, run *runExit, ok func() bool) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-run.done:
			return fmt.Errorf("kindred run exited %d", run.code)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// waitStatus polls the console's status until ok accepts it, the run exits,
// or ctx ends.
func waitStatus(ctx context.Context, base, token string, run *runExit, ok func(consoleStatus) bool) (consoleStatus, error) {
	var last consoleStatus
	var lastErr error
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		last, lastErr = getStatus(ctx, base, token)
		if lastErr == nil && ok(last) {
			return last, nil
		}
		select {
		case <-run.done:
			return last, fmt.Errorf("kindred run exited %d", run.code)
		case <-ctx.Done():
			return last, fmt.Errorf("last status %+v, %v: %w", last, lastErr, ctx.Err())
		case <-tick.C:
		}
	}
}

func getStatus(ctx context.Context, base, token string) (consoleStatus, error) {
	var s consoleStatus
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/status", nil)
	if err != nil {
		return s, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("status: %s", resp.Status)
	}
	err = json.NewDecoder(resp.Body).Decode(&s)
	return s, err
}

// freeAddr is a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

// lockedBuffer collects what the run's goroutines write.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
