package cloudbackup

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// An IAM token that lives less than the renewal margin (5 minutes) is
// renewed half-way through its life, not before every call: 64 goroutines
// share one login per expiry, and no call loses its token to another's
// login (the server keeps only the newest token, as a re-login does).
func TestShortLivedIAMTokenOneLoginPerExpiry(t *testing.T) {
	t.Parallel()
	const lifetime = 2 * time.Minute
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	var logins, rejected atomic.Int64
	var current atomic.Value
	current.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/v3/auth/tokens" {
			tok := fmt.Sprintf("tok-%d", logins.Add(1))
			current.Store(tok)
			const layout = "2006-01-02T15:04:05.000000Z"
			issued := clock().UTC()
			w.Header().Set("X-Subject-Token", tok)
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, `{"token":{"issued_at":%q,"expires_at":%q}}`, issued.Format(layout), issued.Add(lifetime).Format(layout))
			return
		}
		if r.Header.Get("X-Auth-Token") != current.Load().(string) {
			rejected.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`)
			return
		}
		_, _ = io.WriteString(w, `{"backups":[],"count":0}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, "p1", WithPassword("user", "s3cret"), WithDomain("acct"), WithIAMEndpoint(srv.URL), withNow(clock),
		WithRetryPolicy(RetryPolicy{MaxRetries: 1}))
	if err != nil {
		t.Fatal(err)
	}
	burst := func() {
		t.Helper()
		var wg sync.WaitGroup
		var failed atomic.Int64
		for range 64 {
			wg.Go(func() {
				for range 20 {
					if _, err := c.Backups.List(context.Background(), nil); err != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(0), failed.Load(), "failed calls of 1280")
	}
	burst()
	assert.Equal(t, int64(1), logins.Load(), "one login for 1280 calls")
	advance(lifetime/2 + time.Second)
	burst()
	assert.Equal(t, int64(2), logins.Load(), "one renewal past half the token's life")
	assert.Equal(t, int64(0), rejected.Load(), "no call carried a replaced token")
}
