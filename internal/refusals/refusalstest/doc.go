// Package refusalstest records what a door reports of its refusals (the
// calls of a refusals.Coalescer's report function), for the tests of the
// doors that use one.
package refusalstest
