package core

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// noRedirects is the redirect policy of the SDK's own clients: the 3xx
// answer itself is returned, and the call fails with an *APIError naming
// its Location. Following it would send credentials and bodies wherever
// the server points.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectSafeHeaders are the only request headers kept on a hop to
// another origin. Every other header the SDK puts on a request may carry a
// credential (an Auth's header, a logout's token in Config or Request
// headers, a signature and its date), and net/http strips only
// Authorization, Cookie and WWW-Authenticate; keeping a short list of
// harmless ones means a new Auth cannot forget to declare its header.
var redirectSafeHeaders = []string{"User-Agent", "Accept", "Accept-Encoding", "Accept-Language"}

// guardRedirects returns a shallow copy of hc (same transport, jar and
// timeout, so the caller's connection pool is shared) whose CheckRedirect
// keeps hc's own policy, or net/http's default of ten hops when hc has
// none, and adds, for a hop to any origin (scheme, host and port) other
// than base's:
//   - the hop carries none of the request's headers but those in
//     redirectSafeHeaders (nor a Referer naming the API's URL);
//   - a request that had a body (a login with a password, a restore) is not
//     sent there at all: the 3xx becomes the answer, an *APIError.
//
// hc itself is left as it is: Client.HTTPClient still returns it.
func guardRedirects(hc *http.Client, base *url.URL) *http.Client {
	g := *hc
	policy := hc.CheckRedirect
	home := origin(base)
	g.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		foreign := origin(req.URL) != home
		if foreign {
			keepOnly(req.Header, redirectSafeHeaders)
		}
		if policy != nil {
			if err := policy(req, via); err != nil {
				// Unwrapped on purpose: net/http compares with ==.
				return err
			}
		} else if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if foreign && len(via) > 0 && hadBody(via[0]) {
			return http.ErrUseLastResponse
		}
		if f, ok := req.Context().Value(followedKey{}).(*atomic.Bool); ok {
			f.Store(true)
		}
		return nil
	}
	return &g
}

// followedKey holds, in the context of a request Client.send makes, an
// *atomic.Bool that the redirect guard sets when it lets a hop be
// followed: the API host has then answered, so a write may have been
// done whatever the hop's own fate.
type followedKey struct{}

// origin is u's scheme, host and port, lower-cased, with the scheme's
// default port filled in, so that "https://H" and "https://h:443" match.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

func keepOnly(h http.Header, keep []string) {
	for k := range h {
		if !containsFold(keep, k) {
			delete(h, k)
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// hadBody reports whether the first request of a redirect chain carried a
// body; once sent, its Body is consumed but still set.
// (go-retryablehttp sets GetBody even without one; a length of -1 is a
// body of unknown size).
func hadBody(r *http.Request) bool { return r.ContentLength != 0 }

// doOnly is hc.Do for use as a RoundTripper: when hc's redirect policy
// fails, net/http returns the (closed) 3xx response with the error, which
// a RoundTripper must not do (net/http would log about it on stderr).
func doOnly(hc *http.Client, r *http.Request) (*http.Response, error) {
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func isRedirect(status int) bool { return status >= 300 && status <= 399 }

// redirectError is the *APIError for a 3xx answer, which the client did
// not follow. It names the status and the Location (redacted like every
// URL in an error) and keeps no body: a redirect's body is boilerplate that
// repeats the Location unredacted.
func (c *Client) redirectError(hresp *http.Response, resp *Response, hadBody bool) *APIError {
	e := NewAPIError(c.provider, resp.Method, resp.URL, resp.StatusCode, resp.Header, nil)
	e.Attempts = resp.Attempts
	msg := "redirect not followed"
	if loc, err := hresp.Location(); err == nil {
		e.Location = RedactURL(loc)
		msg = "redirect to " + e.Location + " not followed"
		if base, perr := url.Parse(c.base); perr == nil && origin(loc) != origin(base) {
			msg += " (another host"
			if hadBody {
				msg += "; a request body is never sent to another host"
			}
			msg += ")"
		}
	} else if raw := resp.Header.Get("Location"); raw != "" {
		e.Location = RedactURLString(raw)
		msg = "redirect to an unreadable Location not followed"
	}
	e.Messages = []string{msg}
	e.Message = msg
	return e
}
