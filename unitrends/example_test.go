package unitrends_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// A filtered backups query against the fake appliance: the incremental
// backups of the last two days.
func ExampleBackupsService_List() {
	now := time.Date(2024, time.March, 14, 15, 0, 0, 0, time.UTC)
	srv, err := unitrendstest.NewServer(unitrendstest.WithNow(func() time.Time { return now }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	defer func() { _ = c.Logout(ctx) }()

	backups, err := c.Backups.List(ctx, &unitrends.ListBackupsOptions{
		Types:     []string{"Incremental"},
		StartTime: now.Add(-48 * time.Hour),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range backups {
		fmt.Printf("%2d %-8s %-7s %s %s\n", b.ID.Int64, b.ClientName, b.Status,
			b.StartDateTime.Time.Format("Jan 2 15:04"), b.Duration)
	}
	// Output:
	//  7 file01   Failure Mar 13 12:00 28s
	//  2 web01    Success Mar 13 13:00 3m10s
	// 10 vm-app01 Warning Mar 14 09:00 6m40s
	//  8 file01   Failure Mar 14 12:00 31s
	//  3 web01    Success Mar 14 13:00 2m5s
}

// An appliance with a self-signed certificate: trust that certificate.
// The fake hands it out as PEM, as a user would export it from the
// appliance; WithCACertFile reads the same from a file.
func ExampleWithCACertPEM() {
	srv, err := unitrendstest.NewServer(unitrendstest.WithTLS())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := unitrends.NewClient(srv.URL(),
		unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithCACertPEM(srv.CertPEM()))
	if err != nil {
		fmt.Println(err)
		return
	}
	systems, err := c.Systems.List(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range systems {
		fmt.Println(s.ID.Int64, s.Name, s.Role.Value)
	}
	// Output:
	// 1 ueb-primary Managed
	// 2 ueb-dr Replication Target
}

// Start times are printed by the appliance in its own zone; tell the
// client which, and the times come out right. Here the appliance runs on
// New York time (fixed at UTC-4 for the example).
func ExampleWithTimeZone() {
	newYork := time.FixedZone("EDT", -4*3600)
	now := time.Date(2024, time.March, 14, 15, 0, 0, 0, time.UTC)
	srv, err := unitrendstest.NewServer(
		unitrendstest.WithNow(func() time.Time { return now }),
		unitrendstest.WithTimeZone(newYork))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := unitrends.NewClient(srv.URL(),
		unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithTimeZone(newYork))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := c.Backups.Get(context.Background(), 3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.StartDateTime.Text)
	fmt.Println(b.StartDateTime.Time.UTC().Format(time.RFC3339))
	// Output:
	// 03/14/2024 09:00 am
	// 2024-03-14T13:00:00Z
}

// The request id of a successful call, for a support ticket: pass a
// context from WithResponseInfo. Appliances send no request id of their
// own; a proxy in front of one may (here the test's stand-in for it).
func ExampleWithResponseInfo() {
	srv, err := unitrendstest.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	target, err := url.Parse(srv.URL())
	if err != nil {
		fmt.Println(err)
		return
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-4711")
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	c, err := unitrends.NewClient(proxy.URL, unitrends.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		fmt.Println(err)
		return
	}
	var info unitrends.ResponseInfo
	systems, err := c.Systems.List(unitrends.WithResponseInfo(context.Background(), &info))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(systems), "systems")
	fmt.Println(info.StatusCode, info.RequestID)
	fmt.Println(info.Requests, "requests: the login and the call")
	// Output:
	// 2 systems
	// 200 req-4711
	// 2 requests: the login and the call
}

// Values print as what the appliance sent; what it left out or sent as
// "n/a" prints as (absent), never as a made-up zero.
func ExampleBackup_values() {
	var b unitrends.Backup
	err := json.Unmarshal([]byte(`{"id": 4, "client_name": "web01", "status": "Successful",
		"duration": "00:02:05", "size": "n/a", "replication_status": "N/A",
		"start_date_time": "03/14/2024 09:00 am", "region": "eu"}`), &b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.ID, b.ClientName, b.Status, b.Duration, b.StartDateTime)
	fmt.Println(b.SizeMB, b.ReplicationStatus, b.Files)
	fmt.Println(b.Extra["region"])
	// Output:
	// 4 web01 Success 2m5s 2024-03-14T09:00:00
	// (absent) (absent) (absent)
	// "eu"
}
