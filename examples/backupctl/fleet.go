package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// defaultParallel is the default of -parallel: how many accounts inventory
// and freshness query at once.
const defaultParallel = 4

// cleanups are functions to run when one account's turn in a walk over
// many accounts ends (log out, close its idle connections), so that a
// fleet of hundreds of accounts holds no more sessions, connections and
// memory than the accounts in flight.
type cleanups struct {
	mu sync.Mutex
	fs []func()
}

// cleanupKey is the context key of the cleanups of the account being
// walked.
type cleanupKey struct{}

// withCleanups returns ctx carrying a fresh list of cleanups.
func withCleanups(ctx context.Context) (context.Context, *cleanups) {
	c := &cleanups{}
	return context.WithValue(ctx, cleanupKey{}, c), c
}

// run runs the cleanups, newest first.
func (c *cleanups) run() {
	c.mu.Lock()
	fs := c.fs
	c.fs = nil
	c.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// release registers f to run when what ctx belongs to ends: the account's
// turn in a walk when ctx carries cleanups, else the session.
func (s *session) release(ctx context.Context, f func()) {
	if c, ok := ctx.Value(cleanupKey{}).(*cleanups); ok {
		c.mu.Lock()
		c.fs = append(c.fs, f)
		c.mu.Unlock()
		return
	}
	s.onClose(f)
}

// httpClient returns the HTTP client of one account's SDK client: its own
// connection pool, closed when the account's turn (or the session) ends,
// and for a Unitrends appliance the TLS trust of its CA file or insecure
// setting.
func (s *session) httpClient(ctx context.Context, a *account) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if a.Provider == providerUnitrends {
		switch {
		case a.CAFile != "":
			name := a.setting("UNITRENDS_CA_FILE", "ca_file")
			pem, err := os.ReadFile(a.CAFile)
			if err != nil {
				var perr *fs.PathError
				if errors.As(err, &perr) {
					err = perr.Err
				}
				return nil, fmt.Errorf("%s: %s %s: %v", a.label(), name, a.CAFile, err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%s: %s %s: no PEM certificate in it", a.label(), name, a.CAFile)
			}
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
		case a.Insecure:
			s.warnf("%s: %s: the appliance's certificate is not checked; use %s outside a lab",
				a.label(), a.setting("UNITRENDS_INSECURE=1", "insecure"), a.setting("UNITRENDS_CA_FILE", "ca_file"))
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true} //nolint:gosec // asked for by name
		}
	}
	s.release(ctx, tr.CloseIdleConnections)
	// Like the SDK's own client, follow no redirect: the 3xx is reported
	// with its Location, and no credential or body goes to another host.
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, nil
}

// accountRef is an account inventory and freshness walk, opened only when
// its turn comes (which may start a built-in fake), so that one account's
// problem stays its own.
type accountRef struct {
	// label names the account in error lines: "onapp", "onapp (eu-cloud)".
	label string
	// provider is the account's provider.
	provider string
	// open returns the account, ready to connect to.
	open func() (*account, error)
}

// walkAccounts lists the accounts inventory and freshness walk: those of
// the -config file (all, or those -account names), else one per provider
// from the environment.
func (s *session) walkAccounts() ([]accountRef, error) {
	if s.configPath != "" {
		f, err := s.fleet()
		if err != nil {
			return nil, err
		}
		accts, err := f.selectAccounts(s.accountName)
		if err != nil {
			return nil, err
		}
		refs := make([]accountRef, len(accts))
		for i, a := range accts {
			refs[i] = accountRef{label: a.label(), provider: a.Provider, open: func() (*account, error) { return a, nil }}
		}
		return refs, nil
	}
	// Once one provider is configured the others are left out, not faked:
	// a report never mixes demo data with real data.
	real := !s.demo && len(s.configured()) > 0
	var refs []accountRef
	var skipped []string
	for _, p := range providers {
		if real && strings.TrimSpace(s.env.getenv(urlVar(p))) == "" {
			skipped = append(skipped, p+" ("+urlVar(p)+")")
			continue
		}
		refs = append(refs, accountRef{label: p, provider: p, open: func() (*account, error) { return s.account(p) }})
	}
	if len(skipped) > 0 {
		s.warnf("not configured, left out: %s (the built-in fakes answer only when no provider is configured, or with -demo)", strings.Join(skipped, ", "))
	}
	return refs, nil
}

