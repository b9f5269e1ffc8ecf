package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/console/consoletest"
	"github.com/kindred-hri/kindred/perception"

	"github.com/kindred-hri/kindred/internal/staged"
)

// episode is a made-up 30 s analysis at 10 fps: PSPI rises to 8 at 20 s and
// falls, the face is lost from 10 to 12 s, and the expression reads pain
// while PSPI is above 4.
func episode() *analysis {
	res := &analysis{Video: &videoSummary{File: "episode.mp4", Frames: 300, FPS: 10}}
	for i := range 300 {
		r := FrameRow{Frame: i, At: time.Duration(i) * 100 * time.Millisecond}
		if i < 100 || i >= 120 {
			pspi := math.Round(max(0, 8-math.Abs(float64(i-200))/10)*100) / 100
			f := &perception.FaceObs{Track: 1, PSPI: pspi, Expression: perception.ExprNeutral}
			f.AU.AU04, f.AU.AU06, f.AU.AU10, f.AU.AU12 = pspi/4, pspi/4, pspi/8, 1
			if pspi > 4 {
				f.Expression = perception.ExprPain
			}
			r.Face = f
		}
		pain := math.Round(float64(i)/30*100) / 100
		r.Pain = &pain
		res.series = append(res.series, r)
	}
	return res
}

func TestReportDataLeavesOutEmptyPanels(t *testing.T) {
	voiceOnly := &analysis{series: []FrameRow{{At: 0, Pain: new(2.0)}, {At: 100 * time.Millisecond}}}
	cases := []struct {
		name   string
		res    *analysis
		panels []string
	}{
		{"video", episode(), []string{"pspi", "pain", "au", "expr"}},
		{"audio alone", voiceOnly, []string{"pain"}},
	}
	for _, c := range cases {
		d := newReportData(c.res)
		var got []string
		for _, p := range d.Panels {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, c.panels) {
			t.Errorf("%s: panels %v, want %v", c.name, got, c.panels)
		}
	}
}

