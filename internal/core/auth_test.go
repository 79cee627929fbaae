package core_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// tokenServer accepts only its current token in AuthToken and counts logins.
type tokenServer struct {
	*httptest.Server
	logins  atomic.Int64
	current atomic.Value // string
	// rejectAll makes every call answer 401 even with a fresh token.
	rejectAll atomic.Bool
}

func newTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	ts := &tokenServer{}
	ts.current.Store("")
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			n := ts.logins.Add(1)
			tok := fmt.Sprintf("tok-%d", n)
			ts.current.Store(tok)
			time.Sleep(20 * time.Millisecond) // widen the window for concurrent callers
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, `{"auth_token":%q}`, tok)
			return
		}
		if ts.rejectAll.Load() || r.Header.Get("AuthToken") != ts.current.Load().(string) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"result":[{"message":"Your session has expired or is invalid"}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func tokenClient(t *testing.T, url string) (*core.Client, *core.TokenAuth) {
	t.Helper()
	c := newClient(t, url)
	auth := core.NewTokenAuth(core.TokenAuthConfig{
		Header: "AuthToken",
		Login: func(ctx context.Context) (core.Secret, time.Time, error) {
			var out struct {
				Token string `json:"auth_token"`
			}
			_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true,
				Body: map[string]string{"username": "admin", "password": "pw"}}, &out)
			return core.NewSecret(out.Token), time.Time{}, err
		},
	})
	c.SetAuth(auth)
	return c, auth
}

func TestTokenLoginIsSharedByConcurrentCallers(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	c, _ := tokenClient(t, ts.URL)
	call := func() error {
		_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/api/backups"}, nil)
		return err
	}
	for _, err := range concurrently(20, call) {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), ts.logins.Load(), "first use: one login for 20 callers")

	// The appliance forgets the session: 20 calls hit 401 and share one re-login.
	ts.current.Store("expired-elsewhere")
	for _, err := range concurrently(20, call) {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(2), ts.logins.Load(), "expiry: exactly one re-login")
}

// concurrently runs call n times at once and returns each result.
func concurrently(n int, call func() error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = call() })
	}
	wg.Wait()
	return errs
}

func TestSecondRejectionAfterReloginIsReturned(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	c, _ := tokenClient(t, ts.URL)
	ts.rejectAll.Store(true)
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/api/backups"}, nil)
	require.True(t, core.IsUnauthorized(err), err)
	assert.Equal(t, int64(2), ts.logins.Load(), "the first login, then one renewal, then the error: no loop")
	assert.Contains(t, err.Error(), "Your session has expired")
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	var logins atomic.Int64
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	auth := core.NewTokenAuth(core.TokenAuthConfig{
		Header: "X-Auth-Token",
		Login: func(context.Context) (core.Secret, time.Time, error) {
			n := logins.Add(1)
			return core.NewSecret(fmt.Sprint("t", n)), time.Unix(0, clock.Load()).Add(24 * time.Hour), nil
		},
		RenewBefore: 10 * time.Minute,
		Now:         func() time.Time { return time.Unix(0, clock.Load()) },
	})
	req := httptest.NewRequest(http.MethodGet, "http://h/x", nil)
	require.NoError(t, auth.Apply(context.Background(), req, nil))
	assert.Equal(t, "t1", req.Header.Get("X-Auth-Token"))
	clock.Store(now.Add(23 * time.Hour).UnixNano())
	require.NoError(t, auth.Apply(context.Background(), req, nil))
	assert.Equal(t, "t1", req.Header.Get("X-Auth-Token"), "still fresh")
	clock.Store(now.Add(23*time.Hour + 55*time.Minute).UnixNano())
	require.NoError(t, auth.Apply(context.Background(), req, nil))
	assert.Equal(t, "t2", req.Header.Get("X-Auth-Token"), "renewed ten minutes before expiry")
	assert.Equal(t, int64(2), logins.Load())
}

func TestReadyTokenWithoutLogin(t *testing.T) {
	t.Parallel()
	auth := core.NewTokenAuth(core.TokenAuthConfig{Header: "Authorization", Prefix: "Token "})
	req := httptest.NewRequest(http.MethodGet, "http://h/x", nil)
	err := auth.Apply(context.Background(), req, nil)
	require.Error(t, err, "no token and no way to get one")
	assert.Contains(t, err.Error(), "no token")
	auth.SetToken(core.NewSecret("abc"), time.Time{})
	require.NoError(t, auth.Apply(context.Background(), req, nil))
	assert.Equal(t, "Token abc", req.Header.Get("Authorization"))
	assert.False(t, auth.Expired(req, &core.APIError{StatusCode: 401}), "a ready token cannot be renewed")
	auth.Clear()
	_, ok := auth.Token()
	assert.False(t, ok)
}

