package core_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// A successful call's request id is there for a support ticket.
func TestResponseInfoOfASuccessfulCall(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Openstack-Request-Id", "req-"+r.URL.Path[1:])
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)

	var info core.ResponseInfo
	ctx := core.WithResponseInfo(context.Background(), &info)
	_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/one"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "req-one", info.RequestID)
	assert.Equal(t, http.StatusOK, info.StatusCode)
	assert.Equal(t, 1, info.Attempts)
	assert.Equal(t, 1, info.Requests)

	_, err = c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/missing"}, nil)
	require.Error(t, err)
	assert.Equal(t, "req-missing", info.RequestID, "the last answer counts, failed or not")
	assert.Equal(t, http.StatusNotFound, info.StatusCode)
	assert.Equal(t, 2, info.Requests)

	// Without it nothing is recorded (and nothing breaks).
	_, err = c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/two"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, info.Requests)
}

// A call that got no answer says so instead of showing the one before.
func TestResponseInfoWithoutAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "r1")
	}))
	c := newClient(t, srv.URL)
	var info core.ResponseInfo
	ctx := core.WithResponseInfo(context.Background(), &info)
	_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/"}, nil)
	require.NoError(t, err)
	require.Equal(t, "r1", info.RequestID)
	srv.Close()
	_, err = c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/"}, nil)
	require.Error(t, err)
	assert.Empty(t, info.RequestID)
	assert.Zero(t, info.StatusCode)
	assert.Equal(t, 2, info.Requests)
}

func TestIsValidation(t *testing.T) {
	t.Parallel()
	assert.True(t, core.IsValidation(&core.APIError{StatusCode: 422}))
	assert.True(t, core.IsValidation(&core.APIError{StatusCode: 400, Fields: map[string][]string{"name": {"is taken"}}}))
	assert.False(t, core.IsValidation(&core.APIError{StatusCode: 400}), "a 400 without fields may be anything")
	assert.False(t, core.IsValidation(&core.APIError{StatusCode: 404}))
	assert.False(t, core.IsValidation(nil))
}
