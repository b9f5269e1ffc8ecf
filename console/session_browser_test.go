package console

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/console/consoletest"
	"github.com/kindred-hri/kindred/internal/refusals/refusalstest"
	"github.com/kindred-hri/kindred/journal"
)

// A therapist's supervised session, played in Chromium: what the page says
// when the run goes away and comes back. The waits are wall-clock polls of
// the browser, never logic timing.

// runServer serves a console as `kindred run` does, and can be killed as
// the process dies: every connection, the stream's included, drops at once.
type runServer struct {
	srv   *http.Server
	mu    sync.Mutex
	conns []net.Conn
}

// trackingListener remembers every connection it accepts, so kill can
// close the hijacked stream, which http.Server.Close leaves open.
type trackingListener struct {
	net.Listener
	rs *runServer
}

func (l trackingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		l.rs.mu.Lock()
		l.rs.conns = append(l.rs.conns, conn)
		l.rs.mu.Unlock()
	}
	return conn, err
}

// serveRun serves c on addr ("127.0.0.1:0" for any port) and returns the
// server and the address it listens on.
func serveRun(t *testing.T, c *Console, addr string) (*runServer, string) {
	t.Helper()
	return serveRunHandler(t, c.Handler(), addr)
}

// serveRunHandler is serveRun serving h.
func serveRunHandler(t *testing.T, h http.Handler, addr string) (*runServer, string) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // a port just closed may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	rs := &runServer{srv: &http.Server{Handler: h}}
	go rs.srv.Serve(trackingListener{Listener: ln, rs: rs})
	t.Cleanup(rs.kill)
	return rs, ln.Addr().String()
}

// kill drops the listener and every connection, as the process's death does.
func (rs *runServer) kill() {
	rs.srv.Close()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, c := range rs.conns {
		c.Close()
	}
	rs.conns = nil
}

// openLive opens url in a browser, at width×height when width is not 0,
// and waits until the page is live and also holds (a JavaScript condition;
// empty: nothing more).
func openLive(t *testing.T, url string, width, height int, also string) *consoletest.Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	b := consoletest.Open(t, url)
	if width != 0 {
		if err := b.SetViewport(width, height); err != nil {
			t.Fatal(err)
		}
	}
	cond := `document.getElementById("conn").textContent === "live"`
	if also != "" {
		cond += " && " + also
	}
	if _, err := b.WaitFor(cond+` && "live"`, 30*time.Second); err != nil {
		t.Fatalf("page not live: %v", err)
	}
	return b
}

