package unitrends

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// providerName names this package in errors, logs and the User-Agent.
const providerName = "unitrends"

// Client talks to one Unitrends Backup appliance. It logs in on first use,
// sends the session token with every call, and when the appliance says the
// session expired it logs in again once (one login shared by every
// goroutine that was waiting) and repeats the call. It is safe for
// concurrent use; create one per appliance and share it.
type Client struct {
	core   *core.Client
	auth   *sessionAuth
	loc    *time.Location
	user   string
	pass   core.Secret
	common service

	// Backups queries, reads and deletes backups.
	Backups *BackupsService
	// Systems lists the systems (appliances) this appliance manages.
	Systems *SystemsService
}

// service is the common base of the services: a cheap view of the Client.
type service struct {
	client *Client
}

// options collects what the Option functions set.
type options struct {
	core.Settings
	user     string
	password string
	token    string
	loc      *time.Location
	tls      tlsOptions
}

// Option configures NewClient. An option that gets bad input makes
// NewClient return an error naming it.
type Option func(*options) error

// WithPassword logs in as user with password (POST /api/login) on the
// first call and again whenever the appliance says the session expired.
// It is the same option, with the same parameters, as in the SDK's other
// packages.
func WithPassword(user, password string) Option {
	return func(o *options) error {
		if strings.TrimSpace(user) == "" {
			return errors.New("WithPassword: user is empty")
		}
		if password == "" {
			return errors.New("WithPassword: password is empty")
		}
		if o.user != "" {
			return errors.New("WithPassword given twice: give one set of credentials")
		}
		o.user, o.password = user, password
		return nil
	}
}

// WithToken uses a session token obtained elsewhere (an earlier
// Client.SessionToken, or the appliance's UI) instead of logging in. Alone,
// the token cannot be renewed: once the appliance rejects it, calls fail
// with an *APIError (IsSessionExpired reports true). Together with
// WithPassword the token is used first and replaced by a login when it
// expires.
func WithToken(token string) Option {
	return func(o *options) error {
		// A local copy: an Option may be applied by many NewClient calls at once.
		t := strings.TrimSpace(token)
		if t == "" {
			return errors.New("WithToken: token is empty")
		}
		if strings.ContainsAny(t, "\r\n") {
			return errors.New("WithToken: token must not contain line breaks")
		}
		o.token = t
		return nil
	}
}

// WithTimeZone reads the appliance's local times (start_date_time, printed
// without a zone, such as "10/14/2014 09:32 am") in loc, the appliance's own
// time zone; wall clocks in a DST gap or overlap of loc are flagged
// (LocalTime.DST). The API has no call that tells the zone, so without this
// option such times stay appliance-local of unknown zone (LocalTime.Zone
// ZoneUnknown), placed only where the record's epoch start_time tells the
// offset; they are never taken for UTC.
func WithTimeZone(loc *time.Location) Option {
	return func(o *options) error {
		if loc == nil {
			return errors.New("WithTimeZone: location is nil")
		}
		o.loc = loc
		return nil
	}
}

// WithHTTPClient sends requests through hc (its transport, TLS settings,
// proxy and per-attempt Timeout). The default is a client with its own
// clone of http.DefaultTransport. It conflicts with the TLS options:
// configure TLS on hc's transport instead.
// hc's CheckRedirect decides whether to follow a redirect, but a hop to
// another host never carries the client's credentials, and a request with
// a body (a login, a restore) is not sent there: the 3xx is returned as an
// *APIError naming its Location. The default client follows no redirect.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		return o.SetHTTPClient(hc)
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
//
// Reads are repeated after a 429, a 500, 502, 503 or 504, or a connection
// error. A call that creates, restores, deletes or otherwise changes state
// is sent once: it is repeated only when the server certainly did no work
// (a 429 answer, or a connection that could not be made), never after a 5xx
// answer or a connection that broke once the request may have reached the
// server. Here the writes are Backups.Delete and Logout; the backups query
// and the login are reads, although they are POSTs. Each write says so in
// its documentation.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) error {
		return o.SetRetryPolicy(p)
	}
}

// WithLogger sends debug records of each attempt (method, path, status,
// retries, session renewals; never credentials or tokens) to l. The default
// is silence.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		return o.SetLogger(l)
	}
}

