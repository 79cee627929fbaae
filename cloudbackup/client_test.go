package cloudbackup_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// The API is mounted under a base path so that absolute-path bugs fail.
const (
	mockEndpoint = "https://cbr.example.com/api"
	mockBase     = mockEndpoint + "/v3/p1"
)

func fastRetry(n int) cloudbackup.Option {
	return cloudbackup.WithRetryPolicy(cloudbackup.RetryPolicy{MaxRetries: n, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})
}

func newMockClient(t *testing.T, opts ...cloudbackup.Option) (*cloudbackup.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]cloudbackup.Option{
		cloudbackup.WithToken("tok-1"),
		cloudbackup.WithHTTPClient(&http.Client{Transport: mt}),
		fastRetry(3),
	}, opts...)
	c, err := cloudbackup.NewClient(mockEndpoint, "p1", opts...)
	require.NoError(t, err)
	return c, mt
}

// recorder captures the requests a responder sees.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func (r *recorder) record(req *http.Request) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.body = append(r.body, string(b))
	r.mu.Unlock()
}

func (r *recorder) responder(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.record(req)
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	tok := cloudbackup.WithToken("t")
	for name, tc := range map[string]struct {
		endpoint, project string
		opts              []cloudbackup.Option
		want              string
	}{
		"empty endpoint":   {"", "p", []cloudbackup.Option{tok}, "base URL is empty"},
		"bad scheme":       {"ftp://x", "p", []cloudbackup.Option{tok}, "scheme must be http or https"},
		"credentials":      {"https://u:pw@x", "p", []cloudbackup.Option{tok}, "holds credentials"},
		"empty project":    {"https://x", " ", []cloudbackup.Option{tok}, "project ID is empty"},
		"slash project":    {"https://x", "a/b", []cloudbackup.Option{tok}, "project ID"},
		"no credentials":   {"https://x", "p", nil, "no credentials"},
		"two credentials":  {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithAccessKey("a", "s")}, "WithAccessKey conflicts with WithToken"},
		"empty token":      {"https://x", "p", []cloudbackup.Option{cloudbackup.WithToken("")}, "WithToken: token is empty"},
		"empty sk":         {"https://x", "p", []cloudbackup.Option{cloudbackup.WithAccessKey("a", "")}, "secret key is empty"},
		"no sts token":     {"https://x", "p", []cloudbackup.Option{cloudbackup.WithTemporaryAccessKey("a", "s", " ")}, "WithTemporaryAccessKey: security token is empty"},
		"bad sts token":    {"https://x", "p", []cloudbackup.Option{cloudbackup.WithTemporaryAccessKey("a", "s", "t\nX-Evil: 1")}, "line breaks"},
		"temp and aksk":    {"https://x", "p", []cloudbackup.Option{cloudbackup.WithAccessKey("a", "s"), cloudbackup.WithTemporaryAccessKey("a", "s", "t")}, "WithTemporaryAccessKey conflicts with WithAccessKey"},
		"temp empty ak":    {"https://x", "p", []cloudbackup.Option{cloudbackup.WithTemporaryAccessKey("", "s", "t")}, "WithTemporaryAccessKey: access key is empty"},
		"bad iam":          {"https://x", "p", []cloudbackup.Option{cloudbackup.WithPassword("u", "p"), cloudbackup.WithDomain("d"), cloudbackup.WithIAMEndpoint("iam")}, "WithIAMEndpoint:"},
		"empty domain":     {"https://x", "p", []cloudbackup.Option{cloudbackup.WithPassword("u", "p"), cloudbackup.WithDomain(""), cloudbackup.WithIAMEndpoint("https://iam")}, "WithDomain: domain (account name) is empty"},
		"no domain":        {"https://x", "p", []cloudbackup.Option{cloudbackup.WithPassword("u", "p"), cloudbackup.WithIAMEndpoint("https://iam")}, "WithPassword needs WithDomain"},
		"empty password":   {"https://x", "p", []cloudbackup.Option{cloudbackup.WithPassword("u", "")}, "WithPassword: password is empty"},
		"no region":        {"https://x", "p", []cloudbackup.Option{cloudbackup.WithPassword("u", "p"), cloudbackup.WithDomain("d")}, "names no region (want https://cbr.<region>.myhuaweicloud.com): give WithIAMEndpoint"},
		"domain no login":  {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithDomain("d")}, "WithDomain and WithIAMEndpoint go with WithPassword, not WithToken"},
		"iam no login":     {"https://x", "p", []cloudbackup.Option{cloudbackup.WithAccessKey("a", "s"), cloudbackup.WithIAMEndpoint("https://iam")}, "go with WithPassword, not WithAccessKey"},
		"nil wait backoff": {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithWaitBackoff(nil)}, "WithWaitBackoff: backoff is nil"},
		"nil http client":  {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithHTTPClient(nil)}, "WithHTTPClient: client is nil"},
		"nil logger":       {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithLogger(nil)}, "WithLogger"},
		"bad retry":        {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithRetryPolicy(cloudbackup.RetryPolicy{MaxRetries: -1})}, "MaxRetries"},
		"bad user agent":   {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithUserAgent("a\nb")}, "line breaks"},
		"bad renewal":      {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithTokenRenewal(0)}, "not positive"},
		"renewal no login": {"https://x", "p", []cloudbackup.Option{tok, cloudbackup.WithTokenRenewal(time.Minute)}, "WithTokenRenewal needs WithPassword"},
		"query in the URL": {"https://x/?a=1", "p", []cloudbackup.Option{tok}, "query"},
	} {
		_, err := cloudbackup.NewClient(tc.endpoint, tc.project, tc.opts...)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.True(t, strings.HasPrefix(err.Error(), "cloudbackup: "), name)
	}
	c, err := cloudbackup.NewClient("https://cbr.example.com/", "p1", tok, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://cbr.example.com", c.BaseURL())
	assert.Equal(t, "p1", c.ProjectID())
}

