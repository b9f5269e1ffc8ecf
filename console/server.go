package console

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAddr is where Serve listens when given no address.
const DefaultAddr = "127.0.0.1:8080"

// ErrPlainHTTP is Serve's answer to an address beyond loopback without TLS
// and without InsecureHTTP: the token and a person's pain would cross the
// care home's network in clear.
var ErrPlainHTTP = errors.New("console: an address beyond loopback needs TLS (a certificate and key) or plain HTTP allowed explicitly")

// Loopback says whether a listen address only accepts connections from
// this machine ("127.0.0.1:8080", "[::1]:80", "localhost:8080").
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return isLoopbackHost(strings.ToLower(host))
}

// CheckAddr reports whether addr is a listen address Serve could use,
// HOST:PORT with a port of 0..65535 (or a service name), so a typo is bad
// usage when the run starts, not a failure once the robot is moving.
func CheckAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("console address %q: want HOST:PORT, e.g. %s", addr, DefaultAddr)
	}
	return nil
}

// setServerDefaults fills the server's timeouts and caps.
func setServerDefaults(o *Opts) {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	// A header comes in one packet; a control body is a few hundred bytes;
	// an export is written from memory; a page polls every 2 s.
	def(&o.ReadHeaderTimeout, 5*time.Second)
	def(&o.ReadTimeout, 30*time.Second)
	def(&o.WriteTimeout, 60*time.Second)
	def(&o.IdleTimeout, 120*time.Second)
	if o.MaxConnsPerClient <= 0 {
		o.MaxConnsPerClient = 32
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 256
	}
}

// Serve listens on addr (default DefaultAddr) until ctx ends. Beyond
// loopback it needs Opts.TLS or Opts.InsecureHTTP (ErrPlainHTTP). A token
// this console created is shown once, on Opts.Notice, and only when addr is
// loopback: beyond it the output may well be a log others read.
func (c *Console) Serve(ctx context.Context, addr string) error {
	serve, err := c.Listen(addr)
	if err != nil {
		return err
	}
	return serve(ctx)
}

// Listen is Serve in two steps: it binds addr now, so that an address in
// use is said before a run starts (and before it says where its console
// is), and returns the function that serves on it until its ctx ends.
func (c *Console) Listen(addr string) (serve func(ctx context.Context) error, err error) {
	if addr == "" {
		addr = DefaultAddr
	}
	if !Loopback(addr) && c.opts.TLS == nil && !c.opts.InsecureHTTP {
		return nil, fmt.Errorf("%w: %s", ErrPlainHTTP, addr)
	}
	c.announceToken(addr)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return func(ctx context.Context) error { return c.serve(ctx, ln, bindNames(addr)) }, nil
}

// announceToken tells the person starting the robot about a token New
// created, once.
func (c *Console) announceToken(addr string) {
	if !c.newToken {
		return
	}
	c.newToken = false
	path := tokenPath(c.opts.TokenDir)
	if Loopback(addr) {
		fmt.Fprintf(c.opts.Notice, "console: new access token (stored mode 0600 in %s; shown this once): %s\n", path, c.token)
		return
	}
	fmt.Fprintf(c.opts.Notice, "console: new access token stored mode 0600 in %s (not shown: %s is reachable from other machines)\n", path, addr)
}

// bindNames is the host of a listen address when it is a name or a
// specific address, which the console then answers to.
func bindNames(addr string) map[string]bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return nil
	}
	return map[string]bool{normHost(host): true}
}

func (c *Console) serve(ctx context.Context, ln net.Listener, bind map[string]bool) error {
	ln = &capListener{Listener: ln, perClient: c.opts.MaxConnsPerClient, total: c.opts.MaxConns, stats: &c.conns}
	// The stream is exempt from the timeouts without help: net/http lifts a
	// connection's deadlines when it is hijacked (Go 1.26's
	// conn.hijackLocked), which the WebSocket upgrade does.
	srv := &http.Server{
		Handler:           c.handler(bind),
		ReadHeaderTimeout: c.opts.ReadHeaderTimeout,
		ReadTimeout:       c.opts.ReadTimeout,
		WriteTimeout:      c.opts.WriteTimeout,
		IdleTimeout:       c.opts.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          slog.NewLogLogger(c.opts.Logger.Handler(), slog.LevelWarn),
	}
	// HTTP/1.1 only: the stream is an HTTP/1.1 upgrade, and one connection
	// per page keeps the per-client cap meaningful.
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	done := make(chan error, 1)
	if c.opts.TLS != nil {
		srv.TLSConfig = c.opts.TLS.Clone()
		if srv.TLSConfig.MinVersion < tls.VersionTLS12 {
			srv.TLSConfig.MinVersion = tls.VersionTLS12
		}
		go func() { done <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { done <- srv.Serve(ln) }()
	}
	select {
	case err := <-done:
		return fmt.Errorf("console: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	err := srv.Shutdown(shut)
	<-done
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("console: shutdown: %w", err)
	}
	return nil
}

// normHost is a Host header's or a configured name's host part, lower
// case, without brackets, port or a final dot.
func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(hostOnly(strings.TrimSpace(h))), ".")
}

// hostSet checks and normalises Opts.Hosts.
func hostSet(names []string) (map[string]bool, error) {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		h := normHost(n)
		if h == "" || strings.ContainsAny(n, "/@?# ") {
			return nil, fmt.Errorf("console: host %q: want a name or an address", n)
		}
		set[h] = true
	}
	return set, nil
}

// hostAllowed is the DNS-rebinding defence: a page on another site whose
// name an attacker points at this robot still sends its own name as Host
// (Jackson et al., "Protecting Browsers from DNS Rebinding Attacks", CCS
// 2007). Loopback names, the configured names and the address literal the
// request arrived on cannot be rebound by anyone else.
func (c *Console) hostAllowed(r *http.Request, bind map[string]bool) bool {
	h := normHost(r.Host)
	switch {
	case h == "":
		return false
	case isLoopbackHost(h), c.hosts[h], bind[h]:
		return true
	}
	ip := net.ParseIP(h)
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ip != nil && ok && ip.Equal(net.ParseIP(hostOnly(local.String())))
}

// connStats counts what the connection cap refused.
type connStats struct{ refused atomic.Uint64 }

// capListener closes, at once, a connection from a client that already has
// perClient open, or any beyond total: a flood of idle connections cannot
// hold the console's file descriptors or keep a carer's page out for long.
type capListener struct {
	net.Listener
	perClient, total int
	stats            *connStats

	mu   sync.Mutex
	open map[string]int
	n    int
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := hostOnly(conn.RemoteAddr().String())
		if l.take(key) {
			return &cappedConn{Conn: conn, release: func() { l.give(key) }}, nil
		}
		l.stats.refused.Add(1)
		conn.Close()
	}
}

func (l *capListener) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n >= l.total || l.open[key] >= l.perClient {
		return false
	}
	if l.open == nil {
		l.open = map[string]int{}
	}
	l.open[key]++
	l.n++
	return true
}

func (l *capListener) give(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n--
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// cappedConn gives its place back when closed, once, however often Close is
// called (net/http and a hijacking WebSocket may both close it).
type cappedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
