package core_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// hop is one request the second host received.
type hop struct {
	method string
	header http.Header
	body   string
}

// elsewhere is a second loopback server standing for a host the caller
// never configured; it records what reaches it.
type elsewhere struct {
	*httptest.Server
	mu   sync.Mutex
	hops []hop
}

func newElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.hops = append(e.hops, hop{method: r.Method, header: r.Header.Clone(), body: string(b)})
		e.mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) seen() []hop {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]hop(nil), e.hops...)
}

// redirector is the API host: it answers every request with status and a
// Location on target, keeping the query (which holds a secret) in it.
func redirector(t *testing.T, status int, target string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", target+r.URL.Path+"?sid_token="+redirectSecret)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `<a href="`+target+r.URL.Path+"?sid_token="+redirectSecret+`">moved</a>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const (
	redirectSecret = "loc-secret-31337"
	loginPassword  = "login-password-hunter2"
)

// credentialAuth sets every kind of credential header the four packages
// use at once: what no other host may see.
type credentialAuth struct{}

func (credentialAuth) Apply(_ context.Context, req *http.Request, _ []byte) error {
	req.SetBasicAuth("admin", "basic-secret")
	for _, h := range []string{"ES-API-KEY", "AuthToken", "X-Auth-Token", "X-Sdk-Date", "X-Security-Token"} {
		req.Header.Set(h, "cred-"+h)
	}
	return nil
}

var credentialHeaders = []string{"Authorization", "ES-API-KEY", "AuthToken", "X-Auth-Token", "X-Sdk-Date", "X-Security-Token", "X-Logout-Token", "Referer"}

func assertNoCredentials(t *testing.T, hops []hop) {
	t.Helper()
	for _, h := range hops {
		for _, name := range credentialHeaders {
			assert.Empty(t, h.header.Values(name), "%s reached another host", name)
		}
		assert.NotContains(t, h.body, loginPassword, "a request body reached another host")
	}
}

// assertRedirectError checks the typed error a refused redirect gives.
func assertRedirectError(t *testing.T, err error, status int, location string) {
	t.Helper()
	apiErr, ok := core.AsAPIError(err)
	require.True(t, ok, "want an *APIError, got %T: %v", err, err)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.Equal(t, location, apiErr.Location, "Location is named, its credentials removed")
	assert.Contains(t, err.Error(), http.StatusText(status))
	assert.Contains(t, err.Error(), location)
	assert.NotContains(t, err.Error()+apiErr.Body+apiErr.Message, redirectSecret)
	assert.Empty(t, apiErr.Body, "a redirect's body repeats the raw Location")
}

func loginRequest() *core.Request {
	return &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true,
		Body: map[string]string{"username": "admin", "password": loginPassword}}
}

func readRequest() *core.Request {
	return &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/backups",
		Header: http.Header{"X-Logout-Token": {"header-secret"}}}
}

func TestSDKClientFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for name, hc := range map[string]*http.Client{"default": nil, "NewHTTPClient": core.NewHTTPClient()} {
			t.Run(http.StatusText(status)+"/"+name, func(t *testing.T) {
				t.Parallel()
				other := newElsewhere(t)
				api := redirector(t, status, other.URL)
				c := newClient(t, api.URL, func(cfg *core.Config) { cfg.HTTPClient = hc; cfg.Auth = credentialAuth{} })
				for _, r := range []*core.Request{readRequest(), loginRequest()} {
					_, err := c.Do(context.Background(), r, nil)
					assertRedirectError(t, err, status, other.URL+r.Path+"?sid_token=REDACTED")
				}
				assert.Empty(t, other.seen(), "no request reached the other host")
			})
		}
	}
}

func TestCallerClientKeepsItsRedirectPolicyButNotTheCredentials(t *testing.T) {
	t.Parallel()
	other := newElsewhere(t)
	api := redirector(t, http.StatusTemporaryRedirect, other.URL)
	var mu sync.Mutex
	var asked []string
	policy := func(req *http.Request, via []*http.Request) error {
		mu.Lock()
		asked = append(asked, req.URL.Host)
		mu.Unlock()
		return nil
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), CheckRedirect: policy}
	c := newClient(t, api.URL, func(cfg *core.Config) { cfg.HTTPClient = hc; cfg.Auth = credentialAuth{} })
	require.Same(t, hc, c.HTTPClient(), "HTTPClient returns the caller's client")

	// A read follows the caller's policy, without any credential.
	_, err := c.Do(context.Background(), readRequest(), nil)
	assert.True(t, core.IsNotFound(err), "the other host's answer: %v", err)
	hops := other.seen()
	require.Len(t, hops, 1)
	assertNoCredentials(t, hops)
	assert.NotEmpty(t, hops[0].header.Get("User-Agent"), "harmless headers are kept")

	// A login's body never goes there: the 307 is the answer.
	_, err = c.Do(context.Background(), loginRequest(), nil)
	assertRedirectError(t, err, http.StatusTemporaryRedirect, other.URL+"/login?sid_token=REDACTED")
	assert.Contains(t, err.Error(), "a request body is never sent to another host")
	assert.Len(t, other.seen(), 1, "the login was not sent to the other host")
	assertNoCredentials(t, other.seen())

	u, _ := url.Parse(other.URL)
	mu.Lock()
	ran := append([]string(nil), asked...)
	mu.Unlock()
	assert.Equal(t, []string{u.Host, u.Host}, ran, "the caller's CheckRedirect ran for both")
	// The caller's client itself is untouched: its CheckRedirect is its own.
	assert.NoError(t, hc.CheckRedirect(&http.Request{URL: u}, nil))
	mu.Lock()
	assert.Len(t, asked, 3)
	mu.Unlock()
}