// WithUserAgent appends s to the User-Agent header
// ("backupsdk/<version> unitrends <s>").
func WithUserAgent(s string) Option {
	return func(o *options) error {
		return o.SetUserAgent(s)
	}
}

// NewClient returns a client for the appliance at baseURL, its root (such
// as "https://ueb.example.com"; the API lives under /api). Give
// WithPassword, WithToken or both. TLS certificates are verified;
// appliances use self-signed ones, so usually pass WithCACertFile or
// WithCACertPEM. It does no network I/O; a bad URL or option is an error
// naming it.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	o := options{}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
	}
	if o.user == "" && o.token == "" {
		return nil, fmt.Errorf("%s: no credentials: give WithPassword(user, password) or WithToken(token)", providerName)
	}
	hc, err := o.tlsHTTPClient()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", providerName, err)
	}
	if hc == nil {
		hc = o.HTTPClient
	}
	cc, err := core.New(core.Config{
		Provider:   providerName,
		BaseURL:    baseURL,
		HTTPClient: hc,
		UserAgent:  o.UserAgent,
		Retry:      o.Retry,
		Logger:     o.Logger,
		ParseError: refineError,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{core: cc, loc: o.loc, user: o.user, pass: core.NewSecret(o.password)}
	var login core.LoginFunc
	if o.user != "" {
		login = c.login
	}
	c.auth = &sessionAuth{TokenAuth: core.NewTokenAuth(core.TokenAuthConfig{
		Header:  headerAuthToken,
		Login:   login,
		Expired: sessionExpired,
	})}
	if o.token != "" {
		c.auth.SetToken(core.NewSecret(o.token), time.Time{})
	}
	cc.SetAuth(c.auth)
	c.common.client = c
	c.Backups = (*BackupsService)(&c.common)
	c.Systems = (*SystemsService)(&c.common)
	if o.tls.insecure && o.Logger != nil {
		o.Logger.Warn("backupsdk: TLS certificate verification is OFF (unitrends.WithInsecureSkipTLSVerify): "+
			"anyone on the network path can impersonate the appliance and read the password and session token",
			slog.String("provider", providerName), slog.String("base_url", cc.BaseURL()))
	}
	return c, nil
}

// BaseURL returns the appliance root the client talks to.
func (c *Client) BaseURL() string { return c.core.BaseURL() }

// TimeZone returns the zone the appliance's local times are read in, the
// one of WithTimeZone; nil when it is unknown.
func (c *Client) TimeZone() *time.Location { return c.loc }

// SessionToken returns the session token the client holds, if any, to be
// reused later with WithToken. Treat it like a password.
func (c *Client) SessionToken() (Secret, bool) { return c.auth.Token() }

// Login logs in now unless the client already holds a session token, so
// that wrong credentials or an untrusted certificate show up before the
// first real call. Calls log in on their own; Login is never required.
func (c *Client) Login(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%s: %w", providerName, core.ErrNilContext)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.core.BaseURL(), nil)
	if err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	if err := c.auth.Apply(ctx, req, nil); err != nil {
		var (
			apiErr       *APIError
			transportErr *TransportError
			decodeErr    *DecodeError
		)
		if errors.As(err, &apiErr) || errors.As(err, &transportErr) || errors.As(err, &decodeErr) {
			return withTLSHint(err)
		}
		return fmt.Errorf("%s: login: %w", providerName, err)
	}
	return nil
}

// Logout ends the session on the appliance (POST /api/logout with the
// token) and forgets the token; a later call logs in again (with
// WithPassword) or fails (with WithToken alone). Without a session it
// does nothing. A session the appliance already expired counts as ended.
// It is sent once: after a 5xx answer or a broken connection the token is
// kept, and the session ends on its own at the appliance's idle timeout.
func (c *Client) Logout(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%s: %w", providerName, core.ErrNilContext)
	}
	tok, ok := c.auth.Token()
	if !ok {
		return nil
	}
	h := http.Header{}
	h.Set(headerAuthToken, tok.Reveal())
	_, err := c.do(ctx, &core.Request{
		Kind:   core.Write,
		Method: http.MethodPost,
		Path:   pathLogout,
		Body:   logoutRequest{Cookie: tok.Reveal()},
		Header: h,
		NoAuth: true,
	})
	if err != nil {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !sessionExpired(apiErr) {
			return err
		}
	}
	// Another goroutine may have logged in again meanwhile: keep its token.
	c.auth.ClearIf(tok)
	return nil
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	AuthToken string `json:"auth_token"`
}

