package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/console/consoletest"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/robot"
)

// Issue 14's console for carers, in Chromium at a desktop's and a tablet's
// width. The waits are wall-clock polls of the browser, never logic timing.

// carerStatus is the status the test sets, as the engine would.
type carerStatus struct {
	mu sync.Mutex
	st Status
}

func (c *carerStatus) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

func (c *carerStatus) set(f func(*Status)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.st)
}

// manySessions is a journal with more sessions, and wider rows, than a
// tablet can show.
type manySessions struct{}

func (manySessions) Sessions(context.Context) ([]journal.Session, error) {
	var out []journal.Session
	for i := range 40 {
		out = append(out, journal.Session{ID: fmt.Sprintf("20261126T1000%02dZ-abcdef", i), Robot: "kiri",
			Condition: "mirror-attenuated-with-a-long-study-condition-name", Started: time.Date(2026, 11, 26, 10, 0, i, 0, time.UTC),
			Status: journal.StatusComplete})
	}
	return out, nil
}

func (manySessions) Export(context.Context, string, journal.Format, io.Writer) error {
	return errors.New("not in this test")
}

func (manySessions) DeletePerson(context.Context, string) error {
	return errors.New("not in this test")
}

// urgent is the alert the tests raise.
var urgent = journal.Alert{At: 40 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 8,
	Reason: "severe pain 8.0 for 10s while paused"}

// carerConsole is a console in the middle of a pain episode: the robot is
// comforting Ana, the score has just passed 7 (sent with the band an old
// fusion gave it, "moderate"), and an urgent alert is out.
func carerConsole(t *testing.T) (*Console, *httptest.Server, *carerStatus) {
	t.Helper()
	says, looks := 2, 7.1 // Ana said 2 a minute ago; she looks in severe pain
	a := journal.Assessment{At: 39 * time.Second, Person: "p-ana", Score: 7.1, Band: "moderate", Confidence: 0.8,
		Present: true, Items: journal.Items{Breathing: 1.5, Vocalisation: 1.8, Face: 2, Body: 1.8}, Cues: []string{"moaning"},
		Says: &says, Looks: &looks, Places: []string{"back"}}
	pose := robot.Pose{robot.BrowInnerLeft: 10, robot.BrowInnerRight: 10, robot.HeadTilt: -5, robot.Jaw: 2,
		robot.LidLeft: 5, robot.LidRight: 5, robot.MouthCornerLeft: -6, robot.MouthCornerRight: -6, robot.HeadPan: 1,
		robot.HeadRoll: 3, robot.BrowOuterLeft: 2, robot.BrowOuterRight: 2}
	st := &carerStatus{st: Status{Robot: "kindred", State: "comforting", Person: "p-ana", Assessment: &a, Joints: pose,
		Mirror: &Mirror{Enabled: true, Gain: 0.35, DelayMS: 700}}}
	c, srv := newTestConsole(t, Opts{Robot: "kindred", Status: st.Status, Sessions: manySessions{}})
	c.Publish(journal.Transition{At: 30 * time.Second, From: "concerned", To: "comforting", Reason: "pain persists"})
	c.Publish(a)
	c.Publish(journal.PoseSample{At: 39 * time.Second, Joints: pose})
	c.Publish(urgent)
	return c, srv, st
}

