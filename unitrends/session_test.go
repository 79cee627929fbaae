package unitrends_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

const expiredBody = `{"status": 401, "message": "Your session has expired or is invalid"}`

// The first call logs in with the credentials as JSON, and every call
// carries the token in AuthToken; later calls reuse it.
func TestLoginOnFirstUse(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	var q recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", q.respond(http.StatusOK, `{"backups": []}`))

	_, ok := c.SessionToken()
	assert.False(t, ok, "no I/O and no session before the first call")
	for range 3 {
		bs, err := c.Backups.List(ctx(t), nil)
		require.NoError(t, err)
		assert.NotNil(t, bs)
		assert.Empty(t, bs)
	}
	assert.Equal(t, 1, login.count())
	body, token, _ := login.last()
	assert.JSONEq(t, `{"username": "admin", "password": "s3cret"}`, body)
	assert.Empty(t, token, "the login carries no token")
	_, token, url := q.last()
	assert.Equal(t, "tok-1", token)
	assert.Equal(t, base+"/api/backups", url)
	tok, ok := c.SessionToken()
	require.True(t, ok)
	assert.Equal(t, "tok-1", tok.Reveal())
	assert.Equal(t, "REDACTED", fmt.Sprint(tok))
}

// An expired session (401) is renewed once and the call repeated.
func TestExpiredSessionRenewedOnce(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	var q recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups",
		q.respond(http.StatusUnauthorized, expiredBody).Once().Then(q.respond(http.StatusOK, `{"data": [{"id": 7}]}`)))

	bs, err := c.Backups.List(ctx(t), nil)
	require.NoError(t, err)
	require.Len(t, bs, 1)
	assert.Equal(t, int64(7), bs[0].ID.Int64)
	assert.Equal(t, 2, login.count())
	assert.Equal(t, []string{"tok-1", "tok-2"}, q.tokens, "the repeat carries the new token")
	assert.Equal(t, q.bodies[0], q.bodies[1], "the repeat sends the same body")
}

// A second 401 right after the re-login is returned, not looped on.
func TestSecondExpiryIsReturned(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	var q recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", q.respond(http.StatusUnauthorized, expiredBody))

	_, err := c.Backups.List(ctx(t), nil)
	var apiErr *unitrends.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "Your session has expired or is invalid", apiErr.Message)
	assert.True(t, unitrends.IsUnauthorized(err))
	assert.True(t, unitrends.IsSessionExpired(err))
	assert.Equal(t, 2, login.count(), "first login and one renewal")
	assert.Len(t, q.tokens, 2, "the call was sent twice, not more")
}

