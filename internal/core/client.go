package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// DefaultMaxResponseBytes bounds how much of one response body is read.
const DefaultMaxResponseBytes = 64 << 20

// unknownLengthStart is the first buffer for a body without Content-Length.
const unknownLengthStart = 32 << 10

// Config configures New. Provider and BaseURL are required.
type Config struct {
	// Provider names the API in errors, logs and the User-Agent ("onapp").
	Provider string
	// BaseURL is the API root; request paths are appended to its path.
	BaseURL string
	// HTTPClient sends the requests; nil means a client with its own clone
	// of http.DefaultTransport. Its Timeout, if any, applies per attempt.
	HTTPClient *http.Client
	// UserAgent is appended to "backupsdk/<Version> <Provider>".
	UserAgent string
	// Retry is the retry policy; nil means DefaultRetryPolicy.
	Retry *RetryPolicy
	// Logger receives debug records of each attempt; nil means silent.
	Logger *slog.Logger
	// Auth puts credentials on each attempt; nil sends none.
	Auth Auth
	// Header is added to every request.
	Header http.Header
	// ParseError refines an APIError after the generic body parser ran, for
	// shapes specific to one API. body is the response body, cut to its
	// first 64 KiB (a longer error body is parsed from that prefix).
	ParseError func(e *APIError, body []byte)
	// MaxResponseBytes bounds a response body (default
	// DefaultMaxResponseBytes, 64 MiB): a longer one, or one whose
	// Content-Length says it is longer, is a *TransportError, and the
	// buffer that reads a body never grows past it. Whatever a body holds,
	// decoding it stays within the shape bounds of the codec (nesting depth
	// 10 000, 100 000 items per array or object, one array or object per
	// 32 bytes beyond the first 32 768, and a list answer no longer than
	// the page asked for): a body beyond them is a *DecodeError wrapping a
	// *LimitError that names the bound. An error body is parsed from its
	// first 64 KiB.
	MaxResponseBytes int64
}

// Client executes requests against one API. It is safe for concurrent use.
type Client struct {
	provider   string
	base       string // scheme://host/path, escaped, without a trailing slash
	httpClient *http.Client
	sender     *http.Client
	userAgent  string
	retry      RetryPolicy
	log        *slog.Logger
	auth       Auth
	header     http.Header
	parseError func(*APIError, []byte)
	maxBody    int64
}

// New validates cfg and returns a Client. It does no I/O.
func New(cfg Config) (*Client, error) {
	if cfg.Provider == "" {
		return nil, errors.New("core: Config.Provider is empty")
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Provider, err)
	}
	retry := DefaultRetryPolicy()
	if cfg.Retry != nil {
		retry = *cfg.Retry
	}
	if err := retry.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Provider, err)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = NewHTTPClient()
	}
	ua := "backupsdk/" + Version + " " + cfg.Provider
	if s := strings.TrimSpace(cfg.UserAgent); s != "" {
		ua += " " + s
	}
	maxBody := cfg.MaxResponseBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxResponseBytes
	}
	return &Client{
		provider:   cfg.Provider,
		base:       base.String(),
		httpClient: hc,
		sender:     passthroughClient(guardRedirects(hc, base)),
		userAgent:  ua,
		retry:      retry,
		log:        cfg.Logger,
		auth:       cfg.Auth,
		header:     cfg.Header.Clone(),
		parseError: cfg.ParseError,
		maxBody:    maxBody,
	}, nil
}

// NewHTTPClient returns an *http.Client with its own clone of
// http.DefaultTransport, so that clients share no connection pool or
// settings with the rest of the program. It follows no redirect: a 3xx
// answer is an *APIError naming its Location.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), CheckRedirect: noRedirects}
}

