package consoletest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// callTimeout bounds one DevTools call that does not say how long it waits:
// a browser that stops answering fails the test instead of hanging it.
const callTimeout = 30 * time.Second

// NeedChromium returns the path of the chromium binary, or skips the test
// when it is not installed (make deps installs it).
func NeedChromium(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	return path
}

// Args are the flags every test browser starts with: headless, without
// first-run work or network chatter, in the given profile, with a window
// tall enough for the gauge, the face and the controls, and sound allowed
// before a gesture (no person clicks in a test; the console's alert tone
// must still play).
func Args(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,1100",
		"--autoplay-policy=no-user-gesture-required"}
}

// ProfileDir is a fresh browser profile, removed after the test, ignoring
// files a dying browser helper may still be writing.
func ProfileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kindred-chromium-")
	if err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// ArtifactDir is where tests leave screenshots and pages for people to look
// at: $KINDRED_ARTIFACTS, else kindred-artifacts in the temporary directory.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KINDRED_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kindred-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("consoletest: artifacts: %v", err)
	}
	return dir
}

// SaveArtifact writes data as name in ArtifactDir and returns its path.
func SaveArtifact(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(ArtifactDir(t), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	return path
}

// DumpDOM loads url in a headless browser, lets virtualTime of page time
// pass (timers and the network run as fast as they can), and returns the
// document as the browser serialises it then.
func DumpDOM(t testing.TB, url string, virtualTime time.Duration) ([]byte, error) {
	t.Helper()
	chromium := NeedChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append(Args(ProfileDir(t)), fmt.Sprintf("--virtual-time-budget=%d", virtualTime.Milliseconds()), "--dump-dom", url)
	out, err := exec.CommandContext(ctx, chromium, args...).Output()
	if err != nil {
		return out, fmt.Errorf("consoletest: chromium --dump-dom %s: %w", url, err)
	}
	return out, nil
}

// Browser is one headless Chromium showing one page, driven over the
// DevTools protocol. Its methods are for the test goroutine only.
type Browser struct {
	w, rf   *os.File // our ends of the browser's fd 3 (it reads) and fd 4 (it writes)
	r       *bufio.Reader
	next    int
	session string // the page's flattened session
	log     *tail  // the browser's stderr, shown when the test fails
}

// Open starts a headless Chromium, opens url in a new page and waits until
// it has loaded. It skips the test when chromium is not installed; the
// browser and its helpers are killed when the test ends.
func Open(t testing.TB, url string) *Browser {
	t.Helper()
	chromium := NeedChromium(t)
	profile := ProfileDir(t)

	toChrome, ourEnd, err := os.Pipe()
	if err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	fromChrome, chromeEnd, err := os.Pipe()
	if err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	b := &Browser{w: ourEnd, rf: fromChrome, r: bufio.NewReader(fromChrome), log: &tail{}}
	cmd := exec.Command(chromium, append(Args(profile), "--remote-debugging-pipe", "about:blank")...)
	cmd.ExtraFiles = []*os.File{toChrome, chromeEnd}
	cmd.Stderr = b.log
	cmd.WaitDelay = 5 * time.Second // a helper that outlives the group must not hold the test
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	toChrome.Close()
	chromeEnd.Close()
	if err != nil {
		ourEnd.Close()
		fromChrome.Close()
		t.Fatalf("consoletest: start chromium: %v", err)
	}
	t.Cleanup(func() {
		// The browser exits when its pipe closes; its helpers are killed with it.
		ourEnd.Close()
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		fromChrome.Close()
		if t.Failed() {
			t.Logf("chromium's last words:\n%s", b.log)
		}
	})

	res, err := b.call("", "Target.createTarget", map[string]any{"url": url}, callTimeout)
	if err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	var target struct{ TargetID string }
	if err := json.Unmarshal(res, &target); err != nil {
		t.Fatalf("consoletest: Target.createTarget: %v", err)
	}
	res, err = b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, callTimeout)
	if err != nil {
		t.Fatalf("consoletest: %v", err)
	}
	var att struct{ SessionID string }
	if err := json.Unmarshal(res, &att); err != nil || att.SessionID == "" {
		t.Fatalf("consoletest: Target.attachToTarget: %s %v", res, err)
	}
	b.session = att.SessionID

	// The new page starts at about:blank; wait for the document it navigates to.
	href, err := b.WaitFor(`document.readyState === "complete" && location.href !== "about:blank" && location.href`, 30*time.Second)
	if err != nil {
		t.Fatalf("consoletest: loading %s: %v", url, err)
	}
	if strings.HasPrefix(href, "chrome-error:") {
		t.Fatalf("consoletest: loading %s: the browser shows its error page", url)
	}
	return b
}

