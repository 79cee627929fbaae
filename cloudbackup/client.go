package cloudbackup

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// providerName names this package in errors, logs and the User-Agent.
const providerName = "cloudbackup"

// Client talks to Huawei Cloud Backup and Recovery (CBR) v3 in one region
// and project. It is safe for concurrent use; create one per project and
// share it.
type Client struct {
	core      *core.Client
	projectID string
	// waitBackoff spaces the polls of waits without WaitBackoff.
	waitBackoff core.Backoff
	common      service

	// Backups lists, reads, deletes and restores backups.
	Backups *BackupsService
	// Checkpoints creates restore points (backs up now) and reads them.
	Checkpoints *CheckpointsService
	// Vaults lists and reads vaults and the resources bound to them.
	Vaults *VaultsService
	// OperationLogs reads tasks (backups, restores, deletions) and gives
	// handles to wait for them (Operation).
	OperationLogs *OperationLogsService
}

// service is the common base of the services: a cheap view of the Client.
type service struct {
	client *Client
}

// options collects what the Option functions set.
type options struct {
	core.Settings

	authSource    string // the option that set the credentials, for conflict errors
	token         core.Secret
	iam           *iamLogin
	accessKey     string
	secretKey     core.Secret
	securityToken core.Secret // temporary access keys only

	domain      string // WithDomain
	iamEndpoint string // WithIAMEndpoint; "" derives it from the base URL

	renewBefore time.Duration
	now         func() time.Time // tests only
}

// Option configures NewClient. An option that gets bad input makes
// NewClient return an error naming it.
type Option func(*options) error

func (o *options) setAuth(source string) error {
	if o.authSource != "" {
		return fmt.Errorf("%s conflicts with %s: give one kind of credentials", source, o.authSource)
	}
	o.authSource = source
	return nil
}

// WithToken authenticates with a ready IAM token, sent as X-Auth-Token.
// The token is never renewed: when it expires, calls fail with a 401
// *APIError (IsUnauthorized). Use WithPassword to have tokens fetched and
// renewed automatically.
func WithToken(token string) Option {
	return func(o *options) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("WithToken: token is empty")
		}
		if err := o.setAuth("WithToken"); err != nil {
			return err
		}
		o.token = core.NewSecret(token)
		return nil
	}
}

// WithPassword authenticates as an IAM user with its name and password:
// the client logs in to IAM, scoped to the client's project, on first use.
// It needs WithDomain, the account the user belongs to. The IAM endpoint is
// that of the CBR base URL's region (https://cbr.<region>.myhuaweicloud.com
// logs in at https://iam.<region>.myhuaweicloud.com); WithIAMEndpoint
// overrides it, and is needed when the base URL names no region. The
// token (valid 24 h) is cached and shared by all calls, renewed shortly
// before it expires and once when the API rejects it with 401; concurrent
// callers share one login.
func WithPassword(user, password string) Option {
	return func(o *options) error {
		switch {
		case strings.TrimSpace(user) == "":
			return errors.New("WithPassword: user is empty")
		case password == "":
			return errors.New("WithPassword: password is empty")
		}
		if err := o.setAuth("WithPassword"); err != nil {
			return err
		}
		o.iam = &iamLogin{user: user, password: core.NewSecret(password)}
		return nil
	}
}

// WithDomain names the account (IAM domain) of the WithPassword user. For
// the account's own user it is the user's name.
func WithDomain(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("WithDomain: domain (account name) is empty")
		}
		o.domain = name
		return nil
	}
}

// WithIAMEndpoint sets where WithPassword logs in (such as
// "https://iam.ap-southeast-1.myhuaweicloud.com", with or without "/v3"),
// instead of the IAM endpoint of the base URL's region.
func WithIAMEndpoint(iamURL string) Option {
	return func(o *options) error {
		if strings.TrimSpace(iamURL) == "" {
			return errors.New("WithIAMEndpoint: URL is empty")
		}
		if _, err := core.ParseBaseURL(iamURL); err != nil {
			return fmt.Errorf("WithIAMEndpoint: %w", err)
		}
		o.iamEndpoint = iamURL
		return nil
	}
}

// WithAccessKey authenticates by signing every request (every retry
// afresh) with an access key and secret key (algorithm SDK-HMAC-SHA256,
// headers X-Sdk-Date and Authorization).
func WithAccessKey(accessKey, secretKey string) Option {
	return func(o *options) error {
		if err := checkAKSK("WithAccessKey", accessKey, secretKey); err != nil {
			return err
		}
		if err := o.setAuth("WithAccessKey"); err != nil {
			return err
		}
		o.accessKey, o.secretKey = accessKey, core.NewSecret(secretKey)
		return nil
	}
}

