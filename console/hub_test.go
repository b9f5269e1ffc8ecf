package console

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/kindred-hri/kindred/journal"
)

// Records the hub tests publish.
var (
	hubAlert   = journal.Alert{At: 40 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 8, Reason: "severe pain for 10 s"}
	hubWarning = journal.Alert{At: 30 * time.Second, Person: "p-ana", Level: journal.LevelWarning, Score: 6, Reason: "pain not easing"}
	hubAck     = journal.Acknowledgement{At: 45 * time.Second, By: "Sam", Person: "p-ana", AlertLevel: journal.LevelUrgent, Score: 8}
	hubEased   = journal.Alert{At: 90 * time.Second, Person: "p-ana", Level: journal.LevelResolved, Score: 2, Reason: "pain eased to 2.0"}
	hubOptOut  = journal.Transition{At: 50 * time.Second, From: "attending", To: "opted_out", Reason: "said stop"}
	hubOptIn   = journal.Transition{At: 95 * time.Second, From: "opted_out", To: "idle", Reason: "opted in"}
	hubBlind   = journal.Alert{At: 35 * time.Second, Level: journal.LevelWarning, Reason: "camera lost for 2m0s: the robot cannot see", Sense: "camera"}
	hubSees    = journal.Alert{At: 80 * time.Second, Level: journal.LevelResolved, Reason: "camera back after 3m0s: the robot can see again", Sense: "camera"}
)

// pub publishes r on h as Console.Publish does and returns its JSON.
func pub(t *testing.T, h *hub, r journal.Record) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	h.publish(classify(r, b))
	return b
}

func assessmentAt(i int) journal.Assessment {
	return journal.Assessment{At: time.Duration(i) * 100 * time.Millisecond, Person: "p-ana", Score: 3}
}

// closed reports whether ch is closed.
func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func indexOf(msgs [][]byte, msg []byte) int {
	for i, m := range msgs {
		if bytes.Equal(m, msg) {
			return i
		}
	}
	return -1
}

// A page whose queue is full when an urgent event is published either
// receives it or loses its stream and receives it on resubscribing: never
// neither. An ordinary event is dropped for it, as before.
func TestSlowPageNeverMissesAnUrgentEvent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rec    journal.Record
		urgent bool
	}{
		{"urgent alert", hubAlert, true},
		{"warning", hubWarning, true},
		{"resolved", hubEased, true},
		{"acknowledgement", hubAck, true},
		{"into opted-out", hubOptOut, true},
		{"assessment", assessmentAt(99), false},
		{"out of opted-out", hubOptIn, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(8, 2)
			slow, _ := h.subscribe()
			pub(t, h, assessmentAt(1))
			pub(t, h, assessmentAt(2)) // slow's queue is full
			msg := pub(t, h, tc.rec)
			var got [][]byte
			for len(slow.ch) > 0 {
				got = append(got, <-slow.ch)
			}
			received := indexOf(got, msg) >= 0
			_, again := h.subscribe()
			resynced := closed(slow.resync) && indexOf(again, msg) >= 0
			if !tc.urgent {
				if received || closed(slow.resync) || slow.dropped.Load() != 1 {
					t.Fatalf("ordinary event: received %v, stream closed %v, dropped %d; want dropped once, stream open",
						received, closed(slow.resync), slow.dropped.Load())
				}
				return
			}
			if !received && !resynced {
				t.Fatalf("the slow page neither received %s nor was closed to resync (closed %v, dropped %d)",
					msg, closed(slow.resync), slow.dropped.Load())
			}
			if r := h.resynced.Load(); r != 1 || slow.dropped.Load() != 0 {
				t.Errorf("resynced %d, dropped %d; want 1, 0", r, slow.dropped.Load())
			}
			if pub(t, h, assessmentAt(3)); len(slow.ch) != 0 {
				t.Errorf("a closed page still gets events")
			}
		})
	}
}