// TestReportHTMLInteractive opens the report in headless Chromium: it loads
// without a page error or a fetch, draws every series, shows a frame's
// values under the mouse, and zooms by wheel and by dragging.
func TestReportHTMLInteractive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	res := episode()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	outs := &staged.Outputs{}
	if err := writeReport(outs, path, res); err != nil {
		t.Fatal(err)
	}
	if err := outs.Commit(); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, fetch := range []string{"<link", " src=", "@import", "url(http", "fetch(", "XMLHttpRequest"} {
		if strings.Contains(string(page), fetch) {
			t.Errorf("report contains %q: it must fetch nothing", fetch)
		}
	}
	// The page under test records its errors from the first script on.
	probe := strings.Replace(string(page), "<head>", `<head><script>window.__errors=[];addEventListener("error",e=>__errors.push(String(e.message)));</script>`, 1)
	probed := filepath.Join(dir, "probed.html")
	if err := os.WriteFile(probed, []byte(probe), 0o600); err != nil {
		t.Fatal(err)
	}
	b := consoletest.Open(t, "file://"+probed)
	if err := b.SetViewport(1400, 1000); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitFor(`document.body.dataset.ready === "1"`, 10*time.Second); err != nil {
		errs, _ := b.Eval(`JSON.stringify(window.__errors)`)
		t.Fatalf("report never ready: %v; page errors %s", err, errs)
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := b.Eval(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	if errs := eval(`JSON.stringify(window.__errors)`); errs != "[]" {
		t.Errorf("page errors: %s", errs)
	}
	if n := eval(`String(performance.getEntriesByType("resource").length)`); n != "0" {
		t.Errorf("the page fetched %s resources, want none", n)
	}

	series := eval(`[...document.querySelectorAll("#plots path.series")].filter(p => p.getAttribute("d").length > 100).map(p => p.dataset.series).sort().join(",")`)
	var want []string
	for _, s := range reportSeries {
		want = append(want, s.id)
	}
	slices.Sort(want)
	if series != strings.Join(want, ",") {
		t.Errorf("drawn series %q, want %q", series, strings.Join(want, ","))
	}
	if got := eval(`[...new Set([...document.querySelectorAll("#plots rect.expr")].map(r => r.dataset.label))].sort().join(",")`); got != "neutral,pain" {
		t.Errorf("expression strip labels %q, want neutral,pain", got)
	}
	if got := eval(`String(document.querySelectorAll("#legend input").length)`); got != strconv.Itoa(len(reportSeries)+1) {
		t.Errorf("%s legend entries, want one per series and the expression", got)
	}

	// plotAt is the page point at fraction f across the PSPI plot's area.
	plotAt := func(f float64) (x, y float64) {
		t.Helper()
		v := eval(fmt.Sprintf(`(() => { const r = document.querySelector('svg[data-panel="pspi"]').getBoundingClientRect();
			return JSON.stringify({x: r.left + 44 + %g * (r.width - 56), y: r.top + 20 + 80}); })()`, f))
		var p struct{ X, Y float64 }
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			t.Fatal(err)
		}
		return p.X, p.Y
	}
	mouse := func(kind string, x, y float64, extra map[string]any) {
		t.Helper()
		ev := map[string]any{"type": kind, "x": x, "y": y}
		for k, v := range extra {
			ev[k] = v
		}
		if _, err := b.Call("Input.dispatchMouseEvent", ev); err != nil {
			t.Fatal(err)
		}
	}
	rangeNow := func() (float64, float64) {
		t.Helper()
		x0, err0 := strconv.ParseFloat(eval(`document.getElementById("plots").dataset.x0`), 64)
		x1, err1 := strconv.ParseFloat(eval(`document.getElementById("plots").dataset.x1`), 64)
		if err0 != nil || err1 != nil {
			t.Fatalf("visible range: %v %v", err0, err1)
		}
		return x0, x1
	}

	// Hover at 70% of 29.9 s: frame 209, whose PSPI the read-out must show.
	x, y := plotAt(0.7)
	mouse("mouseMoved", x, y, nil)
	frame, err := strconv.Atoi(eval(`document.getElementById("readout").dataset.frame || "-1"`))
	if err != nil || frame < 205 || frame > 213 {
		t.Fatalf("read-out frame %d (%v), want about 209", frame, err)
	}
	shown := eval(`document.querySelector('#readout [data-series="pspi"]').dataset.value`)
	if want := strconv.FormatFloat(res.series[frame].Face.PSPI, 'f', -1, 64); shown != want {
		t.Errorf("read-out PSPI at frame %d is %q, want %s", frame, shown, want)
	}
	shot, err := b.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", consoletest.SaveArtifact(t, "analyze-report.png", shot))
	t.Logf("page: %s", consoletest.SaveArtifact(t, "analyze-report.html", page))

	// The wheel zooms in around the mouse.
	a0, a1 := rangeNow()
	mouse("mouseWheel", x, y, map[string]any{"deltaX": 0, "deltaY": -120})
	b0, b1 := rangeNow()
	at := res.series[frame].At.Seconds()
	if b1-b0 >= 0.9*(a1-a0) || at < b0 || at > b1 {
		t.Errorf("wheel: range %.2f–%.2f s became %.2f–%.2f s, want a narrower one around %.2f s", a0, a1, b0, b1, at)
	}

	// Reset, then drag from 25% to 50% of the width: 7.5 s to 15 s.
	if err := b.Click("#reset"); err != nil {
		t.Fatal(err)
	}
	if c0, c1 := rangeNow(); c0 != a0 || c1 != a1 {
		t.Errorf("reset: range %.2f–%.2f s, want %.2f–%.2f s", c0, c1, a0, a1)
	}
	sx, sy := plotAt(0.25)
	ex, _ := plotAt(0.5)
	mouse("mousePressed", sx, sy, map[string]any{"button": "left", "buttons": 1, "clickCount": 1})
	mouse("mouseMoved", (sx+ex)/2, sy, map[string]any{"buttons": 1})
	mouse("mouseMoved", ex, sy, map[string]any{"buttons": 1})
	mouse("mouseReleased", ex, sy, map[string]any{"button": "left", "buttons": 0, "clickCount": 1})
	d0, d1 := rangeNow()
	if math.Abs(d0-0.25*a1) > 0.3 || math.Abs(d1-0.5*a1) > 0.3 {
		t.Errorf("drag: range %.2f–%.2f s, want about %.2f–%.2f s", d0, d1, 0.25*a1, 0.5*a1)
	}
	if got := eval(`String(document.querySelectorAll('#plots path.series[data-series="pspi"]').length)`); got != "1" {
		t.Errorf("after zooming, %s PSPI curves, want 1", got)
	}
}