func TestCredentialsAreNeverPrinted(t *testing.T) {
	t.Parallel()
	c, err := cloudbackup.NewClient(mockEndpoint, "p1", cloudbackup.WithAccessKey("AKID", "very-secret-sk"))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(verb, c), "very-secret-sk")
	}
	c, err = cloudbackup.NewClient(mockEndpoint, "p1", cloudbackup.WithTemporaryAccessKey("AKID", "very-secret-sk", "sts-token-secret"))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, "very-secret-sk")
		assert.NotContains(t, out, "sts-token-secret")
	}
	_, err = cloudbackup.NewClient(mockEndpoint, "p1", cloudbackup.WithTemporaryAccessKey("AKID", "very-secret-sk", "sts-token-secret\r"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "sts-token-secret")
}

// TestListEveryQueryParameter: every documented parameter (and the two
// seen on live servers) reaches the URL, status repeated, times in UTC in
// the documented layout, with the token and the User-Agent.
func TestListEveryQueryParameter(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cloudbackup.WithUserAgent("mytool/1.0"))
	var rec recorder
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", rec.responder(200, `{"backups":[],"count":0}`))
	cst := time.FixedZone("CST", 8*3600)
	opts := &cloudbackup.ListBackupsOptions{
		CheckpointID:        "cp-1",
		Dec:                 new(false),
		StartTime:           time.Date(2018, 2, 1, 20, 0, 0, 0, cst),
		EndTime:             time.Date(2018, 2, 2, 12, 0, 0, 999, time.UTC),
		EnterpriseProjectID: cloudbackup.AllGrantedEnterpriseProjects,
		ImageType:           cloudbackup.ImageTypeReplication,
		Limit:               50,
		Marker:              "m-1",
		MemberStatus:        cloudbackup.MemberStatusAccept,
		Name:                "autobk b&c",
		Offset:              5,
		OwnType:             cloudbackup.OwnTypeAllGranted,
		ParentID:            "parent-1",
		ResourceAZ:          "az-1",
		ResourceID:          "res-1",
		ResourceName:        "web-01",
		ResourceType:        cloudbackup.ResourceTypeVolume,
		Sort:                cloudbackup.Sort(cloudbackup.Desc(cloudbackup.SortByCreatedAt), cloudbackup.Asc(cloudbackup.SortByName)),
		Status:              []cloudbackup.BackupStatus{cloudbackup.BackupStatusAvailable, cloudbackup.BackupStatusError},
		UsedPercent:         80,
		VaultID:             "vault-1",
		ShowReplication:     new(true),
		Incremental:         new(true),
	}
	before := *opts
	_, err := c.Backups.List(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, before, *opts, "options are not changed")
	require.Equal(t, 1, rec.count())
	req := rec.reqs[0]
	assert.Equal(t, url.Values{
		"checkpoint_id":         {"cp-1"},
		"dec":                   {"false"},
		"start_time":            {"2018-02-01T12:00:00Z"},
		"end_time":              {"2018-02-02T12:00:00Z"},
		"enterprise_project_id": {"all_granted_eps"},
		"image_type":            {"replication"},
		"limit":                 {"50"},
		"marker":                {"m-1"},
		"member_status":         {"accept"},
		"name":                  {"autobk b&c"},
		"offset":                {"5"},
		"own_type":              {"all_granted"},
		"parent_id":             {"parent-1"},
		"resource_az":           {"az-1"},
		"resource_id":           {"res-1"},
		"resource_name":         {"web-01"},
		"resource_type":         {"OS::Cinder::Volume"},
		"sort":                  {"created_at:desc,name:asc"},
		"status":                {"available", "error"},
		"used_percent":          {"80"},
		"vault_id":              {"vault-1"},
		"show_replication":      {"true"},
		"incremental":           {"true"},
	}, req.URL.Query())
	assert.Contains(t, req.URL.RawQuery, "&status=available&status=error&", "status is repeated, not joined")
	assert.Contains(t, req.URL.RawQuery, "name=autobk%20b%26c", "a space is %20, as the signature's canonical form writes it")
	assert.NotContains(t, req.URL.RawQuery, "+")
	assert.Equal(t, "tok-1", req.Header.Get("X-Auth-Token"))
	assert.Equal(t, "application/json", req.Header.Get("Accept"))
	ua := req.Header.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "backupsdk/"), ua)
	assert.True(t, strings.HasSuffix(ua, " cloudbackup mytool/1.0"), ua)

	// No options: no parameters.
	_, err = c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, rec.reqs[1].URL.RawQuery)
}

