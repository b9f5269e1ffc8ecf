package console

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/testpki"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// These tests run the console's real server on a real loopback listener
// and talk to it with net/http clients and raw connections.

// liveConsole serves c on 127.0.0.1:0 until the test ends and returns the
// listener's address.
func liveConsole(t *testing.T, o Opts) (*Console, string) {
	t.Helper()
	if o.Token == "" {
		o.Token = testToken
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.serve(ctx, ln, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return c, ln.Addr().String()
}

// exportStore is a SessionStore holding one session about a person in pain.
type exportStore struct{}

func (exportStore) Sessions(context.Context) ([]journal.Session, error) {
	return []journal.Session{{ID: "s1", Robot: "kiri", Person: "p-ana"}}, nil
}
func (exportStore) Export(_ context.Context, id string, _ journal.Format, w io.Writer) error {
	if id != "s1" {
		return journal.ErrNoSession
	}
	_, err := io.WriteString(w, `{"type":"assessment","at":1,"person":"p-ana","score":8}`+"\n")
	return err
}
func (exportStore) DeletePerson(context.Context, string) error { return nil }

// painStatus is a robot comforting p-ana in severe pain.
func painStatus() Status {
	a := journal.Assessment{At: 3 * time.Second, Person: "p-ana", Score: 8, Band: perception.BandSevere, Cues: []string{"moaning"}}
	return Status{State: "comforting", Person: "p-ana", Assessment: &a, Joints: robot.Pose{robot.Jaw: 4},
		Ranges:    RangesOf([]robot.JointSpec{{ID: robot.Jaw, Min: -5, Max: 20}}),
		Present:   &Present{ID: "p-ana", Name: "Ana", Resident: true, Assumed: true},
		Residents: []Resident{{ID: "p-ana", Name: "Ana"}}}
}

// get sends one request with the given Host header and headers.
func get(t *testing.T, addr, host, path string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return resp.StatusCode, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wsUpgrade are the headers of a browser's WebSocket handshake carrying the token.
func wsUpgrade(token string) map[string]string {
	h := map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "kindred.v1"}
	if token != "" {
		h["Sec-WebSocket-Protocol"] += ", bearer." + token
	}
	return h
}

func bearer() map[string]string { return map[string]string{"Authorization": "Bearer " + testToken} }

func TestHostHeaderIsChecked(t *testing.T) {
	_, addr := liveConsole(t, Opts{Robot: "kiri", Status: painStatus, Sessions: exportStore{},
		Hosts: []string{"Kiri.CareHome.lan."}})
	_, port, _ := net.SplitHostPort(addr)
	paths := []struct {
		path string
		hdr  map[string]string
		ok   int
	}{
		{"/api/v1/status", bearer(), 200},
		{"/api/v1/stream", wsUpgrade(testToken), 101},
		{"/api/v1/sessions", bearer(), 200},
		{"/api/v1/sessions/s1/export?format=jsonl", bearer(), 200},
		{"/api/v1/session-token", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"/", nil, 200},
	}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"127.0.0.1", true},
		{"localhost:" + port, true},
		{"LOCALHOST", true},
		{"[::1]:" + port, true},
		{"kiri.carehome.lan:" + port, true}, // configured
		{"evil.example", false},
		{"evil.example:" + port, false},
		{"127.0.0.1.evil.example:" + port, false},
		{"kiri.carehome.lan.evil.example", false},
		{"192.168.1.20:" + port, false}, // an address this request did not arrive on
	} {
		for _, p := range paths {
			want := p.ok
			if p.path == "/api/v1/session-token" && tc.host == "kiri.carehome.lan:"+port {
				want = 403 // the token goes to loopback names only
			}
			if !tc.ok {
				want = http.StatusMisdirectedRequest
			}
			code, body := get(t, addr, tc.host, p.path, p.hdr)
			if code != want {
				t.Errorf("Host %s %s: %d %.80s, want %d", tc.host, p.path, code, body, want)
			}
			if !tc.ok && (strings.Contains(body, "p-ana") || strings.Contains(body, testToken)) {
				t.Errorf("Host %s %s: refused, but leaked %s", tc.host, p.path, body)
			}
		}
	}
}