func TestLoginFailureIsReturned(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"detail":"Unable to log in with provided credentials."}`)
	}))
	t.Cleanup(srv.Close)
	c, _ := tokenClient(t, srv.URL)
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	ae, ok := core.AsAPIError(err)
	require.True(t, ok, err)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "Unable to log in with provided credentials.", ae.Message)
}

// signer counts how often it signs: once per attempt.
type signer struct{ n atomic.Int64 }

func (s *signer) Apply(_ context.Context, req *http.Request, body []byte) error {
	n := s.n.Add(1)
	req.Header.Set("X-Sdk-Date", fmt.Sprint(n))
	req.Header.Set("X-Body-Len", fmt.Sprint(len(body)))
	return nil
}

func TestAuthAppliedAfreshOnEveryAttempt(t *testing.T) {
	t.Parallel()
	var dates []string
	var mu sync.Mutex
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		dates = append(dates, r.Header.Get("X-Sdk-Date")+"/"+r.Header.Get("X-Body-Len"))
		mu.Unlock()
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	t.Cleanup(srv.Close)
	s := &signer{}
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.Auth = s })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/checkpoints", Body: []byte(`{"a":1}`)}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"1/7", "2/7", "3/7"}, dates, "each attempt is signed anew, with the body")
}

// secrets used by the redaction test; none may appear in any output.
var secrets = []string{"hunter2-password", "apikey-0123456789", "token-abcdef", "signature-feedface", "cookie-secret"}

// TestNoSecretInLogsErrorsOrPrintedValues logs every kind of request at
// debug level and checks that no credential appears anywhere: logs, errors,
// printed clients and configs.
func TestNoSecretInLogsErrorsOrPrintedValues(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 4 {
		case 0:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 1:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"message":"bad credentials"}`)
		default:
			_, _ = io.WriteString(w, `{}`)
		}
	}))
	t.Cleanup(srv.Close)

	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	auths := []core.Auth{
		core.BasicAuth{User: "admin", Password: core.NewSecret(secrets[0])},
		core.HeaderAuth{Name: "ES-API-KEY", Value: core.NewSecret(secrets[1])},
		core.HeaderAuth{Name: "X-Auth-Token", Value: core.NewSecret(secrets[2])},
		secretSigner{},
	}
	tokenAuth := core.NewTokenAuth(core.TokenAuthConfig{Header: "AuthToken"})
	tokenAuth.SetToken(core.NewSecret(secrets[2]), time.Time{})
	auths = append(auths, tokenAuth)

	var printed strings.Builder
	for _, a := range auths {
		cfg := core.Config{Provider: "test", BaseURL: srv.URL, Auth: a, Logger: logger, Retry: &fastRetry}
		c, err := core.New(cfg)
		require.NoError(t, err)
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			_, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: m, Path: "/backups/{id}", PathParams: []string{"7"},
				Query: map[string][]string{"sid_token": {secrets[4]}, "limit": {"10"}}, Body: map[string]string{"note": "n"}}, nil)
			if err != nil {
				printed.WriteString(err.Error())
				fmt.Fprintf(&printed, "%+v %#v", err, err)
			}
		}
		fmt.Fprintf(&printed, "%v %+v %#v %s", c, c, cfg, a)
		fmt.Fprintf(&printed, "%v %+v %#v", a, a, a)
	}
	// A transport error quotes the URL in net/http's *url.Error.
	c := newClient(t, refusedURL(t), func(cfg *core.Config) { cfg.Logger = logger })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x", Query: map[string][]string{"token": {secrets[2]}}}, nil)
	require.Error(t, err)
	printed.WriteString(err.Error())
	// Base URL errors, redirects, undecodable and failed logins.
	printed.WriteString(moreErrorPaths(t, logger))

	logMu.Lock()
	out := logs.String() + printed.String()
	logMu.Unlock()
	for _, s := range secrets {
		assert.NotContains(t, out, s)
	}
	for _, h := range []string{"Authorization", "AuthToken", "X-Auth-Token", "ES-API-KEY"} {
		assert.NotContains(t, logs.String(), h, "no credential header is logged")
	}
	// The log still says what happened.
	for _, want := range []string{`"method":"GET"`, `"path":"/backups/7"`, `"status":503`, `"attempt":2`, `"wait":`, `"msg":"backupsdk: retrying"`} {
		assert.Contains(t, logs.String(), want)
	}
}

type secretSigner struct{}

