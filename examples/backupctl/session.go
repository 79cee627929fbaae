package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// session is one run of backupctl: the output settings of the command line,
// the accounts in use, and what must be undone before exiting (sessions to
// log out of, built-in fakes to stop).
type session struct {
	env    *env
	stdout io.Writer
	stderr io.Writer
	// format is the -o flag: "text" or "json".
	format string
	// timeout is the -timeout flag, the deadline of the whole command (0:
	// none).
	timeout time.Duration
	// parallel bounds the accounts queried at once by inventory (0: all).
	parallel int

	mu      sync.Mutex // guards cleanup and stderr writes
	cleanup []func()

	acctMu   sync.Mutex // guards accounts
	accounts map[string]*account
}

// warnf writes one line to stderr, prefixed with "backupctl: ". It is safe
// for concurrent use, so that the lines of providers queried at once do not
// mix.
func (s *session) warnf(format string, args ...any) {
	line := oneLine(fmt.Sprintf(format, args...))
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.stderr, "backupctl: %s\n", line)
}

// onClose registers f to run when the session ends; the functions run in
// reverse order, so a client's logout runs before its fake stops.
func (s *session) onClose(f func()) {
	s.mu.Lock()
	s.cleanup = append(s.cleanup, f)
	s.mu.Unlock()
}

// close runs the functions registered with onClose, newest first.
func (s *session) close() {
	s.mu.Lock()
	fs := slices.Clone(s.cleanup)
	s.cleanup = nil
	s.mu.Unlock()
	for _, f := range slices.Backward(fs) {
		f()
	}
}

// account returns the account of provider from the environment. When its
// URL is unset, it starts the provider's built-in fake with demo data,
// says so once on stderr and points the account at it; the fake stops when
// the session closes. Later calls for the same provider return the same
// account (and fake).
func (s *session) account(provider string) (*account, error) {
	s.acctMu.Lock()
	defer s.acctMu.Unlock()
	if a, ok := s.accounts[provider]; ok {
		return a, nil
	}
	a, err := accountFromEnv(provider, s.env.getenv)
	if err != nil {
		return nil, err
	}
	if a.URL == "" {
		f, err := startFake(provider, "127.0.0.1:0", s.env.now)
		if err != nil {
			return nil, fmt.Errorf("%s: starting the built-in fake: %w", provider, err)
		}
		s.onClose(f.close)
		s.warnf("%s not set; using the built-in %s fake at %s (demo data, gone when backupctl exits)", urlVar(provider), f.title, f.url)
		f.acct.DC = a.DC // ERIGONES_DC still applies to the fake
		a = &f.acct
	}
	if s.accounts == nil {
		s.accounts = map[string]*account{}
	}
	s.accounts[provider] = a
	return a, nil
}

// logoutTimeout bounds the logouts run when the session closes.
const logoutTimeout = 5 * time.Second

// logoutLater registers a logout to run when the session closes, with a
// context of its own: the command's may be cancelled or past its deadline
// by then, and a session left open on an appliance counts against its
// limit. Errors are ignored; the appliance expires the session anyway.
func (s *session) logoutLater(ctx context.Context, logout func(context.Context) error) {
	base := context.WithoutCancel(ctx)
	s.onClose(func() {
		ctx, cancel := context.WithTimeout(base, logoutTimeout)
		defer cancel()
		_ = logout(ctx)
	})
}
