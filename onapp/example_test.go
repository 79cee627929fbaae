package onapp_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// startDemo starts the fake control panel with its demo data, its clock
// pinned so that the output below does not change.
func startDemo() *onapptest.Server {
	srv, err := onapptest.NewServer(onapptest.WithNow(func() time.Time {
		return time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

func Example() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		log.Fatal(err)
	}
	backups, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: onapptest.DemoVMFailing})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range backups {
		built := "not built"
		if t, ok := b.BuiltAt.Get(); ok {
			built = "built " + t.Format(time.DateTime)
		}
		fmt.Printf("%d %-11s %s (created %s)\n", b.ID.Int64, b.BackupType.Value, built, b.CreatedAt.Time.Format(time.DateTime))
	}
	// Output:
	// 9 normal      built 2024-01-07 12:06:00 (created 2024-01-07 12:00:00)
	// 10 normal      not built (created 2024-01-13 12:00:00)
	// 11 normal      not built (created 2024-01-14 12:00:00)
	// 12 incremental not built (created 2024-01-14 16:00:00)
}

func ExampleBackupsService_List_incremental() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.APIKey()))
	if err != nil {
		log.Fatal(err)
	}
	backups, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeIncremental})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range backups {
		fmt.Printf("backup %d of %s %d: %d kB, built %v at %s\n",
			b.ID.Int64, b.TargetType.Value, b.TargetID.Int64, b.BackupSize.Int64, b.IsBuilt(), b.BuiltAt.Time.Format(time.RFC3339))
	}
	// Output:
	// backup 1 of VirtualMachine 101: 1121652 kB, built true at 2024-01-14T10:03:00Z
	// backup 2 of VirtualMachine 101: 215044 kB, built true at 2024-01-15T10:02:00Z
}

func ExampleBackupsService_List_normal() {
	srv := startDemo()
	defer srv.Close()

	// The same calls speak Rails XML with WithFormat(onapp.XML).
	c, err := onapp.NewClient(srv.URL(),
		onapp.WithPassword(srv.User(), srv.Password()),
		onapp.WithFormat(onapp.XML))
	if err != nil {
		log.Fatal(err)
	}
	backups, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeNormal})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range backups {
		fmt.Printf("backup %d of disk %d: %d kB, initiated %s, note %q\n",
			b.ID.Int64, b.DiskID.Int64, b.BackupSize.Int64, b.Initiated.Value, b.Note.Or("(none)"))
	}
	// Output:
	// backup 3 of disk 1001: 310896 kB, initiated days, note "(none)"
	// backup 4 of disk 1002: 5242880 kB, initiated weeks, note "before upgrade"
}

func ExampleBackupsService_CreateIncremental() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Backups.CreateIncremental(context.Background(), onapptest.DemoVMNever,
		&onapp.CreateBackupOptions{Note: "before the upgrade"})
	if err != nil {
		// Never retried by the client: check the list before trying again.
		log.Fatal(err)
	}
	b := res.Backup
	if b == nil {
		// Scheduled, but the answer had no body: list the server's
		// incremental backups to find it, never create again.
		fmt.Println("scheduled, id not known yet")
		return
	}
	fmt.Println("scheduled backup", b.ID.Int64, "of", b.TargetType.Value, b.TargetID.Int64)
	fmt.Println("built:", b.IsBuilt(), "built_at present:", b.BuiltAt.Valid)
	fmt.Println("note:", b.Note.Value)
	// Output:
	// scheduled backup 13 of VirtualMachine 104
	// built: false built_at present: false
	// note: before the upgrade
}

func ExampleBackupsService_CreateNormal() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()), onapp.WithFormat(onapp.XML))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Backups.CreateNormal(context.Background(), onapptest.DemoDiskNever, nil)
	if err != nil {
		log.Fatal(err)
	}
	b := res.Backup
	if b == nil {
		fmt.Println("scheduled, id not known yet")
		return
	}
	fmt.Println("scheduled", b.BackupType.Value, "backup", b.ID.Int64, "of disk", b.DiskID.Int64, "built:", b.IsBuilt())
	// Output:
	// scheduled normal backup 13 of disk 1031 built: false
}