// ParseBaseURL checks that raw is an absolute http(s) URL without
// credentials, query or fragment, and strips a trailing slash. Its errors
// name the scheme and host and what is wrong, never the user info, path or
// query (which may hold a password or an API key).
func ParseBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("base URL is empty")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("base URL is not a valid URL: %s", parseErrorText(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL %s: scheme must be http or https", urlShown(u))
	case u.Host == "":
		return nil, fmt.Errorf("base URL %s: no host", urlShown(u))
	case u.User != nil:
		return nil, fmt.Errorf("base URL %s: holds credentials; pass them as an option instead", urlShown(u))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("base URL %s: must not have a query or fragment", urlShown(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// passthroughClient wraps the caller's client so that go-retryablehttp's
// CloseIdleConnections calls (made when retries run out or a wait is
// cancelled) cannot empty the caller's connection pool. Redirects are
// followed, or not, by hc (see guardRedirects), never by this wrapper.
func passthroughClient(hc *http.Client) *http.Client {
	return &http.Client{
		Transport:     roundTripFunc(func(r *http.Request) (*http.Response, error) { return doOnly(hc, r) }),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Provider returns the provider name given in Config.
func (c *Client) Provider() string { return c.provider }

// BaseURL returns the API root without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// HTTPClient returns the *http.Client that sends the requests.
func (c *Client) HTTPClient() *http.Client { return c.httpClient }

// SetAuth sets the credentials. Call it only while constructing a provider
// client, before the client is shared.
func (c *Client) SetAuth(a Auth) { c.auth = a }

// Response is a completed HTTP exchange.
type Response struct {
	StatusCode int
	Header     http.Header
	// Body is the whole response body.
	Body []byte
	// Method and URL identify the call; URL has credentials removed.
	Method string
	URL    string
	// Attempts is how many times the request was sent.
	Attempts int

	sensitive bool // the call's answer may hold credentials (Request.Sensitive)
}

// Do sends r and, for a 2xx answer with a body, decodes it into out (when
// out is not nil) as r.Format says. A non-2xx answer returns an *APIError;
// a body that cannot be decoded a *DecodeError. When the credentials have
// expired, they are renewed once and the call repeated. The Response is
// returned whenever one arrived.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: %w", c.provider, ErrNilContext)
	}
	if r.Kind != Read && r.Kind != Write {
		return nil, fmt.Errorf("%s: %s %s: %w", c.provider, r.Method, r.Path, ErrUndeclaredKind)
	}
	path, err := ExpandPath(r.Path, r.PathParams...)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", c.provider, r.Method, r.Path, err)
	}
	target := c.base + path
	if len(r.Query) > 0 {
		target += "?" + EncodeQueryString(r.Query)
	}
	body, err := encodeBody(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: encoding body: %w", c.provider, r.Method, path, err)
	}
	renewed := false
	for {
		resp, sent, err := c.send(ctx, r, target, body)
		recordResponse(ctx, resp)
		if err != nil && !renewed && !r.NoAuth && sent != nil {
			if rn, ok := c.auth.(Renewer); ok {
				if apiErr, isAPI := AsAPIError(err); isAPI && rn.Expired(sent, apiErr) {
					renewed = true
					c.debug(ctx, "renewing credentials", slog.String("method", r.Method), slog.String("path", path), slog.Int("status", apiErr.StatusCode))
					if rerr := rn.Renew(ctx, sent); rerr != nil {
						return resp, fmt.Errorf("%s: renewing credentials: %w", c.provider, rerr)
					}
					continue
				}
			}
		}
		if err != nil {
			return resp, err
		}
		if out != nil {
			if err := c.decode(resp, r.Format, out, r.List); err != nil {
				return resp, err
			}
		}
		return resp, nil
	}
}

// Decode decodes resp's body into out as format says. An empty body leaves
// out untouched. A failure is a *DecodeError; one for a body beyond the
// codec's shape bounds wraps a *LimitError.
func (c *Client) Decode(resp *Response, format Format, out any) error {
	return c.decode(resp, format, out, ListBound{})
}

func (c *Client) decode(resp *Response, format Format, out any, list ListBound) error {
	data := bytes.TrimSpace(resp.Body)
	if len(data) == 0 {
		return nil
	}
	l := codec.Limits{ListMember: list.Member, ListMax: list.Max}
	var err error
	if format == XML {
		err = codec.UnmarshalXMLWithin(data, out, l)
	} else {
		err = codec.UnmarshalJSONWithin(data, out, l)
	}
	if err != nil {
		return c.DecodeError(resp, err)
	}
	return nil
}

// DecodeError wraps err, a failure to read resp's body, in a *DecodeError.
func (c *Client) DecodeError(resp *Response, err error) *DecodeError {
	e := &DecodeError{
		Provider:    c.provider,
		Method:      resp.Method,
		URL:         resp.URL,
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Snippet:     snippet(resp.Body, maxSnippet),
		Err:         err,
	}
	if resp.sensitive {
		e.Snippet, e.Withheld, e.Err = "", true, withheldDecodeError{err}
	}
	return e
}

// APIError builds the *APIError for resp with the given status (a 2xx
// answer whose body reports an error passes the status the body states).
func (c *Client) APIError(resp *Response, status int) *APIError {
	body := resp.Body
	if resp.sensitive {
		body = redactFields(body)
	}
	e := NewAPIError(c.provider, resp.Method, resp.URL, status, resp.Header, body)
	e.Attempts = resp.Attempts
	if c.parseError != nil {
		c.parseError(e, errorPrefix(body))
	}
	return e
}

func encodeBody(r *Request) ([]byte, error) {
	switch b := r.Body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	}
	if r.Format == XML {
		return codec.MarshalXML(r.Body)
	}
	return codec.MarshalJSON(r.Body)
}

// send performs one call with retries. It returns the last request sent so
// that a Renewer can see which credentials it carried.
func (c *Client) send(ctx context.Context, r *Request, target string, body []byte) (*Response, *http.Request, error) {
	var rawBody any
	if body != nil {
		rawBody = body
	}
	// followed is set when an attempt follows a redirect (a caller's client
	// may): see guardRedirects.
	var followed atomic.Bool
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, followedKey{}, &followed), r.Method, target, rawBody)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s %s: %w", c.provider, r.Method, RedactURLString(target), err)
	}
	h := req.Header
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept", r.Format.mediaType())
	if body != nil {
		h.Set("Content-Type", r.Format.mediaType()+"; charset=utf-8")
	}
	for k, vs := range c.header {
		h[k] = append([]string(nil), vs...)
	}
	for k, vs := range r.Header {
		h[k] = append([]string(nil), vs...)
	}
	auth := c.auth
	if r.NoAuth {
		auth = nil
	}
	if auth != nil {
		if err := auth.Apply(ctx, req.Request, body); err != nil {
			return nil, nil, c.authError(err)
		}
	}

	path := req.URL.Path
	idempotent := r.Kind == Read
	last := req.Request
	attempts := 0
	// A read's success body is read within the retry loop, so that a body
	// cut off after the status (a reset, a Content-Length the server did
	// not keep) is fetched again like any other failed read.
	var early struct {
		resp *http.Response
		data []byte
		err  error
	}
	rc := &retryablehttp.Client{
		HTTPClient:   c.sender,
		Logger:       nil, // its own logger prints whole URLs to stderr
		RetryWaitMin: c.retry.MinWait,
		RetryWaitMax: c.retry.MaxWait,
		RetryMax:     c.retry.MaxRetries,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			attempts++
			retry, cerr := shouldRetry(ctx, idempotent, resp, err)
			if retry && !idempotent && followed.Load() {
				// The API host answered this write with a redirect and may
				// have done its work (a 303 after a POST says so). A refused
				// connection or a 429 on the way after it says nothing
				// about that.
				retry = false
			}
			if retry && err == nil && resp.StatusCode >= 500 && c.sessionExpired(auth, r.Method, resp) {
				// Some servers report an expired session as a 5xx: renewing
				// (outside this loop) helps, resending the same token does not.
				retry = false
			}
			if retry && err == nil && attempts <= c.retry.MaxRetries {
				drainForRetry(resp)
			}
			if idempotent && !retry && cerr == nil && err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				data, rerr := readBody(resp, c.maxBody)
				_ = resp.Body.Close()
				resp.Body = http.NoBody
				early.resp, early.data, early.err = resp, data, rerr
				if rerr != nil && !errors.As(rerr, new(bodyTooLargeError)) && ctx.Err() == nil {
					retry = true
					c.debug(ctx, "body cut off", slog.String("method", r.Method), slog.String("path", path),
						slog.Int("attempt", attempts), slog.String("error", redactError(rerr)), slog.Bool("will_retry", attempts <= c.retry.MaxRetries))
				}
			}
			if err != nil && c.log != nil {
				c.debug(ctx, "request failed", slog.String("method", r.Method), slog.String("path", path),
					slog.Int("attempt", attempts), slog.String("error", redactError(err)), slog.Bool("will_retry", retry))
			}
			return retry, cerr
		},
		Backoff: func(_, _ time.Duration, n int, resp *http.Response) time.Duration {
			wait := c.retry.backoff(n, resp, time.Now())
			if c.log != nil {
				attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", path),
					slog.Int("attempt", n+1), slog.Duration("wait", wait)}
				if resp != nil {
					attrs = append(attrs, slog.Int("status", resp.StatusCode))
				}
				c.debug(ctx, "retrying", attrs...)
			}
			return wait
		},
		ErrorHandler: func(resp *http.Response, err error, n int) (*http.Response, error) {
			attempts = n
			if err != nil && resp != nil {
				drainClose(resp.Body)
				resp = nil
			}
			return resp, err
		},
		PrepareRetry: func(hr *http.Request) error {
			// The previous attempt's request may still be read by the
			// transport: give this one its own header map.
			hr.Header = hr.Header.Clone()
			last = hr
			if auth == nil {
				return nil
			}
			if err := auth.Apply(ctx, hr, body); err != nil {
				return c.authError(err)
			}
			return nil
		},
		RequestLogHook: func(_ retryablehttp.Logger, hr *http.Request, i int) {
			c.debug(ctx, "request", slog.String("method", hr.Method), slog.String("path", path), slog.Int("attempt", i+1))
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			c.debug(ctx, "response", slog.String("method", r.Method), slog.String("path", path),
				slog.Int("status", resp.StatusCode), slog.Int("attempt", attempts))
		},
	}
	hresp, err := rc.Do(req)
	redacted := RedactURLString(target)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		var ae authError
		var apiErr *APIError
		if errors.As(err, &ae) || errors.As(err, &apiErr) {
			return nil, last, err
		}
		return nil, last, &TransportError{Provider: c.provider, Method: r.Method, URL: redacted, Attempts: max(attempts, 1), Err: sanitize(err)}
	}
	defer drainClose(hresp.Body)
	var data []byte
	if hresp == early.resp {
		data, err = early.data, early.err
	} else {
		data, err = readBody(hresp, c.maxBody)
	}
	resp := &Response{
		StatusCode: hresp.StatusCode,
		Header:     hresp.Header,
		Body:       data,
		Method:     r.Method,
		URL:        redacted,
		Attempts:   max(attempts, 1),
		sensitive:  r.sensitive(),
	}
	if err != nil {
		return resp, last, &TransportError{Provider: c.provider, Method: r.Method, URL: redacted, Attempts: resp.Attempts, Err: fmt.Errorf("reading response: %w", err)}
	}
	if isRedirect(hresp.StatusCode) && hresp.Header.Get("Location") != "" {
		return resp, last, c.redirectError(hresp, resp, body != nil)
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return resp, last, c.APIError(resp, hresp.StatusCode)
	}
	return resp, last, nil
}

