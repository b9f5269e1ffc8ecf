// Package cliflags parses the flags of kindred's commands the way the CLI
// contract asks: flags may come before or after the positional arguments,
// -h prints the flags on the writer given (stdout: help that was asked for
// is output, not an error), and every bad flag is bad usage, marked with
// internal/badinput so the command exits 2 with one line naming the flag.
// A string flag given an empty value (--summary "", --out=) is bad usage
// too: an unset shell variable would otherwise quietly stand for the
// default, and a summary or an export would go missing without a word.
package cliflags
