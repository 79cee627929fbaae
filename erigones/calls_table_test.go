package erigones_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/core"
)

// ioCalls is every exported call of the package that does I/O, with what
// it is. TestCallTable fails when a new call is missing here.
func ioCalls() []calltest.Call {
	call := func(name string, kind core.Kind, do func(context.Context, *erigones.Client) error, opts ...erigones.Option) calltest.Call {
		return calltest.Call{Name: name, Kind: kind, Do: func(ctx context.Context, baseURL string) error {
			// Each run builds its own option list: runs are concurrent and
			// share the captured opts.
			all := []erigones.Option{erigones.WithAPIKey("key")}
			if len(opts) > 0 {
				all = slices.Clone(opts)
			}
			all = append(all, erigones.WithRetryPolicy(calltest.Retry),
				erigones.WithDC("main"), erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)))
			c, err := erigones.NewClient(baseURL, all...)
			if err != nil {
				return err
			}
			return do(ctx, c)
		}}
	}
	const (
		vm     = "web01.example.com"
		node   = "node01.example.com"
		backup = "daily-20131014_133701"
		define = "daily"
	)
	retention := 7
	return []calltest.Call{
		call("BackupsService.List", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.List(ctx, vm, nil)
			return err
		}),
		call("BackupsService.ListNames", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.ListNames(ctx, vm, nil)
			return err
		}),
		call("BackupsService.Get", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.Get(ctx, vm, backup, nil)
			return err
		}),
		call("BackupsService.Create", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.Create(ctx, vm, define, nil)
			return err
		}),
		call("BackupsService.Restore", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.Restore(ctx, vm, backup, &erigones.RestoreBackupOptions{TargetHostnameOrUUID: vm, TargetDiskID: 1})
			return err
		}),
		call("BackupsService.UpdateNote", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.UpdateNote(ctx, vm, backup, "note", nil)
			return err
		}),
		call("BackupsService.Delete", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.Delete(ctx, vm, backup, nil)
			return err
		}),
		call("BackupsService.DeleteMany", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Backups.DeleteMany(ctx, vm, []string{backup}, nil)
			return err
		}),
		call("DefinitionsService.List", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.List(ctx, vm, nil)
			return err
		}),
		call("DefinitionsService.ListNames", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.ListNames(ctx, vm, nil)
			return err
		}),
		call("DefinitionsService.ListForAllVMs", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.ListForAllVMs(ctx, nil)
			return err
		}),
		call("DefinitionsService.ListNamesForAllVMs", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.ListNamesForAllVMs(ctx, nil)
			return err
		}),
		call("DefinitionsService.Get", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.Get(ctx, vm, define, nil)
			return err
		}),
		call("DefinitionsService.Create", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.Create(ctx, vm, define, &erigones.CreateDefinitionOptions{Node: node, Schedule: "30 4 * * *", Retention: &retention})
			return err
		}),
		call("DefinitionsService.Update", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Definitions.Update(ctx, vm, define, &erigones.UpdateDefinitionOptions{Retention: &retention})
			return err
		}),
		call("DefinitionsService.Delete", core.Write, func(ctx context.Context, c *erigones.Client) error {
			return c.Definitions.Delete(ctx, vm, define, nil)
		}),
		call("NodesService.ListDefinitions", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Nodes.ListDefinitions(ctx, node, nil)
			return err
		}),
		call("NodesService.ListDefinitionNames", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Nodes.ListDefinitionNames(ctx, node, nil)
			return err
		}),
		call("NodesService.ListBackups", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Nodes.ListBackups(ctx, node, nil)
			return err
		}),
		call("NodesService.ListBackupNames", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Nodes.ListBackupNames(ctx, node, nil)
			return err
		}),
		call("Client.ListTasks", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.ListTasks(ctx, nil)
			return err
		}),
		// A second login only replaces the token of the first.
		call("Client.Login", core.Read, func(ctx context.Context, c *erigones.Client) error {
			return c.Login(ctx)
		}, erigones.WithPassword("admin", "pw")),
		call("Client.Logout", core.Write, func(ctx context.Context, c *erigones.Client) error {
			return c.Logout(ctx)
		}, erigones.WithToken("tok")),
		call("Task.Status", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Task("t-1", "").Status(ctx)
			return err
		}),
		call("Task.Done", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Task("t-1", "").Done(ctx)
			return err
		}),
		call("Task.Wait", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Task("t-1", "").Wait(ctx)
			return err
		}),
		call("Task.Details", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Task("t-1", "").Details(ctx)
			return err
		}),
		call("Client.ListTaskLog", core.Read, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.ListTaskLog(ctx, nil)
			return err
		}),
		call("Client.AllTaskLog", core.Read, func(ctx context.Context, c *erigones.Client) error {
			for _, err := range c.AllTaskLog(ctx, nil) {
				return err
			}
			return nil
		}),
		// The old name, kept for internal/chaos until it moves (deprecated.go).
		call("BackupsService.CreateAndWait", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, _, err := c.Backups.CreateAndWait(ctx, vm, define, nil)
			return err
		}),
		// Created needs a task that Create started: a front server answers
		// the create call itself and passes everything else (Created's
		// list, a read) to the server under test.
		{Name: "BackupsService.Created", Kind: core.Read, Do: func(ctx context.Context, baseURL string) error {
			front := createFront(baseURL)
			defer front.Close()
			c, err := erigones.NewClient(front.URL, erigones.WithAPIKey("key"), erigones.WithRetryPolicy(calltest.Retry), erigones.WithDC("main"))
			if err != nil {
				return err
			}
			task, err := c.Backups.Create(ctx, vm, define, nil)
			if err != nil {
				return err
			}
			_, err = c.Backups.Created(ctx, task)
			return err
		}},
		call("Task.Cancel", core.Write, func(ctx context.Context, c *erigones.Client) error {
			_, err := c.Task("t-1", "").Cancel(ctx, nil)
			return err
		}),
	}
}

// createFront answers a backup create call with a task (as
// api/vm/backup/vm_backup.py does: 201 PENDING with its task_id) and
// proxies every other request to target.
func createFront(target string) *httptest.Server {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/backup/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"status": "PENDING", "result": {"task_id": "t-1"}, "task_id": "t-1"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
}

func TestCallTable(t *testing.T) {
	t.Parallel()
	c, err := erigones.NewClient("https://my.erigones.test", erigones.WithAPIKey("key"))
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
