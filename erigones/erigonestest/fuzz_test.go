package erigonestest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/erigones/erigonestest"
)

// FuzzServe sends arbitrary requests to the fake: every one must get an
// HTTP answer (a panic in a handler would drop the connection instead).
func FuzzServe(f *testing.F) {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return t0 }), erigonestest.WithTaskPolls(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	hc := srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	seeds := []struct {
		method uint8
		path   string
		body   string
		key    bool
	}{
		{0, "vm/web01.example.com/backup/?full=1&order_by=-size,name", "", true},
		{0, "vm/define/backup/?extended=true&dc=lab", "", true},
		{1, "vm/web01.example.com/define/backup/x1/", `{"node": "node99.example.com", "schedule": "1 2 3 4 5", "retention": "3", "bwlimit": null}`, true},
		{2, "vm/web01.example.com/define/backup/daily/", `{"bwlimit": "x", "active": "maybe", "compression": 7, "desc": 5}`, true},
		{1, "vm/web01.example.com/backup/daily/", `{"disk_id": "2", "note": "n"}`, true},
		{2, "vm/web01.example.com/backup/daily-20240301_100000/", `{"target_hostname_or_uuid": "app01.example.com", "target_disk_id": "1", "force": "false"}`, true},
		{3, "vm/web01.example.com/backup/", `{"bkpnames": ["a", 1, null], "disk_id": []}`, true},
		{3, "vm/app01.example.com/backup/daily-20240301_090000/", `{}`, true},
		{0, "node/node99.example.com/backup/?vm=&define=daily&disk_id=-1", "", true},
		{0, "task/1e1d1-00000000-0000-4000-0000/status/", "", true},
		{2, "task/1e1d1-00000000-0000-4000-0000/cancel/", `{"dc": "main"}`, true},
		{1, "accounts/login/", `{"username": {}, "password": []}`, false},
		{0, "accounts/logout/", "", false},
		{4, "vm/%2e%2e/backup/%2F/", "[", true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.key)
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions}
	f.Fuzz(func(t *testing.T, method uint8, path, body string, key bool) {
		u, err := url.Parse(srv.URL() + "/api/" + path)
		if err != nil || u.Host == "" || !strings.HasPrefix(u.String(), srv.URL()+"/api/") {
			return
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], u.String(), strings.NewReader(body))
		if err != nil {
			return
		}
		if key {
			req.Header.Set("ES-API-KEY", srv.APIKey())
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s %q: no answer: %v", req.Method, u, body, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q: %s", req.Method, u, body, resp.Status)
		}
	})
}
