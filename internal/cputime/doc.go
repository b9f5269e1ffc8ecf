// Package cputime reads the CPU time this process has used, which
// benchmarks report beside wall time because on a shared machine the wall
// clock measures the neighbours too.
package cputime