func TestListOptionValidation(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", rec.responder(200, `{"backups":[]}`))
	for _, o := range []*cloudbackup.ListBackupsOptions{
		{Limit: -1}, {Offset: -2}, {UsedPercent: 101}, {Sort: strings.Repeat("name:asc,", 40)},
	} {
		_, err := c.Backups.List(context.Background(), o)
		assert.Error(t, err)
	}
	assert.Zero(t, rec.count(), "invalid options send nothing")
}

func TestListDecodesPage(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups",
		httpmock.NewBytesResponder(200, golden.Read(t, "list-backups-response.json")))
	p, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 10})
	require.NoError(t, err)
	require.Len(t, p.Backups, 2)
	assert.Equal(t, int64(2), p.Count.Int64)
	assert.Equal(t, "autobk_b629", p.Backups[0].Name)
	assert.Equal(t, cloudbackup.ResourceTypeVolume, p.Backups[1].ResourceType)

	c, mt = newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", httpmock.NewStringResponder(200, `{"count":0,"backups":[]}`))
	p, err = c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.NotNil(t, p.Backups)
	assert.Empty(t, p.Backups)
}

// TestErrorShapes: CBR's {"error_code","error_msg","request_id"} body and
// X-Request-Id become the *APIError's Code, Message and RequestID.
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/missing", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(404, `{"error_code":"BackupService.0003","error_msg":"The backup does not exist","request_id":"body-rid"}`)
		resp.Header.Set("X-Request-Id", "header-rid")
		return resp, nil
	})
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/body-only",
		httpmock.NewStringResponder(400, `{"error_code":"BackupService.0001","error_msg":"Invalid parameter","request_id":"body-rid"}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/html",
		httpmock.NewStringResponder(403, `<html><head><title>403 Forbidden</title></head></html>`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/garbage",
		httpmock.NewStringResponder(200, `{"backup": {"id": "x", "resource_size": "lots"}}`))
	ctx := context.Background()

	_, err := c.Backups.Get(ctx, "missing")
	var apiErr *cloudbackup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "BackupService.0003", apiErr.Code)
	assert.Equal(t, "The backup does not exist", apiErr.Message)
	assert.Equal(t, "header-rid", apiErr.RequestID)
	assert.Equal(t, "cloudbackup", apiErr.Provider)
	assert.True(t, cloudbackup.IsNotFound(err))
	assert.True(t, cloudbackup.HasCode(err, "BackupService.0003"))
	assert.Equal(t, "cloudbackup: GET /api/v3/p1/backups/missing: 404 Not Found [BackupService.0003]: The backup does not exist", err.Error())

	_, err = c.Backups.Get(ctx, "body-only")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "body-rid", apiErr.RequestID)
	assert.True(t, cloudbackup.IsValidation(err))

	_, err = c.Backups.Get(ctx, "html")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "403 Forbidden", apiErr.Message)
	assert.True(t, cloudbackup.IsForbidden(err))

	_, err = c.Backups.Get(ctx, "garbage")
	var decErr *cloudbackup.DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Contains(t, decErr.Error(), "resource_size")
}

// TestThrottlingIsRetried: the gateway's 429 APIGW.0308 is retried with
// backoff (Retry-After honored) for reads and writes alike.
func TestThrottlingIsRetried(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	throttled := `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"r-429"}`
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups",
		httpmock.ResponderFromMultipleResponses([]*http.Response{
			withHeader(httpmock.NewStringResponse(429, throttled), "Retry-After", "0"),
			httpmock.NewStringResponse(429, throttled),
			httpmock.NewStringResponse(200, `{"backups":[{"id":"a"}],"count":1}`),
		}))
	p, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, p.Backups, 1)
	assert.Equal(t, 3, mt.GetCallCountInfo()["GET "+mockBase+"/backups"])

	var rec recorder
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/b1/restore", rec.responder(429, throttled))
	_, err = c.Backups.Restore(context.Background(), "b1", cloudbackup.VolumeRestore("vol-1"))
	require.Error(t, err)
	assert.True(t, cloudbackup.IsRateLimited(err))
	assert.True(t, cloudbackup.HasCode(err, cloudbackup.CodeThrottled))
	var apiErr *cloudbackup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 4, apiErr.Attempts)
	assert.Equal(t, 4, rec.count(), "a throttled POST is resent: the server did no work")
}

func withHeader(resp *http.Response, k, v string) *http.Response {
	resp.Header.Set(k, v)
	return resp
}

func TestGetAndDeleteBackup(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/b1",
		httpmock.NewStringResponder(200, `{"backup":{"id":"b1","status":"available","resource_size":"40","children":[{"id":"c1","parent_id":"b1"}]}}`))
	var del recorder
	mt.RegisterResponder(http.MethodDelete, mockBase+"/backups/b1", del.responder(204, ""))
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups/empty", httpmock.NewStringResponder(200, `{}`))
	ctx := context.Background()

	b, err := c.Backups.Get(ctx, "b1")
	require.NoError(t, err)
	assert.Equal(t, "b1", b.ID)
	assert.Equal(t, int64(40), b.ResourceSize.Or(0))
	require.Len(t, b.Children, 1)
	assert.Equal(t, "b1", b.Children[0].ParentID)

	require.NoError(t, c.Backups.Delete(ctx, "b1"))
	assert.Equal(t, 1, del.count())

	_, err = c.Backups.Get(ctx, "empty")
	assert.ErrorContains(t, err, "holds no backup")
	_, err = c.Backups.Get(ctx, "")
	assert.ErrorContains(t, err, "backup_id is empty")
	assert.ErrorContains(t, c.Backups.Delete(ctx, ".."), "invalid path parameter")
}

func TestRestore(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/srv-backup/restore", func(req *http.Request) (*http.Response, error) {
		rec.record(req)
		resp := httpmock.NewStringResponse(202, "")
		resp.Header.Set("X-Request-Id", "rid-1")
		return resp, nil
	})
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/vol-backup/restore", rec.responder(202, `{"job_id":"job-7"}`))
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/flaky/restore", rec.responder(503, `{"error_code":"APIGW.0101","error_msg":"unavailable"}`))
	ctx := context.Background()

	res, err := c.Backups.Restore(ctx, "srv-backup", cloudbackup.ServerRestore("server-1", true,
		cloudbackup.RestoreMapping{BackupID: "child-1", VolumeID: "vol-a"}, cloudbackup.RestoreMapping{BackupID: "child-2", VolumeID: "vol-b"}))
	require.NoError(t, err)
	assert.Equal(t, "", res.JobID, "CBR answers 202 without a body")
	assert.Equal(t, "rid-1", res.RequestID)
	res, err = c.Backups.Restore(ctx, "vol-backup", cloudbackup.VolumeRestore("vol-9"))
	require.NoError(t, err)
	assert.Equal(t, "job-7", res.JobID)

	var bodies []any
	for _, b := range rec.body {
		var v any
		require.NoError(t, codec.UnmarshalJSON([]byte(b), &v))
		bodies = append(bodies, v)
	}
	golden.AssertJSON(t, "restore-requests", bodies)

	_, err = c.Backups.Restore(ctx, "flaky", cloudbackup.VolumeRestore("vol-9"))
	assert.True(t, cloudbackup.HasStatus(err, 503))
	assert.Equal(t, 3, rec.count(), "a restore that may have reached the server is not resent")

	for _, bad := range []*cloudbackup.RestoreBackupOptions{
		nil, {}, {ServerID: "s"}, {ServerID: "s", VolumeID: "v"},
		{ServerID: "s", Mappings: []cloudbackup.RestoreMapping{{BackupID: "b"}}},
	} {
		_, err := c.Backups.Restore(ctx, "vol-backup", bad)
		assert.Error(t, err)
	}
	assert.Equal(t, 3, rec.count(), "invalid restores send nothing")
}

func TestCheckpoints(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", rec.responder(200, `{"checkpoint":{
		"id":"cp-1","project_id":"p1","status":"protecting","created_at":"2024-05-01T10:00:00.123456",
		"vault":{"id":"v1","name":"vault-a","resources":[{"id":"r1","name":"web","type":"OS::Nova::Server","protect_status":"protecting","resource_size":"40","extra_info":"{}"}],
		         "skipped_resources":[{"id":"r2","type":"OS::Nova::Server","name":"db","code":"BackupService.6324","reason":"busy"}]},
		"extra_info":{"name":"now","retention_duration":-1}}}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/checkpoints/cp-1", httpmock.NewStringResponder(200,
		`{"checkpoint":{"id":"cp-1","status":"available","vault":{"id":"v1","name":"vault-a"}}}`))
	ctx := context.Background()

	cp, err := c.Checkpoints.Create(ctx, "v1", &cloudbackup.CreateCheckpointOptions{
		Name: "now", Description: "before upgrade", Incremental: new(false), Resources: []string{"r1", "r2"},
	})
	require.NoError(t, err)
	_, err = c.Checkpoints.Create(ctx, "v1", nil)
	require.NoError(t, err)
	golden.AssertJSON(t, "checkpoint-created", cp)
	var bodies []any
	for _, b := range rec.body {
		var v any
		require.NoError(t, codec.UnmarshalJSON([]byte(b), &v))
		bodies = append(bodies, v)
	}
	golden.AssertJSON(t, "checkpoint-requests", bodies)

	got, err := c.Checkpoints.Get(ctx, "cp-1")
	require.NoError(t, err)
	assert.Equal(t, cloudbackup.CheckpointStatusAvailable, got.Status)
	_, err = c.Checkpoints.Create(ctx, "", nil)
	assert.ErrorContains(t, err, "vault ID is empty")
}

