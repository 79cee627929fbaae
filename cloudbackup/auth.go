package cloudbackup

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// iamLogin performs IAM password logins for core.TokenAuth.
type iamLogin struct {
	endpoint  string
	domain    string
	user      string
	password  core.Secret
	projectID string
	core      *core.Client // the IAM endpoint, same HTTP client and policies
	now       func() time.Time
}

// iamAuthRequest is the body of POST /v3/auth/tokens.
type iamAuthRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// iamAuthResponse is the part of the login answer the client reads.
type iamAuthResponse struct {
	Token struct {
		ExpiresAt Time `json:"expires_at"`
		IssuedAt  Time `json:"issued_at"`
	} `json:"token"`
}

// login obtains a project-scoped token: it is in the X-Subject-Token
// header of the 201 answer, its expiry in the body's token.expires_at.
func (l *iamLogin) login(ctx context.Context) (core.Secret, time.Time, error) {
	var body iamAuthRequest
	body.Auth.Identity.Methods = []string{"password"}
	u := &body.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = l.user, l.password.Reveal(), l.domain
	body.Auth.Scope.Project.ID = l.projectID
	var out iamAuthResponse
	resp, err := l.core.Do(ctx, &core.Request{
		Method: http.MethodPost,
		Path:   pathIAMTokens,
		// nocatalog leaves out the service catalog, most of the answer.
		Query:  url.Values{"nocatalog": {"true"}},
		Body:   &body,
		NoAuth: true,
		Kind:   core.Read, // a second login does no harm
	}, &out)
	if err != nil {
		return core.Secret{}, time.Time{}, fmt.Errorf("IAM login: %w", err)
	}
	tok := strings.TrimSpace(resp.Header.Get("X-Subject-Token"))
	if tok == "" {
		return core.Secret{}, time.Time{}, fmt.Errorf("IAM login: answer %d has no X-Subject-Token header", resp.StatusCode)
	}
	return core.NewSecret(tok), l.expiry(out.Token.IssuedAt, out.Token.ExpiresAt), nil
}

// expiry turns the token's expires_at into local time: with issued_at, as
// the token's lifetime from now, so that a skewed local clock neither
// renews the token on every call nor keeps it past its end.
func (l *iamLogin) expiry(issued, expires Time) time.Time {
	if issued.Valid && expires.Valid && expires.Time.After(issued.Time) {
		return l.now().Add(expires.Time.Sub(issued.Time))
	}
	return expires.Time
}

// SDK-HMAC-SHA256 request signing (AK/SK).
const (
	signAlgorithm  = "SDK-HMAC-SHA256"
	signDateHeader = "X-Sdk-Date"
	signDateLayout = "20060102T150405Z"
)

// signer signs each attempt with an access key and secret key. The date is
// part of the signature, so every attempt (retries included, the core calls
// Apply before each) gets a fresh X-Sdk-Date and signature.
type signer struct {
	accessKey     string
	secretKey     core.Secret
	securityToken core.Secret // set for temporary access keys
	now           func() time.Time
}

// securityTokenHeader carries the security token of a temporary access
// key; it is signed with the other headers, as Huawei's SDK signs it
// (core/auth/base_credentials.go of huaweicloud-sdk-go-v3 adds it before
// signing).
const securityTokenHeader = "X-Security-Token"

// Apply implements core.Auth. It also puts the query in its canonical
// order (parameters sorted by name, then value; the core has already
// escaped them as the canonical form does), so that the query sent is,
// byte for byte, the query signed.
func (s *signer) Apply(_ context.Context, req *http.Request, body []byte) error {
	date := s.now().UTC().Format(signDateLayout)
	req.Header.Set(signDateHeader, date)
	if s.securityToken.IsSet() {
		req.Header.Set(securityTokenHeader, s.securityToken.Reveal())
	}
	req.URL.RawQuery = canonicalQuery(req.URL.RawQuery)
	req.Header.Set("Authorization", signRequest(req, body, s.accessKey, s.secretKey.Reveal(), date))
	return nil
}

// signRequest returns the Authorization header value for req, whose
// X-Sdk-Date header must already hold date.
func signRequest(req *http.Request, body []byte, accessKey, secretKey, date string) string {
	signed := signedHeaders(req.Header)
	canonical := canonicalRequest(req, body, signed)
	sum := sha256.Sum256([]byte(canonical))
	toSign := signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(toSign))
	return signAlgorithm + " Access=" + accessKey +
		", SignedHeaders=" + strings.Join(signed, ";") +
		", Signature=" + hex.EncodeToString(mac.Sum(nil))
}

// signedHeaders names the headers covered by the signature, lower-cased
// and sorted: host and X-Sdk-Date always, Content-Type when the request has
// one, and the X-Project-Id, X-Domain-Id and X-Security-Token headers
// when set. Headers a proxy may rewrite (User-Agent, Accept) are left out.
func signedHeaders(h http.Header) []string {
	names := []string{"host", "x-sdk-date"}
	for _, k := range []string{"Content-Type", "X-Project-Id", "X-Domain-Id", "X-Security-Token"} {
		if h.Get(k) != "" {
			names = append(names, strings.ToLower(k))
		}
	}
	slices.Sort(names)
	return names
}

// canonicalRequest is the text the signature covers: method, canonical
// URI (each path segment escaped, always ending with "/"), the sorted
// query, the signed headers ("name:value" lines, then an empty line), their
// names, and the hex SHA-256 of the body, joined by newlines.
func canonicalRequest(req *http.Request, body []byte, signed []string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(req.URL.Path))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(req.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(req, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

func headerValue(req *http.Request, name string) string {
	if name == "host" {
		if req.Host != "" {
			return req.Host
		}
		return req.URL.Host
	}
	return strings.TrimSpace(strings.Join(req.Header.Values(name), ","))
}

// canonicalURI escapes each segment of the decoded path and ends it with "/".
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = signEscape(s)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery sorts the parameters by name, then value, each escaped.
// It reads raw as RFC 3986 does, as the API gateway does: "+" is a plus
// sign, not a space (the core writes a space as %20; see
// core.EncodeQueryString), so that the signature covers what the gateway
// will read.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{unescapeRFC3986(k), unescapeRFC3986(v)})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.k, b.k), strings.Compare(a.v, b.v))
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = signEscape(p.k) + "=" + signEscape(p.v)
	}
	return strings.Join(parts, "&")
}

// unescapeRFC3986 decodes %XX escapes and leaves "+" as it is; text with
// a malformed escape is kept as it came.
func unescapeRFC3986(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// signEscape percent-encodes everything but RFC 3986's unreserved
// characters, with upper-case hex digits.
func signEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	out := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			out = append(out, c)
			continue
		}
		out = append(out, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(out)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