// WithTemporaryAccessKey authenticates with a temporary access key, its
// secret key and its security token, as IAM gives them for an agency or a
// federated user (POST /v3.0/OS-CREDENTIAL/securitytokens, or the ECS
// metadata service for an agency bound to a server). Requests are signed
// as with WithAccessKey, and carry the token in the X-Security-Token
// header, which the signature covers. The token is a credential like the
// secret key: it never appears in errors, logs or the printed forms of the
// client. Temporary keys expire (15 minutes to 24 hours) and are not
// renewed: a call after the expiry fails with a 401 *APIError
// (IsUnauthorized); make a new client with fresh keys.
func WithTemporaryAccessKey(accessKey, secretKey, securityToken string) Option {
	return func(o *options) error {
		if err := checkAKSK("WithTemporaryAccessKey", accessKey, secretKey); err != nil {
			return err
		}
		switch {
		case strings.TrimSpace(securityToken) == "":
			return errors.New("WithTemporaryAccessKey: security token is empty")
		case strings.ContainsAny(securityToken, "\r\n"):
			return errors.New("WithTemporaryAccessKey: security token must not contain line breaks")
		}
		if err := o.setAuth("WithTemporaryAccessKey"); err != nil {
			return err
		}
		o.accessKey, o.secretKey, o.securityToken = accessKey, core.NewSecret(secretKey), core.NewSecret(securityToken)
		return nil
	}
}

// checkAKSK validates an access key pair for the option named opt.
func checkAKSK(opt, accessKey, secretKey string) error {
	switch {
	case strings.TrimSpace(accessKey) == "":
		return fmt.Errorf("%s: access key is empty", opt)
	case secretKey == "":
		return fmt.Errorf("%s: secret key is empty", opt)
	case strings.ContainsAny(accessKey, ", \t\r\n"):
		return fmt.Errorf("%s: access key must not contain spaces or commas", opt)
	}
	return nil
}

// WithTokenRenewal sets how long before its expiry a WithPassword token is
// renewed (default 5 minutes). A token that lives less than twice that is
// renewed half-way through its life instead, so that a short-lived token
// costs one login per half-life, not one per call.
func WithTokenRenewal(before time.Duration) Option {
	return func(o *options) error {
		if before <= 0 {
			return fmt.Errorf("WithTokenRenewal: %s is not positive", before)
		}
		o.renewBefore = before
		return nil
	}
}

// WithHTTPClient sends requests (IAM logins included) through hc: its
// transport, TLS settings, proxy and per-attempt Timeout. The default is a
// client with its own clone of http.DefaultTransport.
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
// server. Here the writes are Backups.Delete, Backups.Restore and
// Checkpoints.Create; the IAM login is a read. Each write says so in its
// documentation.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(o *options) error {
		return o.SetRetryPolicy(p)
	}
}

// WithLogger sends debug records of each attempt (method, path, status,
// retries, token renewals; never credentials) to l. The default is silence.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		return o.SetLogger(l)
	}
}

// WithUserAgent appends s to the User-Agent header
// ("backupsdk/<version> cloudbackup <s>").
func WithUserAgent(s string) Option {
	return func(o *options) error {
		return o.SetUserAgent(s)
	}
}

// withNow replaces time.Now for token expiry and signing dates (tests).
func withNow(now func() time.Time) Option {
	return func(o *options) error {
		o.now = now
		return nil
	}
}

// WithWaitBackoff sets how the client's waits (RestoreResult.Wait,
// Checkpoint.Wait, Operation.Wait) space their polls, unless a call gives
// WaitBackoff. The default is DefaultWaitBackoff.
func WithWaitBackoff(b Backoff) Option {
	return func(o *options) error { return o.SetWaitBackoff(b) }
}

