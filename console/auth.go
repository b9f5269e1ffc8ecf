package console

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// TokenEnv names the environment variable that supplies the console token.
const TokenEnv = "KINDRED_CONSOLE_TOKEN"

const minTokenLen = 16

// tokenPath is where a generated token lives.
func tokenPath(dir string) string {
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			base = "."
		}
		dir = filepath.Join(base, "kindred")
	}
	return filepath.Join(dir, "console-token")
}

// LoadToken returns the console token: env when set (pass
// os.Getenv(TokenEnv)); else the one stored in dir/console-token (dir ""
// means os.UserConfigDir()/kindred); else a new random one, stored there
// with mode 0600, and created is true so the caller prints it once. A stored
// token readable by others is refused.
func LoadToken(env, dir string) (token string, created bool, err error) {
	if env = strings.TrimSpace(env); env != "" {
		if len(env) < minTokenLen {
			return "", false, fmt.Errorf("console: %s must be at least %d characters", TokenEnv, minTokenLen)
		}
		return env, false, nil
	}
	path := tokenPath(dir)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		st, err := os.Stat(path)
		if err != nil {
			return "", false, fmt.Errorf("console: %w", err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			return "", false, fmt.Errorf("console: %s is readable by others (mode %v); chmod 600 it", path, st.Mode().Perm())
		}
		tok := strings.TrimSpace(string(b))
		if len(tok) < minTokenLen {
			return "", false, fmt.Errorf("console: %s: token too short", path)
		}
		return tok, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, fmt.Errorf("console: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", false, fmt.Errorf("console: token: %w", err)
	}
	tok := hex.EncodeToString(raw[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("console: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, fmt.Errorf("console: %w", err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		f.Close()
		return "", false, fmt.Errorf("console: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("console: %s: %w", path, err)
	}
	return tok, true, nil
}

// wsTokenPrefix carries the token in Sec-WebSocket-Protocol, the one header
// a browser's WebSocket can set.
const wsTokenPrefix = "bearer."

func (c *Console) authorized(r *http.Request) bool {
	var got string
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		got = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else {
		for _, p := range strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",") {
			if p = strings.TrimSpace(p); strings.HasPrefix(p, wsTokenPrefix) {
				got = strings.TrimPrefix(p, wsTokenPrefix)
			}
		}
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.token)) == 1
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.Trim(h, "[]")
	}
	return strings.Trim(hostport, "[]")
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// viaLoopback says whether the request both came from and arrived on a
// loopback address.
func viaLoopback(r *http.Request) bool {
	if !isLoopbackHost(hostOnly(r.RemoteAddr)) {
		return false
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && isLoopbackHost(hostOnly(local.String()))
}

// sameOrigin rejects cross-site requests: an Origin, when sent, must be this
// host, and Sec-Fetch-Site, when sent, same-origin (or none: typed by the user).
func sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// guard applies the Host check, rate limiting, security headers, CSRF and
// token checks.
func (c *Console) guard(next http.Handler, bind map[string]bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.hostAllowed(r, bind) {
			c.deny(w, r, http.StatusMisdirectedRequest, "console: this console does not answer to that Host name; "+
				"use localhost, its address, or a name configured for it", fmt.Sprintf("Host %q", r.Host))
			return
		}
		if !c.safetyCommand(w, r) && !c.limiter.allow(hostOnly(r.RemoteAddr)) {
			w.Header().Set("Retry-After", "1")
			c.deny(w, r, http.StatusTooManyRequests, "too many requests", "rate limited")
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		// CSP 3: 'self' covers ws:// and wss:// to this host, so the policy
		// needs nothing from the request (the Host header is the client's).
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		page := !strings.HasPrefix(r.URL.Path, "/api/")
		if page && !stateChanging(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if !page {
			h.Set("Cache-Control", "no-store")
		}
		switch {
		case stateChanging(r.Method), r.URL.Path == streamPath:
			// An attempt to change something, at any path, and the stream's
			// handshake are checked for access first: a browser applies no
			// same-origin policy to a WebSocket, so its Origin is the check
			// (RFC 6455 §10.2), and an audit trail of refused access records
			// who tried, whatever they tried it on (NIST SP 800-53 AU-2).
			if !sameOrigin(r) {
				c.deny(w, r, http.StatusForbidden, "cross-origin request refused", "cross-origin")
				return
			}
			if !c.authorized(r) {
				h.Set("WWW-Authenticate", `Bearer realm="kindred"`)
				c.deny(w, r, http.StatusUnauthorized, "a bearer token is required", tokenProblem(r))
				return
			}
			if page {
				// Authorised and same-origin, but the page takes no
				// writes: a malformed request, not a refusal of access.
				writeError(w, http.StatusMethodNotAllowed, "method not allowed")
				return
			}
		case r.URL.Path == "/api/v1/session-token":
			// answered by sessionToken's own checks
		case r.URL.Path == "/api/v1/status" && viaLoopback(r) && tokenProblem(r) == noToken:
			// status leaves out everything about the person without the
			// token. A wrong one is refused below, on loopback too: it is
			// how the console's own page learns that the robot's token
			// changed (a run started with another), instead of showing
			// the robot's state and no stream for ever.
		case !c.authorized(r):
			// Person data (the stream, sessions, exports) needs the token
			// even on loopback: the console's own page fetched it from
			// session-token; any other program on this machine must be given it.
			h.Set("WWW-Authenticate", `Bearer realm="kindred"`)
			c.deny(w, r, http.StatusUnauthorized, "a bearer token is required", tokenProblem(r))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// controlPath is the endpoint that takes commands; streamPath is the live
// stream's WebSocket.
const (
	controlPath = "/api/v1/control"
	streamPath  = "/api/v1/stream"
)

// deny answers a request refused for want of access with code and msg, and
// counts it for Opts.ReportUnauthorised, as the code, why (never the token,
// never the body: neither is read here), the method and path, and the
// client's address: who tried to command the robot, delete or read a
// person's records, or take the token, and was refused (NIST SP 800-53
// AU-2, event logging of failed access). Every endpoint's refusals are
// recorded alike: one left out (a refused DELETE of a person, say) would be
// the one a prober is not seen at.
func (c *Console) deny(w http.ResponseWriter, r *http.Request, code int, msg, why string) {
	c.unauthorised.Note(fmt.Sprintf("%d %s, %s %s from %s", code, why, r.Method, reportedPath(r.URL.Path), hostOnly(r.RemoteAddr)))
	writeError(w, code, msg)
}

// maxReportedPath bounds the path a refusal's report quotes: the path is the
// client's, so it is cut short and quoted where it is not plain.
const maxReportedPath = 80

func reportedPath(p string) string {
	if len(p) > maxReportedPath {
		p = strings.ToValidUTF8(p[:maxReportedPath], "") + "…"
	}
	for _, r := range p {
		if r <= ' ' || r == 0x7f || r == '"' || r == '\\' {
			return strconv.Quote(p)
		}
	}
	return p
}

// tokenProblem says what was wrong with an unauthorised request's token:
// none given (noToken), or a wrong one. It never says what was given.
func tokenProblem(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")) != "" ||
		strings.Contains(r.Header.Get("Sec-WebSocket-Protocol"), wsTokenPrefix) {
		return "wrong bearer token"
	}
	return noToken
}

const noToken = "no bearer token"

// safetyCmds bypass the shared rate limit when an authorised client sends
// them: stopping the robot, or letting it care again, must not wait behind
// a flood from whoever shares the carer's address (this machine, a care
// home's NAT), and neither may a carer's acknowledgement of an alert. opt_in
// is left out: it turns sensing back on for a person who asked for it off,
// which is never urgent and should not be hammered.
var safetyCmds = map[behavior.CommandKind]bool{behavior.CmdPause: true, behavior.CmdOptOut: true, behavior.CmdResume: true,
	behavior.CmdAcknowledge: true}

// safetyCommand says whether r is an authorised, same-origin safety
// command. It reads the control body and puts it back for the handler.
func (c *Console) safetyCommand(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost || r.URL.Path != controlPath || !c.authorized(r) || !sameOrigin(r) {
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxControlBody))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
	if err != nil {
		return false
	}
	ctl, err := journal.ParseControl(body)
	return err == nil && safetyCmds[ctl.Cmd]
}

// errReader ends a replayed body the way the first read ended.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// sessionToken hands the token to the console's own page: only over
// loopback, only to a same-origin fetch, only when the Host is a loopback
// name (a DNS-rebinding page has a foreign Host).
func (c *Console) sessionToken(w http.ResponseWriter, r *http.Request) {
	if !viaLoopback(r) || !isLoopbackHost(normHost(r.Host)) || r.Header.Get("Sec-Fetch-Site") != "same-origin" || !sameOrigin(r) {
		c.deny(w, r, http.StatusForbidden, "the token is only given to the console page on this machine",
			"token asked for by other than the console page on this machine")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": c.token})
}

// limiter is a token bucket per client address.
type limiter struct {
	rate, burst float64
	now         func() time.Time
	mu          sync.Mutex
	buckets     map[string]*bucket
	refused     atomic.Uint64
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate, burst float64, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: burst, now: now, buckets: map[string]*bucket{}}
}

// maxBuckets bounds the limiter's memory; idle full buckets are forgotten first.
const maxBuckets = 4096

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.rate)
	}
	b.last = now
	if b.tokens < 1 {
		l.refused.Add(1)
		return false
	}
	b.tokens--
	return true
}

func (l *limiter) prune(now time.Time) {
	var oldest *bucket
	var oldestKey string
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		} else if oldest == nil || b.last.Before(oldest.last) {
			oldest, oldestKey = b, k
		}
	}
	// None idle enough to forget (a flood from more addresses than
	// maxBuckets): the one heard from longest ago goes, so the map stays
	// bounded. Its client starts again with a full burst, no more.
	if len(l.buckets) >= maxBuckets {
		delete(l.buckets, oldestKey)
	}
}