func TestCallerClientWithoutPolicyGetsGoDefaultAndTheGuard(t *testing.T) {
	t.Parallel()
	// localhost and 127.0.0.1 are the same machine but different hosts.
	other := newElsewhere(t)
	u, _ := url.Parse(other.URL)
	target := "http://localhost:" + u.Port()
	api := redirector(t, http.StatusFound, target)
	c := newClient(t, api.URL, func(cfg *core.Config) { cfg.HTTPClient = &http.Client{}; cfg.Auth = credentialAuth{} })
	_, err := c.Do(context.Background(), readRequest(), nil)
	assert.True(t, core.IsNotFound(err), "%v", err)
	_, err = c.Do(context.Background(), loginRequest(), nil)
	assertRedirectError(t, err, http.StatusFound, target+"/login?sid_token=REDACTED")
	hops := other.seen()
	require.Len(t, hops, 1)
	assertNoCredentials(t, hops)
}

func TestRedirectOnTheSameHostKeepsCredentials(t *testing.T) {
	t.Parallel()
	var got http.Header
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got, body = r.Header.Clone(), string(b)
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.HTTPClient = &http.Client{}; cfg.Auth = credentialAuth{} })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/old", Body: []byte(`{"a":1}`)}, nil)
	require.NoError(t, err)
	assert.Equal(t, "cred-ES-API-KEY", got.Get("ES-API-KEY"))
	assert.Equal(t, `{"a":1}`, body, "a 307 on the same host re-sends the body")

	// The SDK's own client does not follow even that.
	c = newClient(t, srv.URL, func(cfg *core.Config) { cfg.Auth = credentialAuth{} })
	_, err = c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/old"}, nil)
	assertRedirectError(t, err, http.StatusTemporaryRedirect, srv.URL+"/new")
	assert.NotContains(t, err.Error(), "another host")
}

func TestCallerRedirectPolicyErrorIsATransportErrorWithoutSecrets(t *testing.T) {
	t.Parallel()
	other := newElsewhere(t)
	api := redirector(t, http.StatusFound, other.URL)
	errNo := errors.New("no redirects here")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errNo }}
	p := core.RetryPolicy{}
	c := newClient(t, api.URL, func(cfg *core.Config) { cfg.HTTPClient = hc; cfg.Auth = credentialAuth{}; cfg.Retry = &p })
	_, err := c.Do(context.Background(), readRequest(), nil)
	var te *core.TransportError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, errNo)
	assert.NotContains(t, err.Error(), redirectSecret)
	assert.Empty(t, other.seen())
}

func TestRedirectGuardComparesOrigins(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base, target string
		same         bool
	}{
		{"https://api.example.com", "https://api.example.com/x", true},
		{"https://API.example.com", "https://api.example.com:443/x", true},
		{"http://api.example.com", "http://api.example.com:80/x", true},
		{"https://api.example.com", "http://api.example.com/x", false},
		{"https://api.example.com", "https://api.example.com:8443/x", false},
		{"https://api.example.com", "https://evil.example.com/x", false},
		{"http://127.0.0.1:8080", "http://localhost:8080/x", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/x", false},
		{"http://[::1]:8080", "http://[::1]:8080/x", true},
	} {
		b, _ := url.Parse(tc.base)
		u, _ := url.Parse(tc.target)
		assert.Equal(t, tc.same, core.SameOrigin(b, u), "%s -> %s", tc.base, tc.target)
	}
}

// TestRedirectGuardBoundsHops checks net/http's limit of ten hops still
// holds for a caller's client without a policy.
func TestRedirectGuardBoundsHops(t *testing.T) {
	t.Parallel()
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		http.Redirect(w, r, "/loop", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	p := core.RetryPolicy{}
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.HTTPClient = &http.Client{}; cfg.Retry = &p })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/loop"}, nil)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "stopped after 10 redirects"), "%v", err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 10, n, "the first request and nine hops, as net/http's default")
}
