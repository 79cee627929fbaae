package cloudbackup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// Huawei's published SDK-HMAC-SHA256 test vector (see the package notes).
const (
	vectorURL       = "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
	vectorDate      = "20191115T033655Z"
	vectorAK        = "QTWAOYTTINDUT2QVKYUC"
	vectorSK        = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
	vectorCanonHash = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
	vectorSignature = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
)

func vectorRequest(t *testing.T) *http.Request {
	req, err := http.NewRequest(http.MethodGet, vectorURL, nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestSignerPublishedVector(t *testing.T) {
	t.Parallel()
	req := vectorRequest(t)
	req.Header.Set("X-Sdk-Date", vectorDate)
	signed := signedHeaders(req.Header)
	assert.Equal(t, []string{"content-type", "host", "x-sdk-date"}, signed)
	canonical := canonicalRequest(req, nil, signed)
	assert.Equal(t, "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"+
		"content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"+
		"content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", canonical)
	sum := sha256.Sum256([]byte(canonical))
	assert.Equal(t, vectorCanonHash, hex.EncodeToString(sum[:]))

	want := "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=" + vectorSignature
	assert.Equal(t, want, signRequest(req, nil, vectorAK, vectorSK, vectorDate))

	// The Auth the client installs produces the same header at that instant.
	req = vectorRequest(t)
	s := &signer{accessKey: vectorAK, secretKey: core.NewSecret(vectorSK), now: func() time.Time {
		return time.Date(2019, 11, 15, 11, 36, 55, 0, time.FixedZone("CST", 8*3600))
	}}
	require.NoError(t, s.Apply(context.Background(), req, nil))
	assert.Equal(t, vectorDate, req.Header.Get("X-Sdk-Date"), "the date is written in UTC")
	assert.Equal(t, want, req.Header.Get("Authorization"))
}

func TestCanonicalParts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "/v3/p/backups/", canonicalURI("/v3/p/backups"))
	assert.Equal(t, "/", canonicalURI(""))
	assert.Equal(t, "/v3/a%20b/%C3%A9~x/", canonicalURI("/v3/a b/é~x/"))
	assert.Equal(t, "", canonicalQuery(""))
	assert.Equal(t, "a=1&limit=10&name=a%20b%2Bc&status=available&status=error",
		canonicalQuery("status=error&name=a%20b%2Bc&limit=10&status=available&a=1"))
	// The query is read as RFC 3986 says, as the gateway reads it: "+" is a
	// plus sign (core/auth/signer/signer.go of huaweicloud-sdk-go-v3
	// escapes every byte but the unreserved ones, and its request writes a
	// space as %20).
	assert.Equal(t, "name=a%2Bb", canonicalQuery("name=a+b"))
	assert.Equal(t, "k=", canonicalQuery("k"))
	assert.Equal(t, "bad=%25zz", canonicalQuery("bad=%zz"), "a malformed escape is kept as text")

	h := http.Header{}
	h.Set("X-Security-Token", "t")
	h.Set("User-Agent", "ua")
	assert.Equal(t, []string{"host", "x-sdk-date", "x-security-token"}, signedHeaders(h))
	assert.Equal(t, "%E2%82%AC-_.~Az09%2F", signEscape("€-_.~Az09/"))
}

