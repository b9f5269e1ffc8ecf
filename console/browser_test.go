package console

import (
	"context"
	"math"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/console/consoletest"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// episode is a test harness standing in for the engine: a rising pain
// episode over 40 s of session time, the states the robot passes through,
// and the face it makes. It keeps the status the console reports.
type episode struct {
	mu     sync.Mutex
	status Status
}

func (e *episode) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *episode) play(c *Console) {
	states := []struct {
		at       time.Duration
		from, to string
	}{{0, "idle", "engaged"}, {12 * time.Second, "engaged", "concerned"}, {25 * time.Second, "concerned", "comforting"}}
	next := 0
	for i := 0; i <= 400; i++ {
		at := time.Duration(i) * 100 * time.Millisecond
		for next < len(states) && states[next].at <= at {
			s := states[next]
			c.Publish(journal.Transition{At: at, From: s.from, To: s.to, Reason: "pain rising"})
			e.mu.Lock()
			e.status.State = s.to
			e.mu.Unlock()
			next++
		}
		rise := min(1, at.Seconds()/35)
		it := journal.Items{Breathing: math.Round(rise * 1.6), Vocalisation: 2 * rise, Face: 2 * rise, Body: 1.6 * rise, Consolability: rise}
		a := journal.Assessment{At: at, Person: "p-ana", Score: it.Total(), Items: it, PSPI: 9 * rise,
			Band: perception.BandOf(it.Total()), Confidence: 0.9, Present: true,
			Cues: []string{"brow lowered", "eyes narrowed", "moaning"}[:1+int(rise*2)]}
		c.Publish(a)
		pose := journal.PoseSample{At: at, Joints: robot.Pose{robot.BrowInnerLeft: robot.Angle(15 * rise),
			robot.BrowInnerRight: robot.Angle(15 * rise), robot.MouthCornerLeft: robot.Angle(-12 * rise),
			robot.MouthCornerRight: robot.Angle(-12 * rise), robot.HeadTilt: robot.Angle(-8 * rise),
			robot.HeadRoll: robot.Angle(10 * rise), robot.LidLeft: -10, robot.LidRight: -10, robot.Jaw: 3}}
		c.Publish(pose)
		e.mu.Lock()
		e.status.Person, e.status.Assessment, e.status.Joints = "p-ana", &a, pose.Joints
		e.status.Present = &Present{ID: "p-ana", Name: "Ana", Resident: true, Calibrated: true, Assumed: true}
		e.status.Residents = []Resident{{ID: "p-ana", Name: "Ana", Calibrated: true}}
		// Only the left lid's range is known: at its minimum the eye is shut.
		e.status.Ranges = RangesOf([]robot.JointSpec{{ID: robot.LidLeft, Min: -10, Max: 30, Neutral: 20}})
		e.mu.Unlock()
	}
	c.Publish(journal.SelfReport{At: 39 * time.Second, Question: "call", Outcome: "asked", AnswerBy: "nod", Attempt: 2})
	c.Publish(journal.Utterance{At: 40 * time.Second, Intent: "comfort", Text: "I can see this hurts. I'm staying with you.", ID: "7", Pending: true})
	c.Publish(journal.Alert{At: 40 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 8, Reason: "severe pain for 10 s"})
}

func episodeConsole(t *testing.T) (*Console, *httptest.Server) {
	ep := &episode{}
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Status: ep.Status, Sessions: &fakeStore{t: t}})
	ep.play(c)
	return c, srv
}

