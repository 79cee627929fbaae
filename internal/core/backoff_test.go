package core_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/backupsdk/backupsdk/internal/core"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := core.RetryPolicy{MaxRetries: 10, MinWait: 100 * time.Millisecond, MaxWait: 2 * time.Second}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1600, 2000, 2000} {
		want *= time.Millisecond
		for range 50 {
			got := p.Backoff(attempt, "", now)
			assert.GreaterOrEqual(t, got, want/2, "attempt %d", attempt)
			assert.LessOrEqual(t, got, want, "attempt %d", attempt)
		}
	}
	assert.Equal(t, time.Second, p.Backoff(0, "1", now), "Retry-After seconds")
	assert.Equal(t, 2*time.Second, p.Backoff(0, "3600", now), "Retry-After capped")
	assert.Equal(t, 2*time.Second, core.RetryPolicy{MaxWait: time.Minute}.Backoff(0, now.Add(3*time.Second).Format(http.TimeFormat), now.Add(time.Second)), "Retry-After date")
	assert.Equal(t, time.Duration(0), p.Backoff(0, now.Add(-time.Hour).Format(http.TimeFormat), now), "a past date means now")
	got := p.Backoff(0, "soon", now)
	assert.LessOrEqual(t, got, 100*time.Millisecond, "an unreadable Retry-After falls back to backoff")
	assert.Equal(t, time.Duration(0), core.RetryPolicy{MaxRetries: 3}.Backoff(2, "", now), "zero waits for tests")
}
