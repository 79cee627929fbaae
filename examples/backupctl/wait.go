package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backupsdk/backupsdk/onapp"
)

// waitStoppedError is a wait that was stopped before the work ended, by
// -wait-timeout or Ctrl-C: the work goes on on the server. backupctl says
// so, and how to follow it, and exits 4.
type waitStoppedError struct{ msg string }

// Error returns the message.
func (e waitStoppedError) Error() string { return e.msg }

// waitContext returns the context of a wait: the command's, without the
// -timeout (which bounds each request or listing, not the work a server
// does), with the -wait-timeout when one is given. Ctrl-C ends it.
func (s *session) waitContext() (context.Context, context.CancelFunc) {
	base := s.waitBase
	if base == nil {
		base = context.Background()
	}
	if s.waitTimeout > 0 {
		return context.WithTimeout(base, s.waitTimeout)
	}
	return context.WithCancel(base)
}

// afterWait returns the context of the requests an action makes after a
// wait (reading what the work made): a fresh -timeout, since the
// command's may have run out while it waited.
func (s *session) afterWait() (context.Context, context.CancelFunc) {
	base := s.waitBase
	if base == nil {
		base = context.Background()
	}
	if s.timeout > 0 {
		return context.WithTimeout(base, s.timeout)
	}
	return context.WithCancel(base)
}

// waitError turns the error of a provider's Wait into what backupctl
// reports: a stopped wait (the SDK's one ErrWaitStopped, whatever the
// package) becomes a waitStoppedError that names what goes on and how to
// follow it; any other error is returned as it is (a failed task, a
// backup gone).
//
// ctx is the wait's context: a poll already in flight when it ends fails
// with the context's error rather than ErrWaitStopped, and is a stopped
// wait all the same.
func (s *session) waitError(ctx context.Context, err error, provider, what, follow string) error {
	if err == nil || (!errors.Is(err, onapp.ErrWaitStopped) && ctx.Err() == nil) {
		return err
	}
	why := "interrupted"
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = "the -wait-timeout of " + s.waitTimeout.String() + " ran out"
	}
	return waitStoppedError{fmt.Sprintf("%s: stopped waiting for %s (%s); the work goes on on the server: follow it with %s",
		provider, what, why, follow)}
}

// waitOptions are the options of every wait: the env's poll schedule when
// a test set one (else the client's default), and when stderr is a
// terminal a progress line drawn by the SDK's one Progress shape; draw
// says what the line reads, first the state to draw before the first poll
// ("" for none). ended clears the line, if one was drawn.
func (s *session) waitOptions(first string, draw func(onapp.Progress) string) (opts []onapp.WaitOption, ended func()) {
	if sched := s.env.pollSchedule; len(sched) > 0 {
		opts = append(opts, onapp.WaitBackoff(onapp.ScheduleBackoff(sched...)))
	}
	progress := s.env.isTerminal(s.stderr)
	if progress {
		if first != "" { // the state the server answered with, before any poll
			s.drawWait(draw(onapp.Progress{State: first}), 0)
		}
		opts = append(opts, onapp.WaitProgress(func(p onapp.Progress) { s.drawWait(draw(p), p.Elapsed) }))
	}
	return opts, func() { s.endProgress(progress) }
}

// drawWait rewrites the progress line of a wait; a warning written
// meanwhile (warnf) draws it again below itself.
func (s *session) drawWait(what string, elapsed time.Duration) {
	line := fmt.Sprintf("backupctl: %s, %s", what, elapsed.Round(time.Second))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.progressLine = line
	fmt.Fprintf(s.stderr, "\r%s\x1b[K", line)
}
