package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdDoctor(ctx context.Context, e env, args []string) error {
	return errors.New("doctor: not built yet")
}
