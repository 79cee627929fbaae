package unitrends_test

import (
	"context"
	"slices"
	"testing"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/unitrends"
)

// ioCalls is every exported call of the package that does I/O, with what
// it is. TestCallTable fails when a new call is missing here.
func ioCalls() []calltest.Call {
	call := func(name string, kind core.Kind, do func(context.Context, *unitrends.Client) error, opts ...unitrends.Option) calltest.Call {
		return calltest.Call{Name: name, Kind: kind, Do: func(ctx context.Context, baseURL string) error {
			// Each run builds its own option list: runs are concurrent and
			// share the captured opts.
			all := []unitrends.Option{unitrends.WithToken("tok")}
			if len(opts) > 0 {
				all = slices.Clone(opts)
			}
			all = append(all, unitrends.WithRetryPolicy(calltest.Retry))
			c, err := unitrends.NewClient(baseURL, all...)
			if err != nil {
				return err
			}
			return do(ctx, c)
		}}
	}
	return []calltest.Call{
		// The backups query is a read, although it is a POST.
		call("BackupsService.List", core.Read, func(ctx context.Context, c *unitrends.Client) error {
			_, err := c.Backups.List(ctx, &unitrends.ListBackupsOptions{Types: []string{"Full"}})
			return err
		}),
		call("BackupsService.Get", core.Read, func(ctx context.Context, c *unitrends.Client) error {
			_, err := c.Backups.Get(ctx, 42, &unitrends.GetBackupOptions{SystemID: 1})
			return err
		}),
		call("BackupsService.Delete", core.Write, func(ctx context.Context, c *unitrends.Client) error {
			return c.Backups.Delete(ctx, []int64{42, 43}, nil)
		}),
		call("BackupsService.ListStatus", core.Read, func(ctx context.Context, c *unitrends.Client) error {
			_, err := c.Backups.ListStatus(ctx, nil)
			return err
		}),
		call("SystemsService.List", core.Read, func(ctx context.Context, c *unitrends.Client) error {
			_, err := c.Systems.List(ctx)
			return err
		}),
		// A second login only opens a spare session.
		call("Client.Login", core.Read, func(ctx context.Context, c *unitrends.Client) error {
			return c.Login(ctx)
		}, unitrends.WithPassword("root", "pw")),
		call("Client.Logout", core.Write, func(ctx context.Context, c *unitrends.Client) error {
			return c.Logout(ctx)
		}),
	}
}

func TestCallTable(t *testing.T) {
	t.Parallel()
	c, err := unitrends.NewClient("https://ueb.example.test", unitrends.WithToken("tok"))
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
