package doctor

import "strings"

// oneLine joins a multi-line error (yaml reports several at once) into one
// line of the report.
func oneLine(err error) string {
	return strings.TrimSpace(strings.ReplaceAll(err.Error(), "\n", "; "))
}
