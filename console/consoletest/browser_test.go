package consoletest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// page has a button that counts real clicks, one hidden under an overlay,
// one disabled, and a field a timer fills in later.
const page = `<!doctype html><html><body>
<button id="ok" onclick="this.dataset.n = Number(this.dataset.n || 0) + 1; fetch('/clicked', {method: 'POST'})">ok</button>
<button id="covered" style="position: absolute; top: 200px; left: 10px">covered</button>
<div style="position: absolute; top: 190px; left: 0; width: 300px; height: 60px; background: #fff"></div>
<button id="off" disabled>off</button>
<p id="later"></p>
<script>setTimeout(() => { document.getElementById("later").textContent = "filled"; }, 300);</script>
</body></html>`

func TestBrowser(t *testing.T) {
	clicks := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/clicked" {
			clicks <- struct{}{}
			return
		}
		io.WriteString(w, page)
	}))
	defer srv.Close()
	b := Open(t, srv.URL+"/")

	if v, err := b.WaitFor(`document.getElementById("later").textContent`, 10*time.Second); err != nil || v != "filled" {
		t.Fatalf("WaitFor = %q, %v; want filled", v, err)
	}
	if err := b.Click("#ok"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-clicks:
	case <-time.After(10 * time.Second): // the browser's fetch, an external process
		t.Fatal("the click ran no handler")
	}
	if n, err := b.Eval(`Number(document.getElementById("ok").dataset.n)`); err != nil || n != "1" {
		t.Errorf("one click counted %s, %v", n, err)
	}

	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"exception", func() error { _, err := b.Eval(`null.x`); return err }, "TypeError"},
		{"rejection", func() error { _, err := b.Eval(`Promise.reject(new Error("nope"))`); return err }, "nope"},
		{"never true", func() error { _, err := b.WaitFor(`document.getElementById("none")`, 200*time.Millisecond); return err }, "not true after 200ms"},
		{"missing", func() error { return b.Click("#none") }, "no element #none"},
		{"covered", func() error { return b.Click("#covered") }, "is covered by <div"},
		{"disabled", func() error { return b.Click("#off") }, "is disabled"},
		{"bad method", func() error { _, err := b.Call("No.such", nil); return err }, "No.such"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	select {
	case <-clicks:
		t.Error("a refused click reached the page")
	default:
	}

	png, err := b.Screenshot()
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("screenshot %d bytes, %v", len(png), err)
	}
}
