package crosstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// assertNoSecret checks every printed form of err for every credential.
func assertNoSecret(t *testing.T, err error, extra ...string) {
	t.Helper()
	require.Error(t, err)
	out := fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err)
	var apiErr *core.APIError
	if errors.As(err, &apiErr) {
		out += fmt.Sprintf("|%s|%q|%v|%#v", apiErr.Body, apiErr.Messages, apiErr.Fields, *apiErr)
	}
	var de *core.DecodeError
	if errors.As(err, &de) {
		out += fmt.Sprintf("|%s|%v|%#v", de.Snippet, de.Err, *de)
	}
	for _, s := range append(append([]string(nil), secrets...), extra...) {
		assert.NotContains(t, out, s)
	}
}

// TestNoSecretInAnyError drives every provider and auth mode into each
// error path whose text could carry a credential: a base URL holding one,
// a refused connection, a login answer that does not decode, a failed
// login whose answer names credential fields.
func TestNoSecretInAnyError(t *testing.T) {
	t.Parallel()
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()

	badURLs := []string{
		"ftp://admin:" + password + "@api.example.com/",
		"https://admin:" + password + "@api.example.com/",
		"https://api.example.com/?api_key=" + apiKey,
		"https://api.example.com/api?token=" + token + "&x=1",
		"https://api.example.com/#" + token,
		"https://admin:" + password + "@api.example.com:port/",
		"admin:" + password + "@api.example.com",
	}

	// Login answers that do not decode: cut off, or a token where a time
	// goes (the tolerant scalars quote what they cannot read).
	undecodable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/accounts/login/":
			_, _ = io.WriteString(w, `{"token":"`+sessionTok+`","expires":"`+sessionTok+`"}`)
		case "/api/login":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"auth_token":"`+sessionTok+`"`)
		case "/v3/auth/tokens":
			w.Header().Set("X-Subject-Token", sessionTok)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"token":{"expires_at":"`+sessionTok+`","issued_at":"`+sessionTok+`"}}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(undecodable.Close)

	// Failed logins whose answers name credential fields (a server that
	// echoes what it was sent).
	failed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"detail":"Unable to log in with provided credentials.","password":"`+password+
			`","auth_token":"`+sessionTok+`","token":"`+sessionTok+`","error_msg":"bad login"}`)
	}))
	t.Cleanup(failed.Close)

	for _, mode := range authModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for _, u := range badURLs {
				err := mode.call(ctx, u, nil)
				assertNoSecret(t, err)
				var apiErr *core.APIError
				assert.False(t, errors.As(err, &apiErr), "%s: refused before any request", u)
			}
			err := mode.call(ctx, refusedURL, nil)
			var te *core.TransportError
			assert.ErrorAs(t, err, &te)
			assertNoSecret(t, err)
			if !mode.bodyFirst {
				return
			}
			err = mode.call(ctx, undecodable.URL, nil)
			var de *core.DecodeError
			require.ErrorAs(t, err, &de, "%v", err)
			assert.True(t, de.Withheld)
			assertNoSecret(t, err)

			err = mode.call(ctx, failed.URL, nil)
			apiErr, ok := core.AsAPIError(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
			assert.Contains(t, apiErr.Body, "REDACTED")
			assert.NotEmpty(t, apiErr.Message, "the server's message is kept")
			assertNoSecret(t, err)
		})
	}
}
