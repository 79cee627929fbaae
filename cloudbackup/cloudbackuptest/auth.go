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
func (s *Server) checkSignature(r *http.Request, auth string, body []byte) string {
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, signAlgorithm+" "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = v
		}
	}
	if fields["Access"] != s.accessKey || s.accessKey == "" {
		return "unknown access key"
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
	if !slices.Contains(signed, "host") || !slices.Contains(signed, "x-sdk-date") {
		return "host and x-sdk-date must be signed"
	}
	want := serverSignature(r, body, signed, date, s.secretKey)
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "verify aksk signature fail"
	}
	return ""
}

// serverSignature recomputes a signature from the request as received.
func serverSignature(r *http.Request, body []byte, signed []string, date, secretKey string) string {
	segs := strings.Split(r.URL.Path, "/")
	for i, seg := range segs {
		segs[i] = rfc3986(seg)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var pairs []string
	for _, k := range keys {
		vs := slices.Sorted(slices.Values(q[k]))
		for _, v := range vs {
			pairs = append(pairs, rfc3986(k)+"="+rfc3986(v))
		}
	}
	var headers strings.Builder
	for _, h := range signed {
		v := strings.TrimSpace(r.Header.Get(h))
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + v + "\n")
	}
	bodySum := sha256.Sum256(body)
	canonical := strings.Join([]string{
		r.Method, uri, strings.Join(pairs, "&"), headers.String(), strings.Join(signed, ";"), hex.EncodeToString(bodySum[:]),
	}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// rfc3986 escapes all but the unreserved characters.
func rfc3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
