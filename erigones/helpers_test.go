package erigones_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

// root is the server root of httpmock tests; it has a path so that a
// client that drops it, or that builds absolute paths, fails.
const (
	root    = "https://dc.example.com/danube"
	apiRoot = root + "/api"
	apiKey  = "test-api-key"
)

// seen is one request a mock answered.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// mock is an httpmock transport that records requests.
type mock struct {
	t  *testing.T
	mt *httpmock.MockTransport

	mu   sync.Mutex
	reqs []seen
}

func newMock(t *testing.T) *mock {
	t.Helper()
	return &mock{t: t, mt: httpmock.NewMockTransport()}
}

func (m *mock) httpClient() *http.Client { return &http.Client{Transport: m.mt} }

// client returns a client on the mock with an API key, dc "main", tiny
// polls and retries; opts come last and may replace them.
func (m *mock) client(opts ...erigones.Option) *erigones.Client {
	m.t.Helper()
	all := append([]erigones.Option{
		erigones.WithHTTPClient(m.httpClient()),
		erigones.WithAPIKey(apiKey),
		erigones.WithDC("main"),
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)),
		erigones.WithRetryPolicy(erigones.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}),
	}, opts...)
	c, err := erigones.NewClient(root, all...)
	require.NoError(m.t, err)
	return c
}

// answer registers a responder for method and path (under /api) that
// records the request and answers the given statuses and bodies in turn
// (the last one repeats).
func (m *mock) answer(method, path string, replies ...reply) {
	var n int
	var mu sync.Mutex
	m.mt.RegisterResponder(method, apiRoot+path, func(r *http.Request) (*http.Response, error) {
		m.record(r)
		mu.Lock()
		rep := replies[min(n, len(replies)-1)]
		n++
		mu.Unlock()
		resp := httpmock.NewBytesResponse(rep.status, []byte(rep.body))
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
}

type reply struct {
	status int
	body   string
}

func ok(result string) reply {
	return reply{http.StatusOK, `{"status": "SUCCESS", "result": ` + result + `, "task_id": "1d1d1-0a0a0a0a-0000-4000-0000"}`}
}

func pending(id string) reply {
	return reply{http.StatusCreated, `{"status": "PENDING", "result": null, "task_id": "` + id + `"}`}
}

func detail(status int, msg string) reply {
	return reply{status, `{"detail": "` + msg + `"}`}
}

// requests returns the recorded requests.
func (m *mock) requests() []seen {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]seen(nil), m.reqs...)
}

// only returns the single recorded request.
func (m *mock) only() seen {
	m.t.Helper()
	r := m.requests()
	require.Len(m.t, r, 1)
	return r[0]
}

func bodyOf(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func jsonDecode(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }

// record keeps a request (its body stays readable).
func (m *mock) record(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	m.mu.Lock()
	m.reqs = append(m.reqs, seen{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	m.mu.Unlock()
}
