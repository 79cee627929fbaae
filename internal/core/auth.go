package core

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Auth puts credentials on a request. Apply runs before every attempt,
// retries included, so a signer can sign each attempt afresh; body is the
// encoded request body (nil when there is none).
type Auth interface {
	Apply(ctx context.Context, req *http.Request, body []byte) error
}

// Renewer is an Auth whose credentials can expire. When a call fails with
// an error for which Expired reports true, the client calls Renew once and
// repeats the call; a second failure is returned as it is.
type Renewer interface {
	Auth
	// Expired reports whether err says the credentials on req are no longer valid.
	Expired(req *http.Request, err *APIError) bool
	// Renew replaces the credentials req carried. Concurrent callers that
	// carried the same credentials share one renewal.
	Renew(ctx context.Context, req *http.Request) error
}

// BasicAuth sends HTTP basic credentials.
type BasicAuth struct {
	User     string
	Password Secret
}

// Apply implements Auth.
func (a BasicAuth) Apply(_ context.Context, req *http.Request, _ []byte) error {
	req.SetBasicAuth(a.User, a.Password.Reveal())
	return nil
}

// HeaderAuth sends a fixed credential in one header, such as ES-API-KEY or
// X-Auth-Token.
type HeaderAuth struct {
	Name  string
	Value Secret
}

// Apply implements Auth.
func (a HeaderAuth) Apply(_ context.Context, req *http.Request, _ []byte) error {
	req.Header.Set(a.Name, a.Value.Reveal())
	return nil
}

// LoginFunc obtains a new token. A zero expires means the token has no known
// expiry (it is renewed only when the server rejects it).
type LoginFunc func(ctx context.Context) (token Secret, expires time.Time, err error)

// TokenAuth sends a token obtained from a login call in a header, logs in
// on first use, renews the token shortly before it expires and once when the
// server rejects it, and lets concurrent callers share one login.
type TokenAuth struct {
	header  string
	prefix  string
	login   LoginFunc
	expired func(*APIError) bool
	// early is how long before expiry the token is renewed.
	early time.Duration
	// loginTimeout bounds a login whose starter set no deadline.
	loginTimeout time.Duration
	now          func() time.Time

	mu      sync.Mutex
	token   Secret
	expires time.Time
	issued  time.Time // when the token was obtained: its lifetime is expires-issued
	flight  *loginFlight
}

type loginFlight struct {
	done  chan struct{}
	token Secret
	err   error
	// abandoned says the login ended because the caller that started it
	// gave up: the callers still waiting start another.
	abandoned bool
}

// TokenAuthConfig configures NewTokenAuth.
type TokenAuthConfig struct {
	// Header carries the token, with Prefix before it ("Authorization",
	// "Token "), ("AuthToken", ""), ("X-Auth-Token", "").
	Header string
	Prefix string
	// Login obtains a token; nil means the token can only be set.
	Login LoginFunc
	// Expired reports whether an error means the token is no longer valid;
	// nil means a 401.
	Expired func(*APIError) bool
	// RenewBefore renews this long before a known expiry (default 5
	// minutes), but never earlier than half-way through the token's
	// lifetime (from the login's return to its expiry): a token that lives
	// less than 2*RenewBefore is renewed once per half-life, not before
	// every call.
	RenewBefore time.Duration
	// Now replaces time.Now in tests.
	Now func() time.Time
}

// NewTokenAuth returns a TokenAuth for cfg.
func NewTokenAuth(cfg TokenAuthConfig) *TokenAuth {
	a := &TokenAuth{
		header:       cfg.Header,
		prefix:       cfg.Prefix,
		login:        cfg.Login,
		expired:      cfg.Expired,
		early:        cfg.RenewBefore,
		loginTimeout: 2 * time.Minute,
		now:          cfg.Now,
	}
	if a.expired == nil {
		a.expired = func(e *APIError) bool { return e.StatusCode == http.StatusUnauthorized }
	}
	if a.early == 0 {
		a.early = 5 * time.Minute
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a
}

// SetToken installs a ready token (with its expiry, or zero for none). Its
// lifetime, which bounds the renewal margin, counts from now.
func (a *TokenAuth) SetToken(token Secret, expires time.Time) {
	a.mu.Lock()
	a.token, a.expires, a.issued = token, expires, a.now()
	a.mu.Unlock()
}

// Token returns the current token, if one is held.
func (a *TokenAuth) Token() (Secret, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token, a.token.IsSet()
}

// Clear forgets the current token (after a logout).
func (a *TokenAuth) Clear() { a.SetToken(Secret{}, time.Time{}) }

// ClearIf forgets the current token only if it is still token, so that a
// logout does not throw away a token another caller has just obtained. It
// reports whether it cleared.
func (a *TokenAuth) ClearIf(token Secret) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.token.IsSet() || a.token.Reveal() != token.Reveal() {
		return false
	}
	a.token, a.expires = Secret{}, time.Time{}
	return true
}

