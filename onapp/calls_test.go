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
		return onapp.NewClient(baseURL, onapp.WithAPIKey(user, "key"), onapp.WithRetryPolicy(calltest.Retry))
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
		call("BackupsService.ListIncremental", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ListIncremental(ctx, 74)
			return err
		}),
		call("BackupsService.ListNormal", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ListNormal(ctx, 74)
			return err
		}),
		call("BackupsService.ListByVM", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ListByVM(ctx, 74)
			return err
		}),
		call("BackupsService.ListByVMDisk", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ListByVMDisk(ctx, 74, 3)
			return err
		}),
		call("BackupsService.ListByDisk", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ListByDisk(ctx, 3)
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
		call("BackupsService.EditNote", core.Write, func(ctx context.Context, c *onapp.Client) error {
			return c.Backups.EditNote(ctx, 2001, "note")
		}),
		call("BackupsService.ConvertToTemplate", core.Write, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Backups.ConvertToTemplate(ctx, 2001, onapp.ConvertOptions{Label: "golden"})
			return err
		}),
		call("VirtualMachinesService.List", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.VirtualMachines.List(ctx)
			return err
		}),
		call("VirtualMachinesService.Get", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.VirtualMachines.Get(ctx, 74)
			return err
		}),
		call("DisksService.ListByVM", core.Read, func(ctx context.Context, c *onapp.Client) error {
			_, err := c.Disks.ListByVM(ctx, 74)
			return err
		}),
	}
}

func TestCallTable(t *testing.T) {
	t.Parallel()
	c, err := onapp.NewClient("https://cp.example.test", onapp.WithAPIKey(user, "key"))
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
