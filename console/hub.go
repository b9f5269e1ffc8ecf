package console

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// hub fans events out to stream clients. Each client has a bounded queue,
// and publish never waits for one: the robot must never wait for a browser.
// An ordinary event that does not fit a page's queue is dropped for that
// page (counted). An urgent event (see classify) is never dropped: when it
// does not fit, the hub closes that page's stream instead (counted), and
// the page, reconnecting, redraws from the backlog, which holds it.
//
// The backlog is a ring of recent events, so a page opened mid-session can
// draw the recent past at once; besides it, the hub pins the state a carer
// must see however long ago it began (the alerts not yet resolved, their
// acknowledgement, an opt-out in force), and a page that subscribes gets
// the pinned events that have left the ring before the ring itself. This
// is the alarm-system rule that an alarm condition stays presented until it
// ends, not until later events push it out of view (IEC 60601-1-8, latching
// alarm signals); the hub is the one owner of that state.
//
// An alarm condition ends when it is resolved (acknowledging it silences
// the page, but the alert stays pinned until then), or when the person
// opts out: an explicit choice to be left alone, which ends the episode in
// the robot too (it stops sensing and raises nothing more). The opt-out is
// then what is presented, pinned in the alerts' place, so a page opened
// later shows "opted out", not an alarm the robot can no longer resolve.
// Nothing else unpins an alert: not the person leaving the camera's view
// (who may have fallen), not a pause or a fault. A console serves one run,
// so a new session starts with nothing pinned.
type hub struct {
	bufSize int

	mu       sync.Mutex
	clients  map[*streamClient]struct{}
	backlog  []entry // ring of recent events (not poses)
	next     int
	full     bool
	seq      uint64 // of the latest non-pose event
	lastPose []byte
	// alerts are the pinned alert events of the open episode, by slot
	// (an alert's level, "ack", or a technical alert's "sense DEVICE"): the
	// latest of each. optOut is the
	// transition into opted-out while it is in force.
	alerts map[string]entry
	optOut *entry

	dropped  atomic.Uint64 // ordinary events a slow page missed
	resynced atomic.Uint64 // streams closed because an urgent event did not fit
}

// entry is an event and its place in the order of publication.
type entry struct {
	seq uint64
	msg []byte
}

type streamClient struct {
	ch      chan []byte
	dropped atomic.Uint64
	// resync is closed when an urgent event did not fit ch: the stream
	// must close so the page reconnects and reads the backlog.
	resync chan struct{}
}

// senseSlot starts the slot of a technical alert, then the device.
const senseSlot = "sense "

func newHub(backlog, buf int) *hub {
	return &hub{bufSize: buf, clients: map[*streamClient]struct{}{}, backlog: make([]entry, backlog),
		alerts: map[string]entry{}}
}

// pin says what an event does to the state the hub keeps outside the ring.
type pin int

const (
	pinNone     pin = iota
	pinAlert        // an alert of the open episode (any level but resolved), or its acknowledgement
	unpinAlerts     // resolved: the episode's alerts are no longer pinned
	pinOptOut       // into opted-out: it ends the episode, its alerts are no longer pinned
	unpinOptOut     // out of opted-out
)

// event is a published message as the hub sees it.
type event struct {
	msg  []byte
	pose bool // only the latest pose is kept, outside the ring
	// urgent events are delivered to every page or its stream is closed.
	urgent bool
	pin    pin
	slot   string // pinAlert: the latest event of each slot is kept
}

// classify says how the hub treats a record. Urgent: alerts of every level
// (resolved included), acknowledgements, and the transition into opted-out.
// The engine has one pain episode at a time (raised, maybe escalated, then
// resolved), so a pain alert's resolution ends every pinned pain alert. A
// technical alert (Sense: the camera, microphone or body lost) has its own slot,
// which only its own resolution ends: the camera back ends no pain alert,
// and pain eased leaves the robot blind all the same.
func classify(r journal.Record, msg []byte) event {
	ev := event{msg: msg}
	switch v := r.(type) {
	case journal.PoseSample:
		ev.pose = true
	case journal.Alert:
		ev.urgent, ev.pin, ev.slot = true, pinAlert, string(v.Level)
		if v.Sense != "" {
			ev.slot = senseSlot + v.Sense
		}
		if v.Level == journal.LevelResolved {
			ev.pin = unpinAlerts
			if v.Sense == "" {
				ev.slot = ""
			}
		}
	case journal.Acknowledgement:
		ev.urgent, ev.pin, ev.slot = true, pinAlert, "ack"
	case journal.Transition:
		switch {
		case v.To == string(behavior.StateOptedOut):
			ev.urgent, ev.pin = true, pinOptOut
		case v.From == string(behavior.StateOptedOut):
			ev.pin = unpinOptOut
		}
	}
	return ev
}

func (h *hub) publish(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.pose {
		h.lastPose = ev.msg
	} else {
		h.seq++
		e := entry{seq: h.seq, msg: ev.msg}
		h.backlog[h.next] = e
		h.next = (h.next + 1) % len(h.backlog)
		h.full = h.full || h.next == 0
		switch ev.pin {
		case pinAlert:
			h.alerts[ev.slot] = e
		case unpinAlerts:
			// A pain resolution (slot "") ends the pain alerts; a
			// technical one, its own slot.
			maps.DeleteFunc(h.alerts, func(slot string, _ entry) bool {
				return slot == ev.slot || (ev.slot == "" && !strings.HasPrefix(slot, senseSlot))
			})
		case pinOptOut:
			clear(h.alerts)
			h.optOut = &e
		case unpinOptOut:
			h.optOut = nil
		}
	}
	h.send(ev.msg, ev.urgent)
}

