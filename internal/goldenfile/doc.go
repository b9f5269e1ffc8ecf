// Package goldenfile compares a test's output with its golden file, or rewrites
// the file when the tests run with -update: the check that the packages
// with golden files (behavior, mimicry, fusion, journal, analysis,
// cmd/kindred) had each written for themselves.
package goldenfile
