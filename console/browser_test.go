package console

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// episode is a test harness standing in for the engine: a rising pain
// episode over 40 s of session time, the states the robot passes through,
// and the face it makes. It keeps the status the console reports.
type episode struct {
	mu     sync.Mutex
	status Status
}

func (e *episode) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *episode) play(c *Console) {
	states := []struct {
		at       time.Duration
		from, to string
	}{{0, "idle", "engaged"}, {12 * time.Second, "engaged", "concerned"}, {25 * time.Second, "concerned", "comforting"}}
	next := 0
	for i := 0; i <= 400; i++ {
		at := time.Duration(i) * 100 * time.Millisecond
		for next < len(states) && states[next].at <= at {
			s := states[next]
			c.Publish(journal.Transition{At: at, From: s.from, To: s.to, Reason: "pain rising"})
			e.mu.Lock()
			e.status.State = s.to
			e.mu.Unlock()
			next++
		}
		rise := min(1, at.Seconds()/35)
		it := journal.Items{Breathing: math.Round(rise * 1.6), Vocalisation: 2 * rise, Face: 2 * rise, Body: 1.6 * rise, Consolability: rise}
		a := journal.Assessment{At: at, Person: "p-ana", Score: it.Total(), Items: it, PSPI: 9 * rise,
			Band: perception.BandOf(it.Total()), Confidence: 0.9, Present: true,
			Cues: []string{"brow lowered", "eyes narrowed", "moaning"}[:1+int(rise*2)]}
		c.Publish(a)
		pose := journal.PoseSample{At: at, Joints: robot.Pose{robot.BrowInnerLeft: robot.Angle(15 * rise),
			robot.BrowInnerRight: robot.Angle(15 * rise), robot.MouthCornerLeft: robot.Angle(-12 * rise),
			robot.MouthCornerRight: robot.Angle(-12 * rise), robot.HeadTilt: robot.Angle(-8 * rise),
			robot.HeadRoll: robot.Angle(10 * rise), robot.LidLeft: -10, robot.LidRight: -10, robot.Jaw: 3}}
		c.Publish(pose)
		e.mu.Lock()
		e.status.Person, e.status.Assessment, e.status.Joints = "p-ana", &a, pose.Joints
		// Only the left lid's range is known: at its minimum the eye is shut.
		e.status.Ranges = RangesOf([]robot.JointSpec{{ID: robot.LidLeft, Min: -10, Max: 30, Neutral: 20}})
		e.mu.Unlock()
	}
	c.Publish(journal.Utterance{At: 40 * time.Second, Intent: "comfort", Text: "I can see this hurts. I'm staying with you.", ID: "7", Pending: true})
	c.Publish(journal.Alert{At: 40 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 8, Reason: "severe pain for 10 s"})
}

func chromiumArgs(userDir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + userDir, "--window-size=1280,1100"}
}

// browserDir is a fresh profile; removed after the test, ignoring files a
// dying browser helper may still be writing.
func browserDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "kindred-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func needChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	return path
}

func artifactDir(t *testing.T) string {
	dir := os.Getenv("KINDRED_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kindred-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func episodeConsole(t *testing.T) (*Console, *httptest.Server) {
	ep := &episode{}
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Status: ep.Status, Sessions: &fakeStore{t: t}})
	ep.play(c)
	return c, srv
}

func TestBrowserShowsStateAndGauge(t *testing.T) {
	chromium := needChromium(t)
	_, srv := episodeConsole(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append(chromiumArgs(browserDir(t)), "--virtual-time-budget=5000", "--dump-dom", srv.URL+"/")
	out, err := exec.CommandContext(ctx, chromium, args...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`id="state">comforting<`),
		regexp.MustCompile(`id="gauge"[^>]*data-score="8\.6"`),
		regexp.MustCompile(`id="gauge"[^>]*data-band="severe"`),
		regexp.MustCompile(`<li>moaning</li>`),
		regexp.MustCompile(`id="person">p-ana<`),
		regexp.MustCompile(`ALERT urgent: severe pain for 10 s`),
		regexp.MustCompile(`I can see this hurts`),
		regexp.MustCompile(`id="conn" class="pill good">live<`),
		regexp.MustCompile(`id="lid-left"[^>]*height="26\.0"`),  // shut: at the bottom of its range
		regexp.MustCompile(`id="lid-right"[^>]*height="10\.8"`), // no range: -10° from three quarters open
	} {
		if !want.MatchString(dom) {
			t.Errorf("page lacks %s", want)
		}
	}
	if t.Failed() {
		os.WriteFile(filepath.Join(artifactDir(t), "console-dom.html"), out, 0o644)
	}
}