// NewClient returns a client for the CBR base URL of one region (such as
// "https://cbr.ap-southeast-1.myhuaweicloud.com") and the project whose
// backups it reads. Exactly one kind of credentials is required:
// WithToken, WithPassword (with WithDomain), WithAccessKey or
// WithTemporaryAccessKey. It does no I/O; a bad base URL, project ID or
// option is an error naming it.
func NewClient(baseURL, projectID string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
	}
	projectID = strings.TrimSpace(projectID)
	switch {
	case projectID == "":
		return nil, fmt.Errorf("%s: project ID is empty", providerName)
	case projectID == "." || projectID == ".." || strings.ContainsAny(projectID, "/?#"):
		return nil, fmt.Errorf("%s: project ID %q is not valid", providerName, projectID)
	case o.authSource == "":
		return nil, fmt.Errorf("%s: no credentials: give WithToken, WithPassword, WithAccessKey or WithTemporaryAccessKey", providerName)
	case o.renewBefore > 0 && o.iam == nil:
		return nil, fmt.Errorf("%s: WithTokenRenewal needs WithPassword (%s tokens are not renewed)", providerName, o.authSource)
	case (o.domain != "" || o.iamEndpoint != "") && o.iam == nil:
		return nil, fmt.Errorf("%s: WithDomain and WithIAMEndpoint go with WithPassword, not %s", providerName, o.authSource)
	case o.iam != nil && o.domain == "":
		return nil, fmt.Errorf("%s: WithPassword needs WithDomain (the account the user belongs to)", providerName)
	}
	if o.iam != nil {
		o.iam.domain = o.domain
		o.iam.endpoint = o.iamEndpoint
		if o.iam.endpoint == "" {
			e, ok := iamEndpointFor(baseURL)
			if !ok {
				return nil, fmt.Errorf("%s: WithPassword: base URL %q names no region (want https://cbr.<region>.myhuaweicloud.com): give WithIAMEndpoint", providerName, core.RedactURLString(baseURL))
			}
			o.iam.endpoint = e
		}
	}
	now := o.now
	if now == nil {
		now = time.Now
	}
	cc, err := core.New(core.Config{
		Provider:   providerName,
		BaseURL:    baseURL,
		HTTPClient: o.HTTPClient,
		UserAgent:  o.UserAgent,
		Retry:      o.Retry,
		Logger:     o.Logger,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{core: cc, projectID: projectID, waitBackoff: o.WaitBackoff}
	if c.waitBackoff == nil {
		c.waitBackoff = DefaultWaitBackoff()
	}
	switch {
	case o.token.IsSet():
		cc.SetAuth(core.HeaderAuth{Name: "X-Auth-Token", Value: o.token})
	case o.iam != nil:
		iamCore, err := core.New(core.Config{
			Provider:   providerName,
			BaseURL:    trimVersion(o.iam.endpoint),
			HTTPClient: cc.HTTPClient(),
			UserAgent:  o.UserAgent,
			Retry:      o.Retry,
			Logger:     o.Logger,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: WithPassword: %w", providerName, err)
		}
		o.iam.core, o.iam.projectID, o.iam.now = iamCore, projectID, now
		cc.SetAuth(core.NewTokenAuth(core.TokenAuthConfig{
			Header:      "X-Auth-Token",
			Login:       o.iam.login,
			RenewBefore: o.renewBefore,
			Now:         now,
		}))
	default:
		cc.SetAuth(&signer{accessKey: o.accessKey, secretKey: o.secretKey, securityToken: o.securityToken, now: now})
	}
	c.common.client = c
	c.Backups = (*BackupsService)(&c.common)
	c.Checkpoints = (*CheckpointsService)(&c.common)
	c.Vaults = (*VaultsService)(&c.common)
	c.OperationLogs = (*OperationLogsService)(&c.common)
	return c, nil
}

// ProjectID returns the project the client works in.
func (c *Client) ProjectID() string { return c.projectID }

// BaseURL returns the CBR base URL without a trailing slash.
func (c *Client) BaseURL() string { return c.core.BaseURL() }

// iamEndpointFor derives the IAM endpoint of a CBR base URL's region:
// https://cbr.<region>.<domain> logs in at https://iam.<region>.<domain>,
// the scheme and port kept. A host that does not start "cbr.<region>." has
// no IAM endpoint to derive.
func iamEndpointFor(baseURL string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return "", false
	}
	host := u.Hostname()
	rest, ok := strings.CutPrefix(strings.ToLower(host), "cbr.")
	if !ok || !strings.Contains(rest, ".") {
		return "", false
	}
	iam := &url.URL{Scheme: u.Scheme, Host: "iam." + host[len("cbr."):]}
	if p := u.Port(); p != "" {
		iam.Host += ":" + p
	}
	return iam.String(), true
}

// trimVersion lets an IAM endpoint be given with or without its "/v3".
func trimVersion(endpoint string) string {
	e := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	return strings.TrimSuffix(e, "/v3")
}
