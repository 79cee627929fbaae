package onapp_test

import (
	"context"
	"testing"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/onapp"
)

// calls is every exported call of the package that does I/O, with what it
// is. TestCallTable fails when a new call is missing here.
func calls() []calltest.Call {
	client := func(baseURL string) (*onapp.Client, error) {
		return onapp.NewClient(baseURL, onapp.WithPassword(user, "key"), onapp.WithRetryPolicy(calltest.Retry))
	}
	call := func(name string, kind core.Kind, do func(context.Context, *onapp.Client) error) calltest.Call {
		return calltest.Call{Name: name, Kind: kind, Do: func(ctx context.Context, baseURL string) error {
			c, err := client(baseURL)
			if err != nil {
				return err
			}
			return do(ctx, c)
		}}
	}
	return []calltest.Call{
		call("BackupsService.List", core.Read, func(ctx context.Context, c *onapp.Client) error {
			// Each route of List is one read; the VM and disk route
			// stands for them here (TestEveryCallOnTheWire checks each path).
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, DiskID: 3})
			return err
		}),
		call("BackupsService.Get", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.Get(ctx, 2001)
			return err
		}),
		call("BackupsService.CreateNormal", core.Write, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.CreateNormal(ctx, 3, &onapp.CreateBackupOptions{Note: "n"})
			return err
		}),
		call("BackupsService.CreateIncremental", core.Write, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.CreateIncremental(ctx, 74, nil)
			return err
		}),
		call("BackupsService.Restore", core.Write, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.Restore(ctx, 2001)
			return err
		}),
		call("BackupsService.Delete", core.Write, func(ctx context.Context, c *onapp.Client) error {
			return c.Backups.Delete(ctx, 2001)
		}),
		call("BackupsService.UpdateNote", core.Write, func(ctx context.Context, c *onapp.Client) error {
			return c.Backups.UpdateNote(ctx, 2001, "note")
		}),
		call("BackupsService.ConvertToTemplate", core.Write, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ConvertToTemplate(ctx, 2001, &onapp.ConvertBackupOptions{Label: "golden"})
			return err
		}),
		{Name: "CreateResult.Wait", Kind: core.Read, Do: func(ctx context.Context, baseURL string) error {
			// It polls Backups.Get: a read, repeated like one.
			c, err := onapp.NewClient(baseURL, onapp.WithPassword(user, "key"), onapp.WithRetryPolicy(calltest.Retry),
				onapp.WithWaitBackoff(onapp.ScheduleBackoff()))
			if err != nil {
				return err
			}
			_, err = onapp.NewCreateResultForTest(c, 2001).Wait(ctx)
			return err
		}},
		call("VirtualMachinesService.List", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.VirtualMachines.List(ctx)
			return err
		}),
		call("VirtualMachinesService.Get", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.VirtualMachines.Get(ctx, 74)
			return err
		}),
		call("DisksService.List", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Disks.List(ctx, 74)
			return err
		}),
	}
}

func TestCallTable(t *testing.T) {
	t.Parallel()
	c, err := onapp.NewClient("https://cp.example.test", onapp.WithPassword(user, "key"))
	if err != nil {
		t.Fatal(err)
	}
	calltest.CheckTable(t, calls(), c)
	calltest.CheckWriteDocs(t, ".", calls())
}

// Every write reaches the server once after a 503 or a connection reset;
// every read is retried.
func TestWriteRule(t *testing.T) {
	t.Parallel()
	calltest.CheckWriteRule(t, calls())
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	calltest.CheckNilContext(t, calls())
}