// shot saves what the browser shows under the test's temporary directory
// and, when KINDRED_SCREENSHOTS names a directory, there too.
func shot(t *testing.T, b *consoletest.Browser, name string) {
	t.Helper()
	if _, err := b.Eval(`window.scrollTo(0, 0)`); err != nil {
		t.Fatal(err)
	}
	png, err := b.Screenshot()
	if err != nil || len(png) < 10000 {
		t.Fatalf("screenshot %s: %d bytes, %v", name, len(png), err)
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("KINDRED_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		path := filepath.Join(d, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// onScreen reports, for each selector, "ok" when the element is shown whole
// inside the window and is what a finger at its centre would touch, else
// why not.
const onScreen = `((sels) => JSON.stringify(Object.fromEntries(sels.map((sel) => {
	const e = document.querySelector(sel);
	if (!e) return [sel, "missing"];
	const r = e.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) return [sel, "not shown"];
	if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
		return [sel, "outside the window: " + JSON.stringify(r)];
	const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (!hit || !(hit === e || e.contains(hit))) return [sel, "covered by " + (hit ? hit.outerHTML.slice(0, 60) : "nothing")];
	return [sel, "ok"];
}))))(%s)`

// mustSee fails unless every selector is on screen, with the page scrolled
// to the top and to the bottom: what a carer must see never scrolls away.
func mustSee(t *testing.T, b *consoletest.Browser, when string, sels ...string) {
	t.Helper()
	list, _ := json.Marshal(sels)
	for _, scroll := range []string{"0", "document.documentElement.scrollHeight"} {
		if _, err := b.Eval("window.scrollTo(0, " + scroll + ")"); err != nil {
			t.Fatal(err)
		}
		v, err := b.Eval(fmt.Sprintf(onScreen, list))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(v), &got); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		for _, sel := range sels {
			if got[sel] != "ok" {
				t.Errorf("%s, scrolled to %s: %s is %s", when, scroll, sel, got[sel])
			}
		}
	}
}

func text(t *testing.T, b *consoletest.Browser, expr string) string {
	t.Helper()
	v, err := b.Eval(expr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBrowserCarerSeesAlertAndStateAtEveryWidth(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1400, 900}, {"tablet", 820, 1180}} {
		t.Run(size.name, func(t *testing.T) {
			c, srv, st := carerConsole(t)
			b := consoletest.Open(t, srv.URL+"/")
			if err := b.SetViewport(size.width, size.height); err != nil {
				t.Fatal(err)
			}
			ready := `!document.getElementById("alert-banner").classList.contains("hidden") &&
				document.getElementById("state-strip").dataset.mode === "active" &&
				document.getElementById("conn").textContent === "live" && "ready"`
			if _, err := b.WaitFor(ready, 30*time.Second); err != nil {
				t.Fatal(err)
			}

			// The banner says the cause in words: level, person, reason, score and band.
			banner := text(t, b, `document.getElementById("alert-banner").textContent.replace(/\s+/g, " ")`)
			for _, want := range []string{"URGENT", "p-ana", urgent.Reason, "pain 8.0 of 10 (severe)", "Acknowledge"} {
				if !strings.Contains(banner, want) {
					t.Errorf("banner %q lacks %q", banner, want)
				}
			}
			mustSee(t, b, "urgent alert", "#alert-banner", "#ack", "#mute", "#state-strip", "#pause", "#opt-out")
			// 7.1 is severe on PAINAD, whatever band the record came with.
			if band := text(t, b, `document.getElementById("gauge").dataset.band + " " + document.getElementById("gauge-band").textContent`); band != "severe severe" {
				t.Errorf("score 7.1 shown as %q, want severe", band)
			}
			// Beside the gauge: what Ana says and what is seen, both, and where it hurts.
			if v := text(t, b, `document.getElementById("self-report").textContent`); v != "says 2, looks 7 · back" {
				t.Errorf("self-report beside the gauge %q, want \"says 2, looks 7 · back\"", v)
			}
			if h := text(t, b, `document.querySelector("h1").innerText.trim()`); h != "Kindred" {
				t.Errorf("header %q, want Kindred (the robot is called kindred)", h)
			}
			// Raw joint angles wait behind a details toggle.
			if v := text(t, b, `JSON.stringify({open: document.getElementById("joints-details").open,
				rows: document.querySelectorAll("#joints tr").length, shown: document.getElementById("joints").checkVisibility()})`); v != `{"open":false,"rows":12,"shown":false}` {
				t.Errorf("joint table %s, want 12 rows folded away", v)
			}
			// Forty sessions scroll inside their own box; the page never scrolls sideways.
			if v := text(t, b, `(() => { const box = document.querySelector("#sessions-card .table-scroll");
				return JSON.stringify({rows: document.querySelectorAll("#sessions tbody tr").length,
					page: document.documentElement.scrollWidth <= innerWidth,
					box: box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY === "auto"}); })()`); v != `{"rows":40,"page":true,"box":true}` {
				t.Errorf("sessions %s, want 40 rows scrolling in their box and no page overflow", v)
			}
			order := text(t, b, `document.getElementById("controls").getBoundingClientRect().top < document.getElementById("pain").getBoundingClientRect().top ? "controls first" : "pain first"`)
			if narrow := size.width < 900; narrow != (order == "controls first") {
				t.Errorf("at %d px: %s", size.width, order)
			}
			shot(t, b, fmt.Sprintf("console-urgent-alert-%d.png", size.width))

			// Paused during the alert: the state says so, loud, and the alert stays.
			st.set(func(s *Status) { s.State, s.Paused = "paused", true })
			c.Publish(journal.Transition{At: 41 * time.Second, From: "comforting", To: "paused", Reason: "console pause", Source: "console"})
			if _, err := b.WaitFor(`document.getElementById("state-strip").dataset.mode === "paused" &&
				document.getElementById("mode").textContent === "PAUSED"`, 20*time.Second); err != nil {
				t.Fatal(err)
			}
			mustSee(t, b, "paused with an urgent alert", "#alert-banner", "#state-strip", "#resume", "#opt-out")
			if v := text(t, b, `document.getElementById("pause").getBoundingClientRect().width`); v != "0" {
				t.Errorf("Pause still offered while paused (width %s)", v)
			}
			shot(t, b, fmt.Sprintf("console-paused-%d.png", size.width))

			// Opted out: the Stop button stays where it was, saying so.
			st.set(func(s *Status) { s.State, s.Paused, s.OptedOut = "opted_out", false, true })
			c.Publish(journal.Transition{At: 42 * time.Second, From: "paused", To: "opted_out", Reason: "console opt_out"})
			if _, err := b.WaitFor(`document.getElementById("mode").textContent === "OPTED OUT"`, 20*time.Second); err != nil {
				t.Fatal(err)
			}
			mustSee(t, b, "opted out", "#state-strip", "#opt-out", "#opt-in")
			shot(t, b, fmt.Sprintf("console-opted-out-%d.png", size.width))
			// The opt-out ended the alert's episode: no alarm is left on
			// the page, live or opened again, only the opted-out state.
			hidden := `document.getElementById("alert-banner").classList.contains("hidden") &&
				document.body.dataset.sounding === "" && document.getElementById("mode").textContent`
			if v, err := b.WaitFor(hidden, 10*time.Second); err != nil || v != "OPTED OUT" {
				t.Errorf("after the opt-out: %q, %v; want the banner gone, silent, OPTED OUT", v, err)
			}
			if _, err := b.Eval(`window.beforeReload = true; location.reload()`); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WaitFor(`!window.beforeReload && document.readyState === "complete" &&
				document.getElementById("conn").textContent === "live" && document.getElementById("log").children.length > 0`, 30*time.Second); err != nil {
				t.Fatal(err)
			}
			if v, err := b.WaitFor(hidden, 10*time.Second); err != nil || v != "OPTED OUT" {
				t.Errorf("page opened after the opt-out: %q, %v; want no banner, OPTED OUT", v, err)
			}
		})
	}
}

func TestBrowserAcknowledgeAndMute(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	c, srv, _ := carerConsole(t)
	b := consoletest.Open(t, srv.URL+"/")
	if err := b.SetViewport(820, 1180); err != nil {
		t.Fatal(err)
	}
	bannerShown := `!document.getElementById("alert-banner").classList.contains("hidden")`
	if _, err := b.WaitFor(bannerShown+` && document.getElementById("conn").textContent === "live"`, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	// The alert sounds, made with WebAudio.
	if v, err := b.WaitFor(`Number(document.body.dataset.tones) > 0 && document.body.dataset.audio === "running" &&
		document.body.dataset.sounding`, 10*time.Second); err != nil || v != "urgent" {
		t.Fatalf("no urgent tone: %q %v", v, err)
	}

	// Muting stops the sound and is remembered when the page is opened again.
	if err := b.Click("#mute"); err != nil {
		t.Fatal(err)
	}
	if v := text(t, b, `document.getElementById("mute").getAttribute("aria-pressed") + " " + localStorage.getItem("kindred-muted") + " [" + document.body.dataset.sounding + "]"`); v != "true 1 []" {
		t.Errorf("after mute: %q, want pressed, stored and silent", v)
	}
	if _, err := b.Eval(`window.beforeReload = true; location.reload()`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitFor(`!window.beforeReload && document.readyState === "complete" && `+bannerShown+
		` && document.getElementById("conn").textContent === "live"`, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if v := text(t, b, `document.getElementById("mute").getAttribute("aria-pressed") + " tones " + (document.body.dataset.tones || "0") + " [" + document.body.dataset.sounding + "]"`); v != "true tones 0 []" {
		t.Errorf("reopened page: %q, want still muted and silent", v)
	}

	// Acknowledge needs a name: the record must say who came.
	if err := b.Click("#ack"); err != nil {
		t.Fatal(err)
	}
	if fb, err := b.WaitFor(`document.getElementById("feedback").textContent`, 10*time.Second); err != nil || !strings.Contains(fb, "type your name") {
		t.Errorf("acknowledging without a name: feedback %q, %v", fb, err)
	}
	select {
	case ctl := <-c.Controls():
		t.Fatalf("acknowledging without a name posted %+v", ctl)
	default:
	}
	if _, err := b.Eval(`document.getElementById("ack-by").value = "Mary"`); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#ack"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != behavior.CmdAcknowledge || ctl.By != "Mary" {
			t.Fatalf("engine got %+v, want acknowledge by Mary", ctl)
		}
	case <-ctx.Done():
		t.Fatal("Acknowledge posted nothing")
	}
	bannerHidden := `document.getElementById("alert-banner").classList.contains("hidden")`
	if _, err := b.WaitFor(bannerHidden+` && localStorage.getItem("kindred-carer") === "Mary"`, 10*time.Second); err != nil {
		t.Errorf("after acknowledging: %v", err)
	}

	// A new alert brings the banner back; another console's acknowledgement,
	// or the pain easing, clears it.
	for _, clear := range []journal.Record{
		journal.Acknowledgement{At: 51 * time.Second, By: "Joe", Person: "p-ana", AlertLevel: journal.LevelUrgent, Score: 8, Reason: urgent.Reason},
		journal.Alert{At: 51 * time.Second, Person: "p-ana", Level: journal.LevelResolved, Score: 2, Reason: "pain eased to 2.0"},
	} {
		c.Publish(journal.Alert{At: 50 * time.Second, Person: "p-ana", Level: journal.LevelWarning, Score: 6, Reason: "pain 6.0 not eased"})
		if _, err := b.WaitFor(bannerShown+` && document.getElementById("alert-banner").dataset.level === "warning"`, 10*time.Second); err != nil {
			t.Fatalf("a new warning: %v", err)
		}
		c.Publish(clear)
		if _, err := b.WaitFor(bannerHidden, 10*time.Second); err != nil {
			t.Errorf("after %s: %v", clear.Kind(), err)
		}
	}
	if v := text(t, b, `document.getElementById("log").textContent`); !strings.Contains(v, "acknowledged by Joe (urgent alert)") {
		t.Errorf("log lacks the acknowledgement: %q", v)
	}
}

func TestBrowserSlidersShowTheCondition(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	c, srv, st := carerConsole(t)
	b := consoletest.Open(t, srv.URL+"/")
	sliders := `[document.getElementById("mimic-enabled").checked, document.getElementById("mimic-gain").value,
		document.getElementById("mimic-delay").value, document.getElementById("mimicry").disabled].join(" ")`
	if v, err := b.WaitFor(`document.getElementById("mimicry-set").dataset.known === "true" && `+sliders, 30*time.Second); err != nil || v != "true 0.35 700 false" {
		t.Fatalf("sliders %q (%v), want the condition: on, 0.35, 700 ms", v, err)
	}
	// Apply with nothing moved changes nothing.
	if err := b.Click("#mimicry"); err != nil {
		t.Fatal(err)
	}
	if fb, err := b.WaitFor(`document.getElementById("feedback").textContent`, 10*time.Second); err != nil || fb != "mimicry: nothing changed" {
		t.Errorf("apply untouched: feedback %q, %v", fb, err)
	}
	select {
	case ctl := <-c.Controls():
		t.Fatalf("apply untouched posted %+v", ctl)
	default:
	}
	// Another researcher's change reaches the sliders.
	st.set(func(s *Status) { s.Mirror = &Mirror{Enabled: true, Gain: 0.5, DelayMS: 700} })
	if v, err := b.WaitFor(`document.getElementById("mimic-gain").value === "0.5" && `+sliders, 20*time.Second); err != nil || v != "true 0.5 700 false" {
		t.Fatalf("sliders %q (%v), want gain 0.5 from the status", v, err)
	}
	// A moved slider keeps its value until Apply, which sends only it.
	if _, err := b.Eval(`(() => { const d = document.getElementById("mimic-delay"); d.value = "900"; d.dispatchEvent(new Event("input")); })()`); err != nil {
		t.Fatal(err)
	}
	st.set(func(s *Status) { s.Mirror = &Mirror{Enabled: true, Gain: 0.6, DelayMS: 700} })
	if v, err := b.WaitFor(`document.getElementById("mimic-gain").value === "0.6" && `+sliders, 20*time.Second); err != nil || v != "true 0.6 900 false" {
		t.Fatalf("sliders %q (%v), want gain following and the moved delay kept", v, err)
	}
	if err := b.Click("#mimicry"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != behavior.CmdMimicry || ctl.DelayMS == nil || *ctl.DelayMS != 900 || ctl.Gain != nil || ctl.Enabled != nil {
			t.Fatalf("apply sent %s, want only delay_ms 900", ctl.Raw)
		}
	case <-ctx.Done():
		t.Fatal("Apply posted nothing")
	}
}

// The robot telling the carer it cannot see is apart from the pain alert
// on the banner: the camera lost does not take an urgent alert's place,
// the camera back does not clear it, and pain eased does not clear the
// camera's warning, which shows no pain figure. Without the sense check in
// showAlert the urgent banner is cleared by the camera coming back.
func TestBrowserCameraAlertLeavesThePainAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	c, srv, _ := carerConsole(t)
	b := consoletest.Open(t, srv.URL+"/")
	if _, err := b.WaitFor(`!document.getElementById("alert-banner").classList.contains("hidden") &&
		document.getElementById("conn").textContent === "live" && "ready"`, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	blind := journal.Alert{At: 50 * time.Second, Level: journal.LevelWarning, Reason: "camera lost for 2m0s: the robot cannot see", Sense: "camera"}
	sees := journal.Alert{At: 60 * time.Second, Level: journal.LevelResolved, Reason: "camera back after 2m10s: the robot can see again", Sense: "camera"}
	eased := journal.Alert{At: 70 * time.Second, Person: "p-ana", Level: journal.LevelResolved, Reason: "pain eased to 2.0"}
	// Each record its own words, so the page's log tells when it has come.
	blind2, eased2, sees2 := blind, eased, sees
	blind2.At, blind2.Reason = 80*time.Second, "camera lost for 2m1s: the robot cannot see"
	eased2.At, eased2.Reason = 90*time.Second, "pain eased to 1.0"
	sees2.At, sees2.Reason = 100*time.Second, "camera back after 20s: the robot can see again"
	// after publishes r and waits until the page has logged it, then
	// returns the banner: hidden, or its words.
	after := func(r journal.Alert) string {
		t.Helper()
		c.Publish(r)
		logged := fmt.Sprintf(`document.getElementById("log").textContent.includes(%q) && "logged"`, r.Reason)
		if _, err := b.WaitFor(logged, 10*time.Second); err != nil {
			t.Fatalf("%s: %v", r.Reason, err)
		}
		return text(t, b, `(() => { const e = document.getElementById("alert-banner");
			return e.classList.contains("hidden") ? "hidden" : e.textContent.replace(/\s+/g, " "); })()`)
	}
	for _, step := range []struct {
		rec  journal.Alert
		want string // in the banner, or "hidden"
	}{
		{blind, urgent.Reason},
		{sees, urgent.Reason},
		{eased, "hidden"},
		{blind2, "WARNING camera lost for 2m1s: the robot cannot see at "}, // a time of day: TestBrowserTimesAreTimesOfDay
		{eased2, "camera lost"},
		{sees2, "hidden"},
	} {
		got := after(step.rec)
		if (step.want == "hidden") != (got == "hidden") || !strings.Contains(got, step.want) {
			t.Errorf("after %q the banner is %q, want %q", step.rec.Reason, got, step.want)
		}
		if strings.Contains(got, "camera") && strings.Contains(got, "pain 0.0") {
			t.Errorf("the camera's banner shows a pain figure: %q", got)
		}
	}
}
