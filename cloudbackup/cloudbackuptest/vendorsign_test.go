package cloudbackuptest_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
)

// vendorRequest is a request as Huawei's Go SDK (github.com/huaweicloud/
// huaweicloud-sdk-go-v3) sends it, described by hand from its source:
//   - core/hc_http_client.go sets User-Agent "huaweicloud-usdk-go/3.0" and
//     the request definition's Content-Type (services/cbr/v1/cbr_meta.go:
//     "application/json" for reads, "application/json;charset=UTF-8" for
//     bodies);
//   - core/auth/basic_credentials.go adds X-Project-Id, and
//     core/auth/base_credentials.go X-Security-Token for temporary keys;
//   - core/request/default_http_request.go writes the query with a space
//     as %20;
//   - core/auth/signer/signer.go signs every header it sends except
//     Content-Type (and not host), sorted and lower-cased, over a canonical
//     request of method, path ending with "/", the sorted RFC 3986 query,
//     "name:value" lines, an empty line, the names, and the body's SHA-256.
//
// The text below is written out in full rather than computed by the fake's
// code, so that the test checks the fake against the vendor, not itself.
type vendorRequest struct {
	method, path, query string // query as on the wire
	canonicalQuery      string // as the vendor's signer writes it
	body                string
	contentType         string
	securityToken       string
	signed              []string // header names in SignedHeaders order
	headers             map[string]string
}

func (v vendorRequest) send(t *testing.T, srv *cloudbackuptest.Server, ak, sk string, tamper func(*http.Request)) (int, string) {
	t.Helper()
	target := srv.URL() + v.path
	if v.query != "" {
		target += "?" + v.query
	}
	req, err := http.NewRequest(v.method, target, strings.NewReader(v.body))
	require.NoError(t, err)
	date := srv.Now().UTC().Format("20060102T150405Z")
	h := map[string]string{
		"User-Agent":   "huaweicloud-usdk-go/3.0",
		"X-Project-Id": srv.ProjectID(),
		"X-Sdk-Date":   date,
	}
	if v.securityToken != "" {
		h["X-Security-Token"] = v.securityToken
	}
	for k, val := range v.headers {
		h[k] = val
	}
	for k, val := range h {
		req.Header.Set(k, val)
	}
	req.Header.Set("Content-Type", v.contentType)
	signed := v.signed
	if signed == nil {
		signed = []string{"user-agent", "x-project-id", "x-sdk-date"}
		if v.securityToken != "" {
			signed = append(signed, "x-security-token")
		}
	}
	var lines strings.Builder
	for _, name := range signed {
		val := req.Header.Get(name)
		if name == "host" {
			val = req.URL.Host
		}
		lines.WriteString(name + ":" + val + "\n")
	}
	bodySum := sha256.Sum256([]byte(v.body))
	canonical := v.method + "\n" + v.path + "/\n" + v.canonicalQuery + "\n" + lines.String() + "\n" +
		strings.Join(signed, ";") + "\n" + hex.EncodeToString(bodySum[:])
	crSum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte("SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(crSum[:])))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders="+strings.Join(signed, ";")+
		", Signature="+hex.EncodeToString(mac.Sum(nil)))
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestVendorSignatures: the fake accepts requests signed as Huawei's own
// SDK signs them (no host, user-agent and x-project-id signed, a space as
// %20), and refuses the ones a real gateway refuses.
func TestVendorSignatures(t *testing.T) {
	t.Parallel()
	pinned := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithSignatureCheck(), cloudbackuptest.WithNow(func() time.Time { return pinned }))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	ak, sk := srv.AccessKey(), srv.SecretKey()
	d := srv.Demo()
	p := "/v3/" + srv.ProjectID()

	list := vendorRequest{
		method: http.MethodGet, path: p + "/backups",
		query:          "limit=10&name=my%20backup&status=available&status=error",
		canonicalQuery: "limit=10&name=my%20backup&status=available&status=error",
		contentType:    "application/json",
	}
	checkpoint := vendorRequest{
		method: http.MethodPost, path: p + "/checkpoints",
		body:        `{"checkpoint":{"parameters":{"auto_trigger":false,"name":"vendor","resources":["` + d.StaleServer.ID + `"]},"vault_id":"` + d.ServerVaultID + `"}}`,
		contentType: "application/json;charset=UTF-8",
	}
	ok := []struct {
		name   string
		req    vendorRequest
		tamper func(*http.Request)
	}{
		{"a list with a space and a repeated status", list, nil},
		{"a body", checkpoint, nil},
		{"headers that are not signed may change", list, func(r *http.Request) {
			r.Header.Set("Content-Type", "text/plain")
			r.Header.Set("Accept", "*/*")
		}},
		{"host signed too, as in the published test vector", func() vendorRequest {
			v := list
			v.signed = []string{"host", "x-sdk-date"}
			return v
		}(), nil},
		{"a temporary access key with its security token", func() vendorRequest {
			v := list
			v.securityToken = srv.SecurityToken()
			return v
		}(), nil},
		{"the query's order on the wire does not matter", func() vendorRequest {
			v := list
			v.query = "status=error&name=my%20backup&status=available&limit=10"
			return v
		}(), nil},
	}
	for _, c := range ok {
		key, secret := ak, sk
		if c.req.securityToken != "" {
			key, secret = srv.TemporaryAccessKey(), srv.TemporarySecretKey()
		}
		status, body := c.req.send(t, srv, key, secret, c.tamper)
		assert.Less(t, status, 300, "%s: %s", c.name, body)
	}

	refused := []struct {
		name   string
		req    vendorRequest
		tamper func(*http.Request)
		says   string
	}{
		{"a space sent as + but signed as %20", func() vendorRequest {
			v := list
			v.query = "limit=10&name=my+backup&status=available&status=error"
			return v
		}(), nil, "verify aksk signature fail"},
		{"x-sdk-date not signed", func() vendorRequest {
			v := list
			v.signed = []string{"user-agent", "x-project-id"}
			return v
		}(), nil, "x-sdk-date must be signed"},
		{"a signed header changed", list, func(r *http.Request) { r.Header.Set("User-Agent", "other") }, "verify aksk signature fail"},
		{"a signed header missing", list, func(r *http.Request) { r.Header.Del("X-Project-Id") }, "signed header x-project-id is missing"},
		{"the body changed", checkpoint, func(r *http.Request) {
			b := []byte(`{"checkpoint":{"vault_id":"x"}}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}, "verify aksk signature fail"},
		{"signed with another secret key", list, nil, "verify aksk signature fail"},
	}
	for _, c := range refused {
		key := sk
		if strings.HasPrefix(c.name, "signed with another") {
			key = "not-" + sk
		}
		status, body := c.req.send(t, srv, ak, key, c.tamper)
		assert.Equal(t, http.StatusUnauthorized, status, c.name)
		assert.Contains(t, body, c.says, c.name)
	}
}
