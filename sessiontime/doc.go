// Package sessiontime is the run's one session clock: wall time scaled by
// the run's speed, built once and shared by every stage that paces or
// times anything, so a scenario at --speed 20 moves the body, the mirror,
// the media and the engine exactly as a real-time run would.
package sessiontime
