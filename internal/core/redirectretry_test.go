package core_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// The soak (internal/chaos) found a write sent twice through a caller's
// client that follows redirects: the API host answered the write with a
// redirect, the hop failed in a way that says the hop's server did no work
// (its connection was refused, or it answered 429), and the core took that
// for the write's own outcome and sent the write again. The API host had
// answered, though, and may have done the work: a 303 after a POST says
// exactly that. A write whose attempt followed a redirect is not repeated.
func TestWriteIsNotRepeatedAfterAFollowedRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// hop is how the redirect's target fails.
		hop string
	}{
		{"the redirect target answers 429", "429"},
		{"the redirect target refuses the connection", "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var writes, hops atomic.Int64
			// One host, so that the hop is followed even with a body (a
			// hop to another host with a body is not followed at all).
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				switch r.URL.Path {
				case "/backups":
					writes.Add(1)
					w.Header().Set("Location", "/backups/7") // done: see the new backup there
					w.WriteHeader(http.StatusSeeOther)
				default:
					hops.Add(1)
					w.Header().Set("Retry-After", "0")
					w.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			t.Cleanup(srv.Close)

			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			if tc.hop == "refused" {
				// Each request on a connection of its own, and only the
				// second connection, the hop's, is refused: a repeated
				// write would get through.
				var dials atomic.Int64
				d := &net.Dialer{}
				tr.DisableKeepAlives = true
				tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
					if dials.Add(1) == 2 {
						return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
					}
					return d.DialContext(ctx, network, addr)
				}
			}
			c, err := core.New(core.Config{Provider: "test", BaseURL: srv.URL,
				HTTPClient: &http.Client{Transport: tr}, // follows redirects
				Retry:      &core.RetryPolicy{MaxRetries: 3, MaxWait: time.Millisecond}})
			require.NoError(t, err)

			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			_, err = c.Do(ctx, &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/backups", Body: map[string]string{"note": "n"}}, nil)
			require.Error(t, err)
			assert.Equal(t, int64(1), writes.Load(), "the write reached the server %d times: %v", writes.Load(), err)
		})
	}
}

// A read is still repeated after such a hop: it changes nothing.
func TestReadIsRepeatedAfterAFollowedRedirect(t *testing.T) {
	t.Parallel()
	var reads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/backups" {
			reads.Add(1)
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	c, err := core.New(core.Config{Provider: "test", BaseURL: srv.URL, HTTPClient: &http.Client{},
		Retry: &core.RetryPolicy{MaxRetries: 2, MaxWait: time.Millisecond}})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	_, err = c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/backups"}, nil)
	assert.True(t, core.IsRateLimited(err), "%v", err)
	assert.Equal(t, int64(3), reads.Load())
}