// cdp speaks the DevTools protocol over --remote-debugging-pipe: Chromium
// reads NUL-terminated JSON on fd 3 and writes on fd 4.
type cdp struct {
	w    *os.File
	r    *bufio.Reader
	next int
}

func (c *cdp) call(session, method string, params any) (json.RawMessage, error) {
	c.next++
	msg := map[string]any{"id": c.next, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return nil, err
	}
	for {
		raw, err := c.r.ReadBytes(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		var reply struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct{ Message string }
		}
		if json.Unmarshal(raw[:len(raw)-1], &reply) != nil || reply.ID != c.next {
			continue // an event, or another reply
		}
		if reply.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, reply.Error.Message)
		}
		return reply.Result, nil
	}
}

func (c *cdp) eval(session, expr string) (string, error) {
	res, err := c.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	if err != nil {
		return "", err
	}
	var v struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
	}
	json.Unmarshal(res, &v)
	return fmt.Sprint(v.Result.Value), nil
}

func TestBrowserPauseButtonPostsControl(t *testing.T) {
	chromium := needChromium(t)
	c, srv := episodeConsole(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	toChrome, ourEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChrome, chromeEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, chromium, append(chromiumArgs(browserDir(t)), "--remote-debugging-pipe", "about:blank")...)
	cmd.ExtraFiles = []*os.File{toChrome, chromeEnd}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	chromeEnd.Close()
	defer func() {
		ourEnd.Close()
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the browser and its helper processes
		cmd.Wait()
	}()
	go func() { <-ctx.Done(); fromChrome.Close() }()
	dev := &cdp{w: ourEnd, r: bufio.NewReader(fromChrome)}

	res, err := dev.call("", "Target.createTarget", map[string]any{"url": srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	var target struct{ TargetID string }
	json.Unmarshal(res, &target)
	res, err = dev.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil {
		t.Fatal(err)
	}
	var att struct{ SessionID string }
	json.Unmarshal(res, &att)

	// Wait until the page has drawn the episode and holds its token.
	ready := `new Promise(ok => { const f = () => (document.getElementById("state") && document.getElementById("state").textContent === "comforting" &&
		document.getElementById("gauge").dataset.band === "severe" && document.getElementById("conn").textContent === "live")
		? ok("ready") : setTimeout(f, 50); f(); })`
	for {
		v, err := dev.eval(att.SessionID, ready)
		if err == nil && v == "ready" {
			break
		}
		// The page may navigate under the first evaluation; try again in the new document.
		if err == nil || !strings.Contains(err.Error(), "context was destroyed") || ctx.Err() != nil {
			t.Fatalf("page not ready: %q %v", v, err)
		}
	}
	res, err = dev.call(att.SessionID, "Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		t.Fatal(err)
	}
	var shot struct{ Data string }
	json.Unmarshal(res, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 10000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	file := filepath.Join(artifactDir(t), "console-pain-episode.png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)

	if _, err := dev.eval(att.SessionID, `document.getElementById("pause").click()`); err != nil {
		t.Fatal(err)
	}
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != journal.CmdPause {
			t.Fatalf("engine got %q, want pause", ctl.Cmd)
		}
	case <-ctx.Done():
		t.Fatal("clicking Pause posted nothing")
	}
	// Approving the pending proposal posts approve with its numeric ID.
	if _, err := dev.eval(att.SessionID, `document.querySelector("#proposals button").click()`); err != nil {
		t.Fatal(err)
	}
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != journal.CmdApprove || ctl.ID != 7 {
			t.Fatalf("engine got %+v, want approve 7", ctl)
		}
	case <-ctx.Done():
		t.Fatal("clicking Approve posted nothing")
	}
	approved := `new Promise(ok => { const f = () => document.getElementById("proposals").textContent.includes("nothing pending")
		? ok(document.getElementById("feedback").textContent) : setTimeout(f, 50); f(); })`
	if fb, err := dev.eval(att.SessionID, approved); err != nil || fb != "approve sent" {
		t.Errorf("after approving: feedback %q, %v", fb, err)
	}
}