func TestHostsOptionRejectsNonsense(t *testing.T) {
	for _, h := range []string{"", "  ", "http://kiri/", "a b"} {
		if _, err := New(Opts{Token: testToken, Hosts: []string{h}}); err == nil {
			t.Errorf("host %q accepted", h)
		}
	}
}

// A request that arrives on a non-loopback address may name that address
// (the deployer typed the robot's IP) but not another.
func TestHostMayBeTheAddressArrivedOn(t *testing.T) {
	c, err := New(Opts{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.20"), Port: 8443}
	for host, want := range map[string]bool{"192.168.1.20:8443": true, "192.168.1.20": true, "192.168.1.21:8443": false, "kiri": false} {
		req, _ := http.NewRequest("GET", "/", nil)
		req.Host = host
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, lan))
		if got := c.hostAllowed(req, nil); got != want {
			t.Errorf("Host %s on %s: %v, want %v", host, lan, got, want)
		}
	}
	req, _ := http.NewRequest("GET", "/", nil)
	req.Host = "kiri.local:8443"
	if !c.hostAllowed(req, bindNames("kiri.local:8443")) || c.hostAllowed(req, bindNames("0.0.0.0:8443")) {
		t.Error("the name of the bind address")
	}
}

func TestPersonDataNeedsToken(t *testing.T) {
	_, addr := liveConsole(t, Opts{Robot: "kiri", Status: painStatus, Sessions: exportStore{}})
	for _, tc := range []struct {
		name, path string
		hdr        map[string]string
		want       int
	}{
		{"stream without token", "/api/v1/stream", wsUpgrade(""), 401},
		{"stream with token", "/api/v1/stream", wsUpgrade(testToken), 101},
		{"sessions without token", "/api/v1/sessions", nil, 401},
		{"sessions, same-origin fetch metadata only", "/api/v1/sessions", map[string]string{"Sec-Fetch-Site": "same-origin"}, 401},
		{"sessions with token", "/api/v1/sessions", bearer(), 200},
		{"export without token", "/api/v1/sessions/s1/export?format=csv", nil, 401},
		{"export with a wrong token", "/api/v1/sessions/s1/export?format=csv",
			map[string]string{"Authorization": "Bearer " + strings.Repeat("x", 26)}, 401},
		{"export with token", "/api/v1/sessions/s1/export?format=jsonl", bearer(), 200},
		{"the page's own token fetch", "/api/v1/session-token", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		// A page holding the last run's token is told so, not answered as
		// if it had none.
		{"status with a wrong token", "/api/v1/status", map[string]string{"Authorization": "Bearer " + strings.Repeat("x", 26)}, 401},
	} {
		code, body := get(t, addr, "", tc.path, tc.hdr)
		if code != tc.want {
			t.Errorf("%s: %d %.80s, want %d", tc.name, code, body, tc.want)
		}
		if tc.want == 401 && strings.Contains(body, "p-ana") {
			t.Errorf("%s: leaked %s", tc.name, body)
		}
	}

	// Status without the token: the robot and its state, nothing about the person.
	code, body := get(t, addr, "", "/api/v1/status", nil)
	var st map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil || st["robot"] != "kiri" || st["state"] != "comforting" {
		t.Fatalf("status without token: %d %s", code, body)
	}
	if strings.Contains(body, "p-ana") || strings.Contains(body, "Ana") || st["assessment"] != nil || st["joints"] != nil ||
		st["ranges"] != nil || st["present"] != nil || st["residents"] != nil {
		t.Errorf("status without token tells about the person: %s", body)
	}
	code, body = get(t, addr, "", "/api/v1/status", bearer())
	if code != 200 || !strings.Contains(body, `"person":"p-ana"`) || !strings.Contains(body, `"score":8`) || !strings.Contains(body, `"jaw":4`) ||
		!strings.Contains(body, `"present":{"id":"p-ana","name":"Ana","resident":true,"calibrated":false,"assumed":true}`) {
		t.Errorf("status with token: %d %s", code, body)
	}
}

// rawConn dials the console from local (nil: the default) and sends req.
func rawConn(t *testing.T, addr string, local net.IP, req string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if req != "" {
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

const statusReq = "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

// answered reads one response from conn: its status code, or 0 when the
// console closed the connection instead.
func answered(t *testing.T, conn net.Conn, br *bufio.Reader) int {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("%s: neither answered nor closed: %v", conn.LocalAddr(), err)
	case err != nil:
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestConnectionCap(t *testing.T) {
	c, addr := liveConsole(t, Opts{Robot: "kiri", MaxConnsPerClient: 2, MaxConns: 3})
	one, two := net.IPv4(127, 0, 0, 1), net.IPv4(127, 0, 0, 2)
	type held struct {
		conn net.Conn
		br   *bufio.Reader
	}
	var open []held
	for i, tc := range []struct {
		from net.IP
		want int // 0: closed at once
	}{
		{one, 200}, {one, 200},
		{one, 0}, // a third from the same client
		{two, 200},
		{two, 0}, // the console's total
	} {
		conn := rawConn(t, addr, tc.from, statusReq)
		br := bufio.NewReader(conn)
		if got := answered(t, conn, br); got != tc.want {
			t.Fatalf("connection %d from %s: %d, want %d", i, tc.from, got, tc.want)
		}
		if tc.want != 0 {
			open = append(open, held{conn, br})
		}
	}
	if got := c.Stats().ConnsRefused; got != 2 {
		t.Errorf("refused %d, want 2", got)
	}
	// The kept connections still serve, and a closed one frees its place.
	if _, err := io.WriteString(open[0].conn, statusReq); err != nil || answered(t, open[0].conn, open[0].br) != 200 {
		t.Fatalf("a kept connection stopped serving: %v", err)
	}
	open[1].conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn := rawConn(t, addr, one, statusReq)
		if answered(t, conn, bufio.NewReader(conn)) == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection never gave its place back")
		}
		// The server notices the close on its own goroutine; ask again.
		<-time.After(10 * time.Millisecond)
	}
}

func TestSlowAndIdleClientsAreClosed(t *testing.T) {
	const short = 100 * time.Millisecond
	_, addr := liveConsole(t, Opts{Robot: "kiri", ReadHeaderTimeout: short, ReadTimeout: 2 * short, WriteTimeout: time.Minute, IdleTimeout: short})
	for _, tc := range []struct {
		name, send string
		answers    int // responses before the close
	}{
		{"half a header", "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo", 0},
		{"a body that never comes", "POST /api/v1/control HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + testToken +
			"\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"cmd\":", 1},
		{"idle after one request", statusReq, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := rawConn(t, addr, nil, tc.send)
			br := bufio.NewReader(conn)
			for range tc.answers {
				if answered(t, conn, br) == 0 {
					t.Fatal("closed before answering")
				}
			}
			// The test waits on the connection itself, with a deadline far
			// beyond the server's timeouts: only the server can end it sooner.
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			rest, err := io.ReadAll(br)
			if err != nil {
				t.Fatalf("the console kept the connection open: %v (read %q)", err, rest)
			}
		})
	}
}

// A WebSocket outlives every server timeout: events sent long after the
// read, write and idle timeouts still arrive.
func TestStreamOutlivesServerTimeouts(t *testing.T) {
	const short = 50 * time.Millisecond
	c, addr := liveConsole(t, Opts{Robot: "kiri", ReadHeaderTimeout: short, ReadTimeout: short, WriteTimeout: short, IdleTimeout: short})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/api/v1/stream",
		&websocket.DialOptions{Subprotocols: []string{"kindred.v1", "bearer." + testToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	// Wall time for the kernel's deadlines to pass, had they been left on
	// the connection; no logic waits on it.
	<-time.After(6 * short)
	for i := range 3 {
		c.Publish(journal.Transition{At: time.Duration(i) * time.Second, From: "idle", To: "engaged"})
		if _, msg, err := conn.Read(ctx); err != nil || !strings.Contains(string(msg), `"transition"`) {
			t.Fatalf("event %d after the timeouts: %q %v", i, msg, err)
		}
	}
}

func TestSafetyCommandsBypassTheRateLimit(t *testing.T) {
	// Rate so low that no token comes back during the test.
	c, addr := liveConsole(t, Opts{Robot: "kiri", Rate: 0.001, Burst: 3})
	base := "http://" + addr
	// A flood from another program on this machine: the carer's browser
	// shares its address, and so its bucket.
	var flood int
	for ; flood < 100; flood++ {
		if code, _ := do(t, "GET", base+"/api/v1/status", "", nil); code == http.StatusTooManyRequests {
			break
		}
	}
	if flood != 3 {
		t.Fatalf("the flood was refused after %d requests, want 3", flood)
	}
	carer := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json",
		"Origin": base, "Sec-Fetch-Site": "same-origin"}
	for _, tc := range []struct {
		body string
		hdr  map[string]string
		want int
	}{
		{`{"cmd":"pause"}`, carer, 202},
		{`{"cmd":"opt_out"}`, carer, 202},
		{`{"cmd":"resume"}`, carer, 202},
		{`{"cmd":"acknowledge","by":"Mary"}`, carer, 202},
		{`{"cmd":"opt_in"}`, carer, 429}, // not a safety command
		{`{"cmd":"say","text":"hello"}`, carer, 429},
		{`{"cmd":"pause"}`, map[string]string{"Content-Type": "application/json"}, 429}, // no token
		{`{"cmd":"pause"}`, map[string]string{"Authorization": "Bearer " + strings.Repeat("x", 26)}, 429},
		{`{"cmd":"pause","force":true}`, carer, 429}, // not a valid command: no exemption
		{`{"cmd":"pause"}` + strings.Repeat(" ", maxControlBody), carer, 429},
	} {
		if code, body := do(t, "POST", base+"/api/v1/control", tc.body, tc.hdr); code != tc.want {
			t.Errorf("%.40s: %d %s, want %d", tc.body, code, body, tc.want)
		}
	}
	for _, want := range []behavior.CommandKind{behavior.CmdPause, behavior.CmdOptOut, behavior.CmdResume, behavior.CmdAcknowledge} {
		select {
		case got := <-c.Controls():
			if got.Cmd != want {
				t.Errorf("engine got %s, want %s", got.Cmd, want)
			}
		default:
			t.Fatalf("the engine never got %s", want)
		}
	}
	if len(c.Controls()) != 0 {
		t.Error("a limited command reached the engine")
	}
}

// Within the limit, an exempt command's body still reaches the handler
// whole, and an oversized one is still refused.
func TestSafetyCheckGivesTheBodyBack(t *testing.T) {
	c, addr := liveConsole(t, Opts{Robot: "kiri"})
	if code, body := do(t, "POST", "http://"+addr+"/api/v1/control", `{"cmd":"pause"}`, auth); code != 202 {
		t.Fatalf("pause: %d %s", code, body)
	}
	if got := <-c.Controls(); string(got.Raw) != `{"cmd":"pause"}` {
		t.Errorf("the engine got %q", got.Raw)
	}
	if code, _ := do(t, "POST", "http://"+addr+"/api/v1/control", `{"cmd":"pause"}`+strings.Repeat(" ", maxControlBody), auth); code != 413 {
		t.Errorf("oversized pause: %d, want 413", code)
	}
}

func TestServeNeedsTLSOrConsentBeyondLoopback(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Opts
		addr string
		want bool // serves
	}{
		{"loopback, plain", Opts{}, "127.0.0.1:0", true},
		{"all interfaces, plain", Opts{}, "0.0.0.0:0", false},
		{"a name, plain", Opts{}, "localhost.localdomain:0", false},
		{"all interfaces, plain allowed", Opts{InsecureHTTP: true}, "0.0.0.0:0", true},
		{"all interfaces, TLS", Opts{TLS: selfSigned(t)}, "0.0.0.0:0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Token = testToken
			c, err := New(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- c.Serve(ctx, tc.addr) }()
			if !tc.want {
				defer cancel()
				select {
				case err := <-done:
					if !errors.Is(err, ErrPlainHTTP) {
						t.Fatalf("Serve: %v, want ErrPlainHTTP", err)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("Serve is serving plain HTTP beyond loopback")
				}
				return
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Serve: %v", err)
			}
		})
	}
}

// selfSigned is a TLS configuration with a fresh certificate for 127.0.0.1.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	cert, _ := testpki.SelfSigned(t)
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

func TestServeHTTPS(t *testing.T) {
	cert, leaf := testpki.SelfSigned(t)
	c, addr := liveConsole(t, Opts{Robot: "kiri", Status: painStatus, TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer client.CloseIdleConnections()
	req, _ := http.NewRequest("GET", "https://"+addr+"/api/v1/status", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || !strings.Contains(string(b), "p-ana") {
		t.Fatalf("https status: %d tls=%v %s", resp.StatusCode, resp.TLS != nil, b)
	}
	// The stream over wss.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "wss://"+addr+"/api/v1/stream", &websocket.DialOptions{HTTPClient: client,
		Subprotocols: []string{"kindred.v1", "bearer." + testToken}})
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	defer conn.CloseNow()
	c.Publish(journal.Transition{At: time.Second, From: "idle", To: "engaged"})
	if _, msg, err := conn.Read(ctx); err != nil || !strings.Contains(string(msg), "transition") {
		t.Fatalf("wss event: %q %v", msg, err)
	}
	// Plain HTTP to the TLS port carries no data back.
	code, body := get(t, addr, "", "/api/v1/status", bearer())
	if code == 200 || strings.Contains(body, "p-ana") {
		t.Errorf("plain HTTP to the HTTPS console: %d %s", code, body)
	}
}

// A token New created is shown once, by Serve, on loopback; beyond
// loopback only where it is stored; never again on later runs.
func TestNewTokenShownOnceAndOnLoopbackOnly(t *testing.T) {
	t.Setenv(TokenEnv, "")
	for _, tc := range []struct {
		name, addr string
		shown      bool
	}{
		{"loopback", "127.0.0.1:0", true},
		{"beyond loopback", "0.0.0.0:0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var first, second bytes.Buffer
			serveOnce(t, Opts{TokenDir: dir, Notice: &first, InsecureHTTP: true}, tc.addr)
			tok, err := os.ReadFile(filepath.Join(dir, "console-token"))
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(string(tok))
			if got := strings.Contains(first.String(), token); got != tc.shown {
				t.Errorf("first run printed %q; token shown %v, want %v", first.String(), got, tc.shown)
			}
			if !strings.Contains(first.String(), filepath.Join(dir, "console-token")) {
				t.Errorf("first run does not say where the token is: %q", first.String())
			}
			serveOnce(t, Opts{TokenDir: dir, Notice: &second, InsecureHTTP: true}, tc.addr)
			if second.Len() != 0 {
				t.Errorf("second run printed %q", second.String())
			}
		})
	}
}

// serveOnce starts and stops Serve on addr.
func serveOnce(t *testing.T, o Opts, addr string) {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Serve announces before it listens, then stops at once
	if err := c.Serve(ctx, addr); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve: %v", err)
	}
}

func ExampleLoopback() {
	for _, a := range []string{"127.0.0.1:8080", "[::1]:8080", "localhost:8080", "0.0.0.0:8080", "kiri.local:8443"} {
		fmt.Println(a, Loopback(a))
	}
	// Output:
	// 127.0.0.1:8080 true
	// [::1]:8080 true
	// localhost:8080 true
	// 0.0.0.0:8080 false
	// kiri.local:8443 false
}
