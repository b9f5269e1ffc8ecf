package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdReplay(ctx context.Context, e env, args []string) error {
	return errors.New("replay: not built yet")
}
