package core_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

func TestExpandPath(t *testing.T) {
	t.Parallel()
	ok := []struct {
		tmpl   string
		params []string
		want   string
	}{
		{"/vm/{host}/backup/", []string{"web01.example.com"}, "/vm/web01.example.com/backup/"},
		{"/vm/{host}/backup/", []string{"a/../b"}, "/vm/a%2F..%2Fb/backup/"},
		{"/vm/{host}/backup/", []string{"x?y#z"}, "/vm/x%3Fy%23z/backup/"},
		{"/vm/{host}/backup/", []string{"sp ace%"}, "/vm/sp%20ace%25/backup/"},
		{"/backups/{id}/restore.json", []string{"698"}, "/backups/698/restore.json"},
		{"/a/{x}/b/{y}", []string{"1", "2"}, "/a/1/b/2"},
		{"/static", nil, "/static"},
	}
	for _, c := range ok {
		got, err := core.ExpandPath(c.tmpl, c.params...)
		require.NoError(t, err, c.tmpl)
		assert.Equal(t, c.want, got)
	}
	bad := []struct {
		tmpl   string
		params []string
		says   string
	}{
		{"/vm/{host}/", []string{""}, "host is empty"},
		{"/vm/{host}/", []string{" "}, "host is empty"},
		{"/vm/{host}/", []string{".."}, `host is ".."`},
		{"/vm/{host}/", []string{"."}, `host is "."`},
		{"/vm/{host}/", nil, "no value for {host}"},
		{"/vm/{host}/", []string{"a", "b"}, "2 values for 1 placeholders"},
		{"/vm/{host/", []string{"a"}, "unclosed"},
	}
	for _, c := range bad {
		_, err := core.ExpandPath(c.tmpl, c.params...)
		require.ErrorIs(t, err, core.ErrInvalidPathParam, c.tmpl)
		assert.Contains(t, err.Error(), c.says)
	}
}

// TestEscapedPathsReachTheServer checks over a real socket that a hostile
// parameter stays one path segment and the base path is kept.
func TestEscapedPathsReachTheServer(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.EscapedPath() + "?" + r.URL.RawQuery)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/api/v1/")
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/vm/{host}/backup/", PathParams: []string{"a/../b?x=1"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/vm/a%2F..%2Fb%3Fx=1/backup/?", got.Load())

	_, err = c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/vm/{host}/", PathParams: []string{".."}}, nil)
	require.ErrorIs(t, err, core.ErrInvalidPathParam)
	assert.Contains(t, err.Error(), "test: GET /vm/{host}/")
}

// TestQueryIsRFC3986: a query reaches the server with a space as %20 and a
// plus sign as %2B, and decodes back to the values sent; the URL in errors
// is written the same way.
func TestQueryIsRFC3986(t *testing.T) {
	t.Parallel()
	var raw, decoded atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw.Store(r.URL.RawQuery)
		decoded.Store(r.URL.Query())
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	q := url.Values{"name": {"my backup+1/ü~"}, "status": {"error", "available"}, "a_b": {"x.y-z"}}
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/backups", Query: q}, nil)
	var apiErr *core.APIError
	require.ErrorAs(t, err, &apiErr)
	const want = "a_b=x.y-z&name=my%20backup%2B1%2F%C3%BC~&status=error&status=available"
	assert.Equal(t, want, raw.Load(), "sorted names, values in their order, RFC 3986 escapes")
	assert.Equal(t, q, decoded.Load())
	assert.Equal(t, want, core.EncodeQueryString(q))
	assert.NotContains(t, apiErr.URL, "+")
	assert.Contains(t, apiErr.URL, "name=my%20backup%2B1")
}

type listOptions struct {
	Status   []string  `url:"status,omitempty"`
	Limit    int       `url:"limit,omitempty"`
	Offset   int       `url:"offset,omitempty"`
	Full     bool      `url:"full,omitempty"`
	Since    time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05Z"`
	Epoch    time.Time `url:"end_time,omitempty,unix"`
	Name     *string   `url:"name,omitempty"`
	Verified bool      `url:"verified,int"`
}

