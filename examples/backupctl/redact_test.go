package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secrets of TestPrintedErrorsHoldNoSecret: none may be printed.
const (
	ctlPassword = "ctl-password-hunter2"
	ctlAPIKey   = "ctl-apikey-0123456789"
	ctlToken    = "ctl-token-abcdef"
	ctlSession  = "ctl-session-from-login"
	ctlSK       = "ctl-secret-key-value"
	ctlLocation = "ctl-secret-in-location"
)

var ctlSecrets = []string{ctlPassword, ctlAPIKey, ctlToken, ctlSession, ctlSK, ctlLocation}

func assertNoCtlSecret(t *testing.T, r result, what string) {
	t.Helper()
	for _, s := range ctlSecrets {
		assert.NotContains(t, r.stdout+r.stderr, s, what)
	}
}

// commands are one read per provider.
var commands = map[string][]string{
	providerOnApp:       {"onapp", "backups"},
	providerErigones:    {"erigones", "definitions"},
	providerUnitrends:   {"unitrends", "backups"},
	providerCloudBackup: {"cloudbackup", "backups"},
}

// TestPrintedErrorsHoldNoSecret runs backupctl into every error path whose
// text could carry a credential and checks that what it prints holds
// none: URLs with a password or an API key in them, a redirect to another
// host, login answers that do not decode, a refused connection.
func TestPrintedErrorsHoldNoSecret(t *testing.T) {
	t.Parallel()

	t.Run("base URLs", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			provider, says string
			vars           map[string]string
		}{
			{providerOnApp, "ftp://cp.example.com", map[string]string{"ONAPP_URL": "ftp://admin:" + ctlPassword + "@cp.example.com/", "ONAPP_USER": "admin", "ONAPP_PASSWORD": ctlPassword}},
			{providerOnApp, "https://cp.example.com", map[string]string{"ONAPP_URL": "https://cp.example.com/?api_key=" + ctlAPIKey, "ONAPP_USER": "admin", "ONAPP_PASSWORD": ctlPassword}},
			{providerErigones, "https://dc.example.com", map[string]string{"ERIGONES_URL": "https://dc.example.com/api?api_key=" + ctlAPIKey, "ERIGONES_API_KEY": ctlAPIKey}},
			{providerErigones, "invalid port", map[string]string{"ERIGONES_URL": "https://admin:" + ctlPassword + "@dc.example.com:x/", "ERIGONES_API_KEY": ctlAPIKey}},
			{providerUnitrends, "https://ueb.example.com", map[string]string{"UNITRENDS_URL": "https://root:" + ctlPassword + "@ueb.example.com", "UNITRENDS_USER": "root", "UNITRENDS_PASSWORD": ctlPassword}},
			{providerCloudBackup, "https://cbr.example.com", map[string]string{"CBR_ENDPOINT": "https://cbr.example.com/#" + ctlToken, "CBR_PROJECT_ID": "p", "CBR_TOKEN": ctlToken}},
			{providerCloudBackup, "https://iam.example.com", map[string]string{"CBR_ENDPOINT": "https://cbr.example.com", "CBR_PROJECT_ID": "p",
				"CBR_IAM_ENDPOINT": "https://iam.example.com/v3?password=" + ctlPassword, "CBR_USER": "admin", "CBR_PASSWORD": ctlPassword, "CBR_DOMAIN": "d"}},
		} {
			r := runEnv(t, testEnv(tc.vars), commands[tc.provider]...)
			assert.Equal(t, exitError, r.code, "%v", tc.vars)
			assert.Contains(t, r.stderr, tc.says, "the error says what is wrong")
			assertNoCtlSecret(t, r, r.stderr)
		}
		// A -config file's url is checked by backupctl itself.
		for _, u := range []string{
			"ftp://cp.example.com/?api_key=" + ctlAPIKey,
			"https://admin:" + ctlPassword + "@cp.example.com/",
			"admin:" + ctlPassword + "@cp.example.com",
		} {
			cfg := writeConfig(t, 0o600, obj{"name": "eu", "provider": providerOnApp, "url": u, "user": "admin", "password": ctlPassword})
			r := runEnv(t, testEnv(nil), "-config", cfg, "inventory")
			assert.NotEqual(t, exitOK, r.code)
			assert.Contains(t, r.stderr, "url")
			assertNoCtlSecret(t, r, r.stderr)
		}
	})

	t.Run("redirect to another host", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		var leaked []string
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			leaked = append(leaked, r.Method+" "+r.URL.String())
			mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
		}))
		t.Cleanup(other.Close)
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			loc := strings.Replace(other.URL, "://", "://u:"+ctlPassword+"@", 1) + r.URL.Path + "?sid_token=" + ctlLocation
			http.Redirect(w, r, loc, http.StatusTemporaryRedirect)
		}))
		t.Cleanup(api.Close)
		for provider, vars := range map[string]map[string]string{
			providerOnApp:       {"ONAPP_URL": api.URL, "ONAPP_USER": "admin", "ONAPP_PASSWORD": ctlPassword},
			providerErigones:    {"ERIGONES_URL": api.URL, "ERIGONES_USER": "admin", "ERIGONES_PASSWORD": ctlPassword},
			providerUnitrends:   {"UNITRENDS_URL": api.URL, "UNITRENDS_USER": "root", "UNITRENDS_PASSWORD": ctlPassword},
			providerCloudBackup: {"CBR_ENDPOINT": api.URL, "CBR_PROJECT_ID": "p", "CBR_AK": "AK", "CBR_SK": ctlSK},
		} {
			r := runEnv(t, testEnv(vars), commands[provider]...)
			assert.Equal(t, exitError, r.code, provider)
			assert.Contains(t, r.stderr, "307 Temporary Redirect", provider)
			assert.Contains(t, r.stderr, "not followed", provider)
			assert.Contains(t, r.stderr, "sid_token=REDACTED", "the Location is named, redacted: %s", r.stderr)
			assertNoCtlSecret(t, r, r.stderr)
		}
		mu.Lock()
		defer mu.Unlock()
		assert.Empty(t, leaked, "backupctl follows no redirect")
	})

	t.Run("login answers that do not decode", func(t *testing.T) {
		t.Parallel()
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			switch r.URL.Path {
			case "/api/accounts/login/": // Erigones: 200 {"token", "expires", "detail"}, cut off
				_, _ = io.WriteString(w, `{"token":"`+ctlSession+`","expires":`)
			case "/api/login": // Unitrends: 201 {"auth_token"}, cut off
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"auth_token":"`+ctlSession+`"`)
			case "/v3/auth/tokens": // IAM: 201, token in X-Subject-Token, a body that does not decode
				w.Header().Set("X-Subject-Token", ctlSession)
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"token":{"expires_at":"`+ctlSession+`"}}`)
			default:
				w.WriteHeader(http.StatusUnauthorized)
			}
		}))
		t.Cleanup(api.Close)
		for provider, vars := range map[string]map[string]string{
			providerErigones:  {"ERIGONES_URL": api.URL, "ERIGONES_USER": "admin", "ERIGONES_PASSWORD": ctlPassword},
			providerUnitrends: {"UNITRENDS_URL": api.URL, "UNITRENDS_USER": "root", "UNITRENDS_PASSWORD": ctlPassword},
			providerCloudBackup: {"CBR_ENDPOINT": api.URL, "CBR_PROJECT_ID": "p", "CBR_IAM_ENDPOINT": api.URL,
				"CBR_USER": "admin", "CBR_PASSWORD": ctlPassword, "CBR_DOMAIN": "d"},
		} {
			r := runEnv(t, testEnv(vars), commands[provider]...)
			assert.Equal(t, exitError, r.code, provider)
			assert.Contains(t, r.stderr, "cannot decode", "%s: %s", provider, r.stderr)
			assert.Contains(t, r.stderr, "body withheld", provider)
			assertNoCtlSecret(t, r, r.stderr)
		}
	})

	t.Run("refused connection", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		refused := srv.URL
		srv.Close()
		r := runEnv(t, testEnv(map[string]string{"UNITRENDS_URL": refused, "UNITRENDS_USER": "root", "UNITRENDS_PASSWORD": ctlPassword}), "unitrends", "backups")
		require.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "refused")
		assertNoCtlSecret(t, r, r.stderr)
	})
}
