package erigones_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
)

// exampleNow pins the fake's clock so that names and times are stable.
var exampleNow = time.Date(2024, time.March, 1, 12, 0, 0, 0, time.UTC)

func ExampleBackupsService_List() {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return exampleNow }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := erigones.NewClient(srv.URL(), erigones.WithAPIKey(srv.APIKey()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	backups, err := c.Backups.List(ctx, erigonestest.FreshVM, nil) // newest first
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range backups {
		fmt.Printf("%s disk %d %s %s %d bytes\n", b.Name, b.DiskID.Or(0), b.Status, b.Created.Time.Format(time.RFC3339), b.Size.Or(0))
	}
	names, err := c.Definitions.ListNames(ctx, erigonestest.FreshVM, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("definitions:", names)
	// Output:
	// hourly-20240301_110000 disk 2 ok 2024-03-01T11:00:00Z 5368774656 bytes
	// daily-20240301_100000 disk 1 ok 2024-03-01T10:00:00Z 1073803264 bytes
	// daily-20240229_100000 disk 1 ok 2024-02-29T10:00:00Z 1073790976 bytes
	// daily-20240228_100000 disk 1 ok 2024-02-28T10:00:00Z 1073782784 bytes
	// definitions: [hourly daily]
}

func ExampleBackupsService_Create() {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return exampleNow }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := erigones.NewClient(srv.URL(),
		erigones.WithPassword(srv.User(), srv.Password()),
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(10*time.Millisecond)), // the default waits 1, 3, 6, 12, 30 … seconds
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", &erigones.CreateBackupOptions{Note: "before upgrade"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("started:", task.Initial().Status)
	res, err := task.Wait(ctx)
	var failed *erigones.TaskFailedError
	switch {
	case errors.As(err, &failed):
		fmt.Println("backup failed:", failed.Messages)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Output().Message)

	// The task's result does not name the backup; Created finds it.
	b, err := c.Backups.Created(ctx, task)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Name, b.Status, b.Note.Or(""))
	fmt.Println(c.Logout(ctx))
	// Output:
	// started: PENDING
	// SUCCESS Backup successfully created
	// daily-20240301_120000 ok before upgrade
	// <nil>
}

func ExampleBackupsService_CreateAndWait() {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return exampleNow }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := erigones.NewClient(srv.URL(), erigones.WithAPIKey(srv.APIKey()),
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(10*time.Millisecond)))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, res, err := c.Backups.CreateAndWait(ctx, erigonestest.FreshVM, "hourly", &erigones.CreateBackupOptions{DiskID: 2})
	var ambiguous *erigones.CreatedBackupError
	switch {
	case errors.As(err, &ambiguous):
		fmt.Println("the task succeeded, but which backup is it?", ambiguous.Candidates)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, b.Name, b.DiskID.Or(0), b.Status)
	// Output:
	// SUCCESS hourly-20240301_120000 2 ok
}

func ExampleTask_Wait() {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return exampleNow }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := erigones.NewClient(srv.URL(), erigones.WithAPIKey(srv.APIKey()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := task.Wait(ctx,
		// This wait polls every 10 ms; the client's default is the es
		// client's 1, 3, 6, 12, 30, 30 … seconds (WithWaitBackoff).
		erigones.WaitBackoff(erigones.ScheduleBackoff(10*time.Millisecond)),
		erigones.WaitProgress(func(p erigones.Progress) {
			fmt.Printf("poll %d: %s (done %t)\n", p.Poll, p.State, p.Done)
		}))
	switch {
	case errors.Is(err, erigones.ErrWaitStopped):
		fmt.Println("gave up; the task goes on on the server:", err)
		return
	case err != nil:
		fmt.Println(err) // *erigones.TaskFailedError, *erigones.TaskRevokedError, …
		return
	}
	fmt.Println(res.Status, res.Output().Message)
	// Output:
	// poll 1: STARTED (done false)
	// poll 2: SUCCESS (done true)
	// SUCCESS Backup successfully created
}

func ExampleWithResponseInfo() {
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return exampleNow }))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := erigones.NewClient(srv.URL(), erigones.WithAPIKey(srv.APIKey()))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Each call that needs its answer's details gets its own info.
	var info erigones.ResponseInfo
	ctx := erigones.WithResponseInfo(context.Background(), &info)
	names, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(names), "backups")
	// RequestID is the id a proxy or server put in the answer's headers
	// (X-Request-Id and the like), for a support ticket; this fake sends none.
	fmt.Printf("status %d, %d attempt(s), request id %q\n", info.StatusCode, info.Attempts, info.RequestID)
	// Output:
	// 4 backups
	// status 200, 1 attempt(s), request id ""
}
