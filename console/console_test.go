package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
)

const testToken = "test-token-0123456789abcdef"

func newTestConsole(t *testing.T, o Opts) (*Console, *httptest.Server) {
	t.Helper()
	if o.Token == "" {
		o.Token = testToken
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	return c, srv
}

func do(t *testing.T, method, url, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var auth = map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}

func TestEveryControlCommand(t *testing.T) {
	c, srv := newTestConsole(t, Opts{})
	for _, tc := range []struct {
		body  string
		check func(behavior.Command) bool
	}{
		{`{"cmd":"pause"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdPause }},
		{`{"cmd":"resume"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdResume }},
		{`{"cmd":"opt_out"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdOptOut }},
		{`{"cmd":"opt_in"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdOptIn }},
		{`{"cmd":"say","text":"I am here with you."}`, func(c behavior.Command) bool { return c.Text == "I am here with you." }},
		{`{"cmd":"intent","kind":"breathing_guide"}`, func(c behavior.Command) bool { return c.Kind == "breathing_guide" }},
		{`{"cmd":"mimicry","enabled":true,"gain":0.4,"delay_ms":250}`, func(c behavior.Command) bool {
			return *c.Enabled && *c.Gain == 0.4 && c.Delay() == 250*time.Millisecond
		}},
		{`{"cmd":"annotate","annotation":{"at":42.5,"person":"p-1","scale":"nrs","rating":7}}`, func(c behavior.Command) bool {
			return func() bool { a, _ := journal.AnnotationOf(c); return a.At == 42500*time.Millisecond && a.Rating == 7 }()
		}},
		{`{"cmd":"approve","id":12}`, func(c behavior.Command) bool { return c.ID == 12 }},
		{`{"cmd":"replace","id":12,"intent":"say","text":"Shall I fetch a nurse?"}`, func(c behavior.Command) bool {
			return c.ID == 12 && c.Intent == "say" && c.Text == "Shall I fetch a nurse?"
		}},
		{`{"cmd":"acknowledge","by":"Mary"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdAcknowledge && c.By == "Mary" }},
		{`{"cmd":"identify","person":"visitor"}`, func(c behavior.Command) bool { return c.Cmd == behavior.CmdIdentify && c.Person == "visitor" }},
	} {
		code, body := do(t, "POST", srv.URL+"/api/v1/control", tc.body, auth)
		if code != http.StatusAccepted {
			t.Errorf("%s: %d %s", tc.body, code, body)
			continue
		}
		select {
		case got := <-c.Controls():
			if !tc.check(got) || string(got.Raw) != tc.body {
				t.Errorf("%s: engine got %+v", tc.body, got)
			}
		default:
			t.Errorf("%s: nothing on Controls()", tc.body)
		}
	}
	if len(behavior.CommandKinds()) != 12 {
		t.Errorf("a command was added (%d): test it here", len(behavior.CommandKinds()))
	}
}

func TestControlRejectsBadInput(t *testing.T) {
	c, srv := newTestConsole(t, Opts{})
	for _, body := range []string{`{"cmd":"dance"}`, `{"cmd":"pause","force":true}`, `{"cmd":"say"}`,
		`{"cmd":"mimicry","gain":3}`, `not json`, `{"cmd":"say","text":"` + strings.Repeat("x", 9000) + `"}`} {
		code, resp := do(t, "POST", srv.URL+"/api/v1/control", body, auth)
		var e struct{ Error string }
		if code/100 != 4 || json.Unmarshal([]byte(resp), &e) != nil || e.Error == "" {
			t.Errorf("%.40s: %d %s, want a 4xx JSON error", body, code, resp)
		}
	}
	if code, _ := do(t, "POST", srv.URL+"/api/v1/control", `{"cmd":"dance"}`, auth); code != http.StatusBadRequest {
		t.Errorf("unknown cmd: %d, want 400", code)
	}
	if len(c.Controls()) != 0 {
		t.Error("a bad command reached the engine")
	}
}

func TestStateChangingNeedsToken(t *testing.T) {
	c, srv := newTestConsole(t, Opts{Sessions: &fakeStore{t: t}})
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"no token", map[string]string{"Content-Type": "application/json"}, http.StatusUnauthorized},
		{"wrong token", map[string]string{"Authorization": "Bearer " + strings.Repeat("z", 26)}, http.StatusUnauthorized},
		{"basic auth", map[string]string{"Authorization": "Basic " + testToken}, http.StatusUnauthorized},
		{"token in a cross-site request", map[string]string{"Authorization": "Bearer " + testToken,
			"Origin": "http://evil.example"}, http.StatusForbidden},
		{"cross-site fetch metadata", map[string]string{"Authorization": "Bearer " + testToken,
			"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"right token, same origin", map[string]string{"Authorization": "Bearer " + testToken,
			"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, http.StatusAccepted},
	} {
		code, body := do(t, "POST", srv.URL+"/api/v1/control", `{"cmd":"pause"}`, tc.hdr)
		if code != tc.want {
			t.Errorf("%s: control %d %s, want %d", tc.name, code, body, tc.want)
		}
		if tc.want == http.StatusAccepted {
			<-c.Controls()
			continue
		}
		if code, _ := do(t, "DELETE", srv.URL+"/api/v1/persons/p-1", "", tc.hdr); code != tc.want {
			t.Errorf("%s: delete person %d, want %d", tc.name, code, tc.want)
		}
	}
	if len(c.Controls()) != 0 {
		t.Error("an unauthorised command reached the engine")
	}
}

// fakeStore is a SessionStore that fails the test on unexpected use.
type fakeStore struct {
	t       *testing.T
	deleted []string
}

func (f *fakeStore) Sessions(context.Context) ([]journal.Session, error) {
	return []journal.Session{{ID: "s1", Robot: "kiri", Status: journal.StatusComplete}}, nil
}
func (f *fakeStore) Export(_ context.Context, id string, fm journal.Format, w io.Writer) error {
	f.t.Errorf("unexpected export of %s", id)
	return nil
}
func (f *fakeStore) DeletePerson(_ context.Context, id string) error {
	f.deleted = append(f.deleted, id)
	return nil
}

func TestSessionsExportAndDeleteThroughTheJournal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	w := j.NewWriter(journal.WriterOpts{})
	go w.Run(ctx)
	s, _ := w.Begin(ctx, journal.Session{Robot: "kiri", Person: "p-ana"})
	w.Submit(journal.Assessment{At: time.Second, Person: "p-ana", Score: 4, Band: perception.BandModerate})
	w.Submit(journal.Alert{At: 2 * time.Second, Person: "p-ana", Level: journal.LevelWarning, Reason: "pain"})
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_, srv := newTestConsole(t, Opts{Sessions: w})

	code, body := do(t, "GET", srv.URL+"/api/v1/sessions", "", auth)
	var list []journal.Session
	if code != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list) != 1 || list[0].ID != s.ID {
		t.Fatalf("sessions: %d %s", code, body)
	}
	code, body = do(t, "GET", srv.URL+"/api/v1/sessions/"+s.ID+"/export?format=jsonl", "", auth)
	recs, err := journal.ReadJSONL(strings.NewReader(body))
	if code != 200 || err != nil || len(recs) != 2 || recs[0].Kind() != journal.KindAssessment {
		t.Fatalf("export jsonl: %d %s %v", code, body, err)
	}
	code, body = do(t, "GET", srv.URL+"/api/v1/sessions/"+s.ID+"/export?format=csv", "", auth)
	if recs, err := journal.ReadCSV(strings.NewReader(body)); code != 200 || err != nil || len(recs) != 2 {
		t.Fatalf("export csv: %d %v", code, err)
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/sessions/"+s.ID+"/export?format=xml", "", auth); code != 400 {
		t.Errorf("export xml: %d, want 400", code)
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/sessions/nope/export?format=csv", "", auth); code != 404 {
		t.Errorf("export of a missing session: %d, want 404", code)
	}
	if code, body := do(t, "DELETE", srv.URL+"/api/v1/persons/p-ana", "", auth); code != 200 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/sessions", "", auth); code != 200 || body != "[]\n" {
		t.Errorf("after deleting the session's person: %d %s", code, body)
	}
}

func TestStatus(t *testing.T) {
	a := journal.Assessment{At: 3 * time.Second, Person: "p-1", Score: 6, Band: perception.BandModerate}
	_, srv := newTestConsole(t, Opts{Robot: "kiri", Status: func() Status {
		return Status{State: "comforting", Person: "p-1", Assessment: &a, Joints: robot.Pose{robot.Jaw: 4}}
	}})
	code, body := do(t, "GET", srv.URL+"/api/v1/status", "", auth)
	var st struct {
		Robot, State, Person string
		Assessment           map[string]any
		Joints               map[string]float64
	}
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil || st.Robot != "kiri" || st.State != "comforting" ||
		st.Assessment["type"] != "assessment" || st.Assessment["score"] != 6.0 || st.Joints["jaw"] != 4 {
		t.Fatalf("status: %d %s", code, body)
	}
}

func TestStreamDeliversAssessments(t *testing.T) {
	c, srv := newTestConsole(t, Opts{})
	// One event before the page connects: it arrives from the backlog.
	c.Publish(journal.Transition{At: 0, From: "idle", To: "engaged"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := dialStream(ctx, t, srv)
	for i := range 3 {
		c.Publish(journal.Assessment{At: time.Duration(i+1) * time.Second, Person: "p-1", Score: float64(2 * (i + 1)),
			Items: journal.Items{Face: 1}, Band: perception.BandOf(float64(2 * (i + 1))), Cues: []string{"brow lowered"}})
	}
	want := []string{`"type":"transition"`, `"type":"assessment","at":1,`, `"type":"assessment","at":2,`, `"score":6`}
	for _, w := range want {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(msg), w) {
			t.Fatalf("got %s, want it to contain %s", msg, w)
		}
		if _, err := journal.Decode(msg); err != nil {
			t.Fatalf("stream event does not decode: %v", err)
		}
	}
}

func TestSlowClientDropsAreCounted(t *testing.T) {
	h := newHub(4, 2)
	slow, _ := h.subscribe()
	fast, _ := h.subscribe()
	var got int
	for i := range 10 {
		h.publish(event{msg: []byte{byte(i)}})
		for len(fast.ch) > 0 {
			<-fast.ch
			got++
		}
	}
	if got != 10 || slow.dropped.Load() != 8 || fast.dropped.Load() != 0 {
		t.Fatalf("fast got %d, slow dropped %d, fast dropped %d", got, slow.dropped.Load(), fast.dropped.Load())
	}
	if _, d := h.stats(); d != 8 {
		t.Errorf("hub dropped %d", d)
	}
	_, past := h.subscribe()
	if len(past) != 4 || past[0][0] != 6 || past[3][0] != 9 {
		t.Errorf("backlog %v, want the last 4 in order", past)
	}
}

func TestSessionTokenOnlyForSameOriginLoopbackPage(t *testing.T) {
	_, srv := newTestConsole(t, Opts{})
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"the page's own fetch", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"curl, no fetch metadata", nil, 403},
		{"another site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, 403},
		{"DNS rebinding", map[string]string{"Sec-Fetch-Site": "same-origin", "Host": "evil.example:" + strings.Split(host, ":")[1]}, 421},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/session-token", nil)
		for k, v := range tc.hdr {
			if k == "Host" {
				req.Host = v
			}
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, b, tc.want)
		}
		if tc.want == 200 && !strings.Contains(string(b), testToken) {
			t.Errorf("%s: no token in %s", tc.name, b)
		}
		if tc.want != 200 && strings.Contains(string(b), testToken) {
			t.Errorf("%s: token leaked", tc.name)
		}
	}
}

func TestOffLoopbackEveryAPIRequestNeedsToken(t *testing.T) {
	c, err := New(Opts{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.20"), Port: 8080}
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/api/v1/status", "", 401},
		{"/api/v1/status", testToken, 200},
		{"/api/v1/status", "ws:" + testToken, 200}, // a browser WebSocket carries it as a subprotocol
		{"/api/v1/status", "ws:" + strings.Repeat("x", 26), 401},
		{"/api/v1/session-token", testToken, 403}, // never handed out off loopback
		{"/", "", 200}, // the page itself: it asks for the token
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.RemoteAddr = "192.168.1.50:40000"
		req.Host = "192.168.1.20:8080"
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, lan))
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if tok, ok := strings.CutPrefix(tc.token, "ws:"); ok {
			req.Header.Set("Sec-WebSocket-Protocol", "kindred.v1, bearer."+tok)
		} else if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s token=%v: %d, want %d", tc.path, tc.token != "", rec.Code, tc.want)
		}
	}
}

func TestRateLimitPerClient(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(0, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c, err := New(Opts{Token: testToken, Rate: 2, Burst: 3, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()
	get := func(remote string) int {
		req := httptest.NewRequest("GET", "/api/v1/status", nil)
		req.RemoteAddr = remote
		req.Host = "127.0.0.1"
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	var codes []int
	for range 5 {
		codes = append(codes, get("127.0.0.1:1000"))
	}
	if want := []int{200, 200, 200, 429, 429}; !slicesEqual(codes, want) {
		t.Errorf("burst: %v, want %v", codes, want)
	}
	if get("127.0.0.2:1000") != 200 {
		t.Error("another client was limited by the first")
	}
	mu.Lock()
	now = now.Add(time.Second) // two tokens back
	mu.Unlock()
	if a, b, c3 := get("127.0.0.1:1000"), get("127.0.0.1:1000"), get("127.0.0.1:1000"); a != 200 || b != 200 || c3 != 429 {
		t.Errorf("after refill: %d %d %d", a, b, c3)
	}
	if c.Stats().RateLimited != 3 {
		t.Errorf("rate limited %d", c.Stats().RateLimited)
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLoadToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kindred")
	if tok, created, err := LoadToken("from-the-environment-123", dir); err != nil || created || tok != "from-the-environment-123" {
		t.Fatalf("env: %q %v %v", tok, created, err)
	}
	if _, _, err := LoadToken("short", dir); err == nil {
		t.Error("a short env token was accepted")
	}
	tok, created, err := LoadToken("", dir)
	if err != nil || !created || len(tok) != 64 {
		t.Fatalf("generate: %q %v %v", tok, created, err)
	}
	st, err := os.Stat(filepath.Join(dir, "console-token"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st.Mode(), err)
	}
	again, created, err := LoadToken("", dir)
	if err != nil || created || again != tok {
		t.Fatalf("second load: %v %v", created, err)
	}
	os.Chmod(filepath.Join(dir, "console-token"), 0o644)
	if _, _, err := LoadToken("", dir); err == nil || strings.Contains(err.Error(), tok) {
		t.Errorf("a world-readable token file: %v", err)
	}
}

func TestPageIsEmbeddedAndSelfContained(t *testing.T) {
	_, srv := newTestConsole(t, Opts{})
	for _, p := range []string{"/", "/app.js", "/style.css"} {
		code, body := do(t, "GET", srv.URL+p, "", nil)
		if code != 200 || len(body) < 500 {
			t.Errorf("%s: %d, %d bytes", p, code, len(body))
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s refers to another origin", p)
		}
	}
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestServeStopsWithContext(t *testing.T) {
	c, err := New(Opts{Token: testToken})
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
	if code, _ := do(t, "GET", "http://"+ln.Addr().String()+"/api/v1/status", "", nil); code != 200 {
		t.Fatalf("status %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !Loopback("127.0.0.1:8080") || !Loopback("localhost:1") || !Loopback("[::1]:80") ||
		Loopback("0.0.0.0:8080") || Loopback(":8080") || Loopback("kiri.local:8080") {
		t.Error("Loopback")
	}
}

// forgetful is a Calibrations that records what it forgets, after which
// journal deletion (order), or fails.
type forgetful struct {
	store  *fakeStore
	fail   bool
	forgot []string
}

func (f *forgetful) Forget(id string) (bool, error) {
	if !slices.Contains(f.store.deleted, id) {
		return false, fmt.Errorf("%s's calibration forgotten before their records", id)
	}
	if f.fail {
		return false, errors.New("read-only file system")
	}
	f.forgot = append(f.forgot, id)
	return id == "p-ana", nil
}

// Deleting a person from the console deletes their calibration too, after
// their records; a calibration that cannot be deleted is a 500 that says
// so. Fails if the console leaves the calibration behind.
func TestDeletePersonDeletesTheirCalibration(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		fail     bool
		code     int
		body     string
	}{
		{"calibrated", "p-ana", false, http.StatusOK, `{"calibration_deleted":true,"deleted":"p-ana"}`},
		{"never calibrated", "p-bo", false, http.StatusOK, `{"calibration_deleted":false,"deleted":"p-bo"}`},
		{"calibration stuck", "p-ana", true, http.StatusInternalServerError, "calibration delete failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &fakeStore{t: t}
			cal := &forgetful{store: store, fail: tc.fail}
			_, srv := newTestConsole(t, Opts{Sessions: store, Calibrations: cal})
			code, body := do(t, "DELETE", srv.URL+"/api/v1/persons/"+tc.id, "", auth)
			if code != tc.code || !strings.Contains(body, tc.body) {
				t.Errorf("delete: %d %s, want %d %s", code, body, tc.code, tc.body)
			}
			if !tc.fail && !slices.Equal(cal.forgot, []string{tc.id}) {
				t.Errorf("calibrations forgotten %v, want %s's", cal.forgot, tc.id)
			}
		})
	}
}

func TestCheckAddr(t *testing.T) {
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true}, {"[::1]:0", true}, {":8080", true}, {"localhost:http", true},
		{"127.0.0.1:99999", false}, {"127.0.0.1:-1", false}, {"nonsense", false}, {"127.0.0.1", false},
		{"[::1:80", false}, {"127.0.0.1:80\x00", false},
	} {
		if err := CheckAddr(c.addr); (err == nil) != c.ok {
			t.Errorf("CheckAddr(%q) = %v, want ok %v", c.addr, err, c.ok)
		}
	}
}

// A streamed event says when the console had it, on the wall clock, so the
// page can tell a carer "at 16:04:46", not only "49 s" into a session; an
// event sent from the backlog keeps the time it happened, not the time the
// page connected, and still decodes as the journal's record.
func TestStreamEventsCarryTheWallTime(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 4, 16, 4, 46, 123e6, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c, srv := newTestConsole(t, Opts{Now: clock})
	c.Publish(journal.Alert{At: 49 * time.Second, Person: "p-1", Level: journal.LevelUrgent, Score: 7.4, Reason: "severe pain 7.4 for 4s"})
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := dialStream(ctx, t, srv)
	c.Publish(journal.Transition{At: 50 * time.Second, From: "comforting", To: "alerting"})
	for _, want := range []string{`"wall":"2026-12-04T16:04:46.123Z"`, `"wall":"2026-12-04T16:05:46.123Z"`} {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(msg), want) {
			t.Errorf("streamed %s, want %s", msg, want)
		}
		if _, err := journal.Decode(msg); err != nil {
			t.Errorf("%s does not decode: %v", msg, err)
		}
	}
}

// With the run's clock, an event's "wall" is when it happened, not when the
// console had it: in a run at --speed 10, events 10 s and 25 s of session
// time apart are stamped 1 s and 2.5 s apart however late the console had
// them (here all at once, 3 s of wall time in). An "at" the run has not
// reached yet (an annotation's is the client's word, and may be huge), a
// negative one, or no clock at all is stamped with when the console had
// it. Before, every event was stamped when the console had it: the first
// row fails; without the comparison in session time the longest "at" of
// a slow run overflows into a wall time centuries ago.
func TestStreamEventsAreStampedWhenTheyHappened(t *testing.T) {
	for _, tc := range []struct {
		name  string
		speed float64
		clock bool
		at    []time.Duration
		want  []time.Duration // wall time after the run's start
	}{
		{"at --speed 10", 10, true, []time.Duration{0, 10 * time.Second, 25 * time.Second, 30 * time.Second},
			[]time.Duration{0, time.Second, 2500 * time.Millisecond, 3 * time.Second}},
		{"ahead of the run", 10, true, []time.Duration{31 * time.Second, time.Hour}, []time.Duration{3 * time.Second, 3 * time.Second}},
		// 3 s in at half speed the run is at 1.5 s; the longest "at" is
		// twice as long in wall time as a Duration holds.
		{"ahead of a slow run", 0.5, true, []time.Duration{1500 * time.Millisecond, 2 * time.Second, math.MaxInt64},
			[]time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second}},
		{"before the run", 10, true, []time.Duration{-time.Second}, []time.Duration{3 * time.Second}},
		{"no clock", 10, false, []time.Duration{0, 10 * time.Second}, []time.Duration{3 * time.Second, 3 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock, err := sessiontime.New(tc.speed)
				if err != nil {
					t.Fatal(err)
				}
				o := Opts{Token: testToken}
				if tc.clock {
					o.Clock = clock
				}
				c, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(3 * time.Second) // the console has them all late, at once
				for _, at := range tc.at {
					c.Publish(journal.Utterance{At: at, Intent: "comfort", Text: "I am here."})
				}
				_, past := c.hub.subscribe()
				if len(past) != len(tc.at) {
					t.Fatalf("%d events in the backlog, want %d", len(past), len(tc.at))
				}
				for i, msg := range past {
					var ev struct{ Wall time.Time }
					if err := json.Unmarshal(msg, &ev); err != nil {
						t.Fatalf("%s: %v", msg, err)
					}
					want := clock.Origin().Add(tc.want[i]).UTC().Truncate(time.Millisecond)
					if !ev.Wall.Equal(want) {
						t.Errorf("at %v: wall %s, want %s (%v after the run's start)", tc.at[i],
							ev.Wall.Format(wallLayout), want.Format(wallLayout), tc.want[i])
					}
				}
			})
		})
	}
}

// dialStream opens the live stream as the page does, with the token; it
// is closed when the test ends.
func dialStream(ctx context.Context, t *testing.T, srv *httptest.Server) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/api/v1/stream",
		&websocket.DialOptions{Subprotocols: []string{"kindred.v1", "bearer." + testToken}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}
