package core

import (
	"net/http"
	"time"
)

// Backoff exposes the wait computation to the tests.
func (p RetryPolicy) Backoff(attempt int, retryAfterHeader string, now time.Time) time.Duration {
	resp := &http.Response{Header: http.Header{}}
	if retryAfterHeader != "" {
		resp.Header.Set("Retry-After", retryAfterHeader)
	}
	return p.backoff(attempt, resp, now)
}
