package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdBench(ctx context.Context, e env, args []string) error {
	return errors.New("bench: not built yet")
}