// serveHeld serves c with hold run before each request is handled: the
// test's slow or silent network.
func serveHeld(t *testing.T, c *Console, hold func(*http.Request)) *httptest.Server {
	t.Helper()
	h := c.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hold(r)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// When the run dies, the page must not go on showing the last gauge and
// ACTIVE as if live: within seconds it says it has lost contact and since
// when, marks the gauge stale, and keeps the alert up (nothing resolved
// it). When a new run starts on the same address the page reconnects by
// itself and shows that run: its state, its score and its session clock,
// not the dead run's.
func TestBrowserSaysWhenTheRobotIsGoneAndReconnects(t *testing.T) {
	consoletest.NeedChromium(t)
	st := &carerStatus{}
	c, err := New(Opts{Token: testToken, Robot: "kiri", Status: st.Status})
	if err != nil {
		t.Fatal(err)
	}
	a := journal.Assessment{At: 39 * time.Second, Person: "p-ana", Score: 7.1, Band: "severe", Confidence: 0.8, Present: true}
	st.set(func(s *Status) { s.State, s.Person, s.Assessment = "comforting", "p-ana", &a })
	c.Publish(journal.Transition{At: 30 * time.Second, From: "concerned", To: "comforting", Reason: "pain persists"})
	c.Publish(a)
	c.Publish(urgent)
	rs, addr := serveRun(t, c, "127.0.0.1:0")

	b := openLive(t, "http://"+addr+"/", 1024, 768, `document.getElementById("mode").textContent === "ACTIVE" &&
		document.getElementById("gauge-score").textContent === "7.1" && document.body.dataset.stale !== "true"`)

	rs.kill()
	// Within seconds (the page polls every 2 s), and said in words.
	gone := `document.body.dataset.stale === "true" && [document.getElementById("mode").textContent,
		document.getElementById("state-strip").dataset.mode, document.getElementById("gauge").dataset.stale,
		document.getElementById("flags").textContent].join("|")`
	v, err := b.WaitFor(gone, 6*time.Second)
	if err != nil {
		t.Fatalf("the run is dead and the page still looks live: %v (mode %q)", err, text(t, b, `document.getElementById("mode").textContent`))
	}
	if !strings.HasPrefix(v, "NO CONTACT|stale|true|") || !strings.Contains(v, "lost contact with the robot at ") || !strings.Contains(v, "not live") {
		t.Errorf("dead run shown as %q, want NO CONTACT, the gauge stale, and since when", v)
	}
	if v := text(t, b, `document.getElementById("alert-banner").classList.contains("hidden") ? "hidden" : "shown"`); v != "shown" {
		t.Errorf("losing contact hid the urgent alert (%s)", v)
	}
	shot(t, b, "console-no-contact-1024.png")

	// A new run on the same address: its own session, from 0 s.
	st2 := &carerStatus{}
	c2, err := New(Opts{Token: testToken, Robot: "kiri", Status: st2.Status})
	if err != nil {
		t.Fatal(err)
	}
	a2 := journal.Assessment{At: 2 * time.Second, Person: "p-ana", Score: 1, Band: "mild", Confidence: 0.8, Present: true}
	st2.set(func(s *Status) { s.State, s.Person, s.Assessment = "engaging", "p-ana", &a2 })
	c2.Publish(journal.Transition{At: time.Second, From: "idle", To: "engaging", Reason: "arrived"})
	c2.Publish(a2)
	serveRun(t, c2, addr)
	// The page draws the new run as its events come: wait for all of it.
	shown := `[document.body.dataset.stale, document.getElementById("conn").textContent.slice(0, 4), document.getElementById("mode").textContent,
		document.getElementById("gauge").dataset.stale, document.getElementById("gauge-score").textContent, document.getElementById("clock").textContent].join("|")`
	want := "false|live|ACTIVE|false|1.0|2.0 s"
	if _, err := b.WaitFor(shown+` === "`+want+`"`, 15*time.Second); err != nil {
		t.Errorf("after the run restarted: %q, want %s (live, the new run's score and clock)", text(t, b, shown), want)
	}
}

// engineInbox stands in for the engine reading the console's commands.
type engineInbox struct {
	mu   sync.Mutex
	cmds []behavior.Command
}

func readCommands(t *testing.T, c *Console) *engineInbox {
	in := &engineInbox{}
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case ctl := <-c.Controls():
				in.mu.Lock()
				in.cmds = append(in.cmds, ctl)
				in.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	return in
}

// count is how many commands of kind cmd with text have come.
func (in *engineInbox) count(cmd behavior.CommandKind, text string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for _, c := range in.cmds {
		if c.Cmd == cmd && c.Text == text {
			n++
		}
	}
	return n
}

// waitFor polls until cond holds, for up to 10 s of wall time.
func (in *engineInbox) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the engine never got %s", what)
}

