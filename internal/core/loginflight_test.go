package core_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// hangGuard bounds a call that should return at once, so that a failure
// shows as an error rather than a hung test. It is no speed assertion.
const hangGuard = 10 * time.Second

// stuckFirstLogin returns a TokenAuth whose first login hangs until its
// context ends (a server that never answers), and whose later logins
// return the token "second" at once. started receives when the first
// login is under way.
func stuckFirstLogin(t *testing.T) (auth *core.TokenAuth, started <-chan struct{}, logins *atomic.Int64) {
	t.Helper()
	logins = &atomic.Int64{}
	s := make(chan struct{}, 1)
	auth = core.NewTokenAuth(core.TokenAuthConfig{Header: "X-Token", Login: func(ctx context.Context) (core.Secret, time.Time, error) {
		if logins.Add(1) == 1 {
			s <- struct{}{}
			<-ctx.Done()
			return core.Secret{}, time.Time{}, ctx.Err()
		}
		return core.NewSecret("second"), time.Time{}, nil
	}})
	return auth, s, logins
}

func apply(ctx context.Context, auth *core.TokenAuth) (string, error) {
	req := httptest.NewRequest(http.MethodGet, "http://api.example.test/x", nil)
	err := auth.Apply(ctx, req, nil)
	return req.Header.Get("X-Token"), err
}

// The soak (internal/chaos) found a shared login that hangs holding up
// every later caller for the login's own two-minute bound: it was detached
// from the caller that started it. Once that caller has given up, the
// next caller starts a login of its own.
func TestStuckLoginDoesNotOutliveTheCallerThatStartedIt(t *testing.T) {
	t.Parallel()
	auth, started, logins := stuckFirstLogin(t)

	first, cancelFirst := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := apply(first, auth)
		errc <- err
	}()
	<-started
	cancelFirst()
	require.ErrorIs(t, <-errc, context.Canceled, "the caller that started the login returns when it gives up")

	later, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	tok, err := apply(later, auth)
	require.NoError(t, err, "a later caller must not wait on the abandoned login")
	assert.Equal(t, "second", tok)
	assert.Equal(t, int64(2), logins.Load())
}

// A caller that joined a login its starter then abandoned is not handed
// the starter's cancellation: while its own context is live it takes part
// in (or starts) the next login.
func TestWaiterOutlivesAnAbandonedLogin(t *testing.T) {
	t.Parallel()
	auth, started, logins := stuckFirstLogin(t)

	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := apply(first, auth)
		firstErr <- err
	}()
	<-started

	waiter, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	type res struct {
		tok string
		err error
	}
	waited := make(chan res, 1)
	go func() {
		tok, err := apply(waiter, auth)
		waited <- res{tok, err}
	}()
	cancelFirst()
	require.ErrorIs(t, <-firstErr, context.Canceled)
	got := <-waited
	require.NoError(t, got.err, "the waiter's own context is live")
	assert.Equal(t, "second", got.tok)
	assert.Equal(t, int64(2), logins.Load(), "one login abandoned, one shared by the rest")
}

// While a shared login hangs, a waiting caller returns when its own
// context ends, not when the login does.
func TestWaitersReturnAtTheirOwnDeadline(t *testing.T) {
	t.Parallel()
	auth, started, _ := stuckFirstLogin(t)

	first, cancelFirst := context.WithCancel(context.Background())
	defer cancelFirst()
	go func() { _, _ = apply(first, auth) }()
	<-started

	waiter, cancelWaiter := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := apply(waiter, auth)
		errc <- err
	}()
	cancelWaiter()
	select {
	case err := <-errc:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(hangGuard):
		t.Fatal("a waiting caller did not return when its context ended")
	}
}

// A call whose deadline ends while it waits for a login says so, with the
// provider, instead of a bare "context deadline exceeded".
func TestLoginWaitErrorNamesTheProvider(t *testing.T) {
	t.Parallel()
	auth, _, _ := stuckFirstLogin(t)
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	c, err := core.New(core.Config{Provider: "test", BaseURL: srv.URL, Auth: auth})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "test: waiting for login")
}