// Call sends one DevTools command to the page and returns its result.
func (b *Browser) Call(method string, params any) (json.RawMessage, error) {
	return b.call(b.session, method, params, callTimeout)
}

// call sends a command and reads until its reply, skipping events and stale
// replies; the browser must answer within timeout.
func (b *Browser) call(session, method string, params any, timeout time.Duration) (json.RawMessage, error) {
	b.next++
	msg := map[string]any{"id": b.next, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	deadline := time.Now().Add(timeout)
	b.w.SetWriteDeadline(deadline)
	if _, err := b.w.Write(append(raw, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	b.rf.SetReadDeadline(deadline)
	for {
		line, err := b.r.ReadBytes(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		var reply struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct{ Message string }
		}
		if json.Unmarshal(line[:len(line)-1], &reply) != nil || reply.ID != b.next {
			continue // an event, or another reply
		}
		if reply.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, reply.Error.Message)
		}
		return reply.Result, nil
	}
}

// Eval evaluates a JavaScript expression in the page, awaiting it if it is a
// promise, and returns its value: a string as it is, anything else as JSON.
// A thrown exception or rejected promise is an error.
func (b *Browser) Eval(expr string) (string, error) {
	return b.eval(expr, callTimeout)
}

func (b *Browser) eval(expr string, timeout time.Duration) (string, error) {
	res, err := b.call(b.session, "Runtime.evaluate",
		map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, timeout)
	if err != nil {
		return "", err
	}
	var v struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &v); err != nil {
		return "", fmt.Errorf("Runtime.evaluate: %w", err)
	}
	if e := v.ExceptionDetails; e != nil {
		msg := e.Exception.Description
		if msg == "" {
			msg = e.Text
		}
		return "", fmt.Errorf("in the page: %s", msg)
	}
	var s string
	if json.Unmarshal(v.Result.Value, &s) == nil {
		return s, nil
	}
	return string(v.Result.Value), nil
}

// WaitFor polls a JavaScript condition in the page every 50 ms until it is
// truthy, and returns its value as Eval does. An exception in the condition
// counts as not yet; after timeout the error names the last exception or
// value. A navigation under the poll starts it again in the new document.
func (b *Browser) WaitFor(cond string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		poll := fmt.Sprintf(`new Promise((ok, fail) => {
	const end = Date.now() + %d;
	const f = () => {
		let v, err = "";
		try { v = (%s); } catch (e) { err = String(e); }
		if (v) { ok(v); return; }
		if (Date.now() > end) { fail(new Error("not true after %v: " + (err || JSON.stringify(v)))); return; }
		setTimeout(f, 50);
	};
	f();
})`, max(left.Milliseconds(), 0), cond, timeout)
		v, err := b.eval(poll, left+callTimeout)
		if err == nil {
			return v, nil
		}
		if !navigated(err) || time.Now().After(deadline) {
			return "", fmt.Errorf("waiting for %s: %w", cond, err)
		}
	}
}

// navigated says the poll's document went away under it (a reload or a
// navigation), so the poll should start again in the new one.
func navigated(err error) bool {
	for _, m := range []string{"context was destroyed", "Cannot find context", "Inspected target navigated or closed"} {
		if strings.Contains(err.Error(), m) {
			return true
		}
	}
	return false
}

