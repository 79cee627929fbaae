package core_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// fastRetry keeps retry tests quick: 2 retries, millisecond waits.
var fastRetry = core.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

func newClient(t *testing.T, baseURL string, mod ...func(*core.Config)) *core.Client {
	t.Helper()
	p := fastRetry
	cfg := core.Config{Provider: "test", BaseURL: baseURL, Retry: &p}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := core.New(cfg)
	require.NoError(t, err)
	return c
}

// behaviour is how the test server answers every request.
type behaviour struct {
	status int  // answer with this status
	reset  bool // drop the connection after reading the request
}

// countingServer answers per b and counts the requests that reached it.
func countingServer(t *testing.T, b behaviour) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if b.reset {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				_ = conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(b.status)
		_, _ = io.WriteString(w, `{"message":"status `+http.StatusText(b.status)+`"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// refusedURL returns the URL of a port nobody listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestRetryTable(t *testing.T) {
	t.Parallel()
	const all = 3 // 1 attempt + fastRetry.MaxRetries
	rows := []struct {
		name     string
		method   string
		kind     core.Kind
		b        behaviour
		refused  bool
		attempts int // attempts the client makes
	}{
		{"GET read 503 retried", http.MethodGet, core.Read, behaviour{status: 503}, false, all},
		{"GET read 500 retried", http.MethodGet, core.Read, behaviour{status: 500}, false, all},
		{"GET read 502 retried", http.MethodGet, core.Read, behaviour{status: 502}, false, all},
		{"GET read 504 retried", http.MethodGet, core.Read, behaviour{status: 504}, false, all},
		{"HEAD read 503 retried", http.MethodHead, core.Read, behaviour{status: 503}, false, all},
		{"OPTIONS read 500 retried", http.MethodOptions, core.Read, behaviour{status: 500}, false, all},
		{"POST read 503 retried", http.MethodPost, core.Read, behaviour{status: 503}, false, all},
		{"GET read 429 retried", http.MethodGet, core.Read, behaviour{status: 429}, false, all},
		{"POST write 429 retried", http.MethodPost, core.Write, behaviour{status: 429}, false, all},
		{"DELETE write 429 retried", http.MethodDelete, core.Write, behaviour{status: 429}, false, all},
		{"POST write 503 not retried", http.MethodPost, core.Write, behaviour{status: 503}, false, 1},
		{"POST write 500 not retried", http.MethodPost, core.Write, behaviour{status: 500}, false, 1},
		{"PATCH write 502 not retried", http.MethodPatch, core.Write, behaviour{status: 502}, false, 1},
		{"PUT write 503 not retried", http.MethodPut, core.Write, behaviour{status: 503}, false, 1},
		{"DELETE write 502 not retried", http.MethodDelete, core.Write, behaviour{status: 502}, false, 1},
		{"DELETE write 504 not retried", http.MethodDelete, core.Write, behaviour{status: 504}, false, 1},
		{"GET write 503 not retried", http.MethodGet, core.Write, behaviour{status: 503}, false, 1},
		{"GET read 501 final", http.MethodGet, core.Read, behaviour{status: 501}, false, 1},
		{"GET read 404 final", http.MethodGet, core.Read, behaviour{status: 404}, false, 1},
		{"GET read 400 final", http.MethodGet, core.Read, behaviour{status: 400}, false, 1},
		{"GET read 401 final", http.MethodGet, core.Read, behaviour{status: 401}, false, 1},
		{"GET read 409 final", http.MethodGet, core.Read, behaviour{status: 409}, false, 1},
		{"GET read reset retried", http.MethodGet, core.Read, behaviour{reset: true}, false, all},
		{"POST read reset retried", http.MethodPost, core.Read, behaviour{reset: true}, false, all},
		{"DELETE write reset never resent", http.MethodDelete, core.Write, behaviour{reset: true}, false, 1},
		{"PUT write reset never resent", http.MethodPut, core.Write, behaviour{reset: true}, false, 1},
		{"POST write reset never resent", http.MethodPost, core.Write, behaviour{reset: true}, false, 1},
		{"GET read refused retried", http.MethodGet, core.Read, behaviour{}, true, all},
		{"POST write refused retried (never reached the server)", http.MethodPost, core.Write, behaviour{}, true, all},
		{"DELETE write refused retried (never reached the server)", http.MethodDelete, core.Write, behaviour{}, true, all},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			var (
				url  string
				hits *atomic.Int64
			)
			if row.refused {
				url = refusedURL(t)
			} else {
				var srv *httptest.Server
				srv, hits = countingServer(t, row.b)
				url = srv.URL
			}
			c := newClient(t, url)
			var body any
			if row.method == http.MethodPost || row.method == http.MethodPut || row.method == http.MethodPatch {
				body = map[string]string{"note": "x"}
			}
			_, err := c.Do(context.Background(), &core.Request{Method: row.method, Path: "/things", Body: body, Kind: row.kind}, nil)
			require.Error(t, err)

			switch {
			case row.refused || row.b.reset:
				var te *core.TransportError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, row.attempts, te.Attempts, "attempts")
			default:
				var ae *core.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, row.b.status, ae.StatusCode)
				assert.Equal(t, row.attempts, ae.Attempts, "attempts")
			}
			if hits != nil {
				assert.Equal(t, int64(row.attempts), hits.Load(), "requests that reached the server")
			}
		})
	}
}

func TestRetrySucceedsAfterTransientFailures(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{"id":7}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	var out struct {
		ID int `json:"id"`
	}
	resp, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodPut, Path: "/things/{id}", PathParams: []string{"7"}, Body: map[string]int{"size": 1}}, &out)
	require.NoError(t, err)
	assert.Equal(t, 7, out.ID)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, []string{`{"size":1}`, `{"size":1}`, `{"size":1}`}, bodies, "the body is replayed whole on every attempt")
}

func TestExhaustedRetriesReturnTheAPIError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-123")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error_code":"APIGW.0101","error_msg":"down for maintenance"}`)
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/backups"}, nil)
	var ae *core.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, "APIGW.0101", ae.Code)
	assert.Equal(t, "down for maintenance", ae.Message)
	assert.Equal(t, "req-123", ae.RequestID)
	assert.Equal(t, 3, ae.Attempts)
	assert.NotContains(t, err.Error(), "giving up", "the caller sees the API's answer, not go-retryablehttp's summary")
	assert.Equal(t, "test: GET /backups: 503 Service Unavailable [APIGW.0101]: down for maintenance", err.Error())
}

