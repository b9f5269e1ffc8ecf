// Package console is the supervision web console: a page for therapists and
// experimenters (live pain gauge, timeline, the robot's face, controls,
// annotation, sessions) and the HTTP/WebSocket API behind it:
//
//	GET    /api/v1/status                      robot, state, person, latest assessment, joints, mirror condition
//	GET    /api/v1/stream                      WebSocket of journal records as JSON events
//	POST   /api/v1/control                     a journal.Control; sent on Controls()
//	GET    /api/v1/sessions                    the journal's sessions
//	GET    /api/v1/sessions/{id}/export        ?format=csv|jsonl
//	DELETE /api/v1/persons/{id}                every row about a person
//	GET    /api/v1/session-token               the token, for a same-origin loopback page only
//
// State-changing requests always need "Authorization: Bearer TOKEN" and a
// same-origin (or absent) Origin; when the console is reached on a
// non-loopback address every API request needs the token. Requests are
// rate-limited per client. The token is never logged. Everything the page
// needs is embedded; nothing comes from a CDN.
package console