func TestEncodeQuery(t *testing.T) {
	t.Parallel()
	name := "daily db"
	q, err := core.EncodeQuery(&listOptions{
		Status: []string{"available", "error"},
		Limit:  1000,
		Since:  time.Date(2018, 2, 1, 12, 0, 0, 0, time.UTC),
		Epoch:  time.Date(2014, 11, 14, 13, 20, 0, 0, time.UTC),
		Name:   &name,
	})
	require.NoError(t, err)
	assert.Equal(t, "end_time=1415971200&limit=1000&name=daily+db&start_time=2018-02-01T12%3A00%3A00Z&status=available&status=error&verified=0", q.Encode())

	q, err = core.EncodeQuery(&listOptions{Full: true})
	require.NoError(t, err)
	assert.Equal(t, "full=true&verified=0", q.Encode(), "zero values are omitted; a true flag is sent")

	q, err = core.EncodeQuery((*listOptions)(nil))
	require.NoError(t, err)
	assert.Empty(t, q)
	q, err = core.EncodeQuery(nil)
	require.NoError(t, err)
	assert.Empty(t, q)

	_, err = core.EncodeQuery(42)
	assert.Error(t, err, "only structs encode")
}

func TestRequestShapeOverHTTPMock(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var seen *http.Request
	var seenBody string
	mt.RegisterResponder(http.MethodPost, "https://api.example.com/base/things/a%2Fb",
		func(r *http.Request) (*http.Response, error) {
			seen = r
			b, _ := io.ReadAll(r.Body)
			seenBody = string(b)
			return httpmock.NewStringResponse(201, `{"id":"n1"}`), nil
		})
	c := newClient(t, "https://api.example.com/base", func(cfg *core.Config) {
		cfg.HTTPClient = &http.Client{Transport: mt}
		cfg.UserAgent = "myapp/2.0"
		cfg.Header = http.Header{"X-Extra": {"1"}}
		cfg.Auth = core.HeaderAuth{Name: "X-Auth-Token", Value: core.NewSecret("tok")}
	})
	var out struct {
		ID string `json:"id"`
	}
	resp, err := c.Do(context.Background(), &core.Request{
		Kind: core.Write, Method: http.MethodPost, Path: "/things/{id}", PathParams: []string{"a/b"},
		Query: map[string][]string{"dc": {"main"}}, Body: map[string]any{"note": "hi"},
		Header: http.Header{"X-Call": {"2"}},
	}, &out)
	require.NoError(t, err)
	assert.Equal(t, "n1", out.ID)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotNil(t, seen)
	assert.Equal(t, "dc=main", seen.URL.RawQuery)
	assert.Equal(t, "backupsdk/"+core.Version+" test myapp/2.0", seen.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", seen.Header.Get("Accept"))
	assert.Equal(t, "application/json; charset=utf-8", seen.Header.Get("Content-Type"))
	assert.Equal(t, "tok", seen.Header.Get("X-Auth-Token"))
	assert.Equal(t, "1", seen.Header.Get("X-Extra"))
	assert.Equal(t, "2", seen.Header.Get("X-Call"))
	assert.JSONEq(t, `{"note":"hi"}`, seenBody)
}

func TestXMLRequestAndResponse(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	var ct, accept, body string
	mt.RegisterResponder(http.MethodPost, "http://onapp.test/backups.xml", func(r *http.Request) (*http.Response, error) {
		ct, accept = r.Header.Get("Content-Type"), r.Header.Get("Accept")
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		return httpmock.NewStringResponse(201, `<?xml version="1.0"?><backup><id type="integer">5</id></backup>`), nil
	})
	c := newClient(t, "http://onapp.test", func(cfg *core.Config) { cfg.HTTPClient = &http.Client{Transport: mt} })
	type backup struct {
		XMLName struct{} `xml:"backup"`
		ID      int      `xml:"id,omitempty"`
		Note    string   `xml:"note,omitempty"`
	}
	var out backup
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Write, Method: http.MethodPost, Path: "/backups.xml", Format: core.XML, Body: backup{Note: "n"}}, &out)
	require.NoError(t, err)
	assert.Equal(t, 5, out.ID)
	assert.Equal(t, "application/xml; charset=utf-8", ct)
	assert.Equal(t, "application/xml", accept)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<backup><note>n</note></backup>", body)
}

