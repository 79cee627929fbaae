package core_test

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

	"github.com/backupsdk/backupsdk/internal/core"
)

// fakeClock is a settable clock for TokenAuth.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A token that lives less than RenewBefore is renewed at half its life,
// not before every call: 64 goroutines see one login per expiry, and none
// loses its token to another's login.
func TestShortLivedTokenOneLoginPerExpiry(t *testing.T) {
	t.Parallel()
	const lifetime = 2 * time.Minute // less than the default RenewBefore of 5 minutes
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var logins, rejected atomic.Int64
	var current atomic.Value
	current.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			// Like CBR and Danube Cloud, a login replaces the user's token.
			tok := fmt.Sprintf("tok-%d", logins.Add(1))
			current.Store(tok)
			_, _ = fmt.Fprintf(w, `{"token":%q}`, tok)
			return
		}
		if r.Header.Get("X-Auth-Token") != current.Load().(string) {
			rejected.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	c.SetAuth(core.NewTokenAuth(core.TokenAuthConfig{
		Header: "X-Auth-Token",
		Login: func(ctx context.Context) (core.Secret, time.Time, error) {
			var out struct {
				Token string `json:"token"`
			}
			_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true}, &out)
			return core.NewSecret(out.Token), clock.Now().Add(lifetime), err
		},
		Now: clock.Now,
	}))
	burst := func() {
		t.Helper()
		var wg sync.WaitGroup
		var failed atomic.Int64
		for range 64 {
			wg.Go(func() {
				for range 20 {
					if _, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil); err != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(0), failed.Load(), "failed calls")
	}
	burst()
	assert.Equal(t, int64(1), logins.Load(), "one login for 1280 calls")
	clock.Add(lifetime/2 - time.Second)
	burst()
	assert.Equal(t, int64(1), logins.Load(), "still fresh just before half its life")
	clock.Add(2 * time.Second)
	burst()
	assert.Equal(t, int64(2), logins.Load(), "renewed once past half its life")
	assert.Equal(t, int64(0), rejected.Load(), "no call carried a replaced token")
}
