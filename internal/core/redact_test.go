package core_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

func TestBaseURLErrorsNameSchemeAndHostOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw    string
		secret string
		says   []string
	}{
		// The user name is the scheme here: "admin:pw@host" has no "//".
		{"ftp://admin:ftp-pass-1@files.example.com/x", "ftp-pass-1", []string{"ftp://files.example.com", "scheme must be http or https"}},
		{"https://api.example.com/api?api_key=key-secret-2", "key-secret-2", []string{"https://api.example.com", "query"}},
		{"https://admin:pw-secret-3@api.example.com/", "pw-secret-3", []string{"https://api.example.com", "credentials"}},
		{"https://api.example.com/#tok-secret-4", "tok-secret-4", []string{"https://api.example.com", "fragment"}},
		{"admin:pw-secret-5@api.example.com", "pw-secret-5", []string{`scheme "admin"`, "scheme must be http or https"}},
		{"https://admin:pw-secret-6@api.example.com:bad/", "pw-secret-6", []string{"not a valid URL", "invalid port"}},
		{"https://admin:pw%zzsecret-7@api.example.com/", "secret-7", []string{"not a valid URL", "escape"}},
		{"https://api.example.com/\x7f?api_key=key-secret-8", "key-secret-8", []string{"not a valid URL", "control character"}},
		{"https:///x?password=pw-secret-9", "pw-secret-9", []string{`scheme "https"`, "no host"}},
		{"mailto:pw-secret-10@example.com", "pw-secret-10", []string{`scheme "mailto"`}},
	} {
		_, err := core.ParseBaseURL(tc.raw)
		require.Error(t, err, tc.raw)
		for _, s := range tc.says {
			assert.Contains(t, err.Error(), s, tc.raw)
		}
		assert.NotContains(t, err.Error(), tc.secret, tc.raw)
		if !strings.HasPrefix(tc.raw, "admin:") {
			assert.NotContains(t, err.Error(), "admin", "%s: no user info", tc.raw)
		}
		_, err = core.New(core.Config{Provider: "test", BaseURL: tc.raw})
		require.Error(t, err)
		assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), tc.secret)
	}
}

// loginServer answers every request with status, content type and body.
func loginServer(t *testing.T, status int, ct, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// tokenAnswer is what a login call decodes; Expires is a tolerant scalar,
// whose errors quote the value they could not read.
type tokenAnswer struct {
	Token   string    `json:"auth_token" xml:"auth_token"`
	Expires codec.Int `json:"expires" xml:"expires"`
}

func TestUndecodableLoginAnswersWithholdTheBody(t *testing.T) {
	t.Parallel()
	const tok = "tok-secret-77"
	for _, tc := range []struct {
		name, ct, body string
		format         core.Format
	}{
		{"truncated json", "application/json", `{"auth_token":"` + tok + `","expires":`, core.JSON},
		{"value of the wrong type", "application/json", `{"auth_token":"x","expires":"` + tok + `"}`, core.JSON},
		{"token where a number goes", "application/json", `{"auth_token":"x","expires":{"t":"` + tok + `"}}`, core.JSON},
		{"plain text", "text/plain", tok, core.JSON},
		{"xml", "application/xml", `<login><auth_token>` + tok + `</auth_token><expires>` + tok + `</expires></login>`, core.XML},
	} {
		for _, r := range []*core.Request{
			{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true},
			{Kind: core.Read, Method: http.MethodPost, Path: "/tokens", Sensitive: true},
		} {
			t.Run(tc.name+r.Path, func(t *testing.T) {
				t.Parallel()
				c := newClient(t, loginServer(t, http.StatusOK, tc.ct, tc.body))
				r.Format = tc.format
				var out tokenAnswer
				_, err := c.Do(context.Background(), r, &out)
				var de *core.DecodeError
				require.ErrorAs(t, err, &de)
				assert.True(t, de.Withheld)
				assert.Empty(t, de.Snippet)
				assert.Contains(t, err.Error(), "body withheld")
				assert.Contains(t, err.Error(), "200")
				assert.NotContains(t, fmt.Sprintf("%v|%+v|%s", err, err, de.Err), tok)

				// The same for a body decoded after the call (Unitrends
				// reads its login answer so) and a check of its own.
				resp, err := c.Do(context.Background(), r, nil)
				if err == nil {
					err = c.Decode(resp, tc.format, &out)
					if err == nil {
						err = c.DecodeError(resp, fmt.Errorf("login answer has no auth_token"))
					}
					require.ErrorAs(t, err, &de)
					assert.True(t, de.Withheld)
					assert.NotContains(t, err.Error(), tok)
				}
			})
		}
	}
}

func TestOrdinaryDecodeErrorsKeepTheSnippet(t *testing.T) {
	t.Parallel()
	c := newClient(t, loginServer(t, http.StatusOK, "application/json", `{"expires":"soon"}`))
	var out tokenAnswer
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, &out)
	var de *core.DecodeError
	require.ErrorAs(t, err, &de)
	assert.False(t, de.Withheld)
	assert.Equal(t, `{"expires":"soon"}`, de.Snippet)
	assert.Contains(t, err.Error(), `cannot read "soon"`, "ordinary errors keep the decoder's words")
}

func TestLoginErrorsRedactCredentialFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ct, body string
		keeps          []string
	}{
		{"json", "application/json",
			`{"detail":"Unable to log in","auth_token":"tok-secret-1","Password":"pw-secret-2","access_key":12345678,"SecretKey":"sk-secret-3","user":"admin"}`,
			[]string{"Unable to log in", `"user":"admin"`}},
		{"json field messages stay", "application/json",
			`{"detail":{"password":["This field is required."]},"token":"tok-secret-1"}`,
			[]string{"password: This field is required."}},
		{"truncated json", "application/json", `{"error":"bad login","session_token":"tok-secret-1`, []string{"bad login"}},
		{"xml", "application/xml",
			`<error><message>bad login</message><auth_token>tok-secret-1</auth_token><user password="pw-secret-2">admin</user></error>`,
			[]string{"bad login", "<user password="}},
		{"form", "application/x-www-form-urlencoded", `error=bad_login&access_token=tok-secret-1&password=pw-secret-2`, []string{"error=bad_login"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, loginServer(t, http.StatusUnauthorized, tc.ct, tc.body))
			_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true}, nil)
			apiErr, ok := core.AsAPIError(err)
			require.True(t, ok, "%v", err)
			all := fmt.Sprintf("%v|%+v|%s|%s|%q|%v", err, err, apiErr.Body, apiErr.Message, apiErr.Messages, apiErr.Fields)
			for _, s := range []string{"tok-secret-1", "pw-secret-2", "sk-secret-3", "12345678"} {
				assert.NotContains(t, all, s)
			}
			assert.Contains(t, apiErr.Body, "REDACTED")
			for _, k := range tc.keeps {
				assert.Contains(t, all, k)
			}
		})
	}
	// Ordinary calls keep their error bodies as they are.
	c := newClient(t, loginServer(t, http.StatusBadRequest, "application/json", `{"token":"not-a-secret"}`))
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	apiErr, ok := core.AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, `{"token":"not-a-secret"}`, apiErr.Body)
}

// moreErrorPaths drives every error path whose text could hold a
// credential (base URL parse errors, redirects, undecodable and failed
// logins) with the secrets of TestNoSecretInLogsErrorsOrPrintedValues, and
// returns everything they printed.
func moreErrorPaths(t *testing.T, logger *slog.Logger) string {
	t.Helper()
	var printed strings.Builder
	show := func(err error) {
		require.Error(t, err)
		fmt.Fprintf(&printed, "%v %+v %#v\n", err, err, err)
	}
	for _, raw := range []string{
		"ftp://admin:" + secrets[0] + "@files.example.com/",
		"https://admin:" + secrets[0] + "@api.example.com/",
		"https://api.example.com/?api_key=" + secrets[1],
		"https://admin:" + secrets[0] + "@api.example.com:x/",
		"https://api.example.com/#" + secrets[2],
	} {
		_, err := core.New(core.Config{Provider: "test", BaseURL: raw})
		show(err)
	}
	other := newElsewhere(t)
	api := redirector(t, http.StatusTemporaryRedirect, strings.Replace(other.URL, "://", "://u:"+secrets[4]+"@", 1))
	for _, hc := range []*http.Client{nil, {}} {
		c := newClient(t, api.URL, func(cfg *core.Config) {
			cfg.HTTPClient, cfg.Logger = hc, logger
			cfg.Auth = core.HeaderAuth{Name: "X-Auth-Token", Value: core.NewSecret(secrets[2])}
		})
		_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true,
			Body: map[string]string{"password": secrets[0]}}, nil)
		show(err)
	}
	for _, body := range []string{
		`{"auth_token":"` + secrets[2] + `","expires":`,
		`{"auth_token":"x","expires":"` + secrets[2] + `"}`,
	} {
		c := newClient(t, loginServer(t, http.StatusCreated, "application/json", body), func(cfg *core.Config) { cfg.Logger = logger })
		var out tokenAnswer
		_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true}, &out)
		show(err)
	}
	c := newClient(t, loginServer(t, http.StatusUnauthorized, "application/json", `{"detail":"no","token":"`+secrets[2]+`"}`), func(cfg *core.Config) { cfg.Logger = logger })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodPost, Path: "/login", NoAuth: true}, nil)
	show(err)
	apiErr, _ := core.AsAPIError(err)
	fmt.Fprintf(&printed, "%s %q %v\n", apiErr.Body, apiErr.Messages, apiErr.Fields)
	return printed.String()
}