// Speaking through the robot: a double click says the line once, Enter
// sends it, a line too long for the robot is refused on the page with its
// length rather than cut short or sent to be refused, any script stays
// text, and a refusal from the robot is shown in its own words.
func TestBrowserSayThroughTheRobot(t *testing.T) {
	consoletest.NeedChromium(t)
	c, srv, _ := carerConsole(t)
	b := openLive(t, srv.URL+"/", 0, 0, "")
	in := readCommands(t, c)
	feedback := func(want string) string {
		t.Helper()
		v, _ := b.WaitFor(fmt.Sprintf(`document.getElementById("feedback").textContent.includes(%q) && document.getElementById("feedback").textContent`, want), 10*time.Second)
		return v
	}

	// A double click, faster than the robot answers: one line said.
	if err := b.Type("#say-text", "Hello Ana, I'm here."); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Eval(`(() => { const s = document.getElementById("say"); s.click(); s.click(); })()`); err != nil {
		t.Fatal(err)
	}
	feedback("say sent")
	// Enter in the field sends the line.
	if err := b.Type("#say-text", "Breathe with me."); err != nil {
		t.Fatal(err)
	}
	if err := b.Press("Enter"); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "the line sent with Enter", func() bool { return in.count(behavior.CmdSay, "Breathe with me.") == 1 })
	if _, err := b.WaitFor(`document.getElementById("say-text").value === "" && "sent"`, 10*time.Second); err != nil {
		t.Fatalf("the field after the line was sent: %v", err)
	}
	if n := in.count(behavior.CmdSay, "Hello Ana, I'm here."); n != 1 {
		t.Errorf("a double click said the line %d times, want once", n)
	}

	// 10 kB pasted: never cut to what fits and said; the page says why.
	long := strings.Repeat("0123456789", 1024)
	if err := b.Type("#say-text", long); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#say"); err != nil {
		t.Fatal(err)
	}
	if fb := feedback("too long"); !strings.Contains(fb, "10240") {
		t.Errorf("10 kB line: feedback %q, want it refused as too long, with its length", fb)
	}
	// 300 letters of a script with two bytes a letter: 600 bytes, over the robot's 500.
	if _, err := b.Eval(`document.getElementById("say-text").value = ""`); err != nil {
		t.Fatal(err)
	}
	wide := strings.Repeat("é", 300)
	if err := b.Type("#say-text", wide); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#say"); err != nil {
		t.Fatal(err)
	}
	if fb := feedback("too long"); !strings.Contains(fb, "600") {
		t.Errorf("600-byte line: feedback %q, want it refused as too long, with its length", fb)
	}
	if v := text(t, b, `document.getElementById("say-text").value.length`); v != "300" {
		t.Errorf("a refused line left %s characters in the field, want the 300 typed, to shorten", v)
	}
	in.mu.Lock()
	for _, c := range in.cmds {
		if c.Cmd == behavior.CmdSay && len(c.Text) > 100 {
			t.Errorf("a line too long went to the robot: %d bytes", len(c.Text))
		}
	}
	in.mu.Unlock()

	// Any script is text: sent as typed, logged as typed, never run.
	if _, err := b.Eval(`document.getElementById("say-text").value = ""`); err != nil {
		t.Fatal(err)
	}
	inject := `<img src=x onerror="window.pwned=1">Grüße 你好 🙂`
	if err := b.Type("#say-text", inject); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#say"); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "the line with markup, as typed", func() bool { return in.count(behavior.CmdSay, inject) == 1 })
	c.Publish(journal.Utterance{At: 45 * time.Second, Intent: "say", Text: inject})
	if v, err := b.WaitFor(`document.getElementById("log").textContent.includes("said: <img") && String(window.pwned)`, 10*time.Second); err != nil || v != "undefined" {
		t.Errorf("the line with markup: logged and pwned=%q, %v; want it logged as text and never run", v, err)
	}
}