// Apply implements Auth: it logs in when no fresh token is held.
func (a *TokenAuth) Apply(ctx context.Context, req *http.Request, _ []byte) error {
	tok, err := a.get(ctx, "")
	if err != nil {
		return err
	}
	req.Header.Set(a.header, a.prefix+tok.Reveal())
	return nil
}

// Expired implements Renewer.
func (a *TokenAuth) Expired(_ *http.Request, err *APIError) bool {
	return a.login != nil && a.expired(err)
}

// Renew implements Renewer: it logs in again unless another caller already
// replaced the token that req carried.
func (a *TokenAuth) Renew(ctx context.Context, req *http.Request) error {
	stale := strings.TrimPrefix(req.Header.Get(a.header), a.prefix)
	_, err := a.get(ctx, stale)
	return err
}

// get returns a fresh token. A non-empty stale names a token the server
// rejected: it is replaced even if it has not expired.
func (a *TokenAuth) get(ctx context.Context, stale string) (Secret, error) {
	for {
		a.mu.Lock()
		if a.fresh() && (stale == "" || a.token.Reveal() != stale) {
			tok := a.token
			a.mu.Unlock()
			return tok, nil
		}
		if a.login == nil {
			tok := a.token
			a.mu.Unlock()
			if !tok.IsSet() {
				return Secret{}, errNoToken
			}
			// A ready token cannot be renewed: send it and let the server answer.
			return tok, nil
		}
		f := a.flight
		if f == nil {
			f = &loginFlight{done: make(chan struct{})}
			a.flight = f
			go a.run(ctx, f)
		}
		a.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return Secret{}, ctx.Err()
		}
		if !f.abandoned {
			return f.token, f.err
		}
		if err := ctx.Err(); err != nil {
			return Secret{}, err
		}
		// The caller that started the login gave up, this one has not:
		// take part in (or start) the next login.
	}
}

// fresh reports whether the held token may be sent without renewing it
// first. The renewal margin is RenewBefore, capped at half the token's
// lifetime: with a fixed margin longer than the lifetime every call would
// log in, and each login would replace the token concurrent calls carry.
// a.mu must be held.
func (a *TokenAuth) fresh() bool {
	if !a.token.IsSet() {
		return false
	}
	if a.expires.IsZero() {
		return true
	}
	margin := a.early
	if life := a.expires.Sub(a.issued); margin > life/2 {
		margin = max(life/2, 0)
	}
	return a.now().Add(margin).Before(a.expires)
}

// run performs one shared login, bounded by the context of the caller
// that started it (and by loginTimeout). Other callers wait on it too, but
// it must not outlive its starter: a login that hangs (a server or proxy
// that never answers) would then hold up every later caller until some
// fixed bound long after their own deadlines. When the starter gives up,
// the callers still waiting start a new login under their own contexts.
func (a *TokenAuth) run(ctx context.Context, f *loginFlight) {
	lctx, cancel := context.WithTimeout(ctx, a.loginTimeout)
	defer cancel()
	tok, exp, err := a.login(lctx)
	if err == nil && !tok.IsSet() {
		err = errEmptyToken
	}
	a.mu.Lock()
	if err == nil {
		a.token, a.expires, a.issued = tok, exp, a.now()
	}
	f.token, f.err = tok, err
	f.abandoned = err != nil && ctx.Err() != nil
	a.flight = nil
	a.mu.Unlock()
	close(f.done)
}

type authError string

func (e authError) Error() string { return string(e) }

const (
	errNoToken    authError = "no token: log in first or configure credentials"
	errEmptyToken authError = "login succeeded but returned no token"
)
