package observe

import "github.com/kindred-hri/kindred/internal/badinput"

// badInput marks an error as bad input, exit code 2 in the kindred command.
func badInput(format string, a ...any) error {
	return badinput.Errorf(format, a...)
}