// A therapist's annotation and a carer's acknowledgement, at the speed of
// a double click and from the keyboard: one record each, and Enter in the
// name field acknowledges, as the button would.
func TestBrowserAnnotateOnceAndAcknowledgeByKeyboard(t *testing.T) {
	consoletest.NeedChromium(t)
	c, srv, _ := carerConsole(t)
	b := openLive(t, srv.URL+"/", 0, 0, `!document.getElementById("alert-banner").classList.contains("hidden")`)
	in := readCommands(t, c)
	kinds := func(cmd behavior.CommandKind) int {
		in.mu.Lock()
		defer in.mu.Unlock()
		n := 0
		for _, c := range in.cmds {
			if c.Cmd == cmd {
				n++
			}
		}
		return n
	}
	for _, id := range []string{"annotate-nrs", "annotate-painad", "intent"} {
		if _, err := b.Eval(fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.click(); s.click(); })()`, id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Type("#ack-by", "Mary"); err != nil {
		t.Fatal(err)
	}
	if err := b.Press("Enter"); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "the acknowledgement sent with Enter", func() bool { return kinds(behavior.CmdAcknowledge) == 1 })
	if n, i := kinds(behavior.CmdAnnotate), kinds(behavior.CmdIntent); n != 2 || i != 1 {
		t.Errorf("double clicks on the two annotations and Force intent sent %d annotations and %d intents, want 2 and 1", n, i)
	}
	if _, err := b.WaitFor(`document.getElementById("alert-banner").classList.contains("hidden") && "hidden"`, 10*time.Second); err != nil {
		t.Errorf("the banner after acknowledging with Enter: %v", err)
	}
}

// On a phone (390×844) and a tablet on its side (1024×768), the top that
// stays on screen shows the pain score and band beside what the person
// says, whatever is scrolled, leaves most of the screen to scroll, and
// nothing runs off the side.
func TestBrowserPainAtAGlanceOnPhoneAndTablet(t *testing.T) {
	consoletest.NeedChromium(t)
	for _, size := range []struct {
		name          string
		width, height int
	}{{"phone", 390, 844}, {"tablet", 1024, 768}} {
		t.Run(size.name, func(t *testing.T) {
			_, srv, _ := carerConsole(t)
			b := openLive(t, srv.URL+"/", size.width, size.height, `!document.getElementById("alert-banner").classList.contains("hidden")`)
			mustSee(t, b, "urgent alert", "#pain-now", "#state-strip", "#pause", "#opt-out", "#ack")
			if v := text(t, b, `(document.getElementById("pain-now") || {}).textContent`); v != "7.1 severe · says 2" {
				t.Errorf("pain at a glance %q, want \"7.1 severe · says 2\"", v)
			}
			if v := text(t, b, `JSON.stringify({page: document.documentElement.scrollWidth <= innerWidth,
				top: document.getElementById("top").offsetHeight <= innerHeight / 2})`); v != `{"page":true,"top":true}` {
				t.Errorf("%s, top %s px of %d: %s, want no sideways scroll and the top at most half the screen", size.name,
					text(t, b, `String(document.getElementById("top").offsetHeight)`), size.height, v)
			}
			shot(t, b, fmt.Sprintf("console-urgent-%dx%d.png", size.width, size.height))
		})
	}
}

// A control's answer is seen where the control is: the robot refusing
// Stop, pressed in the top while the page is scrolled down to the log on a
// phone, shows its reason on screen, not in the Controls card out of view.
func TestBrowserRefusalIsSeenWhereverThePageIsScrolled(t *testing.T) {
	consoletest.NeedChromium(t)
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Controls: 1})
	c.Publish(journal.Transition{At: 30 * time.Second, From: "concerned", To: "comforting", Reason: "pain persists"})
	c.controls <- behavior.Command{Cmd: behavior.CmdSay, Text: "the robot has not read this yet"} // full: the next is refused
	b := openLive(t, srv.URL+"/", 390, 844, `document.getElementById("mode").textContent === "ACTIVE"`)
	if _, err := b.Eval(`window.scrollTo(0, document.documentElement.scrollHeight)`); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#opt-out"); err != nil {
		t.Fatal(err)
	}
	if fb, err := b.WaitFor(`document.getElementById("feedback").textContent`, 10*time.Second); err != nil || !strings.Contains(fb, "not taking commands") {
		t.Fatalf("refused Stop: feedback %q, %v; want the console's reason", fb, err)
	}
	list, _ := json.Marshal([]string{"#feedback"})
	v, err := b.Eval(fmt.Sprintf(onScreen, list))
	if err != nil {
		t.Fatal(err)
	}
	if v != `{"#feedback":"ok"}` {
		t.Errorf("the refusal of Stop, scrolled to the bottom: %s", v)
	}
	shot(t, b, "console-stop-refused-390x844.png")
}

// Beside the gauge, the person's own word: when the robot asked how much
// it hurts and heard no answer, the page says so, not "not asked yet" (nor
// a rating given long before the question).
func TestBrowserSelfReportUnansweredIsShown(t *testing.T) {
	consoletest.NeedChromium(t)
	c, srv := newTestConsole(t, Opts{Robot: "kiri"})
	two := 2
	c.Publish(journal.Assessment{At: 31 * time.Second, Person: "p-ana", Score: 6.4, Present: true})
	for _, r := range []journal.SelfReport{
		{At: 10 * time.Second, Question: "rating", Outcome: "answered", Attempt: 1, Rating: &two}, // long ago: no longer counted
		{At: 32 * time.Second, Question: "rating", Outcome: "asked", Attempt: 1},
		{At: 40 * time.Second, Question: "rating", Outcome: "no_answer", Attempt: 1},
		{At: 43 * time.Second, Question: "rating", Outcome: "asked", Attempt: 2},
		{At: 51 * time.Second, Question: "rating", Outcome: "no_answer", Attempt: 2},
		{At: 51 * time.Second, Question: "rating", Outcome: "let_be", Attempt: 2},
	} {
		c.Publish(r)
	}
	c.Publish(journal.Assessment{At: 52 * time.Second, Person: "p-ana", Score: 7.4, Present: true})
	b := openLive(t, srv.URL+"/", 0, 0, "")
	if v, err := b.WaitFor(`document.getElementById("gauge-score").textContent === "7.4" && document.getElementById("self-report").textContent`, 30*time.Second); err != nil ||
		v != "asked twice at 43 s, no clear answer" {
		t.Errorf("self-report beside the gauge %q, %v; want \"asked twice at 43 s, no clear answer\"", v, err)
	}
}

// Times a carer reads are times of day on the page's clock: the alert
// "at 16:04:46", not "at 49 s", and the log's lines alike; how far into
// the session stays in the session clock and each line's tooltip.
func TestBrowserTimesAreTimesOfDay(t *testing.T) {
	consoletest.NeedChromium(t)
	when := time.Date(2026, 12, 4, 16, 4, 46, 0, time.UTC)
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Now: func() time.Time { return when }})
	c.Publish(journal.Alert{At: 49 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 7.4, Reason: "severe pain 7.4 for 4s"})
	b := openLive(t, srv.URL+"/", 0, 0, "")
	local := `new Date("2026-12-04T16:04:46Z").toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit"})`
	got := `!document.getElementById("alert-banner").classList.contains("hidden") && JSON.stringify({
		local: ` + local + `, banner: document.getElementById("alert-text").textContent,
		log: document.querySelector("#log li").textContent, title: document.querySelector("#log li").title})`
	v, err := b.WaitFor(got, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Local, Banner, Log, Title string }
	if err := json.Unmarshal([]byte(v), &page); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(page.Banner, " at "+page.Local) || strings.Contains(page.Banner, "49 s") {
		t.Errorf("banner %q, want it to end \"at %s\"", page.Banner, page.Local)
	}
	if !strings.HasPrefix(page.Log, page.Local+"  ALERT urgent") || page.Title != "49.0 s into the session" {
		t.Errorf("log line %q (title %q), want it to start %q and the session time in its title", page.Log, page.Title, page.Local)
	}
}