// TestSignerResignsEachAttempt: a retried call carries a new X-Sdk-Date
// and a signature over it, as the core calls Apply before every attempt.
func TestSignerResignsEachAttempt(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var dates, auths []string
	var bodies [][]byte
	calls := 0
	mt.RegisterResponder(http.MethodPost, "https://cbr.example.com/api/v3/p1/checkpoints", func(req *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(req.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		dates = append(dates, req.Header.Get("X-Sdk-Date"))
		auths = append(auths, req.Header.Get("Authorization"))
		bodies = append(bodies, body)
		assert.Equal(t, signRequest(req, body, "AK", "SK", req.Header.Get("X-Sdk-Date")), req.Header.Get("Authorization"))
		if calls == 1 {
			return httpmock.NewStringResponse(http.StatusTooManyRequests, `{"error_code":"APIGW.0308","error_msg":"throttled"}`), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"checkpoint":{"id":"cp1","status":"protecting"}}`), nil
	})
	var tick atomic.Int64
	clock := func() time.Time { return time.Date(2024, 5, 1, 10, 0, int(tick.Add(1)), 0, time.UTC) }
	c, err := NewClient("https://cbr.example.com/api", "p1", WithAccessKey("AK", "SK"), withNow(clock),
		WithHTTPClient(&http.Client{Transport: mt}), WithRetryPolicy(RetryPolicy{MaxRetries: 2, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	cp, err := c.Checkpoints.Create(context.Background(), "vault-1", &CreateCheckpointOptions{Name: "now"})
	require.NoError(t, err)
	assert.Equal(t, "cp1", cp.ID)
	require.Len(t, dates, 2)
	assert.NotEqual(t, dates[0], dates[1], "each attempt has its own date")
	assert.NotEqual(t, auths[0], auths[1], "each attempt has its own signature")
	assert.Equal(t, bodies[0], bodies[1])
	assert.Contains(t, auths[0], "SignedHeaders=content-type;host;x-sdk-date,")
}

// iamMock answers IAM logins with numbered tokens and counts them.
type iamMock struct {
	logins  atomic.Int64
	delay   time.Duration
	ttl     time.Duration
	now     func() time.Time
	mu      sync.Mutex
	bodies  []string
	queries []string
}

func (m *iamMock) respond(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	m.mu.Lock()
	m.bodies = append(m.bodies, string(body))
	m.queries = append(m.queries, req.URL.RawQuery)
	m.mu.Unlock()
	if m.delay > 0 {
		time.Sleep(m.delay)
	}
	n := m.logins.Add(1)
	exp := m.now().Add(m.ttl).UTC().Format("2006-01-02T15:04:05.000000Z")
	resp := httpmock.NewStringResponse(http.StatusCreated, `{"token":{"expires_at":"`+exp+`","methods":["password"]}}`)
	resp.Header.Set("X-Subject-Token", fmt.Sprintf("tok-%d", n))
	return resp, nil
}

// tokenAPI answers backup lists, rejecting every token in bad with 401.
func tokenAPI(mt *httpmock.MockTransport, bad func(string) bool, seen *sync.Map) {
	mt.RegisterResponder(http.MethodGet, "https://cbr.example.com/api/v3/p1/backups", func(req *http.Request) (*http.Response, error) {
		tok := req.Header.Get("X-Auth-Token")
		if seen != nil {
			seen.Store(tok, true)
		}
		if tok == "" || bad(tok) {
			resp := httpmock.NewStringResponse(http.StatusUnauthorized, `{"error_code":"APIGW.0307","error_msg":"The token must be updated.","request_id":"r-401"}`)
			return resp, nil
		}
		return httpmock.NewStringResponse(http.StatusOK, `{"backups":[],"count":0}`), nil
	})
}

func passwordClient(t *testing.T, mt *httpmock.MockTransport, m *iamMock, opts ...Option) *Client {
	mt.RegisterResponder(http.MethodPost, "https://iam.example.com/v3/auth/tokens", m.respond)
	opts = append([]Option{
		WithPassword("user", "s3cret"), WithDomain("acct"), WithIAMEndpoint("https://iam.example.com/v3"),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetryPolicy(RetryPolicy{MaxRetries: 1, MaxWait: time.Millisecond}),
	}, opts...)
	c, err := NewClient("https://cbr.example.com/api", "p1", opts...)
	require.NoError(t, err)
	return c
}

func TestPasswordLoginRequest(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	m := &iamMock{ttl: 24 * time.Hour, now: time.Now}
	tokenAPI(mt, func(string) bool { return false }, nil)
	c := passwordClient(t, mt, m)
	_, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, m.bodies, 1)
	var body any
	require.NoError(t, codec.UnmarshalJSON([]byte(m.bodies[0]), &body))
	golden.AssertJSON(t, "iam-login-request", body)
	assert.Equal(t, "nocatalog=true", m.queries[0])
}

// TestTokenSingleFlight: 20 concurrent first calls share one login, and
// when the server rejects that token, 20 concurrent calls share one
// renewal, each call succeeding after it.
func TestTokenSingleFlight(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	m := &iamMock{ttl: 24 * time.Hour, now: time.Now, delay: 20 * time.Millisecond}
	var rejected sync.Map
	var seen sync.Map
	tokenAPI(mt, func(tok string) bool { _, bad := rejected.Load(tok); return bad }, &seen)
	c := passwordClient(t, mt, m)

	run := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				_, err := c.Backups.List(context.Background(), nil)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
	}
	run()
	assert.Equal(t, int64(1), m.logins.Load(), "one login for 20 concurrent calls")

	rejected.Store("tok-1", true)
	run()
	assert.Equal(t, int64(2), m.logins.Load(), "one renewal for 20 calls rejected with 401")
	_, ok := seen.Load("tok-2")
	assert.True(t, ok)
	_, ok = seen.Load("tok-3")
	assert.False(t, ok)
}

// TestTokenRenewedBeforeExpiry: a token close to its expires_at is
// replaced before it is sent.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m := &iamMock{ttl: time.Hour, now: clock}
	var seen sync.Map
	tokenAPI(mt, func(string) bool { return false }, &seen)
	c := passwordClient(t, mt, m, withNow(clock), WithTokenRenewal(10*time.Minute))
	ctx := context.Background()
	_, err := c.Backups.List(ctx, nil)
	require.NoError(t, err)
	mu.Lock()
	now = now.Add(45 * time.Minute)
	mu.Unlock()
	_, err = c.Backups.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), m.logins.Load(), "15 minutes left: still fresh")
	mu.Lock()
	now = now.Add(6 * time.Minute)
	mu.Unlock()
	_, err = c.Backups.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), m.logins.Load(), "9 minutes left: renewed")
}

func TestPasswordLoginFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://iam.example.com/v3/auth/tokens",
		httpmock.NewStringResponder(http.StatusUnauthorized, `{"error":{"code":401,"title":"Unauthorized","message":"The username or password is wrong."}}`))
	tokenAPI(mt, func(string) bool { return false }, nil)
	c, err := NewClient("https://cbr.example.com/api", "p1", WithPassword("user", "bad"), WithDomain("acct"),
		WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Backups.List(ctx, nil)
	require.Error(t, err)
	assert.True(t, IsUnauthorized(err))
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "The username or password is wrong.", apiErr.Message)
	assert.Contains(t, apiErr.URL, "/v3/auth/tokens")
	assert.NotContains(t, err.Error(), "bad")

	mt = httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://iam.example.com/v3/auth/tokens", httpmock.NewStringResponder(http.StatusCreated, `{"token":{}}`))
	c, err = NewClient("https://cbr.example.com/api", "p1", WithPassword("user", "pw"), WithDomain("acct"),
		WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Backups.List(ctx, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no X-Subject-Token")
}

// TestSignedQueryIsSentQuery: with AK/SK, the query on the wire is the
// canonical query the signature covers, byte for byte: sorted (status
// values given out of order), a space as %20, a plus sign as %2B.
func TestSignedQueryIsSentQuery(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var raws []string
	mt.RegisterResponder(http.MethodGet, "https://cbr.example.com/v3/p1/backups", func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		raws = append(raws, req.URL.RawQuery)
		mu.Unlock()
		assert.Equal(t, signRequest(req, nil, "AK", "SK", req.Header.Get("X-Sdk-Date")), req.Header.Get("Authorization"))
		return httpmock.NewStringResponse(http.StatusOK, `{"backups":[],"count":0}`), nil
	})
	c, err := NewClient("https://cbr.example.com", "p1", WithAccessKey("AK", "SK"), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Backups.List(context.Background(), &ListBackupsOptions{
		Status: []BackupStatus{BackupStatusError, BackupStatusAvailable}, Name: "my backup+1", Limit: 5,
	})
	require.NoError(t, err)
	require.Len(t, raws, 1)
	assert.Equal(t, "limit=5&name=my%20backup%2B1&status=available&status=error", raws[0])
	assert.Equal(t, canonicalQuery(raws[0]), raws[0])
}

// TestSignerSecurityToken: a temporary access key sends its security token
// in X-Security-Token and signs it with the other headers, as Huawei's SDK
// does (core/auth/base_credentials.go adds the header before
// core/auth/signer/signer.go signs; huaweicloud-sdk-go-v3).
func TestSignerSecurityToken(t *testing.T) {
	t.Parallel()
	req := vectorRequest(t)
	s := &signer{accessKey: vectorAK, secretKey: core.NewSecret(vectorSK), securityToken: core.NewSecret("sts-token"),
		now: func() time.Time { return time.Date(2019, 11, 15, 3, 36, 55, 0, time.UTC) }}
	require.NoError(t, s.Apply(context.Background(), req, nil))
	assert.Equal(t, "sts-token", req.Header.Get("X-Security-Token"))
	auth := req.Header.Get("Authorization")
	assert.Contains(t, auth, "SignedHeaders=content-type;host;x-sdk-date;x-security-token,")
	assert.Equal(t, signRequest(req, nil, vectorAK, vectorSK, vectorDate), auth)
	// The token is part of what is signed: another token, another signature.
	other := req.Clone(context.Background())
	other.Header.Set("X-Security-Token", "sts-token-2")
	assert.NotEqual(t, auth, signRequest(other, nil, vectorAK, vectorSK, vectorDate))
}