func TestVaults(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, mockBase+"/vaults", func(req *http.Request) (*http.Response, error) {
		rec.record(req)
		off := req.URL.Query().Get("offset")
		body := map[string]string{
			"":  `{"count":3,"vaults":[{"id":"v1","billing":{"size":100,"used":"51200"}},{"id":"v2"}]}`,
			"2": `{"count":3,"vaults":[{"id":"v3","resources":[{"id":"r","type":"OS::Nova::Server","backup_count":"4"}]}]}`,
		}[off]
		return httpmock.NewStringResponse(200, body), nil
	})
	mt.RegisterResponder(http.MethodGet, mockBase+"/vaults/v1", httpmock.NewStringResponder(200, `{"vault":{"id":"v1","name":"a","future":1}}`))
	ctx := context.Background()
	opts := &cloudbackup.ListVaultsOptions{Limit: 2, ResourceIDs: []string{"r1", "r2"}, ProtectType: "backup"}
	var ids []string
	for v, err := range c.Vaults.All(ctx, opts) {
		require.NoError(t, err)
		ids = append(ids, v.ID)
		if v.ID == "v1" {
			assert.InDelta(t, 50.0, v.Billing.UsedPercent(), 0.001)
		}
		if v.ID == "v3" {
			assert.Equal(t, int64(4), v.Resources[0].BackupCount.Or(0))
		}
	}
	assert.Equal(t, []string{"v1", "v2", "v3"}, ids)
	require.Equal(t, 2, rec.count(), "the total ends the walk without an empty page")
	assert.Equal(t, "limit=2&protect_type=backup&resource_ids=r1%2Cr2", rec.reqs[0].URL.RawQuery)
	assert.Equal(t, 0, opts.Offset)

	v, err := c.Vaults.Get(ctx, "v1")
	require.NoError(t, err)
	assert.Equal(t, "a", v.Name)
	assert.Contains(t, v.Extra, "future")
}