// sessionExpired reports whether a retryable answer is in fact the server
// saying the credentials expired. It reads the body and puts it back.
func (c *Client) sessionExpired(auth Auth, method string, resp *http.Response) bool {
	rn, ok := auth.(Renewer)
	if !ok || resp.Request == nil {
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorProbe))
	resp.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(body), resp.Body), Closer: resp.Body}
	probe := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Method: method, URL: RedactURL(resp.Request.URL)}
	return rn.Expired(resp.Request, c.APIError(probe, resp.StatusCode))
}

// maxErrorProbe bounds how much of a 5xx body is read to recognise an
// expired session.
const maxErrorProbe = 64 << 10

type readCloser struct {
	io.Reader
	io.Closer
}

func (c *Client) authError(err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The call's context ended while it waited for (or made) a
		// login: say so, with the provider, rather than a bare
		// "context deadline exceeded". errors.Is still sees it.
		return fmt.Errorf("%s: waiting for login: %w", c.provider, err)
	}
	return fmt.Errorf("%s: credentials: %w", c.provider, err)
}

// TransportError reports a call that got no usable answer: the connection
// failed, or the body could not be read. It wraps the underlying error, so
// errors.Is(err, context.DeadlineExceeded) and the like work.
type TransportError struct {
	Provider string
	Method   string
	URL      string
	Attempts int
	Err      error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("%s: %s %s: %v", e.Provider, e.Method, urlPath(e.URL), redactError(e.Err))
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// readBody reads a whole body of at most limit bytes into a buffer that
// grows to the body's size and never past limit: with a Content-Length of
// up to 8 MiB, one exact allocation; with a larger one, 8 MiB and, once
// those have arrived, the announced size; without, doubling from unknownLengthStart up to
// limit. A body that fills limit is probed for one byte more, so that
// telling it from a longer one needs no buffer beyond the cap
// (bytes.Buffer.ReadFrom grew to twice the cap for that byte, allocating
// four times it in all).
// bodyTooLargeError is a body over the cap: fetching it again would not
// make it smaller.
type bodyTooLargeError string

func (e bodyTooLargeError) Error() string { return string(e) }

// trustedLength is how much of an announced Content-Length readBody
// allocates before the bytes arrive.
const trustedLength = 8 << 20

func readBody(resp *http.Response, limit int64) ([]byte, error) {
	n := resp.ContentLength
	if n > limit {
		return nil, bodyTooLargeError(fmt.Sprintf("response body of %d bytes exceeds %d bytes", n, limit))
	}
	var buf []byte
	ceiling := limit // the most the buffer grows to
	switch {
	case n >= 0:
		// One byte more, so that the end (or a body longer than announced,
		// which only a custom transport lets through) shows without a
		// regrowth. A Content-Length is a claim: beyond trustedLength it
		// is believed once that much has arrived, so a header announcing
		// 60 MB over a body of ten bytes costs no 60 MB.
		ceiling = min(n+1, limit)
		buf = make([]byte, 0, min(ceiling, trustedLength))
	default:
		// A chunked answer of unknown size: starting at 512 bytes and
		// doubling cost a third of a 1 MB list call in copies and clears.
		buf = make([]byte, 0, min(unknownLengthStart, limit))
	}
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				var probe [1]byte
				if m, err := io.ReadFull(resp.Body, probe[:]); m == 0 {
					if err == io.EOF {
						return buf, nil
					}
					return buf, err
				}
				return buf, bodyTooLargeError(fmt.Sprintf("response body exceeds %d bytes", limit))
			}
			// Once trustedLength bytes have arrived, the announced length
			// is believed: one more allocation, not a doubling series.
			grown := min(int64(cap(buf))*2, limit)
			if n >= 0 && int64(cap(buf)) < ceiling {
				grown = ceiling
			}
			buf = append(make([]byte, 0, grown), buf...)
		}
		m, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// drainClose reads what is left of a body (up to a bound) so the connection