func TestBrowserShowsStateAndGauge(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	_, srv := episodeConsole(t)
	out, err := consoletest.DumpDOM(t, srv.URL+"/", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	dom := string(out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`id="state">comforting<`),
		regexp.MustCompile(`id="gauge"[^>]*data-score="8\.6"`),
		regexp.MustCompile(`id="gauge"[^>]*data-band="severe"`),
		regexp.MustCompile(`<li>moaning</li>`),
		// Who is assumed present, by name, and on whose baseline; one click
		// corrects it.
		regexp.MustCompile(`id="person">Ana<`),
		regexp.MustCompile(`id="baseline">\(calibrated, assumed\)<`),
		regexp.MustCompile(`data-person="p-ana">This is Ana<`),
		regexp.MustCompile(`ALERT urgent: severe pain for 10 s`),
		regexp.MustCompile(`I can see this hurts`),
		// A repeat put by nod says so (issue 16).
		regexp.MustCompile(`asked whether to call someone \(again, by nod\)`),
		regexp.MustCompile(`id="conn" class="pill good">live<`),
		regexp.MustCompile(`id="lid-left"[^>]*height="26\.0"`),  // shut: at the bottom of its range
		regexp.MustCompile(`id="lid-right"[^>]*height="10\.8"`), // no range: -10° from three quarters open
	} {
		if !want.MatchString(dom) {
			t.Errorf("page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("page: %s", consoletest.SaveArtifact(t, "console-dom.html", out))
	}
}

func TestBrowserPauseButtonPostsControl(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	c, srv := episodeConsole(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b := consoletest.Open(t, srv.URL+"/")

	// Wait until the page has drawn the episode and holds its token.
	ready := `document.getElementById("state").textContent === "comforting" &&
		document.getElementById("gauge").dataset.band === "severe" && document.getElementById("conn").textContent === "live" && "ready"`
	if v, err := b.WaitFor(ready, 30*time.Second); err != nil || v != "ready" {
		t.Fatalf("page not ready: %q %v", v, err)
	}
	png, err := b.Screenshot()
	if err != nil || len(png) < 10000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	t.Logf("screenshot: %s", consoletest.SaveArtifact(t, "console-pain-episode.png", png))

	if err := b.Click("#pause"); err != nil {
		t.Fatal(err)
	}
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != behavior.CmdPause {
			t.Fatalf("engine got %q, want pause", ctl.Cmd)
		}
	case <-ctx.Done():
		t.Fatal("clicking Pause posted nothing")
	}
	// Approving the pending proposal posts approve with its numeric ID.
	if err := b.Click("#proposals button"); err != nil {
		t.Fatal(err)
	}
	select {
	case ctl := <-c.Controls():
		if ctl.Cmd != behavior.CmdApprove || ctl.ID != 7 {
			t.Fatalf("engine got %+v, want approve 7", ctl)
		}
	case <-ctx.Done():
		t.Fatal("clicking Approve posted nothing")
	}
	approved := `document.getElementById("proposals").textContent.includes("nothing pending") && document.getElementById("feedback").textContent`
	if fb, err := b.WaitFor(approved, 30*time.Second); err != nil || fb != "approve sent" {
		t.Errorf("after approving: feedback %q, %v", fb, err)
	}
}

// When the console closes the page's stream (as it does rather than drop an
// alert the page is too slow for), the page reconnects, redraws from what
// the console sends first (here the alert, pinned though it has left the
// ring of 8), shows nothing twice, and says the view was resynced.
func TestBrowserResyncsWhenTheStreamCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	consoletest.NeedChromium(t)
	c, srv := newTestConsole(t, Opts{Robot: "kiri", Backlog: 8})
	c.Publish(journal.Transition{At: 30 * time.Second, From: "concerned", To: "comforting", Reason: "pain persists"})
	c.Publish(hubAlert)
	b := consoletest.Open(t, srv.URL+"/")
	banner := `!document.getElementById("alert-banner").classList.contains("hidden")`
	alerts := `[...document.querySelectorAll("#log li")].filter((li) => li.textContent.includes("ALERT urgent")).length`
	ready := `document.getElementById("conn").textContent === "live" && ` + banner + ` && ` + alerts + ` === 1 && "ready"`
	if v, err := b.WaitFor(ready, 30*time.Second); err != nil || v != "ready" {
		t.Fatalf("page not ready: %q %v", v, err)
	}
	for i := range 20 { // the alert leaves the ring
		c.Publish(assessmentAt(410 + i))
	}
	c.hub.closeStreams()
	resynced := `document.body.dataset.resyncs === "1" && document.getElementById("conn").textContent.startsWith("live · resynced") && "resynced"`
	if v, err := b.WaitFor(resynced, 30*time.Second); err != nil || v != "resynced" {
		t.Fatalf("page did not resync: %q %v", v, err)
	}
	got := `[` + banner + `, ` + alerts + `, document.getElementById("feedback").textContent].join("|")`
	var v string
	var err error
	for range 50 { // the backlog follows the reconnection
		if v, err = b.Eval(got); err == nil && strings.HasPrefix(v, "true|1|view resynced") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("after the resync: banner shown|urgent alerts in the log|feedback = %q, %v; want true|1|view resynced…", v, err)
}
