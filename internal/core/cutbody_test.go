package core_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// cutServer answers every request with a 200 whose body is cut off after
// the headers (Content-Length promises more than is sent, then the
// connection closes) for the first cuts requests, and whole afterwards.
func cutServer(t *testing.T, cuts int64, body string) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	var hits atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				sent := body
				if hits.Add(1) <= cuts {
					sent = body[:len(body)/2]
				}
				_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), sent)
			}()
		}
	}()
	return "http://" + ln.Addr().String(), &hits
}

// A read whose body is cut off after the status is fetched again, like
// any other failed read; it used to return a *TransportError at once.
func TestReadWithCutOffBodyIsRetried(t *testing.T) {
	t.Parallel()
	const body = `{"id":1,"name":"backup"}`
	url, hits := cutServer(t, 2, body)
	c := newClient(t, url)
	var out struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	resp, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, &out)
	require.NoError(t, err)
	assert.Equal(t, "backup", out.Name)
	assert.Equal(t, int64(3), hits.Load())
	assert.Equal(t, 3, resp.Attempts)
}

// Cut off on every attempt: the error is a *TransportError that counts
// them all.
func TestReadCutOffEveryTimeReportsTheAttempts(t *testing.T) {
	t.Parallel()
	url, hits := cutServer(t, 100, `{"id":1,"name":"backup"}`)
	c := newClient(t, url)
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	var te *core.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, fastRetry.MaxRetries+1, te.Attempts)
	assert.Equal(t, int64(fastRetry.MaxRetries+1), hits.Load())
}

// A write's success status means the work is done: its cut-off body is
// never a reason to send it again.
func TestWriteWithCutOffBodyIsSentOnce(t *testing.T) {
	t.Parallel()
	url, hits := cutServer(t, 100, `{"id":1,"name":"backup"}`)
	c := newClient(t, url)
	resp, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/x", Body: map[string]int{"a": 1}}, nil)
	var te *core.TransportError
	require.ErrorAs(t, err, &te)
	require.NotNil(t, resp, "the status arrived")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int64(1), hits.Load())
}

// A body over the cap is not fetched again: it would not shrink.
func TestReadOverTheCapIsNotRetried(t *testing.T) {
	t.Parallel()
	url, hits := cutServer(t, 0, `{"id":1,"name":"a body longer than the cap"}`)
	c := newClient(t, url, func(cfg *core.Config) { cfg.MaxResponseBytes = 10 })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorContains(t, err, "exceeds 10 bytes")
	assert.Equal(t, int64(1), hits.Load())
}
