package main

import (
	"context"
	"errors"
)

// PLACEHOLDER: replaced by the owner of this command.
func cmdSessions(ctx context.Context, e env, args []string) error {
	return errors.New("sessions: not built yet")
}
