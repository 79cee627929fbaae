package crosstest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/unitrends"
)

// The credentials of every auth mode. None may reach the second host, in
// a header, a body or a query.
const (
	password    = "pw-hunter2-secret"
	apiKey      = "apikey-0123456789"
	token       = "token-abcdef-secret"
	sessionTok  = "session-token-from-login"
	accessKey   = "AK-ACCESS-KEY-ID"
	secretKey   = "SK-secret-key-value"
	projectID   = "0123456789abcdef0123456789abcdef"
	secretQuery = "sid-secret-in-location"
)

var secrets = []string{password, apiKey, token, sessionTok, secretKey}

// received is one request as a server saw it.
type received struct {
	method, path string
	header       http.Header
	body         string
}

func (r received) String() string {
	return fmt.Sprintf("%s %s %v %q", r.method, r.path, r.header, r.body)
}

// recorder records every request a server gets.
type recorder struct {
	mu  sync.Mutex
	got []received
}

func (rec *recorder) add(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.got = append(rec.got, received{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), body: string(b)})
	rec.mu.Unlock()
	return string(b)
}

func (rec *recorder) all() []received {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]received(nil), rec.got...)
}

// loginAnswers are the success answers of each login route, in the
// shapes of the real services: Danube Cloud's api/accounts/login view
// (200 {"token", "expires", "detail"}), Unitrends' POST /api/login
// (201 {"auth_token"}), Huawei IAM's POST /v3/auth/tokens (201, the token
// in X-Subject-Token). See the fakes in erigonestest, unitrendstest and
// cloudbackuptest, which follow the vendors' documentation.
var loginAnswers = map[string]func(w http.ResponseWriter){
	"/api/accounts/login/": func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		exp := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000000-07:00")
		_, _ = io.WriteString(w, `{"token":"`+sessionTok+`","expires":"`+exp+`","detail":"Welcome to Danube Cloud API."}`)
	},
	"/api/login": func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"auth_token":"`+sessionTok+`"}`)
	},
	"/v3/auth/tokens": func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Subject-Token", sessionTok)
		w.WriteHeader(http.StatusCreated)
		exp := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"`+exp+`","issued_at":"`+time.Now().UTC().Format(time.RFC3339)+`"}}`)
	},
}

// world is the API host and a second host. The API host answers status
// with a Location on the second host for every call, logins included
// unless loginsWork, when logins succeed so that the token they give is on
// the redirected calls.
type world struct {
	api, other       *httptest.Server
	apiRec, otherRec recorder
	otherBase        string // the second host as the Location names it
}

func newWorld(t *testing.T, status int, loginsWork, byName bool) *world {
	t.Helper()
	w := &world{}
	w.other = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.otherRec.add(r)
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(rw, `{"detail":"Not found."}`)
	}))
	t.Cleanup(w.other.Close)
	w.otherBase = w.other.URL
	if byName {
		// localhost is the same machine as 127.0.0.1 but another host.
		u, _ := url.Parse(w.other.URL)
		w.otherBase = "http://localhost:" + u.Port()
	}
	w.api = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.apiRec.add(r)
		if answer, ok := loginAnswers[r.URL.Path]; ok && loginsWork && r.Method == http.MethodPost {
			answer(rw)
			return
		}
		loc := w.otherBase + r.URL.Path + "?sid_token=" + secretQuery
		if r.URL.RawQuery != "" {
			loc += "&" + r.URL.RawQuery
		}
		rw.Header().Set("Location", loc)
		rw.WriteHeader(status)
	}))
	t.Cleanup(w.api.Close)
	return w
}

// authMode is one provider with one kind of credentials and a call that
// uses them.
type authMode struct {
	name string
	// bodyFirst says the first request carries credentials in its body
	// (a login): it is refused even by a caller's client that follows.
	bodyFirst bool
	call      func(ctx context.Context, base string, hc *http.Client) error
}

var noRetry = core.RetryPolicy{}

func onappCall(opt onapp.Option) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, hc *http.Client) error {
		opts := []onapp.Option{opt, onapp.WithRetryPolicy(noRetry)}
		if hc != nil {
			opts = append(opts, onapp.WithHTTPClient(hc))
		}
		c, err := onapp.NewClient(base, opts...)
		if err != nil {
			return err
		}
		_, err = c.Backups.Get(ctx, 7)
		return err
	}
}

func erigonesCall(opt erigones.Option) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, hc *http.Client) error {
		opts := []erigones.Option{opt, erigones.WithRetryPolicy(noRetry)}
		if hc != nil {
			opts = append(opts, erigones.WithHTTPClient(hc))
		}
		c, err := erigones.NewClient(base, opts...)
		if err != nil {
			return err
		}
		_, err = c.Backups.List(ctx, "web01.example.com", nil)
		return err
	}
}

func unitrendsCall(opt unitrends.Option) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, hc *http.Client) error {
		opts := []unitrends.Option{opt, unitrends.WithRetryPolicy(noRetry)}
		if hc != nil {
			opts = append(opts, unitrends.WithHTTPClient(hc))
		}
		c, err := unitrends.NewClient(base, opts...)
		if err != nil {
			return err
		}
		_, err = c.Backups.Get(ctx, 7, nil)
		return err
	}
}

func cloudbackupCall(auth func(base string) []cloudbackup.Option) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, hc *http.Client) error {
		opts := append(auth(base), cloudbackup.WithRetryPolicy(noRetry))
		if hc != nil {
			opts = append(opts, cloudbackup.WithHTTPClient(hc))
		}
		c, err := cloudbackup.NewClient(base, projectID, opts...)
		if err != nil {
			return err
		}
		_, err = c.Backups.Get(ctx, "b-1")
		return err
	}
}