func opLog(status string) string {
	return `{"operation_log":{"id":"op-1","status":"` + status + `","operation_type":"backup","project_id":"p1",
		"created_at":"2024-05-01T10:00:00Z","error_info":{"code":"BackupService.6401","message":"snapshot failed"},
		"extra_info":{"common":{"progress":50,"request_id":"req"},"resource":{"id":"r1","name":"web","type":"OS::Nova::Server"},
		"backup":{"backup_id":"b1","backup_name":"manual"},"sync":{"x":1}}}}`
}

func TestOperationLogWait(t *testing.T) {
	t.Parallel()
	for _, final := range []cloudbackup.OperationStatus{
		cloudbackup.OperationStatusSuccess, cloudbackup.OperationStatusFailed,
		cloudbackup.OperationStatusTimeout, cloudbackup.OperationStatusSkipped,
	} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs/op-1",
			httpmock.ResponderFromMultipleResponses([]*http.Response{
				httpmock.NewStringResponse(200, opLog("waiting")),
				httpmock.NewStringResponse(200, opLog("running")),
				httpmock.NewStringResponse(200, opLog(string(final))),
			}))
		var polls []cloudbackup.Progress
		var waits []int
		log, err := c.OperationLogs.Operation("op-1").Wait(context.Background(),
			cloudbackup.WaitBackoff(func(n int) time.Duration { waits = append(waits, n); return time.Millisecond }),
			cloudbackup.WaitProgress(func(p cloudbackup.Progress) { polls = append(polls, p) }))
		require.NotNil(t, log, final)
		assert.Equal(t, final, log.Status)
		require.Len(t, polls, 3)
		for i, want := range []string{"waiting", "running", string(final)} {
			assert.Equal(t, want, polls[i].State)
			assert.Equal(t, i+1, polls[i].Poll)
			assert.Equal(t, int64(50), polls[i].Percent.Or(-1), "extra_info.common.progress")
			assert.Equal(t, i == 2, polls[i].Done)
		}
		assert.Equal(t, []int{1, 2, 3}, waits, "a wait before every poll")
		if final == cloudbackup.OperationStatusSuccess {
			assert.NoError(t, err)
			assert.Equal(t, "b1", log.ExtraInfo.Backup.BackupID)
			assert.Contains(t, log.ExtraInfo.Extra, "sync")
			continue
		}
		var opErr *cloudbackup.OperationError
		require.ErrorAs(t, err, &opErr, final)
		assert.Equal(t, final, opErr.Status)
		assert.Equal(t, "BackupService.6401", opErr.Code)
		assert.Equal(t, "cloudbackup: operation op-1 (backup) ended "+string(final)+" [BackupService.6401]: snapshot failed", err.Error())
	}
}