func TestBaseURLValidation(t *testing.T) {
	t.Parallel()
	for raw, says := range map[string]string{
		"":                      "empty",
		"onapp.example.com":     "scheme",
		"ftp://x":               "scheme",
		"http://":               "no host",
		"https://user:pw@host/": "credentials",
		"https://host/api?x=1":  "query",
		"https://host/#frag":    "fragment",
		"http://[::1":           "missing ']'",
	} {
		_, err := core.New(core.Config{Provider: "test", BaseURL: raw})
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), says, raw)
		assert.NotContains(t, err.Error(), "pw@", "no credentials echoed")
	}
	c, err := core.New(core.Config{Provider: "test", BaseURL: " https://host/api/ "})
	require.NoError(t, err)
	assert.Equal(t, "https://host/api", c.BaseURL())
	_, err = core.New(core.Config{BaseURL: "https://host"})
	assert.ErrorContains(t, err, "Provider")
}

// errorShapes are the error bodies of the four APIs.
var errorShapes = []struct {
	name   string
	status int
	ct     string
	body   string
}{
	{"onapp_errors_array", 422, "application/json", `{"errors":["Note is too long","Disk is locked"]}`},
	{"onapp_errors_field_map", 422, "application/json", `{"errors":{"label":["can't be blank"],"min_disk_size":["must be greater than 0"]}}`},
	{"onapp_error_string", 404, "application/json", `{"error":"Resource not found"}`},
	{"onapp_bare_array", 422, "application/json", `["Backup is being built"]`},
	{"onapp_xml_errors", 422, "application/xml", `<?xml version="1.0" encoding="UTF-8"?><errors><error>Note is too long</error><error>Disk is locked</error></errors>`},
	{"onapp_html_500", 500, "text/html", "<!DOCTYPE html>\n<html><head><title>We're sorry, but something went wrong (500)</title></head><body><h1>Oops</h1></body></html>"},
	{"erigones_failure_fields", 400, "application/json", `{"status":"FAILURE","result":{"name":["This field is required."],"retention":["Ensure this value is greater than or equal to 1."]},"task_id":"1e1-6f75849b"}`},
	{"erigones_detail", 409, "application/json", `{"detail":"Task is already running"}`},
	{"erigones_login_detail_fields", 400, "application/json", `{"detail":{"username":["This field is required."],"password":["This field is required."]}}`},
	{"erigones_result_detail", 423, "application/json", `{"status":"FAILURE","result":{"detail":"Node is locked"},"task_id":"x"}`},
	{"unitrends_result_list", 500, "application/json", `{"result":[{"message":"Your session has expired or is invalid","code":-1}]}`},
	{"unitrends_status_message", 401, "application/json", `{"status":401,"message":"Unauthorized"}`},
	{"unitrends_error_number", 500, "application/json", `{"error":500,"message":"Internal error"}`},
	{"cbr_error", 404, "application/json", `{"error_code":"BackupService.6302","error_msg":"Backup not found"}`},
	{"cbr_apigw_throttled", 429, "application/json", `{"error_code":"APIGW.0308","error_msg":"The request is being throttled","request_id":"c3a1f2"}`},
	{"nested_error_object", 400, "application/json", `{"error":{"code":"InvalidParam","message":"limit must be 1-1000"}}`},
	{"plain_text", 502, "text/plain", "Bad Gateway\n"},
	{"empty", 503, "", ""},
	{"truncated_json", 500, "application/json", `{"errors":["half`},
}

func TestErrorBodyShapes(t *testing.T) {
	t.Parallel()
	got := map[string]*core.APIError{}
	for _, s := range errorShapes {
		e := core.NewAPIError("test", http.MethodGet, "https://api.example.com/x?token=abc", s.status,
			http.Header{"Content-Type": {s.ct}}, []byte(s.body))
		assert.Equal(t, strings.Join(e.Messages, "; "), e.Message, s.name)
		if s.body != "" {
			assert.NotEmpty(t, e.Messages, "%s: a message is kept", s.name)
		}
		e.Body = "" // the golden file shows what was parsed; Body is the raw text
		got[s.name] = e
	}
	golden.AssertJSON(t, "error_shapes", got)
}