// A line typed while the last is still on its way is not wiped when the
// robot's answer comes: only the line sent leaves the field.
func TestBrowserSayKeepsWhatIsTypedMeanwhile(t *testing.T) {
	consoletest.NeedChromium(t)
	c, err := New(Opts{Token: testToken, Robot: "kiri"})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var opened sync.Once
	open := func() { opened.Do(func() { close(gate) }) }
	t.Cleanup(open)
	srv := serveHeld(t, c, func(r *http.Request) {
		if r.URL.Path == "/api/v1/control" {
			<-gate // a slow network: the answer waits for the test
		}
	})
	in := readCommands(t, c)
	b := openLive(t, srv.URL+"/", 0, 0, "")
	if err := b.Type("#say-text", "How are you feeling?"); err != nil {
		t.Fatal(err)
	}
	if err := b.Press("Enter"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitFor(`document.getElementById("say").getAttribute("aria-busy") === "true" && "sending"`, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := b.Type("#say-text", " Shall we breathe?"); err != nil {
		t.Fatal(err)
	}
	open()
	in.waitFor(t, "the first line", func() bool { return in.count(behavior.CmdSay, "How are you feeling?") == 1 })
	if v, err := b.WaitFor(`document.getElementById("say").getAttribute("aria-busy") === null && document.getElementById("say-text").value`, 10*time.Second); err != nil ||
		v != "How are you feeling? Shall we breathe?" {
		t.Errorf("the field after the answer: %q, %v; want what was typed meanwhile kept", v, err)
	}
}

// A quiet robot is not a lost one: with the stream open and nothing on
// it, the status answering every 2 s keeps the page live. A robot whose
// status stops answering, while the stream stays open (a network that
// drops without closing it), is no contact within seconds.
func TestBrowserQuietRobotIsLiveAndAMuteOneIsNot(t *testing.T) {
	consoletest.NeedChromium(t)
	c, err := New(Opts{Token: testToken, Robot: "kiri"})
	if err != nil {
		t.Fatal(err)
	}
	c.Publish(journal.Transition{At: time.Second, From: "idle", To: "engaging", Reason: "arrived"})
	var mu sync.Mutex
	mute := false
	srv := serveHeld(t, c, func(r *http.Request) {
		mu.Lock()
		m := mute
		mu.Unlock()
		if m && r.URL.Path == "/api/v1/status" {
			<-r.Context().Done() // never answers; the page gives up
		}
	})
	b := openLive(t, srv.URL+"/", 0, 0, `document.getElementById("mode").textContent === "ACTIVE"`)
	// Eight quiet seconds, longer than the page waits to call contact lost.
	quiet := `new Promise((done) => { let stale = false; const end = Date.now() + 8000;
		const f = () => { stale = stale || document.body.dataset.stale === "true"; if (Date.now() > end) done(String(stale)); else setTimeout(f, 100); }; f(); })`
	if v, err := b.Eval(quiet); err != nil || v != "false" {
		t.Errorf("a quiet robot whose status answers: stale %q, %v; want live throughout", v, err)
	}
	mu.Lock()
	mute = true
	mu.Unlock()
	if v, err := b.WaitFor(`document.body.dataset.stale === "true" && document.getElementById("mode").textContent`, 10*time.Second); err != nil || v != "NO CONTACT" {
		t.Errorf("a robot whose status stopped answering: %q, %v; want NO CONTACT", v, err)
	}
}

// A control the robot never answers (a network that swallows the request)
// does not leave its button busy and the page silent: after 10 s the page
// says there was no answer, and the line stays to send again.
func TestBrowserUnansweredControlIsSaid(t *testing.T) {
	consoletest.NeedChromium(t)
	c, err := New(Opts{Token: testToken, Robot: "kiri"})
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	srv := serveHeld(t, c, func(r *http.Request) {
		if r.URL.Path == "/api/v1/control" {
			<-ended // never answered while the test runs
		}
	})
	t.Cleanup(func() { close(ended) }) // before the server closes: it waits for the held request
	b := openLive(t, srv.URL+"/", 0, 0, "")
	if err := b.Type("#say-text", "Are you comfortable?"); err != nil {
		t.Fatal(err)
	}
	if err := b.Press("Enter"); err != nil {
		t.Fatal(err)
	}
	v, err := b.WaitFor(`document.getElementById("say").getAttribute("aria-busy") === null && document.getElementById("feedback").className === "error" &&
		document.getElementById("feedback").textContent + "|" + document.getElementById("say-text").value`, 20*time.Second)
	if err != nil || !strings.HasPrefix(v, "say: no answer from the robot in 10 s") || !strings.HasSuffix(v, "|Are you comfortable?") {
		t.Errorf("an unanswered say: %q, %v; want the page to say there was no answer, the button free and the line kept", v, err)
	}
}

// Replacing a proposal's words follows Say's rule: a line too long for the
// robot, pasted, is refused with its length, never cut short and said.
func TestBrowserReplaceRefusesALineTooLong(t *testing.T) {
	consoletest.NeedChromium(t)
	c, srv, _ := carerConsole(t)
	c.Publish(journal.Utterance{At: 41 * time.Second, Intent: "comfort", Text: "I'm here with you.", ID: "9", Pending: true})
	b := openLive(t, srv.URL+"/", 0, 0, `document.querySelectorAll("#proposals input").length === 1`)
	in := readCommands(t, c)
	if err := b.Type("#proposals input", strings.Repeat("0123456789", 1024)); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#proposals button:last-of-type"); err != nil {
		t.Fatal(err)
	}
	if fb, err := b.WaitFor(`document.getElementById("feedback").textContent`, 10*time.Second); err != nil || !strings.Contains(fb, "too long, 10240 bytes") {
		t.Errorf("replace with 10 kB: feedback %q, %v; want it refused as too long, with its length", fb, err)
	}
	if err := b.Click("#proposals button"); err != nil { // approve: the sentinel
		t.Fatal(err)
	}
	in.waitFor(t, "the approval", func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		return len(in.cmds) > 0 && in.cmds[len(in.cmds)-1].Cmd == behavior.CmdApprove
	})
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, c := range in.cmds {
		if c.Cmd == behavior.CmdReplace {
			t.Errorf("a replacement went to the robot: %d bytes", len(c.Text))
		}
	}
}

