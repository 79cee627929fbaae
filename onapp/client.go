package onapp

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/backupsdk/backupsdk/internal/core"
)

// providerName names this package in errors, logs and the User-Agent.
const providerName = "onapp"

// Format selects the representation a Client speaks: JSON (the default) or
// XML. It picks the path suffix (.json or .xml), the Accept header and the
// encoding of request bodies.
type Format = core.Format

const (
	// JSON speaks application/json through the .json paths (the default).
	JSON Format = core.JSON
	// XML speaks Rails-style application/xml through the .xml paths.
	XML Format = core.XML
)

// Client talks to one OnApp control panel. It is safe for concurrent use;
// create one per control panel and share it.
type Client struct {
	core   *core.Client
	format Format
	common service

	waitBackoff Backoff

	// Backups covers normal (disk) and incremental (VM) backups: listing,
	// creating, restoring, deleting, editing notes and converting to
	// templates.
	Backups *BackupsService

	// VirtualMachines lists the virtual servers (OnApp has no call that
	// lists every backup: list the servers, then their backups).
	VirtualMachines *VirtualMachinesService

	// Disks lists the disks of a virtual server, the targets of normal
	// backups.
	Disks *DisksService
}

// service is the common base of the services: a cheap view of the Client.
type service struct {
	client *Client
}

// options collects what the Option functions set.
type options struct {
	core.Settings
	format    Format
	formatSet bool

	user       string
	password   string
	authSource string // the option that set the credentials, for conflict errors
}

// Option configures NewClient. An option that gets bad input makes
// NewClient return an error naming it.
type Option func(*options) error

// WithPassword authenticates with HTTP basic authentication: an OnApp
// user name (or e-mail) and its password. An API key generated for the
// user goes here too, in place of the password: OnApp takes either as the
// password of HTTP basic authentication, so there is no separate API-key
// option.
func WithPassword(user, password string) Option {
	return func(o *options) error {
		return o.setCredentials("WithPassword", user, password, "password")
	}
}

// WithWaitBackoff sets how the client's waits (CreateResult.Wait) space
// their polls, unless a call gives WaitBackoff. The default is
// ExponentialBackoff(5*time.Second, time.Minute): a backup takes minutes to
// build.
func WithWaitBackoff(b Backoff) Option {
	return func(o *options) error { return o.SetWaitBackoff(b) }
}

func (o *options) setCredentials(source, user, secret, secretName string) error {
	if o.authSource != "" {
		return fmt.Errorf("%s conflicts with %s: give one set of credentials", source, o.authSource)
	}
	if strings.TrimSpace(user) == "" {
		return fmt.Errorf("%s: user is empty", source)
	}
	if strings.ContainsRune(user, ':') {
		return fmt.Errorf("%s: user must not contain ':' (HTTP basic authentication cannot carry it)", source)
	}
	if secret == "" {
		return fmt.Errorf("%s: %s is empty", source, secretName)
	}
	o.user, o.password, o.authSource = user, secret, source
	return nil
}

// WithFormat selects JSON (the default) or XML for every call of the
// client. Create a second Client to speak both.
func WithFormat(f Format) Option {
	return func(o *options) error {
		if f != JSON && f != XML {
			return fmt.Errorf("WithFormat: unknown format %d: use onapp.JSON or onapp.XML", int(f))
		}
		if o.formatSet && o.format != f {
			return fmt.Errorf("WithFormat: conflicting formats %s and %s", o.format, f)
		}
		o.format, o.formatSet = f, true
		return nil
	}
}

// WithHTTPClient sends requests through hc (its transport, TLS settings,
// proxy and per-attempt Timeout). The default is a client with its own
// clone of http.DefaultTransport.
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
// server. Here the writes are the creates, Restore, Delete, UpdateNote and
// ConvertToTemplate; each says so in its documentation.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) error {
		return o.SetRetryPolicy(p)
	}
}

// WithLogger sends debug records of each attempt (method, path, status,
// retries; never credentials) to l. The default is silence.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		return o.SetLogger(l)
	}
}

// WithUserAgent appends s to the User-Agent header
// ("backupsdk/<version> onapp <s>").
func WithUserAgent(s string) Option {
	return func(o *options) error {
		return o.SetUserAgent(s)
	}
}

// NewClient returns a client for the OnApp control panel at baseURL (such
// as "https://cp.example.com"). Credentials are required: give
// WithPassword (with a password or an API key). It does no I/O; a bad URL or option is an
// error naming it.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
	}
	if o.authSource == "" {
		return nil, fmt.Errorf("%s: no credentials: give WithPassword(user, password or API key)", providerName)
	}
	cc, err := core.New(core.Config{
		Provider:   providerName,
		BaseURL:    baseURL,
		HTTPClient: o.HTTPClient,
		UserAgent:  o.UserAgent,
		Retry:      o.Retry,
		Logger:     o.Logger,
		Auth:       core.BasicAuth{User: o.user, Password: core.NewSecret(o.password)},
		ParseError: refineError,
	})
	if err != nil {
		return nil, err
	}
	if o.WaitBackoff == nil {
		o.WaitBackoff = defaultWaitBackoff
	}
	c := &Client{core: cc, format: o.format, waitBackoff: o.WaitBackoff}
	c.common.client = c
	c.Backups = (*BackupsService)(&c.common)
	c.VirtualMachines = (*VirtualMachinesService)(&c.common)
	c.Disks = (*DisksService)(&c.common)
	return c, nil
}

// Format returns the format the client speaks.
func (c *Client) Format() Format { return c.format }

// BaseURL returns the control panel URL the client calls, without a
// trailing slash.
func (c *Client) BaseURL() string { return c.core.BaseURL() }
