package console

import (
	"fmt"
	"github.com/kindred-hri/kindred/internal/refusals/refusalstest"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/kindred-hri/kindred/internal/refusals"
)

// postControl sends a control request straight to the handler (no network,
// so it runs inside a synctest bubble) and returns the status code.
func postControl(t *testing.T, h http.Handler, body io.Reader, ctype string) int {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/control", body)
	req.Host = "localhost"
	req.Header.Set("Authorization", "Bearer "+testToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// failingBody is a body the client stops sending halfway.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// Every control request the console answers without passing it on is
// reported, with why; a command passed on is not.
func TestControlRefusalsAreReported(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   io.Reader
		ctype  string
		code   int
		reason string // in the report; "" for none
	}{
		{"a command", strings.NewReader(`{"cmd":"opt_in"}`), "application/json", http.StatusAccepted, ""},
		{"not JSON", strings.NewReader(`not json`), "application/json", http.StatusBadRequest, "not a JSON object"},
		{"not a command", strings.NewReader(`{"cmd":"dance"}`), "application/json", http.StatusBadRequest, `unknown cmd "dance"`},
		{"too large", strings.NewReader(`{"cmd":"say","text":"` + strings.Repeat("x", maxControlBody) + `"}`), "application/json",
			http.StatusRequestEntityTooLarge, "body too large"},
		{"cut short", failingBody{}, "application/json", http.StatusBadRequest, "cannot read the body"},
		{"not JSON's type", strings.NewReader(`{"cmd":"opt_in"}`), "text/plain", http.StatusUnsupportedMediaType, "Content-Type"},
		{"not taken", strings.NewReader(`{"cmd":"opt_in"}`), "application/json", http.StatusServiceUnavailable, "not taking commands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got refusalstest.Recorder
			c, err := New(Opts{Token: testToken, Controls: 1, ReportRefusals: got.Add})
			if err != nil {
				t.Fatal(err)
			}
			h := c.Handler()
			if tc.code == http.StatusServiceUnavailable {
				postControl(t, h, strings.NewReader(`{"cmd":"opt_in"}`), "application/json") // fills Controls
			}
			if code := postControl(t, h, tc.body, tc.ctype); code != tc.code {
				t.Fatalf("answered %d, want %d", code, tc.code)
			}
			rs := got.All()
			if tc.reason == "" {
				if len(rs) != 0 {
					t.Fatalf("reported %+v for a command passed on", rs)
				}
				return
			}
			if len(rs) != 1 || rs[0].N != 1 || !strings.Contains(rs[0].Latest, tc.reason) {
				t.Fatalf("reported %+v; want one refusal saying %q", rs, tc.reason)
			}
		})
	}
}

// A flood of malformed control requests is reported coalesced: the first
// at once, then at most one report per RefusalEvery with the count since
// the last and the latest reason; a quiet spell ends the window (the next
// is reported at once again); FlushRefusals reports what is pending, so
// every refusal is counted exactly once. Fails with every refusal
// reported on its own, and with none reported.
func TestRefusedControlsAreReportedCoalesced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got refusalstest.Recorder
		c, err := New(Opts{Token: testToken, ReportRefusals: got.Add, RefusalEvery: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		h := c.Handler()
		bad := func(n int, cmd string) {
			t.Helper()
			for range n {
				if code := postControl(t, h, strings.NewReader(`{"cmd":"`+cmd+`"}`), "application/json"); code != http.StatusBadRequest {
					t.Fatalf("%s: answered %d, want 400", cmd, code)
				}
			}
		}
		check := func(when string, want ...refusalstest.Report) {
			t.Helper()
			synctest.Wait()
			rs := got.All()
			if len(rs) != len(want) {
				t.Fatalf("%s: %d refusalstest.Recorder %+v, want %d", when, len(rs), rs, len(want))
			}
			for i, w := range want {
				if rs[i].N != w.N || !strings.Contains(rs[i].Latest, w.Latest) {
					t.Fatalf("%s: report %d is %+v, want %d refusals, the latest saying %q", when, i, rs[i], w.N, w.Latest)
				}
			}
		}
		first := refusalstest.Report{N: 1, Latest: `unknown cmd "first"`}
		bad(1, "first")
		check("the first, at once", first)
		bad(4, "burst")
		bad(1, "last")
		check("a burst in the window", first)
		time.Sleep(10 * time.Second)
		burst := refusalstest.Report{N: 5, Latest: `unknown cmd "last"`}
		check("the window's end", first, burst)
		time.Sleep(2 * time.Second)
		bad(3, "later")
		check("during the next window", first, burst)
		time.Sleep(8 * time.Second)
		later := refusalstest.Report{N: 3, Latest: `unknown cmd "later"`}
		check("the next window's end", first, burst, later)
		time.Sleep(25 * time.Second) // a window with nothing: quiet again
		check("a quiet spell", first, burst, later)
		bad(1, "again")
		again := refusalstest.Report{N: 1, Latest: `unknown cmd "again"`}
		check("after a quiet spell, at once", first, burst, later, again)
		bad(2, "pending")
		c.FlushRefusals()
		flushed := refusalstest.Report{N: 2, Latest: `unknown cmd "pending"`}
		check("the flush", first, burst, later, again, flushed)
		time.Sleep(time.Minute)
		check("after the flush", first, burst, later, again, flushed)
		total := 0
		for _, r := range got.All() {
			total += r.N
		}
		if total != 12 {
			t.Errorf("refusalstest.Recorder count %d refusals, 12 were sent", total)
		}
	})
}

// The latest reason is the client's words in part (an unknown cmd): it is
// bounded, whole runes, so a client cannot write a long line into the
// fault log.
func TestRefusalReasonIsBounded(t *testing.T) {
	var got refusalstest.Recorder
	c, err := New(Opts{Token: testToken, ReportRefusals: got.Add})
	if err != nil {
		t.Fatal(err)
	}
	cmd := strings.Repeat("é", 3000)
	if code := postControl(t, c.Handler(), strings.NewReader(fmt.Sprintf(`{"cmd":%q}`, cmd)), ""); code != http.StatusBadRequest {
		t.Fatalf("answered %d, want 400", code)
	}
	rs := got.All()
	if len(rs) != 1 || len(rs[0].Latest) > refusals.MaxReason+len("…") || !utf8.ValidString(rs[0].Latest) || !strings.HasSuffix(rs[0].Latest, "…") {
		t.Fatalf("reported %+v; want one reason of at most %d bytes, valid UTF-8, marked as cut", rs, refusals.MaxReason)
	}
}