func TestOperationLogWaitStops(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs/op-1", httpmock.NewStringResponder(200, opLog("running")))
	mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs/gone", httpmock.NewStringResponder(404, `{"error_code":"BackupService.0010","error_msg":"no such task"}`))
	// Cancel once a poll has answered "running" (the second backoff runs
	// after it), so the test does not depend on how fast the first answer
	// arrives; the wait must not sit out the hour.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log, err := c.OperationLogs.Operation("op-1").Wait(ctx, cloudbackup.WaitBackoff(func(n int) time.Duration {
		if n == 1 {
			return 0
		}
		cancel()
		return time.Hour
	}))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, cloudbackup.ErrWaitStopped)
	assert.True(t, strings.HasPrefix(err.Error(), "cloudbackup: waiting for operation op-1: "), err.Error())
	require.NotNil(t, log, "the last state read")
	assert.Equal(t, cloudbackup.OperationStatusRunning, log.Status)

	_, err = c.OperationLogs.Operation("gone").Wait(context.Background(), cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff()))
	assert.True(t, cloudbackup.IsNotFound(err))
	def := cloudbackup.DefaultWaitBackoff()
	assert.Equal(t, 2*time.Second, def(1))
	assert.Equal(t, 3*time.Second, def(2))
	assert.Equal(t, 30*time.Second, def(50))

	_, err = (&cloudbackup.Operation{ID: "x"}).Wait(context.Background())
	assert.ErrorContains(t, err, "no client made")
	_, err = c.OperationLogs.Operation("").Wait(context.Background())
	assert.ErrorContains(t, err, "no ID")
}