// A page that lost the robot sounds, alert or none: a carer away from the
// screen hears that no alert can reach them now, and the tone stops when
// contact is back. Before, losing contact with no alert up was silent.
func TestBrowserLostContactIsHeard(t *testing.T) {
	consoletest.NeedChromium(t)
	c, rs, addr := calmRun(t)
	b := openLive(t, "http://"+addr+"/", 1024, 768, `document.body.dataset.stale !== "true"`)
	sounding := `document.body.dataset.sounding || ""`
	if v := text(t, b, sounding); v != "" {
		t.Fatalf("a live page with no alert sounds %q", v)
	}

	rs.kill()
	if _, err := b.WaitFor(`document.body.dataset.stale === "true" && document.body.dataset.sounding === "lost"`, 6*time.Second); err != nil {
		t.Fatalf("the robot is gone and the page is silent: %v (stale %q, sounding %q)", err,
			text(t, b, `document.body.dataset.stale`), text(t, b, sounding))
	}

	serveRun(t, c, addr)
	if _, err := b.WaitFor(`document.body.dataset.stale === "false" && (document.body.dataset.sounding || "") === ""`, 15*time.Second); err != nil {
		t.Errorf("contact is back and the page still sounds %q (stale %q)", text(t, b, sounding), text(t, b, `document.body.dataset.stale`))
	}
}

