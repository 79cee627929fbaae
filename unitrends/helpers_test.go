package unitrends_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// base is the appliance root in httpmock tests: a non-empty base path
// makes absolute-path bugs fail.
const base = "https://ueb.example.test/appliance"

// fastRetry keeps retrying tests fast.
func fastRetry() unitrends.RetryPolicy {
	return unitrends.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
}

// mockClient returns a client with credentials over a fresh httpmock
// transport, and the transport.
func mockClient(t *testing.T, opts ...unitrends.Option) (*unitrends.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := append([]unitrends.Option{
		unitrends.WithHTTPClient(&http.Client{Transport: mt}),
		unitrends.WithPassword("admin", "s3cret"),
		unitrends.WithRetryPolicy(fastRetry()),
	}, opts...)
	c, err := unitrends.NewClient(base, all...)
	require.NoError(t, err)
	return c, mt
}

// recorder keeps what a responder saw.
type recorder struct {
	mu     sync.Mutex
	bodies []string
	tokens []string
	urls   []string
}

func (r *recorder) add(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, string(body))
	r.tokens = append(r.tokens, req.Header.Get("AuthToken"))
	r.urls = append(r.urls, req.URL.String())
}

func (r *recorder) last() (body, token, url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.bodies)
	if n == 0 {
		return "", "", ""
	}
	return r.bodies[n-1], r.tokens[n-1], r.urls[n-1]
}

// respond records the request and answers status with body.
func (r *recorder) respond(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.add(req)
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Request = req
		return resp, nil
	}
}

// loginResponder answers logins with tokens tok-1, tok-2, … and counts them.
type loginResponder struct {
	mu sync.Mutex
	n  int
	recorder
}

func (l *loginResponder) responder() httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		l.add(req)
		l.mu.Lock()
		l.n++
		n := l.n
		l.mu.Unlock()
		resp := httpmock.NewStringResponse(http.StatusCreated,
			`{"auth_token": "tok-`+strconv.Itoa(n)+`", "timeout": 900, "superuser": true}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func (l *loginResponder) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// fakeClient starts a fake appliance and a client logged in to it with its
// credentials.
func fakeClient(t *testing.T, fakeOpts []unitrendstest.Option, opts ...unitrends.Option) (*unitrends.Client, *unitrendstest.Server) {
	t.Helper()
	srv := unitrendstest.NewTestServer(t, fakeOpts...)
	all := append([]unitrends.Option{
		unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithRetryPolicy(fastRetry()),
	}, opts...)
	c, err := unitrends.NewClient(srv.URL(), all...)
	require.NoError(t, err)
	return c, srv
}

// pinned is a fixed "now" for the fake and the tests.
var pinned = time.Date(2024, time.March, 14, 15, 9, 26, 0, time.UTC)

func pinnedNow() time.Time { return pinned }

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// servedCalls counts the calls of method and path that the fake served: a
// success answer, neither refused (an expired session) nor answered by an
// injected fault. It reads the fake's Calls.
func servedCalls(srv *unitrendstest.Server, method, path string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Method == method && c.Path == path && !c.Fault && c.Status/100 == 2 {
			n++
		}
	}
	return n
}

// routeCalls counts the calls of method and path that reached the fake's
// API, whatever it answered, leaving out those an injected fault answered.
func routeCalls(srv *unitrendstest.Server, method, path string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Method == method && c.Path == path && !c.Fault {
			n++
		}
	}
	return n
}
