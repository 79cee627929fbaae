package erigones

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// loginBody is the body of POST /api/accounts/login/.
type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginAnswer is the login answer; it is not enveloped.
type loginAnswer struct {
	Token   String `json:"token"`
	Expires Time   `json:"expires"`
	Detail  String `json:"detail"`
}

// loginToken logs in and returns the new token; it is the core.LoginFunc of
// the client's TokenAuth. A login replaces the user's previous token.
func (c *Client) loginToken(ctx context.Context) (core.Secret, time.Time, error) {
	var out loginAnswer
	resp, err := c.core.Do(ctx, &core.Request{
		Kind:   core.Read, // a second login only replaces the token of the first
		Method: http.MethodPost,
		Path:   pathLogin,
		Body:   loginBody{Username: c.username, Password: c.password.Reveal()},
		NoAuth: true,
	}, &out)
	if err != nil {
		return core.Secret{}, time.Time{}, fmt.Errorf("login as %q: %w", c.username, err)
	}
	if !out.Token.Valid || out.Token.Value == "" {
		return core.Secret{}, time.Time{}, fmt.Errorf("login as %q: answer has no token", c.username)
	}
	return core.NewSecret(out.Token.Value), localExpiry(out.Expires, resp.Header.Get("Date"), time.Now()), nil
}

// renewBefore is how long before its known expiry a token is renewed.
const renewBefore = time.Minute

// localExpiry turns the server's expiry time into the local clock, using the
// answer's Date header to correct for clock skew. An expiry too close to be
// of use (the token would be renewed before every call) becomes zero: the
// token is then renewed only when the server rejects it.
func localExpiry(expires Time, date string, now time.Time) time.Time {
	exp, ok := expires.Get()
	if !ok {
		return time.Time{}
	}
	if d, err := http.ParseTime(date); err == nil {
		exp = exp.Add(now.Sub(d))
	}
	if !exp.After(now.Add(2 * renewBefore)) {
		return time.Time{}
	}
	return exp
}

// ErrNoLogin is returned by Login for a client without WithPassword.
var ErrNoLogin = errors.New("erigones: no username and password: use WithPassword")

// Login logs in now (POST /api/accounts/login/) and keeps the token. It is
// optional: a client made WithPassword logs in on first use and again when the
// token is rejected. Use it to check credentials early. A failed login is
// an *APIError with status 400.
func (c *Client) Login(ctx context.Context) error {
	if !c.login {
		return ErrNoLogin
	}
	tok, exp, err := c.loginToken(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", provider, err)
	}
	c.token.SetToken(tok, exp)
	return nil
}

// Logout ends the token session (GET /api/accounts/logout/) and forgets the
// token. Without a token (API key authentication, or not logged in yet) it
// does nothing. A token the server no longer accepts counts as logged out.
// A client made WithPassword logs in again on its next call. It is sent once:
// after a 5xx answer or a broken connection the token is kept, and the
// session ends on its own when the token expires.
func (c *Client) Logout(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%s: %w", provider, core.ErrNilContext)
	}
	if c.token == nil {
		return nil
	}
	tok, ok := c.token.Token()
	if !ok {
		return nil
	}
	// Send the token by hand: a rejected token must not trigger a login.
	_, err := c.core.Do(ctx, &core.Request{
		Kind:   core.Write,
		Method: http.MethodGet,
		Path:   pathLogout,
		Header: http.Header{"Authorization": {"Token " + tok.Reveal()}},
		NoAuth: true,
	}, nil)
	if err != nil {
		apiErr, isAPI := core.AsAPIError(err)
		if !isAPI || !tokenExpired(apiErr) {
			return err
		}
	}
	// Keep a token another caller obtained meanwhile.
	c.token.ClearIf(tok)
	return nil
}
