package cloudbackup_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
)

// ioCalls is every exported call of the package that does I/O, with what
// it is. TestCallTable fails when a new call is missing here.
func ioCalls() []calltest.Call {
	call := func(name string, kind core.Kind, do func(context.Context, *cloudbackup.Client) error) calltest.Call {
		return calltest.Call{Name: name, Kind: kind, Do: func(ctx context.Context, baseURL string) error {
			c, err := cloudbackup.NewClient(baseURL, "p1", cloudbackup.WithToken("tok"), cloudbackup.WithRetryPolicy(calltest.Retry))
			if err != nil {
				return err
			}
			return do(ctx, c)
		}}
	}
	const (
		backupID = "0e5d0ef6-7f0a-4890-b98c-cb12490e31c1"
		vaultID  = "3b5816b5-f29c-4172-9d9a-76c719a659ce"
	)
	return []calltest.Call{
		call("BackupsService.List", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Backups.List(ctx, nil)
			return err
		}),
		call("BackupsService.All", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			return firstErr(c.Backups.All(ctx, nil))
		}),
		call("BackupsService.Get", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Backups.Get(ctx, backupID)
			return err
		}),
		call("BackupsService.Delete", core.Write, func(ctx context.Context, c *cloudbackup.Client) error {
			return c.Backups.Delete(ctx, backupID)
		}),
		call("BackupsService.Restore", core.Write, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Backups.Restore(ctx, backupID, cloudbackup.VolumeRestore("vol-1"))
			return err
		}),
		call("CheckpointsService.Create", core.Write, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Checkpoints.Create(ctx, vaultID, nil)
			return err
		}),
		call("CheckpointsService.Get", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Checkpoints.Get(ctx, "cp-1")
			return err
		}),
		call("VaultsService.List", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Vaults.List(ctx, nil)
			return err
		}),
		call("VaultsService.All", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			return firstErr(c.Vaults.All(ctx, nil))
		}),
		call("VaultsService.Get", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.Vaults.Get(ctx, vaultID)
			return err
		}),
		call("OperationLogsService.Get", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.OperationLogs.Get(ctx, "op-1")
			return err
		}),
		call("OperationLogsService.List", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.OperationLogs.List(ctx, nil)
			return err
		}),
		call("OperationLogsService.All", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			return firstErr(c.OperationLogs.All(ctx, nil))
		}),
		call("RestoreResult.Wait", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := cloudbackup.RestoreResultOf(c, "op-1").Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond)))
			return err
		}),
		call("Checkpoint.Wait", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := cloudbackup.CheckpointOf(c, "cp-1").Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond)))
			return err
		}),
		call("Operation.Wait", core.Read, func(ctx context.Context, c *cloudbackup.Client) error {
			_, err := c.OperationLogs.Operation("op-1").Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond)))
			return err
		}),
	}
}

// firstErr walks seq to its first error, or its end.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestCallTable(t *testing.T) {
	t.Parallel()
	c, err := cloudbackup.NewClient("https://cbr.example.test", "p1", cloudbackup.WithToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	calltest.CheckTable(t, ioCalls(), c)
	calltest.CheckWriteDocs(t, ".", ioCalls())
}

// Every write reaches the server once after a 503 or a connection reset;
// every read is retried.
func TestWriteRule(t *testing.T) {
	t.Parallel()
	calltest.CheckWriteRule(t, ioCalls())
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	calltest.CheckNilContext(t, ioCalls())
}