// fleet returns the -config file, read once per run.
func (s *session) fleet() (*fleet, error) {
	s.fleetOnce.Do(func() {
		s.fleetVal, s.fleetErr = loadFleet(s.configPath, s.env.getenv, s.warnf)
	})
	return s.fleetVal, s.fleetErr
}

// visited is the outcome of one account's turn in a walk.
type visited[T any] struct {
	// acct is the account (nil when it could not be opened).
	acct *account
	val  T
	err  error
}

// walk calls work for each account of refs, connected, with at most
// s.parallel accounts at once (0: all), and returns the outcomes in the
// order of refs. Each account gets one SDK client for all its calls; its
// sessions are logged out and its connections closed as soon as its turn
// ends. A failure stays the account's own. When stderr is a terminal a
// progress line there counts the accounts done and failed.
func walk[T any](ctx context.Context, s *session, what string, refs []accountRef, work func(ctx context.Context, a *account, src source) (T, error)) []visited[T] {
	out := make([]visited[T], len(refs))
	p := s.startProgress(what, len(refs))
	inParallel(len(refs), s.parallel, func(i int) {
		v := &out[i]
		v.acct, v.val, v.err = visit(ctx, s, refs[i], work)
		p.done(v.err != nil)
	})
	p.end()
	return out
}

// visit is one account's turn in a walk.
func visit[T any](ctx context.Context, s *session, ref accountRef, work func(ctx context.Context, a *account, src source) (T, error)) (*account, T, error) {
	var zero T
	a, err := ref.open()
	if err != nil {
		return nil, zero, err
	}
	if unlock := s.lockLogin(a); unlock != nil {
		defer unlock() // after the logout below
	}
	if err := ctx.Err(); err != nil { // out of time before its turn came
		return a, zero, err
	}
	ctx, c := withCleanups(ctx)
	defer c.run()
	src, err := s.connect(ctx, a)
	if err != nil {
		return a, zero, err
	}
	v, err := work(ctx, a, src)
	return a, v, err
}

// describeAccount renders an account's failure as its error line: the
// account's label, then what went wrong ("onapp (eu-cloud): 401
// Unauthorized: …").
func (s *session) describeAccount(ref accountRef, err error) string {
	msg := describe(ref.provider, err, s.timeout.String())
	if ref.label != ref.provider {
		if rest, ok := strings.CutPrefix(msg, ref.provider+": "); ok {
			msg = ref.label + ": " + rest
		}
	}
	return msg
}

// progress is the line a walk keeps on stderr when it is a terminal:
// "backupctl: freshness: 12/200 accounts done, 1 failed". A nil *progress
// draws nothing.
type progress struct {
	s      *session
	what   string
	total  int
	done_  atomic.Int64
	failed atomic.Int64
}

// startProgress starts the progress line of a walk over total accounts, or
// returns nil when stderr is not a terminal.
func (s *session) startProgress(what string, total int) *progress {
	if !s.env.isTerminal(s.stderr) {
		return nil
	}
	p := &progress{s: s, what: what, total: total}
	p.draw()
	return p
}

// done counts an account as done (and as failed).
func (p *progress) done(failed bool) {
	if p == nil {
		return
	}
	p.done_.Add(1)
	if failed {
		p.failed.Add(1)
	}
	p.draw()
}

// draw rewrites the line in place.
func (p *progress) draw() {
	line := fmt.Sprintf("backupctl: %s: %d/%d accounts done, %d failed", p.what, p.done_.Load(), p.total, p.failed.Load())
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.s.progressLine = line
	fmt.Fprintf(p.s.stderr, "\r%s\x1b[K", line)
}

// end clears the line.
func (p *progress) end() {
	if p == nil {
		return
	}
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.s.progressLine = ""
	fmt.Fprint(p.s.stderr, "\r\x1b[K")
}
