package perception

import "sync/atomic"

// Latest is a one-slot mailbox with latest-value semantics: Put never
// blocks, and when the consumer has not taken the previous value yet, that
// stale value is replaced and counted as dropped. A robot reacting to a face
// from two seconds ago is worse than one that skips a frame.
//
// Use one producer per Latest; C is read by one consumer.
type Latest[T any] struct {
	ch      chan T
	dropped atomic.Int64
}

// NewLatest makes an empty mailbox.
func NewLatest[T any]() *Latest[T] { return &Latest[T]{ch: make(chan T, 1)} }

// Put offers v, replacing an unread older value.
func (l *Latest[T]) Put(v T) {
	for {
		select {
		case l.ch <- v:
			return
		default:
		}
		select {
		case <-l.ch:
			l.dropped.Add(1)
		default:
		}
	}
}

// C is the channel the consumer reads from.
func (l *Latest[T]) C() <-chan T { return l.ch }

// Dropped is how many values were replaced before anyone read them.
func (l *Latest[T]) Dropped() int64 { return l.dropped.Load() }
