package unitrends_test

import (
	"context"
	"fmt"
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
