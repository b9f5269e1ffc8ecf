package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
	"github.com/kindred-hri/kindred/internal/refusals/refusalstest"
)

// guarded sends a request through the whole handler, guard included, from
// 192.0.2.7 (a documentation address, RFC 5737), and returns the status.
func guarded(t *testing.T, h http.Handler, method, path, body string, set func(*http.Request)) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "localhost"
	req.RemoteAddr = "192.0.2.7:40000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	if set != nil {
		set(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// Every request refused for want of access, at every endpoint, is
// reported in a stream of its own, with the status, why, the method and
// path and who, never the token given or the body; requests let through
// (whatever their handler answers) are not. Before, only the control
// endpoint's refusals were reported: with deny noting that endpoint alone
// again, every row but the control endpoint's fails (a refused DELETE of a
// person's records, a read of them without the token, a request for the
// token from another machine went unrecorded).
// An attempt to change something on the page's paths (POST /, DELETE
// /app.js) and the stream's handshake are asked for the token and a same
// Origin too: before, the first got a 405 and the cross-origin handshake
// was let through to the WebSocket library, which refused it itself, both
// unrecorded (their rows fail without the guard's check). With the token
// and from the page's origin, a POST / is a plain 405, malformed, and
// not reported.
func TestRefusedAccessIsReportedAtEveryEndpoint(t *testing.T) {
	const secret = "the-body-says-nothing-to-the-log"
	const wrongToken = "wrong-token-0123456789abcdef"
	endpoints := []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/api/v1/status"},
		{"GET", "/api/v1/stream"},
		{"POST", "/api/v1/control"},
		{"GET", "/api/v1/sessions"},
		{"GET", "/api/v1/sessions/s-1/export?format=csv"},
		{"DELETE", "/api/v1/persons/ada"},
		{"GET", "/api/v1/session-token"},
		{"POST", "/api/v1/no-such-endpoint"},
		{"POST", "/"},
		{"DELETE", "/app.js"},
	}
	type refusal struct {
		name string
		set  func(*http.Request)
		code int
		why  string
		// applies says whether the refusal is one this endpoint makes.
		applies func(method, path string) bool
	}
	api := func(_, path string) bool { return strings.HasPrefix(path, "/api/") }
	// checked: what the token and the Origin are asked of (every attempt
	// to change something, wherever it is sent, and the stream).
	checked := func(m, p string) bool { return api(m, p) || stateChanging(m) }
	always := func(string, string) bool { return true }
	refusals := []refusal{
		{"no token", func(r *http.Request) { r.Header.Del("Authorization") }, http.StatusUnauthorized, "401 no bearer token",
			func(m, p string) bool { return checked(m, p) && p != "/api/v1/session-token" }},
		{"a wrong token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+wrongToken) }, http.StatusUnauthorized,
			"401 wrong bearer token", func(m, p string) bool { return checked(m, p) && p != "/api/v1/session-token" }},
		{"cross-origin", func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }, http.StatusForbidden,
			"403 cross-origin", func(m, p string) bool { return stateChanging(m) || p == "/api/v1/stream" }},
		{"a foreign Host", func(r *http.Request) { r.Host = "rebound.example" }, http.StatusMisdirectedRequest,
			`421 Host "rebound.example"`, always},
		{"the token from another machine", nil, http.StatusForbidden, "403 token asked for by other than the console page",
			func(_, p string) bool { return p == "/api/v1/session-token" }},
		{"rate limited", nil, http.StatusTooManyRequests, "429 rate limited",
			func(_, p string) bool { return p != "/api/v1/session-token" }}, // its burst would be refused already
	}
	for _, ep := range endpoints {
		path, _, _ := strings.Cut(ep.path, "?")
		for _, rf := range refusals {
			if !rf.applies(ep.method, path) {
				continue
			}
			t.Run(ep.method+" "+path+": "+rf.name, func(t *testing.T) {
				var bad, unauth refusalstest.Recorder
				o := Opts{Token: testToken, ReportRefusals: bad.Add, ReportUnauthorised: unauth.Add}
				if rf.code == http.StatusTooManyRequests {
					o.Rate, o.Burst = 0.001, 1
				}
				c, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				h := c.Handler()
				body := `{"cmd":"say","text":"` + secret + `"}`
				if rf.code == http.StatusTooManyRequests {
					guarded(t, h, ep.method, ep.path, body, nil) // the burst, let through
				}
				if code := guarded(t, h, ep.method, ep.path, body, rf.set); code != rf.code {
					t.Fatalf("answered %d, want %d", code, rf.code)
				}
				if rs := bad.All(); len(rs) != 0 {
					t.Errorf("reported %+v as malformed commands; want refused access apart", rs)
				}
				rs := unauth.All()
				want := rf.why
				if len(rs) != 1 || rs[0].N != 1 || !strings.HasPrefix(rs[0].Latest, want) ||
					!strings.HasSuffix(rs[0].Latest, ", "+ep.method+" "+path+" from 192.0.2.7") {
					t.Fatalf("reported %+v; want one refusal saying %q, %s %s from 192.0.2.7", rs, want, ep.method, path)
				}
				if l := rs[0].Latest; strings.Contains(l, secret) || strings.Contains(l, wrongToken) || strings.Contains(l, testToken) {
					t.Errorf("the reason %q carries the body or a token", l)
				}
			})
		}
	}
	// Let through: nothing reported, whatever the handler then answers.
	for _, ep := range endpoints {
		if ep.path == "/api/v1/session-token" {
			continue // refused from another machine, with the token or not
		}
		var unauth refusalstest.Recorder
		c, err := New(Opts{Token: testToken, ReportUnauthorised: unauth.Add})
		if err != nil {
			t.Fatal(err)
		}
		guarded(t, c.Handler(), ep.method, ep.path, `{"cmd":"pause"}`, nil)
		if rs := unauth.All(); len(rs) != 0 {
			t.Errorf("%s %s with the token: reported %+v; want nothing", ep.method, ep.path, rs)
		}
	}
}