// Older appliances say "expired" with 403 or 500; the message decides.
// Other 403s and 500s do not cause a login.
func TestExpiryStatusesAndMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		body    string
		renewed bool
	}{
		{"403 expired", http.StatusForbidden, `{"result": [{"message": "Your session has expired or is invalid.", "code": 403}]}`, true},
		{"500 expired", http.StatusInternalServerError, `{"error": 500, "message": "Your session has expired or is invalid."}`, true},
		{"403 other", http.StatusForbidden, `{"result": [{"message": "User is not allowed to view backups.", "code": 403}]}`, false},
		{"500 other", http.StatusInternalServerError, `{"error": 500, "message": "Database is locked."}`, false},
		{"200 with 401 inside", http.StatusOK, `{"status": 401, "message": "Your session has expired or is invalid"}`, true},
		{"200 with error inside", http.StatusOK, `{"error": "Session token invalid"}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, unitrends.WithRetryPolicy(unitrends.RetryPolicy{}))
			var login loginResponder
			mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
			var q recorder
			mt.RegisterResponder(http.MethodPost, base+"/api/backups",
				q.respond(tc.status, tc.body).Once().Then(q.respond(http.StatusOK, `[{"id": 1}]`)))
			bs, err := c.Backups.List(ctx(t), nil)
			if tc.renewed {
				require.NoError(t, err)
				assert.Len(t, bs, 1)
				assert.Equal(t, 2, login.count())
				assert.Equal(t, []string{"tok-1", "tok-2"}, q.tokens)
				return
			}
			var apiErr *unitrends.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.False(t, unitrends.IsSessionExpired(err))
			assert.Equal(t, 1, login.count())
		})
	}
}

// An expiry inside a 200 answer right after the core renewed a 401 is
// returned: one renewal per call, whatever the shape.
func TestOneRenewalAcrossShapes(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	var q recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups",
		q.respond(http.StatusUnauthorized, expiredBody).Once().Then(q.respond(http.StatusOK, expiredBody)))
	_, err := c.Backups.List(ctx(t), nil)
	require.Error(t, err)
	assert.True(t, unitrends.IsSessionExpired(err))
	assert.Equal(t, 2, login.count())
	assert.Len(t, q.tokens, 2)
}

// Twenty calls that all hit an expired token share exactly one re-login.
func TestConcurrentExpiryOneLogin(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t, nil)
	_, err := c.Systems.List(ctx(t))
	require.NoError(t, err)
	require.Equal(t, 1, srv.Logins())

	srv.ExpireSessions()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	counts := make([]int, 20)
	for i := range errs {
		wg.Go(func() {
			bs, err := c.Backups.List(ctx(t), &unitrends.ListBackupsOptions{ClientID: 1})
			errs[i], counts[i] = err, len(bs)
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
		assert.Equal(t, 3, counts[i], "call %d", i)
	}
	assert.Equal(t, 2, srv.Logins(), "one login at first, exactly one re-login for all twenty")
	assert.Equal(t, 1, srv.Sessions())
}

// Twenty calls that all carried the expired token — each answered 401
// only once all twenty had arrived — share exactly one re-login, and each
// is repeated once with the new token.
func TestConcurrentExpiryBarrier(t *testing.T) {
	t.Parallel()
	const n = 20
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	require.NoError(t, c.Login(ctx(t)))

	var (
		mu      sync.Mutex
		stale   int
		fresh   int
		arrived = make(chan struct{})
	)
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("AuthToken") == "tok-1" {
			mu.Lock()
			stale++
			if stale == n {
				close(arrived)
			}
			mu.Unlock()
			select {
			case <-arrived:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
			return httpmock.NewStringResponse(http.StatusUnauthorized, expiredBody), nil
		}
		mu.Lock()
		fresh++
		mu.Unlock()
		return httpmock.NewStringResponse(http.StatusOK, `{"backups": [{"id": 1}]}`), nil
	})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.Backups.List(ctx(t), nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	assert.Equal(t, n, stale, "every call hit the expired token")
	assert.Equal(t, n, fresh, "every call was repeated once")
	assert.Equal(t, 2, login.count(), "the first login and exactly one re-login")
}

// The fake's idle timeout expires sessions; the client renews them.
func TestIdleTimeoutAgainstFake(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: pinned}
	c, srv := fakeClient(t, []unitrendstest.Option{unitrendstest.WithNow(clock.Now), unitrendstest.WithIdleTimeout(unitrendsIdle)})
	_, err := c.Systems.List(ctx(t))
	require.NoError(t, err)
	clock.advance(unitrendsIdle - 1)
	_, err = c.Systems.List(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins(), "use within the idle time keeps the session")
	clock.advance(unitrendsIdle + 1)
	_, err = c.Systems.List(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "an idle session expired and was renewed")
	assert.Equal(t, 3, servedCalls(srv, "GET", "/api/systems"), "the expired call reached the route only after the re-login")
}

// Every expiry shape of the fake (401, 403, 500, 200) is renewed.
func TestExpiryShapesAgainstFake(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusInternalServerError, http.StatusOK} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, srv := fakeClient(t, []unitrendstest.Option{unitrendstest.WithExpiryStatus(status)},
				unitrends.WithRetryPolicy(unitrends.RetryPolicy{}))
			_, err := c.Backups.List(ctx(t), nil)
			require.NoError(t, err)
			srv.ExpireSessions()
			bs, err := c.Backups.List(ctx(t), nil)
			require.NoError(t, err)
			assert.NotEmpty(t, bs)
			assert.Equal(t, 2, srv.Logins())
		})
	}
}

// Wrong credentials: the login's 401 is returned as an *APIError with the
// appliance's message, and is not retried as an expiry.
func TestWrongPassword(t *testing.T) {
	t.Parallel()
	srv, err := unitrendstest.NewServer()
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), "wrong"))
	require.NoError(t, err)
	_, err = c.Backups.List(ctx(t), nil)
	var apiErr *unitrends.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "invalid username or password")
	assert.Contains(t, err.Error(), "POST /api/login")
	assert.NotContains(t, err.Error(), "wrong", "the password never shows")
	assert.False(t, unitrends.IsSessionExpired(err), "a refused login is not an expired session")
	assert.Equal(t, 1, routeCalls(srv, "POST", "/api/login"))
	assert.Equal(t, 0, servedCalls(srv, "POST", "/api/backups"))

	err = c.Login(ctx(t))
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, unitrends.IsUnauthorized(err))
}

// Login opens a session ahead of time; Logout ends it with the token in
// the body, forgets it, and a later call logs in again.
func TestLoginLogout(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t, nil)
	require.NoError(t, c.Logout(ctx(t)), "without a session there is nothing to end")
	assert.Equal(t, 0, servedCalls(srv, "POST", "/api/logout"))

	require.NoError(t, c.Login(ctx(t)))
	require.NoError(t, c.Login(ctx(t)))
	assert.Equal(t, 1, srv.Logins())
	assert.Equal(t, 1, srv.Sessions())

	require.NoError(t, c.Logout(ctx(t)))
	assert.Equal(t, 1, srv.Logouts())
	assert.Equal(t, 0, srv.Sessions())
	_, ok := c.SessionToken()
	assert.False(t, ok)

	_, err := c.Systems.List(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins())

	srv.ExpireSessions()
	require.NoError(t, c.Logout(ctx(t)), "a session the appliance expired counts as ended")
	_, ok = c.SessionToken()
	assert.False(t, ok)
}

// Logout sends {"cookie": token} to /api/logout.
func TestLogoutBody(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, unitrends.WithToken("ready-token"))
	var out recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/logout", out.respond(http.StatusOK, `{}`))
	require.NoError(t, c.Logout(ctx(t)))
	body, token, _ := out.last()
	assert.JSONEq(t, `{"cookie": "ready-token"}`, body)
	assert.Equal(t, "ready-token", token)

	// A failed logout keeps the token, so it can be tried again.
	c2, mt2 := mockClient(t, unitrends.WithToken("ready-token"))
	mt2.RegisterResponder(http.MethodPost, base+"/api/logout", httpmock.NewErrorResponder(fmt.Errorf("connection reset")))
	require.Error(t, c2.Logout(ctx(t)))
	_, ok := c2.SessionToken()
	assert.True(t, ok)
}

// A ready token is sent without a login; alone it cannot be renewed, so
// its rejection is returned.
func TestReadyToken(t *testing.T) {
	t.Parallel()
	srv, err := unitrendstest.NewServer()
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	tok := srv.IssueToken()
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithToken(tok))
	require.NoError(t, err)
	bs, err := c.Backups.List(ctx(t), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, bs)
	assert.Equal(t, 0, srv.Logins())

	require.True(t, srv.ExpireSession(tok))
	_, err = c.Backups.List(ctx(t), nil)
	require.Error(t, err)
	assert.True(t, unitrends.IsSessionExpired(err))
	assert.Equal(t, 0, srv.Logins())
	assert.Equal(t, 1, servedCalls(srv, "POST", "/api/backups"), "the rejected call did not reach the route")
	assert.Equal(t, int64(2), srv.Requests(), "two calls, no repeat, no login")
}

// A ready token together with credentials is used first and replaced by a
// login when it expires.
func TestReadyTokenWithCredentials(t *testing.T) {
	t.Parallel()
	srv, err := unitrendstest.NewServer()
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	tok := srv.IssueToken()
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithToken(tok), unitrends.WithPassword(srv.User(), srv.Password()))
	require.NoError(t, err)
	_, err = c.Systems.List(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 0, srv.Logins())
	srv.ExpireSession(tok)
	_, err = c.Systems.List(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins())
	now, _ := c.SessionToken()
	assert.NotEqual(t, tok, now.Reveal())
}

// The login answer must carry a token.
func TestLoginWithoutToken(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.respond(http.StatusCreated, `{"timeout": 900}`))
	err := c.Login(ctx(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no auth_token")
	var decErr *unitrends.DecodeError
	assert.ErrorAs(t, err, &decErr)
}

// The session token and the password never appear in errors or logs.
func TestSecretsStayOutOfErrors(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	var login loginResponder
	mt.RegisterResponder(http.MethodPost, base+"/api/login", login.responder())
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", httpmock.NewStringResponder(http.StatusInternalServerError, `{"error": 500, "message": "boom"}`))
	_, err := c.Backups.List(ctx(t), nil)
	require.Error(t, err)
	for _, secret := range []string{"s3cret", "tok-1"} {
		assert.False(t, strings.Contains(err.Error(), secret), secret)
	}
	golden.Assert(t, "error-500", []byte(err.Error()+"\n"))
}

const unitrendsIdle = 10 * time.Minute

// fakeClock is a settable clock for the fake.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
