package console

import "github.com/kindred-hri/kindred/journal"

var _ SessionStore = (*journal.Writer)(nil)
