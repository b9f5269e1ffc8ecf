package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdSay(ctx context.Context, e env, args []string) error {
	return errors.New("say: not built yet")
}
