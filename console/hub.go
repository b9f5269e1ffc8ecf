package console

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// hub fans events out to stream clients. Each client has a bounded queue; a
// client that cannot keep up misses events (counted) rather than slowing
// the robot down. It keeps a backlog so a page opened mid-session can draw
// the recent past at once.
type hub struct {
	bufSize int

	mu       sync.Mutex
	clients  map[*streamClient]struct{}
	backlog  [][]byte // ring of recent events (not poses)
	next     int
	full     bool
	lastPose []byte

	dropped atomic.Uint64
}

type streamClient struct {
	ch      chan []byte
	dropped atomic.Uint64
}

func newHub(backlog, buf int) *hub {
	return &hub{bufSize: buf, clients: map[*streamClient]struct{}{}, backlog: make([][]byte, backlog)}
}

func (h *hub) publish(msg []byte, pose bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if pose {
		h.lastPose = msg
	} else {
		h.backlog[h.next] = msg
		h.next = (h.next + 1) % len(h.backlog)
		h.full = h.full || h.next == 0
	}
	for c := range h.clients {
		select {
		case c.ch <- msg:
		default:
			c.dropped.Add(1)
			h.dropped.Add(1)
		}
	}
}

// subscribe registers a client and returns the backlog to send it first.
func (h *hub) subscribe() (*streamClient, [][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := &streamClient{ch: make(chan []byte, h.bufSize)}
	h.clients[c] = struct{}{}
	var past [][]byte
	if h.full {
		past = append(past, h.backlog[h.next:]...)
	}
	past = append(past, h.backlog[:h.next]...)
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
		case <-ctx.Done():
			conn.Close(websocket.StatusGoingAway, "console stopping")
			return
		}
	}
}