// Click clicks the element the CSS selector finds as a person would: it is
// scrolled into view if need be, waited for until its box stops moving
// (the live status re-lays the page out), and the mouse is pressed and
// released at its centre. An element that is missing, disabled or covered
// there is an error. A press the element did not receive (the page moved
// between aiming and pressing) is aimed again, up to three times, and is
// an error after that.
func (b *Browser) Click(selector string) error {
	sel, err := json.Marshal(selector)
	if err != nil {
		return fmt.Errorf("click %s: %w", selector, err)
	}
	for range 3 {
		at, err := b.Eval(fmt.Sprintf(`(async () => {
	const sel = %s, e = document.querySelector(sel);
	if (!e) throw new Error("no element " + sel);
	if (e.disabled) throw new Error(sel + " is disabled");
	e.scrollIntoView({block: "nearest", inline: "nearest"});
	let r = e.getBoundingClientRect();
	for (let i = 0; i < 30; i++) {
		await new Promise(done => requestAnimationFrame(() => done()));
		const n = e.getBoundingClientRect();
		if (n.left === r.left && n.top === r.top && n.width === r.width && n.height === r.height) break;
		r = n;
	}
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	if (!hit || !(hit === e || e.contains(hit))) throw new Error(sel + " is covered by " + (hit ? hit.outerHTML.slice(0, 80) : "nothing"));
	window.__kindredClicked = false;
	e.addEventListener("click", () => { window.__kindredClicked = true; }, {once: true, capture: true});
	return JSON.stringify({x, y});
})()`, sel))
		if err != nil {
			return fmt.Errorf("click %s: %w", selector, err)
		}
		var p struct{ X, Y float64 }
		if err := json.Unmarshal([]byte(at), &p); err != nil {
			return fmt.Errorf("click %s: %w", selector, err)
		}
		for _, ev := range []map[string]any{
			{"type": "mouseMoved", "x": p.X, "y": p.Y},
			{"type": "mousePressed", "x": p.X, "y": p.Y, "button": "left", "buttons": 1, "clickCount": 1},
			{"type": "mouseReleased", "x": p.X, "y": p.Y, "button": "left", "buttons": 0, "clickCount": 1},
		} {
			if _, err := b.Call("Input.dispatchMouseEvent", ev); err != nil {
				return fmt.Errorf("click %s: %w", selector, err)
			}
		}
		if got, err := b.Eval(`window.__kindredClicked === true`); err != nil {
			return fmt.Errorf("click %s: %w", selector, err)
		} else if got == "true" {
			return nil
		}
	}
	return fmt.Errorf("click %s: three presses at its centre never reached it (the page kept moving)", selector)
}

// SetViewport makes the page's window width × height CSS pixels, as a
// tablet or a desktop shows it, and waits until the page has laid out at
// that width.
func (b *Browser) SetViewport(width, height int) error {
	if _, err := b.Call("Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}); err != nil {
		return fmt.Errorf("viewport %dx%d: %w", width, height, err)
	}
	if _, err := b.WaitFor(fmt.Sprintf("innerWidth === %d && innerHeight === %d", width, height), 10*time.Second); err != nil {
		return fmt.Errorf("viewport %dx%d: %w", width, height, err)
	}
	return nil
}

// Screenshot returns a PNG of what the page shows in its window.
func (b *Browser) Screenshot() ([]byte, error) {
	res, err := b.Call("Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	var shot struct{ Data string }
	if err := json.Unmarshal(res, &shot); err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	if len(png) == 0 {
		return nil, errors.New("screenshot: empty image")
	}
	return png, nil
}

// tail keeps the last few kilobytes a process writes.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 8 << 10

func (l *tail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if over := len(l.buf) - tailSize; over > 0 {
		l.buf = append(l.buf[:0], l.buf[over:]...)
	}
	return len(p), nil
}

func (l *tail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// keys are the DevTools codes of the keys Press knows: what a person
// types to move through a page and act on it.
var keys = map[string]struct {
	code string
	vk   int
	text string
}{
	"Enter": {"Enter", 13, "\r"},
	"Tab":   {"Tab", 9, ""},
	" ":     {"Space", 32, " "},
}

// Press presses and releases one key (Enter, Tab or " ") in the focused
// element, as a keyboard does.
func (b *Browser) Press(key string) error {
	k, ok := keys[key]
	if !ok {
		return fmt.Errorf("press %q: not a key Press knows", key)
	}
	down := map[string]any{"type": "keyDown", "key": key, "code": k.code, "windowsVirtualKeyCode": k.vk}
	if k.text != "" {
		down["text"] = k.text
	}
	up := map[string]any{"type": "keyUp", "key": key, "code": k.code, "windowsVirtualKeyCode": k.vk}
	for _, ev := range []map[string]any{down, up} {
		if _, err := b.Call("Input.dispatchKeyEvent", ev); err != nil {
			return fmt.Errorf("press %q: %w", key, err)
		}
	}
	return nil
}

// Type puts text into the focused element as typing or pasting does (a
// field's maxlength applies), after focusing the element selector finds.
func (b *Browser) Type(selector, text string) error {
	sel, err := json.Marshal(selector)
	if err != nil {
		return fmt.Errorf("type into %s: %w", selector, err)
	}
	if _, err := b.Eval(fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) throw new Error("no element"); e.focus(); })()`, sel)); err != nil {
		return fmt.Errorf("type into %s: %w", selector, err)
	}
	if _, err := b.Call("Input.insertText", map[string]any{"text": text}); err != nil {
		return fmt.Errorf("type into %s: %w", selector, err)
	}
	return nil
}