func TestOperationLogsList(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs", rec.responder(200,
		`{"operation_logs":[{"id":"a","status":"success","operation_type":"restore","extra_info":{"restore":{"backup_id":"b","target_resource_id":"t"}}}],"count":1}`))
	page, err := c.OperationLogs.List(context.Background(), &cloudbackup.ListOperationLogsOptions{
		OperationType: cloudbackup.OperationTypeRestore, Status: cloudbackup.OperationStatusSuccess,
		StartTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("X", 3600)), ResourceID: "r", Limit: 10,
	})
	require.NoError(t, err)
	require.Len(t, page.OperationLogs, 1)
	assert.Equal(t, "t", page.OperationLogs[0].ExtraInfo.Restore.TargetResourceID)
	assert.Equal(t, url.Values{
		"operation_type": {"restore"}, "status": {"success"}, "start_time": {"2024-05-01T11:00:00Z"},
		"resource_id": {"r"}, "limit": {"10"},
	}, rec.reqs[0].URL.Query())
	var n int
	for l, err := range c.OperationLogs.All(context.Background(), nil) {
		require.NoError(t, err)
		assert.Equal(t, "a", l.ID)
		n++
	}
	assert.Equal(t, 1, n)
}

// TestLoggerGetsNoSecrets: debug records name calls and retries, never
// the token.
func TestLoggerGetsNoSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, cloudbackup.WithLogger(logger))
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(503, `{}`), httpmock.NewStringResponse(200, `{"backups":[]}`),
	}))
	_, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	out := buf.String()
	assert.Contains(t, out, "retrying")
	assert.NotContains(t, out, "tok-1")
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
