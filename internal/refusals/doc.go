// Package refusals coalesces the requests a door (the console, the fleet's
// control topic) refused into few reports: the first at once, then, while
// more come, at most one per window with the count since the last report
// and the latest reason; Flush reports the rest. A flood of bad commands is
// then a handful of fault records instead of a flooded journal, and every
// refusal is still counted exactly once. The companion coalesces the
// observations fusion rejects as invalid the same way.
package refusals
