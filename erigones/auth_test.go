package erigones_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

// tokenServer answers logins with numbered tokens and the backup list
// only for the current token (or as told by reject).
type tokenServer struct {
	logins  atomic.Int32
	current atomic.Value // string
	// reject answers a valid token this way, counting down.
	rejectN    atomic.Int32
	rejectCode int
	rejectMsg  string
}

func (ts *tokenServer) register(m *mock) {
	m.mt.RegisterResponder(http.MethodPost, apiRoot+"/accounts/login/", func(r *http.Request) (*http.Response, error) {
		m.record(r)
		if r.Header.Get("Authorization") != "" || r.Header.Get("ES-API-KEY") != "" {
			return httpmock.NewStringResponse(http.StatusBadRequest, `{"detail": "credentials sent to login"}`), nil
		}
		var body struct{ Username, Password string }
		if err := jsonDecode(r, &body); err != nil || body.Username != "admin" || body.Password != "s3cret" {
			return httpmock.NewStringResponse(http.StatusBadRequest, `{"detail": "Unable to log in with provided credentials."}`), nil
		}
		n := ts.logins.Add(1)
		tok := fmt.Sprintf("token%d", n)
		ts.current.Store(tok)
		return httpmock.NewStringResponse(http.StatusOK, `{"token": "`+tok+`", "expires": "2099-01-01T00:00:00.000000+00:00", "detail": "Welcome to Danube Cloud API."}`), nil
	})
	m.mt.RegisterResponder(http.MethodGet, apiRoot+"/vm/web01.example.com/backup/", func(r *http.Request) (*http.Response, error) {
		m.record(r)
		cur, _ := ts.current.Load().(string)
		if r.Header.Get("Authorization") != "Token "+cur {
			return httpmock.NewStringResponse(http.StatusUnauthorized, `{"detail": "Invalid token."}`), nil
		}
		if ts.rejectN.Add(-1) >= 0 {
			return httpmock.NewStringResponse(ts.rejectCode, `{"detail": "`+ts.rejectMsg+`"}`), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"status": "SUCCESS", "result": ["a"], "task_id": "x"}`), nil
	})
	m.mt.RegisterResponder(http.MethodGet, apiRoot+"/accounts/logout/", func(r *http.Request) (*http.Response, error) {
		m.record(r)
		cur, _ := ts.current.Load().(string)
		if r.Header.Get("Authorization") != "Token "+cur {
			return httpmock.NewStringResponse(http.StatusUnauthorized, `{"detail": "Invalid token."}`), nil
		}
		ts.current.Store("")
		return httpmock.NewStringResponse(http.StatusOK, `{"detail": "Bye."}`), nil
	})
}

func loginClient(t *testing.T, m *mock, opts ...erigones.Option) *erigones.Client {
	t.Helper()
	c, err := erigones.NewClient(root, append([]erigones.Option{
		erigones.WithHTTPClient(m.httpClient()),
		erigones.WithPassword("admin", "s3cret"),
		erigones.WithRetryPolicy(erigones.RetryPolicy{}),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestLoginOnFirstUse(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{}
	ts.register(m)
	c := loginClient(t, m)
	ctx := context.Background()
	for range 3 {
		names, err := c.Backups.ListNames(ctx, vmHost, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"a"}, names)
	}
	assert.Equal(t, int32(1), ts.logins.Load(), "one login for many calls")
	reqs := m.requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/danube/api/accounts/login/", reqs[0].Path)
	assert.JSONEq(t, `{"username": "admin", "password": "s3cret"}`, string(reqs[0].Body))
	assert.Empty(t, reqs[0].Header.Get("Authorization"))
	for _, r := range reqs[1:] {
		assert.Equal(t, "Token token1", r.Header.Get("Authorization"))
		assert.Empty(t, r.Header.Get("ES-API-KEY"))
	}
}

func TestReloginOnceWhenTokenRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		code int
		msg  string
	}{
		{"401 invalid token", http.StatusUnauthorized, "Invalid token."},
		{"403 expired token", http.StatusForbidden, "Authentication credentials were not provided."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			ts := &tokenServer{rejectCode: tc.code, rejectMsg: tc.msg}
			ts.register(m)
			c := loginClient(t, m)
			ctx := context.Background()
			require.NoError(t, c.Login(ctx))
			ts.rejectN.Store(1)
			names, err := c.Backups.ListNames(ctx, vmHost, nil)
			require.NoError(t, err)
			assert.Equal(t, []string{"a"}, names)
			assert.Equal(t, int32(2), ts.logins.Load())

			// Rejected again after the renewal: the error comes back, no loop.
			ts.rejectN.Store(5)
			_, err = c.Backups.ListNames(ctx, vmHost, nil)
			assert.True(t, erigones.HasStatus(err, tc.code), "%v", err)
			assert.Equal(t, int32(3), ts.logins.Load(), "exactly one more login")
		})
	}
}

func TestForbiddenIsNotALogin(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{rejectCode: http.StatusForbidden, rejectMsg: "You do not have permission to perform this action."}
	ts.register(m)
	c := loginClient(t, m)
	ts.rejectN.Store(1)
	_, err := c.Backups.ListNames(context.Background(), vmHost, nil)
	assert.True(t, erigones.IsForbidden(err))
	assert.Equal(t, int32(1), ts.logins.Load(), "a permission error does not renew the token")
}

func TestLoginFailure(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{}
	ts.register(m)
	c, err := erigones.NewClient(root, erigones.WithHTTPClient(m.httpClient()), erigones.WithPassword("admin", "wrong"))
	require.NoError(t, err)
	err = c.Login(context.Background())
	require.True(t, erigones.IsBadRequest(err), "%v", err)
	assert.Contains(t, err.Error(), "Unable to log in")
	assert.NotContains(t, err.Error(), "wrong", "the password is never printed")
	_, err = c.Backups.ListNames(context.Background(), vmHost, nil)
	assert.True(t, erigones.IsBadRequest(err), "a call that cannot log in fails with the login's error: %v", err)
}

func TestLogout(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{}
	ts.register(m)
	c := loginClient(t, m)
	ctx := context.Background()
	require.NoError(t, c.Logout(ctx), "nothing to do before a login")
	assert.Empty(t, m.requests())

	_, err := c.Backups.ListNames(ctx, vmHost, nil)
	require.NoError(t, err)
	require.NoError(t, c.Logout(ctx))
	var logout seen
	for _, r := range m.requests() {
		if strings.HasSuffix(r.Path, "/accounts/logout/") {
			logout = r
		}
	}
	assert.Equal(t, http.MethodGet, logout.Method)
	assert.Equal(t, "Token token1", logout.Header.Get("Authorization"))
	require.NoError(t, c.Logout(ctx), "logged out already: nothing to do")

	_, err = c.Backups.ListNames(ctx, vmHost, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), ts.logins.Load(), "the next call logs in again")

	// A token the server no longer knows counts as logged out, with no login.
	ts.current.Store("other")
	require.NoError(t, c.Logout(ctx))
	assert.Equal(t, int32(2), ts.logins.Load())
}

func TestTokenWithoutLogin(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{}
	ts.register(m)
	ts.current.Store("given")
	c, err := erigones.NewClient(root, erigones.WithHTTPClient(m.httpClient()), erigones.WithToken("given"))
	require.NoError(t, err)
	_, err = c.Backups.ListNames(context.Background(), vmHost, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, c.Login(context.Background()), erigones.ErrNoLogin)

	ts.current.Store("rotated")
	_, err = c.Backups.ListNames(context.Background(), vmHost, nil)
	assert.True(t, erigones.IsUnauthorized(err))
	assert.Zero(t, ts.logins.Load(), "a token alone cannot be renewed")
}

func TestTokenThenLogin(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ts := &tokenServer{}
	ts.register(m)
	c := loginClient(t, m, erigones.WithToken("stale"))
	_, err := c.Backups.ListNames(context.Background(), vmHost, nil)
	require.NoError(t, err)
	assert.Equal(t, int32(1), ts.logins.Load(), "the given token was rejected, so the client logged in")
}

func TestAPIKeyHasNoSession(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	c := m.client()
	assert.NoError(t, c.Logout(context.Background()))
	assert.ErrorIs(t, c.Login(context.Background()), erigones.ErrNoLogin)
	assert.Empty(t, m.requests())
}