// send hands msg to every open page; h.mu is held. A page too slow to take
// an urgent one is not left without it: it loses its stream and reads the
// backlog again when it returns. Anything else it misses is counted.
func (h *hub) send(msg []byte, urgent bool) {
	for c := range h.clients {
		select {
		case c.ch <- msg:
		default:
			if urgent {
				delete(h.clients, c)
				close(c.resync)
				h.resynced.Add(1)
				continue
			}
			c.dropped.Add(1)
			h.dropped.Add(1)
		}
	}
}

// forget takes a deleted person out of what the hub holds: in each event
// of the backlog, the pinned alerts and an opt-out in force, every string
// that names them (their id, or their name, as a word) has it replaced by
// journal.DeletedPerson, as the journal does in fault messages. The
// events stay, so an alert about them stays pinned, naming nobody, until
// it is acknowledged or resolved. Then every open page is told, by
// forgotten, to do the same to what it shows; forgotten itself is not
// kept, so a page opened later never sees the id. A page too slow to take
// it loses its stream, as for an urgent event, and redraws from the
// backlog, already redacted.
func (h *hub) forget(forgotten []byte, who ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, e := range h.backlog {
		h.backlog[i].msg = redactEvent(e.msg, who)
	}
	for slot, e := range h.alerts {
		e.msg = redactEvent(e.msg, who)
		h.alerts[slot] = e
	}
	if h.optOut != nil {
		e := *h.optOut
		e.msg = redactEvent(e.msg, who)
		h.optOut = &e
	}
	h.send(forgotten, true)
}

// redactEvent is msg, a JSON object, with every string in it that names
// one of who replaced (journal.Redact); msg itself when none does, so the
// events of everyone else stay byte for byte as they were.
func redactEvent(msg []byte, who []string) []byte {
	if msg == nil {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(msg))
	d.UseNumber() // numbers stay as they were written
	var v any
	if d.Decode(&v) != nil {
		return msg
	}
	changed := false
	v = redactValue(v, who, &changed)
	if !changed {
		return msg
	}
	out, err := json.Marshal(v)
	if err != nil {
		return msg
	}
	return out
}

func redactValue(v any, who []string, changed *bool) any {
	switch x := v.(type) {
	case string:
		s := x
		for _, w := range who {
			s = journal.Redact(s, w)
		}
		*changed = *changed || s != x
		return s
	case map[string]any:
		for k, e := range x {
			x[k] = redactValue(e, who, changed)
		}
	case []any:
		for i, e := range x {
			x[i] = redactValue(e, who, changed)
		}
	}
	return v
}

// subscribe registers a client and returns what to send it first: the
// pinned events the ring no longer holds, in the order they were
// published, then the ring, then the latest pose.
func (h *hub) subscribe() (*streamClient, [][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := &streamClient{ch: make(chan []byte, h.bufSize), resync: make(chan struct{})}
	h.clients[c] = struct{}{}
	var ring []entry
	if h.full {
		ring = append(ring, h.backlog[h.next:]...)
	}
	ring = append(ring, h.backlog[:h.next]...)
	oldest := h.seq + 1 // the ring holds every event from oldest on
	if len(ring) > 0 {
		oldest = ring[0].seq
	}
	var pinned []entry
	for _, e := range h.alerts {
		if e.seq < oldest {
			pinned = append(pinned, e)
		}
	}
	if h.optOut != nil && h.optOut.seq < oldest {
		pinned = append(pinned, *h.optOut)
	}
	slices.SortFunc(pinned, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	past := make([][]byte, 0, len(pinned)+len(ring)+1)
	for _, e := range append(pinned, ring...) {
		past = append(past, e.msg)
	}
	if h.lastPose != nil {
		past = append(past, h.lastPose)
	}
	return c, past
}

func (h *hub) unsubscribe(c *streamClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

// writeTimeout drops a client whose socket stays blocked this long.
const writeTimeout = 5 * time.Second

// resyncReason is the close reason a page reads when its stream was closed
// so that an urgent event is not lost: it reconnects and redraws.
const resyncReason = "resync: an alert did not fit this page's queue"

func (c *Console) stream(w http.ResponseWriter, r *http.Request) {
	protos := []string{"kindred.v1"}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: protos})
	if err != nil {
		return // Accept has answered the client
	}
	defer conn.CloseNow()
	client, past := c.hub.subscribe()
	defer c.hub.unsubscribe(client)
	ctx := conn.CloseRead(r.Context())
	send := func(msg []byte) bool {
		wctx, cancel := context.WithTimeout(ctx, writeTimeout)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, msg) == nil
	}
	for _, msg := range past {
		if !send(msg) {
			return
		}
	}
	for {
		select {
		case msg := <-client.ch:
			if !send(msg) {
				return
			}
		case <-client.resync:
			conn.Close(websocket.StatusTryAgainLater, resyncReason)
			return
		case <-ctx.Done():
			conn.Close(websocket.StatusGoingAway, "console stopping")
			return
		}
	}
}
