package erigones

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// provider names this package in errors, logs and the User-Agent.
const provider = "erigones"

// Client talks to one Danube Cloud (Erigones) API server. It is safe for
// concurrent use; its services are views of it.
type Client struct {
	core     *core.Client
	token    *core.TokenAuth // nil with an API key
	login    bool            // token can be renewed by a login
	username string
	password core.Secret
	dc       string
	wait     Backoff

	common service

	// Definitions manages backup definitions (schedules) of VM disks.
	Definitions *DefinitionsService
	// Backups lists, creates, restores and deletes VM backups.
	Backups *BackupsService
	// Nodes lists backup definitions and backups by backup node.
	Nodes *NodesService
}

type service struct{ client *Client }

// NewClient returns a client for the server at baseURL, the server's root
// such as "https://my.erigones.com" (a URL that already ends in /api is
// accepted too); the client adds /api/ and the trailing slash of each route.
// Credentials are required: WithAPIKey, WithPassword or WithToken. NewClient
// does no I/O.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("%s: %w", provider, err)
		}
	}
	switch {
	case o.apiKey.IsSet() && (o.login || o.token.IsSet()):
		return nil, fmt.Errorf("%s: WithAPIKey cannot be combined with WithPassword or WithToken", provider)
	case !o.apiKey.IsSet() && !o.login && !o.token.IsSet():
		return nil, fmt.Errorf("%s: no credentials: use WithAPIKey, WithPassword or WithToken", provider)
	}
	base, err := core.ParseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", provider, err)
	}
	if !strings.HasSuffix(base.Path, "/api") {
		base = base.JoinPath("api")
	}
	cc, err := core.New(core.Config{
		Provider:   provider,
		BaseURL:    base.String(),
		HTTPClient: o.HTTPClient,
		UserAgent:  o.UserAgent,
		Retry:      o.Retry,
		Logger:     o.Logger,
		ParseError: parseAPIError,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{
		core:     cc,
		login:    o.login,
		username: o.username,
		password: o.password,
		dc:       o.dc,
		wait:     o.WaitBackoff,
	}
	if c.wait == nil {
		c.wait = defaultWaitBackoff()
	}
	if o.apiKey.IsSet() {
		cc.SetAuth(core.HeaderAuth{Name: "ES-API-KEY", Value: o.apiKey})
	} else {
		cfg := core.TokenAuthConfig{Header: "Authorization", Prefix: "Token ", Expired: tokenExpired, RenewBefore: renewBefore}
		if o.login {
			cfg.Login = c.loginToken
		}
		c.token = core.NewTokenAuth(cfg)
		if o.token.IsSet() {
			c.token.SetToken(o.token, time.Time{})
		}
		cc.SetAuth(c.token)
	}
	c.common.client = c
	c.Definitions = (*DefinitionsService)(&c.common)
	c.Backups = (*BackupsService)(&c.common)
	c.Nodes = (*NodesService)(&c.common)
	return c, nil
}

// BaseURL returns the API root the client calls, such as https://my.erigones.com/api.
func (c *Client) BaseURL() string { return c.core.BaseURL() }

// DC returns the default virtual datacenter set with WithDC ("" for the user's current one).
func (c *Client) DC() string { return c.dc }

// tokenExpired reports whether an error means the token is no longer valid:
// any 401, or a 403 about the token or missing credentials (an expired
// token is simply not accepted, so the server says none were provided).
func tokenExpired(e *core.APIError) bool {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return true
	case http.StatusForbidden:
		m := strings.ToLower(e.Message)
		return strings.Contains(m, "token") || strings.Contains(m, "credentials were not provided")
	}
	return false
}

// withDC returns q with dc set to the client's default unless the call set one.
func (c *Client) withDC(q url.Values, dc string) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if dc == "" {
		dc = c.dc
	}
	if dc != "" {
		q.Set("dc", dc)
	} else {
		q.Del("dc")
	}
	return q
}

// pickDC returns the call's datacenter or the client's default.
func (c *Client) pickDC(dc string) string {
	if dc != "" {
		return dc
	}
	return c.dc
}

