package cloudbackuptest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

const (
	signAlgorithm  = "SDK-HMAC-SHA256"
	signDateLayout = "20060102T150405Z"
	// maxClockSkew is how far X-Sdk-Date may be from the server's clock.
	maxClockSkew = 15 * time.Minute
)

// loginRequest is IAM's password login body.
type loginRequest struct {
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
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// iamError is IAM's error shape.
type iamError struct {
	Error struct {
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeIAMError(w http.ResponseWriter, status int, msg string) {
	var e iamError
	e.Error.Code, e.Error.Title, e.Error.Message = status, http.StatusText(status), msg
	fakeserver.WriteJSON(w, status, e)
}

// handleLogin is POST /v3/auth/tokens: a password login scoped to the
// server's project answers 201 with the token in X-Subject-Token.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := fakeserver.ReadJSON(r, &req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	id := req.Auth.Identity
	u := id.Password.User
	switch {
	case !slices.Contains(id.Methods, "password"):
		writeIAMError(w, http.StatusBadRequest, "Only the password method is supported.")
		return
	case u.Name != s.user || u.Password != s.password || u.Domain.Name != s.domain:
		writeIAMError(w, http.StatusUnauthorized, "The username or password is wrong.")
		return
	case req.Auth.Scope.Project.ID != s.projectID:
		writeIAMError(w, http.StatusUnauthorized, "The project is not valid for the user.")
		return
	}
	now := s.now().UTC()
	exp := now.Add(s.tokenTTL)
	n := s.logins.Add(1)
	tok := fmt.Sprintf("fake-iam-token-%06d", n)
	s.mu.Lock()
	s.tokens[tok] = exp
	s.mu.Unlock()
	const layout = "2006-01-02T15:04:05.000000Z"
	body := map[string]any{"token": map[string]any{
		"expires_at": exp.Format(layout),
		"issued_at":  now.Format(layout),
		"methods":    []string{"password"},
		"project":    map[string]any{"id": s.projectID, "name": "fake-region-1", "domain": map[string]string{"name": s.domain}},
		"user":       map[string]any{"name": s.user, "domain": map[string]string{"name": s.domain}},
	}}
	w.Header().Set("X-Subject-Token", tok)
	fakeserver.WriteJSON(w, http.StatusCreated, body)
}

// checkSignature checks an SDK-HMAC-SHA256 Authorization header and
// returns what is wrong with it, or "".
//
// It checks what Huawei's gateway checks, as Huawei's own signer
// (core/auth/signer/signer.go of github.com/huaweicloud/huaweicloud-sdk-go-v3)
// produces it: the headers the SignedHeaders list names, whichever they are
// (that signer signs every header it sends but Content-Type, and not host:
// "user-agent;x-project-id;x-sdk-date"), of which x-sdk-date must be one;
// and the query as it came on the wire (r.URL.RawQuery) read as RFC 3986
// says, so that a "+" is a plus sign and a client that sends a space as
// "+" after signing it as "%20" is refused.
func (s *Server) checkSignature(r *http.Request, auth string, body []byte) string {
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, signAlgorithm+" "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = v
		}
	}
	secretKey, msg := s.keyOf(fields["Access"], r.Header.Values("X-Security-Token"))
	if msg != "" {
		return msg
	}
	if !s.verifySignatures.Load() {
		return ""
	}
	date := r.Header.Get("X-Sdk-Date")
	t, err := time.Parse(signDateLayout, date)
	if err != nil {
		return "X-Sdk-Date missing or malformed"
	}
	if d := s.now().Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return "X-Sdk-Date is more than 15 minutes off"
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !slices.Contains(signed, "x-sdk-date") {
		return "x-sdk-date must be signed"
	}
	if r.Header.Get("X-Security-Token") != "" && !slices.Contains(signed, "x-security-token") {
		return "x-security-token must be signed"
	}
	for _, h := range signed {
		if h == "" || h != strings.ToLower(h) {
			return "SignedHeaders must name lower-case headers"
		}
		if h != "host" && len(r.Header.Values(h)) == 0 {
			return "signed header " + h + " is missing"
		}
	}
	want := signatureOf(canonicalRequestOf(r, body, signed), date, secretKey)
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "verify aksk signature fail"
	}
	return ""
}

// temporaryKey is a temporary access key with its secret key and
// security token.
type temporaryKey struct {
	accessKey, secretKey, securityToken string
}

// keyOf returns the secret key of an access key, checking the security
// token a temporary key must come with (and a permanent one must not), or
// what is wrong.
func (s *Server) keyOf(accessKey string, tokens []string) (secretKey, msg string) {
	switch {
	case accessKey == "":
		return "", "unknown access key"
	case accessKey == s.accessKey:
		if len(tokens) > 0 {
			return "", "a security token comes only with a temporary access key"
		}
		return s.secretKey, ""
	case accessKey == s.tempKey.accessKey:
		if len(tokens) != 1 || s.tempKey.securityToken == "" ||
			!hmac.Equal([]byte(tokens[0]), []byte(s.tempKey.securityToken)) {
			return "", "the security token is missing or does not match the access key"
		}
		return s.tempKey.secretKey, ""
	}
	return "", "unknown access key"
}

// canonicalRequestOf rebuilds the text a signature covers from the request
// as received: method, path (each segment escaped, ending with "/"), the raw
// query read by RFC 3986 and sorted, one "name:value" line per value of each
// signed header (values sorted), an empty line, the signed names, and the
// hex SHA-256 of the body.
func canonicalRequestOf(r *http.Request, body []byte, signed []string) string {
	segs := strings.Split(r.URL.Path, "/")
	for i, seg := range segs {
		segs[i] = rfc3986(seg)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	var headers strings.Builder
	for _, h := range signed {
		vs := []string{r.Host}
		if h != "host" {
			vs = slices.Sorted(slices.Values(r.Header.Values(h)))
		}
		for _, v := range vs {
			headers.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	bodySum := sha256.Sum256(body)
	return strings.Join([]string{
		r.Method, uri, rawCanonicalQuery(r.URL.RawQuery), headers.String(), strings.Join(signed, ";"), hex.EncodeToString(bodySum[:]),
	}, "\n")
}

// rawCanonicalQuery sorts the pairs of a raw query by name, then value,
// each decoded as RFC 3986 says ("%XX" escapes; "+" stays a plus sign) and
// escaped again.
func rawCanonicalQuery(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{pathUnescape(k), pathUnescape(v)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = rfc3986(p.k) + "=" + rfc3986(p.v)
	}
	return strings.Join(out, "&")
}

func pathUnescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// signatureOf is the hex HMAC-SHA256, keyed with the secret key, of the
// string to sign for a canonical request made at date.
func signatureOf(canonical, date, secretKey string) string {
	sum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// rfc3986 escapes all but the unreserved characters.
func rfc3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
