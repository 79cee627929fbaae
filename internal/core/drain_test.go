package core_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
)

// Retried 5xx answers with bodies larger than go-retryablehttp's 4 KiB
// drain keep their connection: one TCP connection carries every attempt,
// and the last answer's body still makes the error.
func TestRetriedLargeBodiesReuseTheConnection(t *testing.T) {
	t.Parallel()
	big := `{"message":"busy","pad":"` + strings.Repeat("x", 100<<10) + `"}`
	var conns, hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, big)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *core.Config) {
		cfg.Retry = &core.RetryPolicy{MaxRetries: 4}
		cfg.HTTPClient = calltest.OneConnectionClient()
	})
	for range 2 {
		_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
		var ae *core.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Equal(t, 5, ae.Attempts)
		assert.Equal(t, "busy", ae.Message, "the last answer's body is read for the error")
	}
	assert.Equal(t, int64(10), hits.Load())
	assert.LessOrEqual(t, conns.Load(), int64(2), "TCP connections opened for 10 attempts (10 without the drain)")
}