func (secretSigner) Apply(_ context.Context, req *http.Request, _ []byte) error {
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, Signature="+secrets[3])
	return nil
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestSecretPrintsRedacted(t *testing.T) {
	t.Parallel()
	s := core.NewSecret("hunter2")
	type holder struct {
		user string
		pass core.Secret
	}
	h := holder{user: "u", pass: s}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%d", s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", h, h, h), fmt.Sprintf("%+v", &h),
	} {
		assert.NotContains(t, out, "hunter2")
		assert.NotContains(t, out, "68756e74657232", "not even in hex")
	}
	b, err := codec.MarshalJSON(struct{ P core.Secret }{s})
	require.NoError(t, err)
	assert.JSONEq(t, `{"P":"REDACTED"}`, string(b))
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "secret", s)
	assert.Contains(t, logs.String(), "secret=REDACTED")
	assert.Equal(t, "hunter2", s.Reveal())
	assert.True(t, s.IsSet())
	assert.False(t, core.NewSecret("").IsSet())
}

// TestSilentByDefault checks that nothing reaches stderr or the standard
// logger when no slog.Logger is given, retries and failures included.
// Not parallel: it swaps os.Stderr and the standard logger's output.
func TestSilentByDefault(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	oldStderr := os.Stderr
	os.Stderr = w
	var std bytes.Buffer
	oldLog := log.Writer()
	log.SetOutput(&std)
	defer func() {
		os.Stderr = oldStderr
		log.SetOutput(oldLog)
	}()

	srv, _ := countingServer(t, behaviour{status: 503})
	_, err = newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.Error(t, err)
	_, err = newClient(t, refusedURL(t)).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.Error(t, err)

	require.NoError(t, w.Close())
	os.Stderr = oldStderr
	captured, _ := io.ReadAll(r)
	assert.Empty(t, string(captured), "nothing on stderr")
	assert.Empty(t, std.String(), "nothing through the log package")
}

// TestExpiredSessionAs5xxIsRenewedNotRetried checks that an answer the
// Renewer recognises as an expired session is not retried with the same
// token (some appliances answer 500): the client renews at once.
func TestExpiredSessionAs5xxIsRenewedNotRetried(t *testing.T) {
	t.Parallel()
	var dataCalls, logins atomic.Int64
	var current atomic.Value
	current.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			tok := fmt.Sprintf("tok-%d", logins.Add(1))
			current.Store(tok)
			_, _ = fmt.Fprintf(w, `{"auth_token":%q}`, tok)
			return
		}
		dataCalls.Add(1)
		if r.Header.Get("AuthToken") != current.Load().(string) || dataCalls.Load() == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"result":[{"message":"Your session has expired or is invalid"}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *core.Config) {
		cfg.Retry = &core.RetryPolicy{MaxRetries: 4, MinWait: time.Second, MaxWait: time.Minute}
	})
	auth := core.NewTokenAuth(core.TokenAuthConfig{
		Header: "AuthToken",
		Expired: func(e *core.APIError) bool {
			return e.StatusCode == 401 || strings.Contains(e.Message, "session has expired")
		},
		Login: func(ctx context.Context) (core.Secret, time.Time, error) {
			var out struct {
				Token string `json:"auth_token"`
			}
			_, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true}, &out)
			return core.NewSecret(out.Token), time.Time{}, err
		},
	})
	c.SetAuth(auth)
	start := time.Now()
	var out struct {
		OK bool `json:"ok"`
	}
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/api/backups"}, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, int64(2), dataCalls.Load(), "the expired answer is not retried with the same token")
	assert.Equal(t, int64(2), logins.Load(), "first login, then one renewal")
	assert.Less(t, time.Since(start), 900*time.Millisecond, "no backoff wait before renewing")

	// A 500 that is not about the session is still retried as usual.
	dataCalls.Store(0)
	var plain atomic.Int64
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if plain.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"message":"database busy"}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv2.Close)
	c2 := newClient(t, srv2.URL, func(cfg *core.Config) { cfg.Auth = auth })
	_, err = c2.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), plain.Load(), "an ordinary 500 is retried")
}

func TestClearIfKeepsANewerToken(t *testing.T) {
	t.Parallel()
	auth := core.NewTokenAuth(core.TokenAuthConfig{Header: "AuthToken"})
	old := core.NewSecret("old")
	auth.SetToken(core.NewSecret("new"), time.Time{})
	assert.False(t, auth.ClearIf(old), "a logout of the old token keeps the new one")
	tok, ok := auth.Token()
	require.True(t, ok)
	assert.Equal(t, "new", tok.Reveal())
	assert.True(t, auth.ClearIf(core.NewSecret("new")))
	_, ok = auth.Token()
	assert.False(t, ok)
	assert.False(t, auth.ClearIf(core.NewSecret("new")), "nothing left to clear")
}