// A path is the client's: the report cuts it short and quotes it when it
// is not plain, so a path cannot forge a line of the log.
func TestRefusalReportQuotesAStrangePath(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/sessions", "/api/v1/sessions"},
		{"/api/v1/x\nkindred: fault", `"/api/v1/x\nkindred: fault"`},
		{"/api/" + strings.Repeat("a", 200), "/api/" + strings.Repeat("a", maxReportedPath-5) + "…"},
	} {
		if got := reportedPath(tc.path); got != tc.want {
			t.Errorf("reportedPath(%q) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

// Rate-limited requests to the control endpoint are reported too, and a
// scan of refused tokens (coalesced in its stream) does not hold back the
// report of a malformed command that comes in the middle of it: it is
// reported at once in its own. The flush reports what both have pending.
func TestGuardRefusalsAreCoalescedApart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var bad, unauth refusalstest.Recorder
		c, err := New(Opts{Token: testToken, Rate: 1, Burst: 3, ReportRefusals: bad.Add, ReportUnauthorised: unauth.Add,
			RefusalEvery: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		h := c.Handler()
		noToken := func(r *http.Request) { r.Header.Del("Authorization") }
		guarded(t, h, "POST", "/api/v1/control", `{}`, noToken) // the first: at once
		guarded(t, h, "POST", "/api/v1/control", `{}`, noToken)
		if code := guarded(t, h, "POST", "/api/v1/control", `{"cmd":"dance"}`, nil); code != http.StatusBadRequest {
			t.Fatalf("a malformed command answered %d, want 400", code)
		}
		for range 5 {
			if code := guarded(t, h, "POST", "/api/v1/control", `{}`, noToken); code != http.StatusTooManyRequests {
				t.Fatalf("beyond the burst answered %d, want 429", code)
			}
		}
		synctest.Wait()
		if rs := bad.All(); len(rs) != 1 || rs[0].N != 1 || !strings.Contains(rs[0].Latest, `unknown cmd "dance"`) {
			t.Fatalf("malformed commands reported %+v; want the one, at once", rs)
		}
		if rs := unauth.All(); len(rs) != 1 || rs[0].N != 1 || !strings.HasPrefix(rs[0].Latest, "401 ") {
			t.Fatalf("refused access reported %+v; want the first 401 at once", rs)
		}
		c.FlushRefusals()
		rs := unauth.All()
		if len(rs) != 2 || rs[1].N != 6 || !strings.HasPrefix(rs[1].Latest, "429 rate limited") {
			t.Fatalf("refused access reported %+v; want the other 6 flushed, the latest a 429", rs)
		}
	})
}

// The stream's WebSocket handshake is checked by the guard like any other
// request: one from another site's page, carrying the token, is refused
// and recorded as refused access (a browser lets any page open a
// WebSocket anywhere; only the Origin tells). Before, the guard let it
// through and the WebSocket library refused it (403) unrecorded, so the
// cross-origin row fails without the guard's check. A handshake that is
// merely malformed (no Upgrade) from a client with the token is answered
// by the library (426) and recorded nowhere: it is not a refusal of
// access, and the stream takes no commands.
func TestStreamHandshakeRefusals(t *testing.T) {
	for _, tc := range []struct {
		name     string
		origin   string
		upgrade  bool
		wantCode int
		wantWhy  string // "" for nothing reported
	}{
		{name: "same origin", origin: "", upgrade: true, wantCode: http.StatusSwitchingProtocols},
		{name: "another site's page", origin: "https://evil.example", upgrade: true, wantCode: http.StatusForbidden,
			wantWhy: "403 cross-origin, GET /api/v1/stream from 127.0.0.1"},
		{name: "not an upgrade", upgrade: false, wantCode: http.StatusUpgradeRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bad, unauth refusalstest.Recorder
			_, srv := newTestConsole(t, Opts{ReportRefusals: bad.Add, ReportUnauthorised: unauth.Add})
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var code int
			if tc.upgrade {
				hdr := http.Header{}
				if tc.origin != "" {
					hdr.Set("Origin", tc.origin)
				}
				conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/api/v1/stream",
					&websocket.DialOptions{HTTPHeader: hdr, Subprotocols: []string{"kindred.v1", "bearer." + testToken}})
				if err == nil {
					conn.CloseNow()
				}
				if resp == nil {
					t.Fatalf("dial: %v", err)
				}
				code = resp.StatusCode
			} else {
				code, _ = do(t, "GET", srv.URL+"/api/v1/stream", "", auth)
			}
			if code != tc.wantCode {
				t.Fatalf("answered %d, want %d", code, tc.wantCode)
			}
			if rs := bad.All(); len(rs) != 0 {
				t.Errorf("reported %+v as malformed commands", rs)
			}
			rs := unauth.All()
			switch {
			case tc.wantWhy == "" && len(rs) != 0:
				t.Errorf("reported %+v as refused access; want nothing", rs)
			case tc.wantWhy != "" && (len(rs) != 1 || rs[0].Latest != tc.wantWhy):
				t.Errorf("reported %+v; want one refusal %q", rs, tc.wantWhy)
			}
		})
	}
}