func TestAPIErrorPredicates(t *testing.T) {
	t.Parallel()
	mk := func(status int) error {
		return &core.TransportError{Err: core.NewAPIError("t", "GET", "http://h/x", status, http.Header{}, nil)}
	}
	assert.True(t, core.IsNotFound(mk(404)))
	assert.True(t, core.IsUnauthorized(mk(401)))
	assert.True(t, core.IsForbidden(mk(403)))
	assert.True(t, core.IsConflict(mk(409)))
	assert.True(t, core.IsRateLimited(mk(429)))
	assert.True(t, core.HasStatus(mk(423), 412, 423))
	assert.False(t, core.IsNotFound(mk(500)))
	assert.False(t, core.IsNotFound(io.EOF))
	assert.False(t, core.IsNotFound(nil))
	e := core.NewAPIError("t", "GET", "http://h/x", 404, http.Header{}, []byte(`{"error_code":"BackupService.6302"}`))
	assert.True(t, core.HasCode(e, "BackupService.6302"))
}

func TestUndecodableBodies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ct, body string
	}{
		{"html page with 200", "text/html", "<html><head><title>Login</title></head><body>please log in</body></html>"},
		{"truncated json", "application/json", `{"backups":[{"id":1},{"id":`},
		{"wrong type", "application/json", `{"backups":"none"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, "http://h/backups", func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(200, tc.body)
				r.Header.Set("Content-Type", tc.ct)
				return r, nil
			})
			c := newClient(t, "http://h", func(cfg *core.Config) { cfg.HTTPClient = &http.Client{Transport: mt} })
			var out struct {
				Backups []struct {
					ID int `json:"id"`
				} `json:"backups"`
			}
			_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/backups"}, &out)
			var de *core.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 200, de.StatusCode)
			assert.Equal(t, tc.ct, de.ContentType)
			assert.Contains(t, err.Error(), "200")
			assert.Contains(t, err.Error(), tc.ct)
			assert.Equal(t, tc.body, de.Snippet, "the start of the body is kept")
			assert.Contains(t, err.Error(), "body starts", "and shown")
			assert.NotNil(t, de.Unwrap())
		})
	}
}

func TestHTMLErrorPageBecomesAPIError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>nginx</p></body></html>")
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, &struct{}{})
	assert.True(t, core.IsNotFound(err))
	ae, _ := core.AsAPIError(err)
	require.NotNil(t, ae)
	assert.Equal(t, "404 Not Found", ae.Message)
	assert.Contains(t, ae.Body, "nginx")
}

func TestOversizedBodyIsAnError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `["`+strings.Repeat("x", 2000)+`"]`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.MaxResponseBytes = 1000 })
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	var te *core.TransportError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "exceeds 1000 bytes")
}

// TestConnectionReuse checks that every response body is drained and closed:
// 200 sequential calls, half answering 404 with a body, and a run of
// exhausted retries, all travel over one TCP connection.
func TestConnectionReuse(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/busy":
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"message":"busy"}`)
		case n.Add(1)%2 == 0:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"errors":["`+strings.Repeat("not here ", 50)+`"]}`)
		default:
			_, _ = io.WriteString(w, `{"id":1,"name":"`+strings.Repeat("b", 500)+`"}`)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *core.Config) { cfg.HTTPClient = calltest.OneConnectionClient() })
	notFound := 0
	for range 200 {
		var out map[string]any
		_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, &out)
		if err != nil {
			require.True(t, core.IsNotFound(err), err)
			notFound++
		}
	}
	// Exhausted retries make go-retryablehttp close idle connections of the
	// client it is given; the caller's pool must survive that.
	_, err := c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/busy"}, nil)
	require.True(t, core.HasStatus(err, 503))
	_, err = c.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.NoError(t, err)

	assert.Equal(t, 100, notFound)
	assert.LessOrEqual(t, conns.Load(), int64(3), "TCP connections opened for 200 calls (one each without reuse)")
}