// A browser slows the timers of a tab out of sight, so a console left in a
// background tab asks the robot's status rarely; that silence is not the
// robot's. Here the page's thread is held for 8 s (as a throttled tab's
// timers are), with the robot fine, its answers then taking 1 s (so the
// page's overdue contact check, not a quick answer, decides): hidden, the page must not turn NO
// CONTACT (nor sound the lost-contact tone) for having not asked; in sight,
// 8 s without a word from the robot is NO CONTACT until it answers again.
func TestBrowserHiddenTabIsNotNoContact(t *testing.T) {
	consoletest.NeedChromium(t)
	for _, tc := range []struct {
		name   string
		hidden bool
		stale  string // whether the page ever said NO CONTACT
	}{{"hidden", true, "false"}, {"in sight", false, "true"}} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, addr := calmRun(t)
			b := openLive(t, "http://"+addr+"/", 1024, 768, `document.body.dataset.stale === "false"`)
			setup := fmt.Sprintf(`(() => {
				if (%t) Object.defineProperty(document, "hidden", { get: () => true });
				window.everStale = "false";
				new MutationObserver(() => { if (document.body.dataset.stale === "true") window.everStale = "true"; })
					.observe(document.body, { attributes: true, attributeFilter: ["data-stale"] });
				window.pending = 0;
				window.slow = false; // after the hold, answers take 1 s, as on a busy network
				const f = window.fetch;
				window.fetch = (...args) => { window.pending++; return f(...args)
					.then(r => window.slow ? new Promise(ok => setTimeout(() => ok(r), 1000)) : r)
					.finally(() => window.pending--); };
				return "ok";
			})()`, tc.hidden)
			if _, err := b.Eval(setup); err != nil {
				t.Fatal(err)
			}
			// Between two status requests, hold the thread 8 s.
			hold := `new Promise(done => { const i = setInterval(() => { if (window.pending === 0) {
				clearInterval(i); const t0 = Date.now(); while (Date.now() - t0 < 8000) {} window.slow = true; done("held"); } }, 5); })`
			if _, err := b.Eval(hold); err != nil {
				t.Fatal(err)
			}
			// The overdue timers run, and a status is asked and answered.
			if _, err := b.Eval(`new Promise(done => setTimeout(done, 2500))`); err != nil {
				t.Fatal(err)
			}
			v, err := b.WaitFor(`document.body.dataset.stale === "false" && window.everStale`, 10*time.Second)
			if err != nil {
				t.Fatalf("the page did not come back live: %v", err)
			}
			if v != tc.stale {
				t.Errorf("%s, after 8 s without timers, the page said NO CONTACT: %s; want %s", tc.name, v, tc.stale)
			}
		})
	}
}

// calmRun serves a console whose robot is engaging a person at mild pain,
// with nothing on the stream after that: a quiet robot, answering its
// status.
func calmRun(t *testing.T) (*Console, *runServer, string) {
	t.Helper()
	st := &carerStatus{}
	c, err := New(Opts{Token: testToken, Robot: "kiri", Status: st.Status})
	if err != nil {
		t.Fatal(err)
	}
	a := journal.Assessment{At: 3 * time.Second, Person: "p-ana", Score: 1, Band: "mild", Confidence: 0.8, Present: true}
	st.set(func(s *Status) { s.State, s.Person, s.Assessment = "engaging", "p-ana", &a })
	c.Publish(a)
	rs, addr := serveRun(t, c, "127.0.0.1:0")
	return c, rs, addr
}

