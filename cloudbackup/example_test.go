package cloudbackup_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
)

// exampleNow pins the fake's clock so that the output below is stable.
func exampleNow() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }

// Connect with a token and list the first page of backups. The fake
// stands in for https://cbr.<region>.myhuaweicloud.com.
func Example() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Count, "backups; newest:", page.Backups[0].ResourceName, page.Backups[0].Status)
	// Output: 13 backups; newest: data-vol-01 protecting
}

// Walk every backup that failed or is still running, oldest first, with
// the filters sent to the server and the pages fetched as the loop goes.
func ExampleBackupsService_All() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	opts := &cloudbackup.ListBackupsOptions{
		Status:    []cloudbackup.BackupStatus{cloudbackup.BackupStatusError, cloudbackup.BackupStatusProtecting},
		StartTime: exampleNow().Add(-48 * time.Hour),
		Sort:      cloudbackup.Sort(cloudbackup.Asc(cloudbackup.SortByCreatedAt)),
	}
	for b, err := range client.Backups.All(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-12s %-10s %s\n", b.ResourceName, b.Status, b.CreatedAt.Time.Format(time.DateTime))
	}
	// Output:
	// app-02       error      2024-04-30 10:00:00
	// app-02       error      2024-05-01 10:00:00
	// data-vol-01  protecting 2024-05-01 11:50:00
}

// List one page of disk backups in a vault; Count is the total.
func ExampleBackupsService_List() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{
		ResourceType: cloudbackup.ResourceTypeVolume,
		Limit:        2,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d of %v disk backups\n", len(page.Backups), page.Count)
	for _, b := range page.Backups {
		fmt.Println(b.ResourceName, b.Status, b.ResourceSize.Or(0), "GB", "encrypted:", b.ExtendInfo.Encrypted.Or(false))
	}
	// Output:
	// 2 of 3 disk backups
	// data-vol-01 protecting 200 GB encrypted: true
	// data-vol-01 available 200 GB encrypted: true
}

// Log in as an IAM user: the token is fetched on the first call, cached,
// and renewed before it expires.
func ExampleWithPassword() {
	srv, err := cloudbackuptest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()))
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		if _, err := client.Vaults.List(context.Background(), nil); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("logins:", srv.Logins())
	// Output:
	// logins: 1
}

// Sign with a temporary access key and its security token, as an IAM
// agency gets them.
func ExampleWithTemporaryAccessKey() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithSignatureCheck())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithTemporaryAccessKey(srv.TemporaryAccessKey(), srv.TemporarySecretKey(), srv.SecurityToken()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Vaults.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("vaults:", page.Count)
	// Output:
	// vaults: 3
}

// Back up a server now and wait for its checkpoint to turn available,
// with a line per poll.
func ExampleCheckpoint_Wait() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()),
		cloudbackup.WithWaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond))) // the fake is quick
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	demo := srv.Demo()

	cp, err := client.Checkpoints.Create(ctx, demo.ServerVaultID, &cloudbackup.CreateCheckpointOptions{
		Name:      "before-upgrade",
		Resources: []string{demo.StaleServer.ID},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", cp.Status)
	done, err := cp.Wait(ctx, cloudbackup.WaitProgress(func(p cloudbackup.Progress) {
		fmt.Printf("poll %d: %s (done: %v)\n", p.Poll, p.State, p.Done)
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checkpoint", done.Status)
	// Output:
	// created: protecting
	// poll 1: protecting (done: false)
	// poll 2: protecting (done: false)
	// poll 3: available (done: true)
	// checkpoint available
}

// Wait for a backup task found in the operation logs; a task that fails
// comes back with an *OperationError.
func ExampleOperation_Wait() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	demo := srv.Demo()
	fast := cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond))

	task, err := client.OperationLogs.Operation(demo.RunningOperationID).Wait(ctx, fast,
		cloudbackup.WaitProgress(func(p cloudbackup.Progress) { fmt.Println(p.State, p.Percent, "%") }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.OperationType, task.Status)

	_, err = client.OperationLogs.Operation(demo.FailedOperationID).Wait(ctx, fast)
	var opErr *cloudbackup.OperationError
	if errors.As(err, &opErr) {
		fmt.Println(opErr.Status, opErr.Code)
	}
	// Output:
	// running 33 %
	// running 66 %
	// success 100 %
	// backup success
	// failed BackupService.6401
}

// Restore a disk backup and wait for the restore task the answer names.
func ExampleRestoreResult_Wait() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	demo := srv.Demo()

	res, err := client.Backups.Restore(ctx, demo.VolumeBackupID, cloudbackup.VolumeRestore(demo.Volume.ID))
	if err != nil {
		log.Fatal(err)
	}
	task, err := res.Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.OperationType, task.Status, task.ExtraInfo.Restore.TargetResourceID == demo.Volume.ID)
	// Output:
	// restore success true
}

// Keep CBR's request id of a successful call, for a support ticket.
func ExampleWithResponseInfo() {
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(exampleNow))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	if err != nil {
		log.Fatal(err)
	}
	var info cloudbackup.ResponseInfo
	ctx := cloudbackup.WithResponseInfo(context.Background(), &info)
	if _, err := client.Backups.Get(ctx, srv.Demo().FreshBackupID); err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.StatusCode, info.RequestID != "", info.Attempts)
	// Output:
	// 200 true 1
}

func ExampleSort() {
	fmt.Println(cloudbackup.Sort(cloudbackup.Desc(cloudbackup.SortByCreatedAt), cloudbackup.Asc(cloudbackup.SortByName)))
	// Output: created_at:desc,name:asc
}
