package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdRun(ctx context.Context, e env, args []string) error {
	return errors.New("run: not built yet")
}