// query encodes an options struct (nil gives no values).
// getObject reads one object of a view (a backup, a definition) with the
// query of opts and the datacenter dc (the client's default when empty).
func getObject[T any](ctx context.Context, c *Client, path string, params []string, opts any, dc string) (*T, error) {
	q, err := query(opts)
	if err != nil {
		return nil, err
	}
	var out T
	if err := c.sync(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: path, PathParams: params, Query: c.withDC(q, dc)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func query(opts any) (url.Values, error) {
	v, err := core.EncodeQuery(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", provider, err)
	}
	return v, nil
}

// call sends r and reads the envelope of a 2xx answer. A FAILURE or REVOKED
// envelope in a 2xx answer becomes an *APIError (400 or 410).
func (c *Client) call(ctx context.Context, r *core.Request) (*envelope, *core.Response, error) {
	resp, err := c.core.Do(ctx, r, nil)
	if err != nil {
		return nil, resp, err
	}
	env, err := c.envelopeOf(resp)
	return env, resp, err
}

// envelopeOf reads the envelope of a 2xx answer, as call does.
func (c *Client) envelopeOf(resp *core.Response) (*envelope, error) {
	env, _, err := c.envelopeInto(resp, nil)
	return env, err
}

// envelopeInto is envelopeOf that reads the result into out, as
// readEnvelope does.
func (c *Client) envelopeInto(resp *core.Response, out any) (env *envelope, resultErr, err error) {
	env, resultErr, err = readEnvelope(resp.Body, out)
	if err != nil {
		return nil, nil, c.core.DecodeError(resp, err)
	}
	switch env.Status {
	case TaskFailure:
		return env, nil, c.core.APIError(resp, http.StatusBadRequest)
	case TaskRevoked:
		return env, nil, c.core.APIError(resp, http.StatusGone)
	}
	return env, resultErr, nil
}

// sync sends a call the server answers at once and decodes its result into
// out (when out is not nil).
func (c *Client) sync(ctx context.Context, r *core.Request, out any) error {
	resp, err := c.core.Do(ctx, r, nil)
	if err != nil {
		return err
	}
	var into any
	if r.Kind == core.Read {
		into = out // read where it stands, in the envelope's pass
	}
	env, resultErr, err := c.envelopeInto(resp, into)
	if err != nil {
		return err
	}
	if env.Status != TaskSuccess {
		return fmt.Errorf("%s: %s %s: server started task %s (%s) instead of answering", provider, r.Method, resp.URL, env.TaskID, env.Status)
	}
	if resultErr != nil {
		return c.core.DecodeError(resp, fmt.Errorf("result: %w", resultErr))
	}
	if out == nil || into != nil {
		return nil
	}
	// The change is made: a member that does not fit its field must not
	// turn that into an error, which would invite sending the change
	// again. It is left absent and logged.
	problems, err := codec.UnmarshalJSONLenient(env.Result, out, codec.Limits{})
	if err != nil {
		return c.core.DecodeError(resp, fmt.Errorf("result: %w", err))
	}
	if problems != nil {
		c.core.Warn(ctx, "members of a write's answer left absent", slog.String("method", r.Method),
			slog.String("url", resp.URL), slog.String("error", problems.Error()))
	}
	return nil
}

// async sends a call that may start a task and returns the task: pending
// (201 PENDING), or already final when the server finished it at once.
func (c *Client) async(ctx context.Context, r *core.Request, dc string) (*Task, error) {
	t, _, err := c.asyncResp(ctx, r, dc)
	return t, err
}

// asyncResp is async that also returns the answer.
func (c *Client) asyncResp(ctx context.Context, r *core.Request, dc string) (*Task, *core.Response, error) {
	env, resp, err := c.call(ctx, r)
	if err != nil {
		return nil, resp, err
	}
	if env.TaskID == "" && !env.Status.Final() {
		return nil, resp, c.core.DecodeError(resp, errors.New("pending answer without a task_id"))
	}
	return &Task{
		client: c,
		dc:     dc,
		first:  TaskResult{TaskID: env.TaskID, Status: env.Status, Result: RawJSON(env.Result)},
	}, resp, nil
}

// Task returns a handle on a task started earlier (by this or another
// program), for polling, waiting or cancelling. dc is the datacenter the
// task runs in, needed only by Cancel ("" for the client's default).
func (c *Client) Task(id, dc string) *Task {
	return &Task{client: c, dc: c.pickDC(dc), first: TaskResult{TaskID: id, Status: TaskPending, Result: RawJSON(nullJSON())}}
}

// ListTasksOptions selects the datacenter of ListTasks.
type ListTasksOptions struct {
	// DC overrides the client's default datacenter.
	DC string `url:"dc,omitempty"`
}

// ListTasks returns the ids of the user's pending tasks in the datacenter
// (GET /api/task/). The list is empty, not nil, when nothing runs.
func (c *Client) ListTasks(ctx context.Context, opts *ListTasksOptions) ([]string, error) {
	var dc string
	if opts != nil {
		dc = opts.DC
	}
	r := &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathTasks, Query: c.withDC(nil, dc)}
	resp, err := c.core.Do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	// The task list is not enveloped; accept an envelope all the same.
	var ids []string
	if err := codec.UnmarshalJSON(resp.Body, &ids); err != nil {
		env, eerr := decodeEnvelope(resp.Body)
		if eerr != nil {
			return nil, c.core.DecodeError(resp, err)
		}
		if err := codec.UnmarshalJSON(env.Result, &ids); err != nil && len(env.Result) > 0 {
			return nil, c.core.DecodeError(resp, fmt.Errorf("result: %w", err))
		}
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}