// A run started again with another console token refuses the page's token.
// Before, the page said NO CONTACT, "reconnecting…", for ever, and its
// stream's handshake was refused, a recorded fault, every 4 s for as long
// as it stayed open. Now the page says the token changed; on the robot
// itself it takes the new one by itself and is live again; elsewhere (the
// requests come from 192.0.2.7, so the console hands it no token) it asks
// for the new one in the token box and asks the robot nothing meanwhile, so
// the refusals recorded stay a few however long nobody comes.
func TestBrowserTakesTheRobotsNewToken(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	const newToken = "new-token-after-the-restart-0123"
	for _, tc := range []struct {
		name   string
		remote bool
	}{{"on the robot", false}, {"elsewhere", true}} {
		t.Run(tc.name, func(t *testing.T) {
			serve := func(c *Console, addr string) (*runServer, string) {
				h := c.Handler()
				if !tc.remote {
					return serveRun(t, c, addr)
				}
				return serveRunHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					r.RemoteAddr = "192.0.2.7:40000"
					h.ServeHTTP(w, r)
				}), addr)
			}
			st := &carerStatus{}
			c, err := New(Opts{Token: testToken, Robot: "kiri", Status: st.Status})
			if err != nil {
				t.Fatal(err)
			}
			st.set(func(s *Status) { s.State = "engaging" })
			rs, addr := serve(c, "127.0.0.1:0")
			b := consoletest.Open(t, "http://"+addr+"/")
			if err := b.SetViewport(1024, 768); err != nil {
				t.Fatal(err)
			}
			live := `document.getElementById("conn").textContent.startsWith("live") && document.body.dataset.stale !== "true" &&
				document.getElementById("mode").textContent === "ACTIVE"`
			if tc.remote {
				giveToken(t, b, testToken)
			}
			if _, err := b.WaitFor(live, 30*time.Second); err != nil {
				t.Fatalf("page not live: %v", err)
			}

			rs.kill()
			var refusals refusalstest.Recorder
			st2 := &carerStatus{}
			c2, err := New(Opts{Token: newToken, Robot: "kiri", Status: st2.Status, ReportUnauthorised: refusals.Add})
			if err != nil {
				t.Fatal(err)
			}
			st2.set(func(s *Status) { s.State = "engaging" })
			serve(c2, addr)
			refused := func() int {
				c2.FlushRefusals()
				n := 0
				for _, r := range refusals.All() {
					n += r.N
				}
				return n
			}
			said := `document.getElementById("flags").textContent.includes("the robot's console token changed")`
			if tc.remote {
				asked := said + ` && !document.getElementById("token-box").classList.contains("hidden") &&
					document.getElementById("token-why").textContent.includes("token changed") && document.getElementById("mode").textContent`
				v, err := b.WaitFor(asked, 15*time.Second)
				if err != nil || v != "NO CONTACT" {
					t.Fatalf("the page's token is refused and it says %q (%v), not that the token changed, nor asks for it",
						text(t, b, `document.getElementById("flags").textContent`), err)
				}
				shot(t, b, "console-token-changed-1024.png")
				n := refused()
				// Longer than the stream's longest wait between tries and
				// three of the status's ticks: nothing more is refused.
				if _, err := b.Eval(`new Promise(done => setTimeout(done, 6000))`); err != nil {
					t.Fatal(err)
				}
				if m := refused(); n > 3 || m != n {
					t.Errorf("refused %d requests until the page asked for the token, then %d more while it waited; want a few, then none", n, m-n)
				}
				// A mistyped token is refused and asked for again, saying so.
				giveToken(t, b, "mistyped-"+newToken)
				again := `!document.getElementById("token-box").classList.contains("hidden") && document.getElementById("token-why").textContent`
				if v, err := b.WaitFor(again, 15*time.Second); err != nil || !strings.HasPrefix(v, "That token was refused too") {
					t.Errorf("after a mistyped token the page asks %q (%v), want it to say it was refused too", v, err)
				}
				giveToken(t, b, newToken)
			} else {
				// The page's word, before the new token: seen however fast it comes.
				if _, err := b.Eval(`window.saidChanged = false; new MutationObserver(() => { if (` + said + `) window.saidChanged = true; })
					.observe(document.getElementById("flags"), { childList: true, characterData: true, subtree: true }); "ok"`); err != nil {
					t.Fatal(err)
				}
			}
			renewed := live + ` && document.getElementById("conn").textContent.startsWith("live · new token") &&
				document.getElementById("feedback").textContent.includes("took the new one") && "renewed"`
			if _, err := b.WaitFor(renewed, 15*time.Second); err != nil {
				t.Fatalf("after the restart with a new token the page is %q, %q (%v); want live again, with the new token",
					text(t, b, `document.getElementById("mode").textContent`), text(t, b, `document.getElementById("flags").textContent`), err)
			}
			if !tc.remote {
				if v := text(t, b, `String(window.saidChanged)`); v != "true" {
					t.Errorf("the page took the new token without saying the robot's token changed")
				}
			}
			// At most the stream's handshake and two status requests (the
			// tick's, and the one asked when the handshake fails) are
			// refused before the page stops; the mistyped token's are the
			// status, the sessions, the stream and maybe that status again.
			n, most := refused(), map[bool]int{false: 3, true: 7}[tc.remote]
			if n > most {
				t.Errorf("refused %d requests before the page was live again with the new token; want at most %d", n, most)
			}
			t.Logf("%d requests refused in all", n)
		})
	}
}

// giveToken types tok into the page's token box as a carer does.
func giveToken(t *testing.T, b *consoletest.Browser, tok string) {
	t.Helper()
	if _, err := b.WaitFor(`!document.getElementById("token-box").classList.contains("hidden") && "asked"`, 15*time.Second); err != nil {
		t.Fatalf("the page does not ask for the token: %v", err)
	}
	if _, err := b.Eval(`document.getElementById("token-input").value = ` + strconv.Quote(tok) + `; "ok"`); err != nil {
		t.Fatal(err)
	}
	if err := b.Click("#token-save"); err != nil {
		t.Fatal(err)
	}
}