type logoutRequest struct {
	Cookie string `json:"cookie"`
}

// login is the core.LoginFunc: POST /api/login → 201 {"auth_token": …}.
// The token's life is an idle timeout, so no expiry is given: the token is
// renewed when the appliance rejects it.
func (c *Client) login(ctx context.Context) (core.Secret, time.Time, error) {
	body, err := codec.MarshalJSON(loginRequest{Username: c.user, Password: c.pass.Reveal()})
	if err != nil {
		return core.Secret{}, time.Time{}, fmt.Errorf("%s: encoding login: %w", providerName, err)
	}
	resp, err := c.do(ctx, &core.Request{
		Method: http.MethodPost,
		Path:   pathLogin,
		Body:   body,
		NoAuth: true,
		Kind:   core.Read, // a repeated login only opens a spare session
	})
	if err != nil {
		return core.Secret{}, time.Time{}, err
	}
	var out loginResponse
	if err := c.core.Decode(resp, core.JSON, &out); err != nil {
		return core.Secret{}, time.Time{}, err
	}
	tok := strings.TrimSpace(out.AuthToken)
	if tok == "" {
		return core.Secret{}, time.Time{}, c.core.DecodeError(resp, errors.New("login answer has no auth_token"))
	}
	return core.NewSecret(tok), time.Time{}, nil
}

// do runs one call: the core's executor (retries, renewal on an expired
// session answered with an error status), then a check of the body for an
// error inside a 2xx answer, which renews the session once too when it says
// the session expired.
func (c *Client) do(ctx context.Context, r *core.Request) (*core.Response, error) {
	return c.doClean(ctx, r, nil)
}

// doClean is do for a call whose caller can tell a clean answer from the
// body itself: when clean reports true, the body holds no error and is not
// searched for one again.
func (c *Client) doClean(ctx context.Context, r *core.Request, clean func(body []byte) bool) (*core.Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: %w", providerName, core.ErrNilContext)
	}
	st := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	for {
		resp, err := c.core.Do(ctx, r, nil)
		if err != nil {
			return resp, withTLSHint(err)
		}
		if clean != nil && clean(resp.Body) {
			return resp, nil
		}
		apiErr := c.bodyError(resp)
		if apiErr == nil {
			return resp, nil
		}
		if r.NoAuth || st.renewed.Load() || !c.auth.Expired(nil, apiErr) {
			return resp, apiErr
		}
		stale := &http.Request{Header: http.Header{}}
		if p := st.sent.Load(); p != nil {
			stale.Header.Set(headerAuthToken, *p)
		}
		if err := c.auth.Renew(ctx, stale); err != nil {
			return resp, withTLSHint(fmt.Errorf("%s: renewing credentials: %w", providerName, err))
		}
	}
}

// callState follows one call through the core: the token its last attempt
// carried, and whether the session was renewed for it already.
type callState struct {
	sent    atomic.Pointer[string]
	renewed atomic.Bool
}

type callStateKey struct{}

// sessionAuth is the core's TokenAuth plus a note, per call, of the token
// sent and of a renewal, so that an expiry reported inside a 200 answer is
// renewed once too, and never after the core renewed already.
type sessionAuth struct {
	*core.TokenAuth
}

// Apply implements core.Auth.
func (a *sessionAuth) Apply(ctx context.Context, req *http.Request, body []byte) error {
	if err := a.TokenAuth.Apply(ctx, req, body); err != nil {
		return err
	}
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
		tok := req.Header.Get(headerAuthToken)
		st.sent.Store(&tok)
	}
	return nil
}

// Renew implements core.Renewer.
func (a *sessionAuth) Renew(ctx context.Context, req *http.Request) error {
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
		st.renewed.Store(true)
	}
	return a.TokenAuth.Renew(ctx, req)
}
