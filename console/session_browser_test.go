package console

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/console/consoletest"
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
	rs := &runServer{srv: &http.Server{Handler: c.Handler()}}
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

// When the run dies, the page must not go on showing the last gauge and
// ACTIVE as if live: within seconds it says it has lost contact and since
// when, marks the gauge stale, and keeps the alert up (nothing resolved
// it). When a new run starts on the same address the page reconnects by
// itself and shows that run: its state, its score and its session clock,
// not the dead run's.
func TestBrowserSaysWhenTheRobotIsGoneAndReconnects(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
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

	b := consoletest.Open(t, "http://"+addr+"/")
	if err := b.SetViewport(1024, 768); err != nil {
		t.Fatal(err)
	}
	live := `document.getElementById("conn").textContent === "live" && document.getElementById("mode").textContent === "ACTIVE" &&
		document.getElementById("gauge-score").textContent === "7.1" && document.body.dataset.stale !== "true" && "live"`
	if v, err := b.WaitFor(live, 30*time.Second); err != nil || v != "live" {
		t.Fatalf("page not live: %q %v", v, err)
	}

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
	back := `document.body.dataset.stale === "false" && document.getElementById("conn").textContent.startsWith("live") && [document.getElementById("mode").textContent,
		document.getElementById("gauge").dataset.stale, document.getElementById("gauge-score").textContent, document.getElementById("clock").textContent].join("|")`
	if v, err := b.WaitFor(back, 15*time.Second); err != nil || v != "ACTIVE|false|1.0|2.0 s" {
		t.Errorf("after the run restarted: %q %v, want ACTIVE|false|1.0|2.0 s (live, the new run's score and clock)", v, err)
	}
}
