// Package console is the supervision web console: a page for therapists and
// experimenters (live pain gauge, timeline, the robot's face, controls,
// annotation, sessions) and the HTTP/WebSocket API behind it:
//
//	GET    /api/v1/status                      robot, state, person, latest assessment, joints, mirror condition
//	GET    /api/v1/stream                      WebSocket of journal records as JSON events, each with "wall": when it happened (UTC; Opts.Clock)
//	POST   /api/v1/control                     a command (journal.ParseControl); the behavior.Command goes out on Controls()
//	GET    /api/v1/sessions                    the journal's sessions
//	GET    /api/v1/sessions/{id}/export        ?format=csv|jsonl
//	DELETE /api/v1/persons/{id}                every row about a person, and their calibration
//	GET    /api/v1/session-token               the token, for a same-origin loopback page only
//
// The stream never waits for a page: a slow page misses ordinary events
// (counted), but an urgent one (an alert of any level, its resolution or
// acknowledgement, an opt-out) that does not fit its queue closes its
// stream (1013, try again later) and the page reconnects. A page that
// connects receives the alerts not yet resolved and an opt-out in force,
// however old, then the ring of recent events, then the latest pose. An
// alert is pinned until resolved or until the person opts out, which ends
// its episode: the opt-out is then pinned in its place.
//
// Every request must name, in its Host header, a loopback name, the address
// it arrived on, or a configured name (421 otherwise: DNS rebinding).
// State-changing requests always need "Authorization: Bearer TOKEN" and a
// same-origin (or absent) Origin; person data (the stream, sessions,
// exports, status beyond the robot's name and state) needs the token on
// loopback too, and off loopback every API request does; a wrong token is
// refused (401) wherever it is sent, status on loopback included, so a page
// holding the token of an earlier run learns it. Requests are
// rate-limited per client, except safety commands (pause, opt_out, resume)
// with the token; connections are capped per client and time out (the
// stream excepted). Beyond loopback Serve needs TLS or an explicit
// InsecureHTTP. A control request refused past the guard (malformed: 400,
// 413, 415; or not taken: 503) is reported through Opts.ReportRefusals,
// coalesced (the first at once, then at most one report per RefusalEvery
// with the count and the latest reason; FlushRefusals reports the rest).
// A request to any endpoint refused for want of access (the guard's 421,
// 429, 403, 401; the token refused to other than the page on this machine)
// is reported likewise, in a stream of its own, through
// Opts.ReportUnauthorised: the status, why, method, path and the client's
// address, never the token or the body.
// The token is shown once when created, on loopback only, and never
// logged. Everything the page needs is embedded; nothing comes from a CDN.
package console
