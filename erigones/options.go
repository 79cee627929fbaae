package erigones

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/backupsdk/backupsdk/internal/core"
)

// Option configures NewClient. An option that gets an unusable value makes
// NewClient return an error naming it.
type Option func(*options) error

type options struct {
	core.Settings

	apiKey   core.Secret
	username string
	password core.Secret
	token    core.Secret
	login    bool

	dc string
}

// WithHTTPClient sends requests through hc (its transport, proxy, TLS
// settings and timeout). The client is used as it is, never modified.
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
// server. Here the writes are the creates, restores, updates and deletes of
// backups and definitions, Task.Cancel and Logout; each says so in its
// documentation.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) error {
		return o.SetRetryPolicy(p)
	}
}

// WithLogger logs each attempt, retry and credential renewal at debug
// level. Credentials are never logged. Without it the client is silent.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		return o.SetLogger(l)
	}
}

// WithUserAgent appends s to the User-Agent header ("backupsdk/<v> erigones s").
func WithUserAgent(s string) Option {
	return func(o *options) error {
		return o.SetUserAgent(s)
	}
}

// WithAPIKey authenticates every request with the user's API key, sent in
// the ES-API-KEY header. It cannot be combined with WithPassword or WithToken.
func WithAPIKey(key string) Option {
	return func(o *options) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("WithAPIKey: empty API key")
		}
		o.apiKey = core.NewSecret(key)
		return nil
	}
}

// WithPassword authenticates with a username and password: the client logs in
// (POST /api/accounts/login/) on first use, sends "Authorization: Token …",
// logs in again once when the server says the token is no longer valid, and
// Client.Logout ends the session.
func WithPassword(username, password string) Option {
	return func(o *options) error {
		if strings.TrimSpace(username) == "" {
			return errors.New("WithPassword: empty username")
		}
		if password == "" {
			return errors.New("WithPassword: empty password")
		}
		o.username = username
		o.password = core.NewSecret(password)
		o.login = true
		return nil
	}
}

// WithToken sends a token obtained elsewhere (such as by the es client) as
// "Authorization: Token …". Combined with WithPassword it is used first and
// replaced by a login when the server rejects it; alone it cannot be renewed.
func WithToken(token string) Option {
	return func(o *options) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("WithToken: empty token")
		}
		o.token = core.NewSecret(token)
		return nil
	}
}

// WithDC sends dc=<name> with every DC-bound call, choosing the virtual
// datacenter; each call's options may override it with their DC field.
// Without it the server uses the user's current datacenter.
func WithDC(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("WithDC: empty datacenter name")
		}
		o.dc = name
		return nil
	}
}

// WithWaitBackoff sets how long Task.Wait (and CreateAndWait) sleeps
// before each status poll, unless the call says otherwise with
// WaitBackoff. The default is the official es client's schedule,
// ScheduleBackoff(1s, 3s, 6s, 12s, 30s): 1, 3, 6, 12 and 30 seconds, then
// 30 seconds for ever (until the context ends).
func WithWaitBackoff(b Backoff) Option {
	return func(o *options) error { return o.SetWaitBackoff(b) }
}