func ExampleIsNotFound() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Backups.Get(context.Background(), 4242)
	fmt.Println(onapp.IsNotFound(err))
	var apiErr *onapp.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Messages)
	}
	// Output:
	// true
	// 404 [Backup not found]
}

// OnApp has no call that lists every backup: list the virtual servers,
// then the backups of each.
func ExampleVirtualMachinesService_List() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	vms, err := c.VirtualMachines.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, vm := range vms {
		backups, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: vm.ID.Int64})
		if err != nil {
			log.Fatal(err)
		}
		built, newest := 0, "never"
		var newestAt time.Time
		for _, b := range backups {
			if b.IsBuilt() {
				built++
				if b.BuiltAt.Time.After(newestAt) {
					newestAt = b.BuiltAt.Time
					newest = newestAt.Format(time.DateTime)
				}
			}
		}
		fmt.Printf("%d %-8s %-21s booted=%-5v %d backups, %d built, newest %s\n",
			vm.ID.Int64, vm.Label.Value, vm.Hostname.Value, vm.Booted.Bool, len(backups), built, newest)
	}
	// Output:
	// 101 web-01   web-01.demo.example   booted=true  4 backups, 4 built, newest 2024-01-15 10:02:00
	// 102 db-01    db-01.demo.example    booted=true  4 backups, 4 built, newest 2024-01-10 12:08:00
	// 103 mail-01  mail-01.demo.example  booted=true  4 backups, 1 built, newest 2024-01-07 12:06:00
	// 104 build-01 build-01.demo.example booted=false 0 backups, 0 built, newest never
}

func ExampleDisksService_List() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()), onapp.WithFormat(onapp.XML))
	if err != nil {
		log.Fatal(err)
	}
	disks, err := c.Disks.List(context.Background(), onapptest.DemoVMRecent)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range disks {
		fmt.Printf("disk %d of server %d: %-13s %2d GB primary=%-5v swap=%-5v mounted on %s\n",
			d.ID.Int64, d.VirtualMachineID.Int64, d.Label.Value, d.DiskSize.Int64, d.Primary.Bool, d.IsSwap.Bool, d.MountPoint.Or("-"))
	}
	// Output:
	// disk 1001 of server 101: web-01 system 20 GB primary=true  swap=false mounted on -
	// disk 1002 of server 101: web-01 data   50 GB primary=false swap=false mounted on /srv
	// disk 1003 of server 101: web-01 swap    2 GB primary=false swap=true  mounted on -
}

// A new backup is scheduled, not built: Wait polls it until it is, and
// reports each poll.
func ExampleCreateResult_Wait() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()),
		onapp.WithWaitBackoff(onapp.ExponentialBackoff(time.Millisecond, 10*time.Millisecond)))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
	if err != nil {
		log.Fatal(err)
	}
	id, _ := res.ID()
	b, err := res.Wait(ctx, onapp.WaitProgress(func(p onapp.Progress) {
		fmt.Printf("poll %d: %s\n", p.Poll, p.State)
		if p.Poll == 1 {
			_ = srv.MarkBuilt(id, 2048) // here the control panel's transaction runs
		}
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("backup", b.ID, "built", b.Built, "size", b.BackupSize, "kB")
	// Output:
	// poll 1: built: false
	// poll 2: built: true
	// backup 13 built true size 2048 kB
}

// A successful call's request id, for a support ticket.
func ExampleWithResponseInfo() {
	srv := startDemo()
	defer srv.Close()

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
	if err != nil {
		log.Fatal(err)
	}
	var info onapp.ResponseInfo
	b, err := c.Backups.Get(onapp.WithResponseInfo(context.Background(), &info), 4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("backup", b.ID, "note", b.Note)
	fmt.Println("status", info.StatusCode, "request id", info.RequestID)
	// Output:
	// backup 4 note before upgrade
	// status 200 request id req-000001
}
