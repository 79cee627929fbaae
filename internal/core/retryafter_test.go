package core_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// A Retry-After beyond int64 seconds means "much later", not "now": the
// wait is the policy's maximum.
func TestRetryAfterOverflowWaitsTheMaximum(t *testing.T) {
	t.Parallel()
	p := core.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 7 * time.Second}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"99999999999999999999", "+99999999999999999999", " 184467440737095516160 "} {
		assert.Equal(t, 7*time.Second, p.Backoff(0, v, now), "Retry-After %q", v)
	}
	assert.LessOrEqual(t, p.Backoff(0, "-99999999999999999999", now), time.Millisecond, "a negative value is unreadable: back off as usual")
}

// The same over HTTP: the client schedules the capped wait (and is
// cancelled in it) instead of retrying at once.
func TestRetryAfterOverflowIsNotRetriedAtOnce(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "99999999999999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waits := &waitRecorder{onWait: cancel}
	c := newClient(t, srv.URL, func(cfg *core.Config) {
		cfg.Retry = &core.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Hour}
		cfg.Logger = slog.New(waits)
	})
	_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []time.Duration{time.Hour}, waits.get(), "the wait before the retry")
	assert.Equal(t, int64(1), n.Load(), "no second attempt")
}

// waitRecorder is a slog.Handler that keeps the wait of every "retrying"
// record and calls onWait after each.
type waitRecorder struct {
	mu     sync.Mutex
	waits  []time.Duration
	onWait func()
}

func (h *waitRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *waitRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *waitRecorder) WithGroup(string) slog.Handler            { return h }
func (h *waitRecorder) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "backupsdk: retrying" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "wait" {
			h.mu.Lock()
			h.waits = append(h.waits, a.Value.Duration())
			h.mu.Unlock()
		}
		return true
	})
	h.onWait()
	return nil
}

func (h *waitRecorder) get() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.waits...)
}