var authModes = []authMode{
	{name: "onapp password", call: onappCall(onapp.WithPassword("admin", password))},
	{name: "onapp API key", call: onappCall(onapp.WithPassword("admin", apiKey))},
	{name: "erigones API key", call: erigonesCall(erigones.WithAPIKey(apiKey))},
	{name: "erigones token", call: erigonesCall(erigones.WithToken(token))},
	{name: "erigones login", bodyFirst: true, call: erigonesCall(erigones.WithPassword("admin", password))},
	{name: "unitrends login", bodyFirst: true, call: unitrendsCall(unitrends.WithPassword("root", password))},
	{name: "unitrends token", call: unitrendsCall(unitrends.WithToken(token))},
	{name: "cloudbackup token", call: cloudbackupCall(func(string) []cloudbackup.Option { return []cloudbackup.Option{cloudbackup.WithToken(token)} })},
	{name: "cloudbackup AK/SK", call: cloudbackupCall(func(string) []cloudbackup.Option {
		return []cloudbackup.Option{cloudbackup.WithAccessKey(accessKey, secretKey)}
	})},
	{name: "cloudbackup temporary AK/SK", call: cloudbackupCall(func(string) []cloudbackup.Option {
		return []cloudbackup.Option{cloudbackup.WithTemporaryAccessKey(accessKey, secretKey, token)}
	})},
	{name: "cloudbackup IAM password", bodyFirst: true, call: cloudbackupCall(func(base string) []cloudbackup.Option {
		return []cloudbackup.Option{cloudbackup.WithPassword("admin", password), cloudbackup.WithDomain("my-domain"), cloudbackup.WithIAMEndpoint(base)}
	})},
}

// credentialHeaders are every header by which a credential of the four
// packages travels, and Referer, which would name the API's URL.
var credentialHeaders = []string{"Authorization", "ES-API-KEY", "AuthToken", "X-Auth-Token", "X-Sdk-Date", "X-Security-Token", "X-Subject-Token", "Cookie", "Referer"}

// assertNothingLeaked checks what the second host saw: no credential
// header, no login body, no credential anywhere in the request.
func assertNothingLeaked(t *testing.T, got []received) {
	t.Helper()
	for _, r := range got {
		for _, h := range credentialHeaders {
			assert.Empty(t, r.header.Values(h), "%s reached the other host: %s", h, r)
		}
		assert.Empty(t, r.body, "a body reached the other host: %s", r)
		for _, s := range secrets {
			assert.NotContains(t, r.String(), s, "a credential reached the other host")
		}
	}
}

// assertRefused checks the typed error of a redirect that was not followed.
func assertRefused(t *testing.T, err error, status int, w *world) {
	t.Helper()
	var apiErr *core.APIError
	require.ErrorAs(t, err, &apiErr, "want an *APIError for the %d, got %T: %v", status, err, err)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.True(t, strings.HasPrefix(apiErr.Location, w.otherBase+"/"), "Location %q names the other host %s", apiErr.Location, w.otherBase)
	assert.Contains(t, apiErr.Location, "sid_token=REDACTED")
	assert.Contains(t, err.Error(), apiErr.Location, "the error names the Location")
	assert.Contains(t, err.Error(), http.StatusText(status))
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), secretQuery)
	for _, s := range secrets {
		assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), s)
	}
}

// TestNoCredentialFollowsARedirect runs every provider and auth mode
// against an API host that redirects to a second host, with the SDK's own
// client (which follows nothing) and with a caller's client (whose
// redirect policy follows, and still runs): the second host never sees a
// credential or a login body, and a refused redirect is an *APIError
// naming its status and Location.
func TestNoCredentialFollowsARedirect(t *testing.T) {
	t.Parallel()
	for _, mode := range authModes {
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusFound} {
			for _, loginsWork := range []bool{false, true} {
				if loginsWork && !mode.bodyFirst {
					continue
				}
				for _, client := range []string{"default client", "caller's client"} {
					name := fmt.Sprintf("%s/%d/%s/logins work=%v", mode.name, status, client, loginsWork)
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						w := newWorld(t, status, loginsWork, status == http.StatusFound)
						var hc *http.Client
						var asked int
						var mu sync.Mutex
						if client == "caller's client" {
							hc = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
								mu.Lock()
								asked++
								mu.Unlock()
								return nil
							}}
						}
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						defer cancel()
						err := mode.call(ctx, w.api.URL, hc)
						require.Error(t, err)
						assertNothingLeaked(t, w.otherRec.all())
						require.NotEmpty(t, w.apiRec.all(), "the API host was called")

						switch {
						case hc == nil:
							assertRefused(t, err, status, w)
							assert.Empty(t, w.otherRec.all(), "the SDK's own client follows no redirect")
						case mode.bodyFirst && !loginsWork:
							// The login itself is redirected: its body stays home.
							assertRefused(t, err, status, w)
							assert.Contains(t, err.Error(), "a request body is never sent to another host")
							assert.Empty(t, w.otherRec.all())
						default:
							// The caller's policy followed, without credentials:
							// the other host's answer is the result.
							assert.True(t, core.IsNotFound(err), "the other host's 404: %v", err)
							assert.Len(t, w.otherRec.all(), 1)
						}
						if hc != nil {
							mu.Lock()
							assert.Positive(t, asked, "the caller's CheckRedirect ran")
							mu.Unlock()
						}
					})
				}
			}
		}
	}
}
