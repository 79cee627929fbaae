package chaos

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProxyFaults checks the soak's instrument: each fault does to a
// plain net/http client what its name says, and reaches the upstream
// server exactly when fault.forwards says so.
func TestProxyFaults(t *testing.T) {
	t.Parallel()
	const body = "0123456789abcdefghijklmnopqrstuvwxyz"
	for f := range numFaults {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int64
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, body)
			}))
			t.Cleanup(up.Close)
			other := newOtherHost(t)
			t.Cleanup(other.srv.Close)
			px := newProxy(t, "check", up.URL, other.URL(), nil, func(*http.Request) fault { return f })
			t.Cleanup(px.Close)
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

			// Stalls end when the client gives up; every other fault ends
			// by itself, so it gets a bound that only a hang reaches (a
			// short one made a slow body on a loaded machine fail).
			limit := 10 * time.Second
			if f == stallHead || f == stallBody {
				limit = 300 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, px.URL()+"/x?y=1", nil)
			require.NoError(t, err)
			resp, err := hc.Do(req)
			var got []byte
			var readErr error
			if err == nil {
				got, readErr = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
			}

			switch f {
			case pass, slowBody:
				require.NoError(t, err)
				require.NoError(t, readErr)
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, body, string(got))
			case resetBefore:
				require.Error(t, err)
			case resetAfter:
				require.NoError(t, err)
				assert.Error(t, readErr)
				assert.Less(t, len(got), len(body))
			case badGateway, unavailable, throttled:
				require.NoError(t, err)
				want := map[fault]int{badGateway: 502, unavailable: 503, throttled: 429}[f]
				assert.Equal(t, want, resp.StatusCode)
				if f == throttled {
					assert.NotEmpty(t, resp.Header.Get("Retry-After"))
				}
			case stallHead:
				require.ErrorIs(t, err, context.DeadlineExceeded)
			case stallBody:
				require.NoError(t, err)
				assert.ErrorIs(t, readErr, context.DeadlineExceeded)
			case redirect:
				require.NoError(t, err)
				assert.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
				assert.Equal(t, other.URL()+"/x?y=1", resp.Header.Get("Location"))
			case truncated:
				require.NoError(t, err)
				assert.True(t, errors.Is(readErr, io.ErrUnexpectedEOF), "%v", readErr)
				assert.Equal(t, body, string(got))
			default:
				t.Fatalf("no check for %s", f)
			}
			want := int64(0)
			if f.forwards() {
				want = 1
			}
			assert.Equal(t, want, hits.Load(), "requests that reached the upstream server")
			tr.CloseIdleConnections()
			require.True(t, eventually(func() bool { return px.openConns() == 0 }), "connections left open")
		})
	}
}

// TestProxyFlagsRepeatedWrites checks the write record: a write may arrive
// again only after a 429 from the proxy or an upstream refusal of its
// credentials.
func TestProxyFlagsRepeatedWrites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		first    fault
		status   int // the upstream's answer
		repeated bool
	}{
		{"after a 429", throttled, http.StatusOK, false},
		{"after a rejected token", pass, http.StatusUnauthorized, false},
		{"after a 503", unavailable, http.StatusOK, true},
		{"after a reset", resetBefore, http.StatusOK, true},
		{"after a 502 once forwarded", badGateway, http.StatusOK, true},
		{"after a redirect", redirect, http.StatusOK, true},
		{"after a success", pass, http.StatusCreated, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(tc.status)
			}))
			t.Cleanup(up.Close)
			var n atomic.Int64
			px := newProxy(t, "check", up.URL, "http://localhost:1", nil, func(*http.Request) fault {
				if n.Add(1) == 1 {
					return tc.first
				}
				return pass
			})
			t.Cleanup(px.Close)
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			send := func(call string) {
				req, err := http.NewRequest(http.MethodPost, px.URL()+"/backups", strings.NewReader(`{"note":"n"}`))
				require.NoError(t, err)
				req.Header.Set(headerCall, call)
				req.Header.Set(headerKind, "write")
				if resp, err := hc.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
			}
			send("call-1")
			send("call-1")
			send("call-2") // another call's write is another write
			if tc.repeated {
				assert.Len(t, px.repeatedWrites(), 1)
			} else {
				assert.Empty(t, px.repeatedWrites())
			}
		})
	}
}
