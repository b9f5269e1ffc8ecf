package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdAnalyze(ctx context.Context, e env, args []string) error {
	return errors.New("analyze: not built yet")
}
