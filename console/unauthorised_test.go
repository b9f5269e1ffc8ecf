package console

import (
	"github.com/kindred-hri/kindred/internal/refusals/refusalstest"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
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

// Every request to the control endpoint the guard refuses is reported in a
// stream of its own, with the status, why and who, never the token given
// or the body; refusals elsewhere, and commands let through, are not.
// Fails with the guard's reports switched off (deny not noting).
func TestGuardRefusalsAtTheControlEndpointAreReported(t *testing.T) {
	const secret = "the-body-says-nothing-to-the-log"
	const wrongToken = "wrong-token-0123456789abcdef"
	body := `{"cmd":"say","text":"` + secret + `"}`
	for _, tc := range []struct {
		name   string
		method string
		path   string
		set    func(*http.Request)
		code   int
		reason string // in the report; "" for none
	}{
		{"a command", "POST", "/api/v1/control", nil, http.StatusAccepted, ""},
		{"no token", "POST", "/api/v1/control", func(r *http.Request) { r.Header.Del("Authorization") },
			http.StatusUnauthorized, "401 no bearer token, POST /api/v1/control from 192.0.2.7"},
		{"a wrong token", "POST", "/api/v1/control", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+wrongToken) },
			http.StatusUnauthorized, "401 wrong bearer token"},
		{"cross-origin", "POST", "/api/v1/control", func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") },
			http.StatusForbidden, "403 cross-origin"},
		{"a foreign Host", "POST", "/api/v1/control", func(r *http.Request) { r.Host = "rebound.example" },
			http.StatusMisdirectedRequest, `421 Host "rebound.example"`},
		{"not the control endpoint", "DELETE", "/api/v1/persons/ada", func(r *http.Request) { r.Header.Del("Authorization") },
			http.StatusUnauthorized, ""},
		{"reading without a token", "GET", "/api/v1/sessions", func(r *http.Request) { r.Header.Del("Authorization") },
			http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bad, unauth refusalstest.Recorder
			c, err := New(Opts{Token: testToken, ReportRefusals: bad.Add, ReportUnauthorised: unauth.Add})
			if err != nil {
				t.Fatal(err)
			}
			if code := guarded(t, c.Handler(), tc.method, tc.path, body, tc.set); code != tc.code {
				t.Fatalf("answered %d, want %d", code, tc.code)
			}
			if rs := bad.All(); len(rs) != 0 {
				t.Errorf("reported %+v as malformed commands; want the guard's refusals apart", rs)
			}
			rs := unauth.All()
			if tc.reason == "" {
				if len(rs) != 0 {
					t.Fatalf("reported %+v; want nothing", rs)
				}
				return
			}
			if len(rs) != 1 || rs[0].N != 1 || !strings.Contains(rs[0].Latest, tc.reason) {
				t.Fatalf("reported %+v; want one refusal saying %q", rs, tc.reason)
			}
			if l := rs[0].Latest; strings.Contains(l, secret) || strings.Contains(l, wrongToken) || strings.Contains(l, testToken) {
				t.Errorf("the reason %q carries the body or a token", l)
			}
		})
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
