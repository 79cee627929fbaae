package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
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
	// parallel is the -parallel flag: how many accounts inventory and
	// freshness query at once (0: all).
	parallel int
	// configPath is the -config flag: the accounts file ("" for the
	// environment's single accounts).
	configPath string
	// accountName is the -account flag: the account(s) of the file to use.
	accountName string
	// noWait is the -no-wait flag: actions that start work return once the
	// server has accepted it, instead of waiting for it to end.
	noWait bool
	// waitTimeout is the -wait-timeout flag, the deadline of a wait (0:
	// none; Ctrl-C stops waiting).
	waitTimeout time.Duration
	// waitBase is the command's context before -timeout applies: waits
	// derive from it (see waitContext).
	waitBase context.Context
	// version is the -version flag.
	version bool
	// demo is the -demo flag: every provider is its built-in fake, whatever
	// the environment says.
	demo bool

	fleetOnce sync.Once // reads the -config file once
	fleetVal  *fleet
	fleetErr  error

	mu      sync.Mutex // guards cleanup, progressLine and stderr writes
	cleanup []func()
	// progressLine is the progress line drawn on stderr ("" for none);
	// warnf clears it and draws it again below its line.
	progressLine string

	acctMu   sync.Mutex // guards accounts and logins
	accounts map[string]*account
	// logins serialize the turns of accounts that share an Erigones login
	// (see lockLogin), by server and user.
	logins map[string]*sync.Mutex
}

// lockLogin waits until no other account of the walk uses a's Erigones
// login (the same server and user), holds it and returns what releases
// it; nil for accounts that share nothing. An Erigones login replaces the
// user's previous token, and a logout deletes it, so two accounts with one
// user (say, two datacenters of one server) must take turns. API keys,
// and the other providers' sessions, do not clash.
func (s *session) lockLogin(a *account) func() {
	if a.Provider != providerErigones || a.APIKey != "" {
		return nil
	}
	key := a.URL + "\x00" + a.User
	s.acctMu.Lock()
	if s.logins == nil {
		s.logins = map[string]*sync.Mutex{}
	}
	mu := s.logins[key]
	if mu == nil {
		mu = &sync.Mutex{}
		s.logins[key] = mu
	}
	s.acctMu.Unlock()
	mu.Lock()
	return mu.Unlock
}

// warnf writes one line to stderr, prefixed with "backupctl: ". It is safe
// for concurrent use, so that the lines of providers queried at once do not
// mix.
func (s *session) warnf(format string, args ...any) {
	line := oneLine(fmt.Sprintf(format, args...))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.progressLine != "" {
		fmt.Fprintf(s.stderr, "\r\x1b[Kbackupctl: %s\n\r%s\x1b[K", line, s.progressLine)
		return
	}
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

// account returns the account a provider command works on. With -config,
// it is the file's account that -account names, or the file's only account
// of provider. Else it is provider's account from the environment. The
// built-in fake with demo data answers only with -demo, or when no
// provider at all is configured: account then starts it, says so once on
// stderr and points the account (marked Demo) at it; the fake stops when
// the session closes. A provider left unset while another is configured is
// an error, never a fake, so that demo data cannot pass for real data.
// Later calls for the same provider return the same account (and fake).
func (s *session) account(provider string) (*account, error) {
	if s.configPath != "" {
		f, err := s.fleet()
		if err != nil {
			return nil, err
		}
		return f.pick(provider, s.accountName)
	}
	s.acctMu.Lock()
	defer s.acctMu.Unlock()
	if a, ok := s.accounts[provider]; ok {
		return a, nil
	}
	var a *account
	if s.demo {
		a = &account{Provider: provider}
	} else {
		var err error
		if a, err = accountFromEnv(provider, s.env.getenv); err != nil {
			return nil, err
		}
	}
	if a.URL == "" {
		if !s.demo && len(s.configured()) > 0 {
			return nil, configError{fmt.Sprintf("%s: %s is not set; the built-in fake answers only when no provider is configured (here %s), or with -demo",
				provider, urlVar(provider), strings.Join(s.configured(), ", "))}
		}
		f, err := startFake(provider, "127.0.0.1:0", s.env.now)
		if err != nil {
			return nil, fmt.Errorf("%s: starting the built-in fake: %w", provider, err)
		}
		s.onClose(f.close)
		why := "no provider is configured"
		if s.demo {
			why = "-demo"
		}
		s.warnf("%s: demo data from the built-in %s fake at %s (%s; gone when backupctl exits)", provider, f.title, f.url, why)
		f.acct.DC = a.DC // ERIGONES_DC still applies to the fake
		a = &f.acct
	}
	if s.accounts == nil {
		s.accounts = map[string]*account{}
	}
	s.accounts[provider] = a
	return a, nil
}

// configured lists the URL variables of the environment that are set, in
// provider order: the providers backupctl talks to for real. Empty means
// none is, the case where the built-in fakes answer.
func (s *session) configured() []string {
	var set []string
	for _, p := range providers {
		if strings.TrimSpace(s.env.getenv(urlVar(p))) != "" {
			set = append(set, urlVar(p))
		}
	}
	return set
}

// logoutTimeout bounds the logouts run when the session closes.
const logoutTimeout = 5 * time.Second

// logoutLater registers a logout to run when the session closes (or, in a
// walk over many accounts, when the account's turn ends), with a context of
// its own: the command's may be cancelled or past its deadline by then, and
// a session left open on an appliance counts against its limit. Errors are
// ignored; the appliance expires the session anyway.
func (s *session) logoutLater(ctx context.Context, logout func(context.Context) error) {
	base := context.WithoutCancel(ctx)
	s.release(ctx, func() {
		ctx, cancel := context.WithTimeout(base, logoutTimeout)
		defer cancel()
		_ = logout(ctx)
	})
}