// A page that subscribes after more events than the ring holds still
// receives the unresolved alerts (and their acknowledgement) and an opt-out
// in force, first and in the order they came; a resolved alert, an alert
// the person opted out of, and an ended opt-out, are no longer pinned.
// With the opt-out not unpinning, "alert, then opt-out" and "acknowledged,
// then opt-out" fail (the alert stays on a new page's banner).
func TestUnresolvedAlertOutlivesTheRing(t *testing.T) {
	const ring = 4
	for _, tc := range []struct {
		name string
		recs []journal.Record
		want []journal.Record // pinned, before the ring
	}{
		{"urgent alert", []journal.Record{hubAlert}, []journal.Record{hubAlert}},
		{"escalated", []journal.Record{hubWarning, hubAlert}, []journal.Record{hubWarning, hubAlert}},
		{"acknowledged, not resolved", []journal.Record{hubAlert, hubAck}, []journal.Record{hubAlert, hubAck}},
		{"raised again", []journal.Record{hubAlert, hubAck, hubAlert}, []journal.Record{hubAck, hubAlert}},
		{"resolved", []journal.Record{hubWarning, hubAlert, hubAck, hubEased}, nil},
		{"opt-out in force", []journal.Record{hubAlert, hubEased, hubOptOut}, []journal.Record{hubOptOut}},
		{"opt-out ended", []journal.Record{hubOptOut, hubOptIn}, nil},
		// The person's explicit opt-out ends the episode: it is what a page
		// opened later shows, not the alert.
		{"alert, then opt-out", []journal.Record{hubAlert, hubOptOut}, []journal.Record{hubOptOut}},
		{"acknowledged, then opt-out", []journal.Record{hubWarning, hubAlert, hubAck, hubOptOut}, []journal.Record{hubOptOut}},
		{"opt-out, then back in", []journal.Record{hubAlert, hubOptOut, hubOptIn}, nil},
		{"a new episode after the opt-out", []journal.Record{hubWarning, hubOptOut, hubOptIn, hubAlert}, []journal.Record{hubAlert}},
		// Nothing else ends it: not the person leaving, a pause or a fault.
		{"alert, then the person left", []journal.Record{hubAlert,
			journal.Transition{At: 60 * time.Second, From: "alerting", To: "idle", Reason: "left"}}, []journal.Record{hubAlert}},
		{"alert, then paused", []journal.Record{hubAlert,
			journal.Transition{At: 60 * time.Second, From: "alerting", To: "paused", Reason: "console pause"}}, []journal.Record{hubAlert}},
		// A technical alert (the camera lost) is apart from the pain
		// episode: neither's resolution ends the other, and a warning of
		// one does not replace the other's. Without its own slot each of
		// these fails.
		{"camera lost beside a pain warning", []journal.Record{hubWarning, hubBlind}, []journal.Record{hubWarning, hubBlind}},
		{"camera back, pain goes on", []journal.Record{hubAlert, hubBlind, hubSees}, []journal.Record{hubAlert}},
		{"pain eased, camera still lost", []journal.Record{hubBlind, hubAlert, hubEased}, []journal.Record{hubBlind}},
		{"camera lost, then opt-out", []journal.Record{hubBlind, hubOptOut}, []journal.Record{hubOptOut}},
		{"alert, then a fault", []journal.Record{hubAlert,
			journal.Transition{At: 60 * time.Second, From: "alerting", To: "fault", Reason: "servo"}}, []journal.Record{hubAlert}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(ring, 2)
			for i, r := range tc.recs {
				pub(t, h, r)
				for j := range ring { // each pushes the one before out of the ring
					pub(t, h, assessmentAt(10*i+j))
				}
			}
			_, past := h.subscribe()
			var want [][]byte
			for _, r := range tc.want {
				b, _ := json.Marshal(r)
				want = append(want, b)
			}
			if len(past) != len(want)+ring {
				t.Fatalf("got %d events, want %d pinned and the ring of %d:\n%s", len(past), len(want), ring, bytes.Join(past, []byte("\n")))
			}
			for i, w := range want {
				if !bytes.Equal(past[i], w) {
					t.Errorf("event %d is %s, want %s", i, past[i], w)
				}
			}
		})
	}
}

// A pinned event still in the ring is sent once, in its place there.
func TestPinnedEventInTheRingIsSentOnce(t *testing.T) {
	h := newHub(4, 2)
	pub(t, h, assessmentAt(1))
	alert := pub(t, h, hubAlert)
	pub(t, h, assessmentAt(2))
	_, past := h.subscribe()
	if n := bytes.Count(bytes.Join(past, nil), alert); n != 1 || indexOf(past, alert) != 1 {
		t.Fatalf("alert sent %d times, at %d; want once, at 1", n, indexOf(past, alert))
	}
}

// Over a real socket: a page that stops reading while large events fill
// its socket and its queue misses ordinary events, but the urgent alert
// published then reaches it, in the stream or, after the console closes
// the stream (1013, try again later), in the backlog when it reconnects.
func TestStreamResyncsASlowPageForAnAlert(t *testing.T) {
	c, srv := newTestConsole(t, Opts{Backlog: 4, ClientBuffer: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dial := func() *websocket.Conn {
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/api/v1/stream",
			&websocket.DialOptions{Subprotocols: []string{"kindred.v1", "bearer." + testToken}})
		if err != nil {
			t.Fatal(err)
		}
		conn.SetReadLimit(1 << 20)
		t.Cleanup(func() { conn.CloseNow() })
		return conn
	}
	conn := dial()
	for c.Stats().Clients != 1 {
		time.Sleep(time.Millisecond)
	}
	// Faults of 256 KiB, unread, until the page's queue overflows.
	big := journal.Fault{Component: "test", Message: strings.Repeat("x", 256<<10)}
	for i := 0; c.Stats().Dropped == 0; i++ {
		if i == 400 {
			t.Fatal("100 MiB published and the page's queue never filled")
		}
		big.At = time.Duration(i) * time.Millisecond
		c.Publish(big)
	}
	c.Publish(hubAlert)
	want := `"level":"urgent"`
	for {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			if s := websocket.CloseStatus(err); s != websocket.StatusTryAgainLater {
				t.Fatalf("stream ended with %v (status %v) before the alert", err, s)
			}
			break
		}
		if strings.Contains(string(msg), want) {
			t.Logf("the alert came in the stream")
			return
		}
	}
	if st := c.Stats(); st.Resynced != 1 {
		t.Errorf("resynced %d, want 1", st.Resynced)
	}
	again := dial()
	for {
		_, msg, err := again.Read(ctx)
		if err != nil {
			t.Fatalf("the alert is not in the backlog of a reconnected page: %v", err)
		}
		if strings.Contains(string(msg), want) {
			return
		}
	}
}

// closeStreams closes every page's stream as publish does for an urgent
// event that does not fit a page's queue.
func (h *hub) closeStreams() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		delete(h.clients, c)
		close(c.resync)
		h.resynced.Add(1)
	}
}