// can be reused, then closes it.
func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}

// Warn records, at warning level on the configured Logger, a problem the
// caller's result carries quietly (members of a write's success answer
// left absent, for example). It does nothing without a Logger.
func (c *Client) Warn(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelWarn) {
		return
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "backupsdk: "+msg, append([]slog.Attr{slog.String("provider", c.provider)}, attrs...)...)
}

func (c *Client) debug(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "backupsdk: "+msg, append([]slog.Attr{slog.String("provider", c.provider)}, attrs...)...)
}

// sensitiveQueryKeys are redacted from URLs in errors and logs.
var sensitiveQueryKeys = []string{"token", "key", "secret", "password", "passwd", "signature", "auth", "cookie", "session", "sid_token"}

// RedactURL returns u without user info and with the values of sensitive
// query parameters replaced by REDACTED.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range sensitiveQueryKeys {
				if strings.Contains(lk, s) {
					q[k] = []string{redacted}
					changed = true
					break
				}
			}
		}
		if changed {
			c.RawQuery = EncodeQueryString(q)
		}
	}
	return c.String()
}

// RedactURLString is RedactURL for a URL in text form.
func RedactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return RedactURL(u)
}

// redactError renders err with every URL in it redacted.
func redactError(err error) string {
	return sanitize(err).Error()
}

// sanitize redacts the URL of every *url.Error in err's chain, in place (the
// errors were made for this call), and folds the nested *url.Error that the
// passthrough client adds around the caller's client's own.
func sanitize(err error) error {
	var outer *url.Error
	if !errors.As(err, &outer) {
		return err
	}
	for ue := outer; ue != nil; {
		ue.URL = RedactURLString(ue.URL)
		var inner *url.Error
		if !errors.As(ue.Err, &inner) {
			break
		}
		if inner.Op == ue.Op {
			ue.Err = inner.Err
			continue
		}
		ue = inner
	}
	return err
}