// retryAfterServer answers 429 with the given Retry-After once, then 200.
func retryAfterServer(t *testing.T, value func() string) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", value())
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRetryAfterSecondsIsHonored(t *testing.T) {
	t.Parallel()
	srv := retryAfterServer(t, func() string { return "1" })
	c := newClient(t, srv.URL, func(cfg *core.Config) {
		cfg.Retry = &core.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Second}
	})
	start := time.Now()
	resp, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/x"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	assert.GreaterOrEqual(t, time.Since(start), 950*time.Millisecond, "waited for Retry-After: 1")
}

func TestRetryAfterDateIsHonored(t *testing.T) {
	t.Parallel()
	srv := retryAfterServer(t, func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) })
	c := newClient(t, srv.URL, func(cfg *core.Config) {
		cfg.Retry = &core.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Second}
	})
	start := time.Now()
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.NoError(t, err)
	// HTTP dates have whole seconds: the wait is between 1 and 2 seconds.
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited until the Retry-After date")
}

func TestRetryAfterIsCappedByMaxWait(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]func() string{
		"seconds": func() string { return "3600" },
		"date":    func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := retryAfterServer(t, value)
			c := newClient(t, srv.URL, func(cfg *core.Config) {
				cfg.Retry = &core.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
			require.NoError(t, err, "a one-hour Retry-After must not outlast MaxWait")
			assert.Equal(t, 2, resp.Attempts)
		})
	}
}

func TestCancelDuringBackoffStopsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := countingServer(t, behaviour{status: 503})
			c := newClient(t, srv.URL, func(cfg *core.Config) {
				cfg.Retry = &core.RetryPolicy{MaxRetries: 5, MinWait: time.Minute, MaxWait: time.Hour}
			})
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Less(t, time.Since(start), 10*time.Second, "no minute-long wait")
			assert.Equal(t, int64(1), hits.Load(), "no retry after cancellation")
		})
	}
}

func TestCancelledBeforeSendSendsNothing(t *testing.T) {
	t.Parallel()
	srv, hits := countingServer(t, behaviour{status: 200})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, srv.URL).Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int64(0), hits.Load())
}

func TestNoRetriesPolicy(t *testing.T) {
	t.Parallel()
	srv, hits := countingServer(t, behaviour{status: 503})
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.Retry = &core.RetryPolicy{} })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	assert.True(t, core.HasStatus(err, 503))
	assert.Equal(t, int64(1), hits.Load())
}

func TestRetryPolicyValidation(t *testing.T) {
	t.Parallel()
	for _, p := range []core.RetryPolicy{
		{MaxRetries: -1},
		{MaxRetries: 1000},
		{MaxRetries: 1, MinWait: -time.Second},
		{MaxRetries: 1, MinWait: time.Second, MaxWait: time.Millisecond},
	} {
		_, err := core.New(core.Config{Provider: "test", BaseURL: "http://127.0.0.1", Retry: &p})
		require.Error(t, err, "%+v", p)
		assert.Contains(t, err.Error(), "retry policy")
	}
	require.NoError(t, core.DefaultRetryPolicy().Validate())
}

func TestTLSUnknownAuthorityIsNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	var te *core.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 1, te.Attempts, "a certificate error cannot be fixed by retrying")
	assert.Equal(t, int64(0), n.Load())
	assert.Contains(t, err.Error(), "certificate")
}
