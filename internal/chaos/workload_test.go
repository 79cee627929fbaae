package chaos

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// policy is every soak client's retry policy: a few retries, and waits
// (Retry-After included, which the core caps at MaxWait) of milliseconds.
var policy = core.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}

// op is one call a worker may make.
type op struct {
	name string
	kind core.Kind
	do   func(ctx context.Context) error
	// weight is how often the op is drawn relative to others (read and
	// write give 5).
	weight int
}

// provider is one client of one provider package, its fake and the proxy
// between them.
type provider struct {
	name      string
	proxy     *proxy
	transport *http.Transport // the client's, to close its idle connections
	ops       []op
	secrets   []string // the configured credentials
	close     func()   // closes the fake
}

// callInfo travels in a call's context to the soak's transport, which
// puts it on every request the call makes.
type callInfo struct {
	id    string
	write bool
}

type callKey struct{}

func withCall(ctx context.Context, id string, write bool) context.Context {
	return context.WithValue(ctx, callKey{}, callInfo{id: id, write: write})
}

// tagTransport puts the call's identity on each request, for the proxy.
type tagTransport struct{ base http.RoundTripper }

func (t tagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	info, _ := r.Context().Value(callKey{}).(callInfo)
	r2 := r.Clone(r.Context())
	r2.Header.Set(headerCall, info.id)
	if info.write {
		r2.Header.Set(headerKind, "write")
	}
	return t.base.RoundTrip(r2)
}

// refusedShare is the share of new connections that are refused, as by a
// server that is restarting: the request certainly did not reach it, so
// the core may send even a write again.
const refusedShare = 0.15

// soakHTTPClient is the *http.Client a soak client is given: it follows
// redirects (net/http's default, so that the SDK's guard is what keeps
// credentials and bodies home), tags requests and refuses some dials.
func soakHTTPClient() (*http.Client, *http.Transport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if rand.Float64() < refusedShare {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tagTransport{base: tr}}, tr
}

// pool holds ids that writes made (created backups, definitions,
// checkpoints) for later calls to use.
type pool[T any] struct {
	mu  sync.Mutex
	ids []T
}

func (p *pool[T]) put(v T) {
	p.mu.Lock()
	p.ids = append(p.ids, v)
	p.mu.Unlock()
}

// take removes and returns an id, or reports there is none.
func (p *pool[T]) take() (T, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var zero T
	if len(p.ids) == 0 {
		return zero, false
	}
	i := rand.IntN(len(p.ids))
	v := p.ids[i]
	p.ids[i] = p.ids[len(p.ids)-1]
	p.ids = p.ids[:len(p.ids)-1]
	return v, true
}

// peek returns an id without removing it.
func (p *pool[T]) peek() (T, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var zero T
	if len(p.ids) == 0 {
		return zero, false
	}
	return p.ids[rand.IntN(len(p.ids))], true
}

// seq numbers the names the soak makes up.
var seq atomic.Int64

func read(name string, do func(ctx context.Context) error) op {
	return op{name: name, kind: core.Read, do: do, weight: 5}
}

func write(name string, do func(ctx context.Context) error) op {
	return op{name: name, kind: core.Write, do: do, weight: 5}
}

// rarely makes o five times less frequent than others.
func rarely(o op) op {
	o.weight = 1
	return o
}

// draw picks one of ops at random, by weight.
func draw(ops []op) op {
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	n := rand.IntN(total)
	for _, o := range ops {
		if n < o.weight {
			return o
		}
		n -= o.weight
	}
	return ops[len(ops)-1]
}

// ignore drops a call's result value.
func ignore[T any](_ T, err error) error { return err }

func walk[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func newOnapp(t *testing.T, other string) *provider {
	t.Helper()
	srv, err := onapptest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	hc, tr := soakHTTPClient()
	px := newProxy(t, "onapp", srv.URL(), other, nil, chooser(nil))
	c, err := onapp.NewClient(px.URL(), onapp.WithPassword(srv.User(), srv.APIKey()), onapp.WithFormat(onapp.XML),
		onapp.WithRetryPolicy(policy), onapp.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	created := &pool[int64]{}
	keep := func(r *onapp.CreateResult, err error) error {
		if id, ok := r.ID(); err == nil && ok {
			created.put(id)
		}
		return err
	}
	const demoBackup = 1
	ops := []op{
		read("Backups.List VM", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent}))
		}),
		read("Backups.List incremental", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale, Type: onapp.BackupTypeIncremental}))
		}),
		read("Backups.List normal", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeNormal}))
		}),
		read("Backups.List VM disk", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, DiskID: onapptest.DemoDiskRecent}))
		}),
		read("Backups.List disk", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: onapptest.DemoDiskNever}))
		}),
		read("Backups.Get", func(ctx context.Context) error { return ignore(c.Backups.Get(ctx, demoBackup)) }),
		read("VirtualMachines.List", func(ctx context.Context) error { return ignore(c.VirtualMachines.List(ctx)) }),
		read("VirtualMachines.Get", func(ctx context.Context) error { return ignore(c.VirtualMachines.Get(ctx, onapptest.DemoVMRecent)) }),
		read("Disks.List", func(ctx context.Context) error { return ignore(c.Disks.List(ctx, onapptest.DemoVMRecent)) }),
		write("Backups.CreateIncremental", func(ctx context.Context) error {
			return keep(c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, &onapp.CreateBackupOptions{Note: "soak"}))
		}),
		write("Backups.CreateNormal", func(ctx context.Context) error {
			return keep(c.Backups.CreateNormal(ctx, onapptest.DemoDiskNever, nil))
		}),
		write("Backups.Delete", func(ctx context.Context) error {
			id, ok := created.take()
			if !ok {
				id = 900000 + seq.Add(1) // unknown: a 404
			}
			return c.Backups.Delete(ctx, id)
		}),
		write("Backups.UpdateNote", func(ctx context.Context) error {
			return c.Backups.UpdateNote(ctx, demoBackup, fmt.Sprintf("soak %d", seq.Add(1)))
		}),
		write("Backups.Restore", func(ctx context.Context) error { return ignore(c.Backups.Restore(ctx, demoBackup)) }),
		write("Backups.ConvertToTemplate", func(ctx context.Context) error {
			return ignore(c.Backups.ConvertToTemplate(ctx, demoBackup, &onapp.ConvertBackupOptions{Label: fmt.Sprintf("soak-%d", seq.Add(1))}))
		}),
	}
	return &provider{name: "onapp", proxy: px, transport: tr, ops: ops,
		secrets: []string{srv.APIKey(), srv.Password()}, close: srv.Close}
}

func newErigones(t *testing.T, other string) *provider {
	t.Helper()
	// Tokens that live 2 s are renewed every second: logins happen, and
	// fail, throughout the soak.
	srv, err := erigonestest.NewServer(erigonestest.WithTaskPolls(1), erigonestest.WithTokenTTL(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	const login = "/api/accounts/login/"
	hc, tr := soakHTTPClient()
	px := newProxy(t, "erigones", srv.URL(), other, []string{login}, chooser([]string{login}))
	c, err := erigones.NewClient(px.URL(), erigones.WithPassword(srv.User(), srv.Password()), erigones.WithDC(erigonestest.DemoDC),
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)), erigones.WithRetryPolicy(policy), erigones.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	// The names of the demo backups, read straight from the fake.
	dtr := http.DefaultTransport.(*http.Transport).Clone()
	direct := &http.Client{Transport: dtr}
	dc, err := erigones.NewClient(srv.URL(), erigones.WithAPIKey(srv.APIKey()), erigones.WithDC(erigonestest.DemoDC), erigones.WithHTTPClient(direct))
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := dc.Backups.List(context.Background(), erigonestest.FreshVM, nil)
	if err != nil || len(fresh) == 0 {
		t.Fatalf("erigones demo backups: %v %v", fresh, err)
	}
	stale, err := dc.Backups.List(context.Background(), erigonestest.StaleVM, nil)
	if err != nil || len(stale) == 0 {
		t.Fatalf("erigones demo backups: %v %v", stale, err)
	}
	dtr.CloseIdleConnections()

	backups, definitions, tasks := &pool[string]{}, &pool[string]{}, &pool[string]{}
	type definition struct {
		vm, name string
		disk     int
	}
	creatable := []definition{{erigonestest.FreshVM, "daily", 1}, {erigonestest.FreshVM, "hourly", 2},
		{erigonestest.StaleVM, "daily", 1}, {erigonestest.FailedVM, "daily", 1}}
	retention := 3
	ops := []op{
		read("Backups.List", func(ctx context.Context) error { return ignore(c.Backups.List(ctx, erigonestest.FreshVM, nil)) }),
		read("Backups.ListNames", func(ctx context.Context) error { return ignore(c.Backups.ListNames(ctx, erigonestest.StaleVM, nil)) }),
		read("Backups.Get", func(ctx context.Context) error {
			b := fresh[rand.IntN(len(fresh))]
			return ignore(c.Backups.Get(ctx, b.Hostname, b.Name, &erigones.GetBackupOptions{DiskID: int(b.DiskID.Or(1))}))
		}),
		read("Definitions.List", func(ctx context.Context) error { return ignore(c.Definitions.List(ctx, erigonestest.FreshVM, nil)) }),
		read("Definitions.Get", func(ctx context.Context) error {
			return ignore(c.Definitions.Get(ctx, erigonestest.FreshVM, "daily", nil))
		}),
		read("Definitions.ListForAllVMs", func(ctx context.Context) error { return ignore(c.Definitions.ListForAllVMs(ctx, nil)) }),
		read("Nodes.ListBackups", func(ctx context.Context) error {
			return ignore(c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, nil))
		}),
		read("Client.ListTasks", func(ctx context.Context) error { return ignore(c.ListTasks(ctx, nil)) }),
		read("Client.ListTaskLog", func(ctx context.Context) error { return ignore(c.ListTaskLog(ctx, nil)) }),
		read("Task.Status", func(ctx context.Context) error {
			id, ok := tasks.peek()
			if !ok {
				id = "no-such-task"
			}
			return ignore(c.Task(id, "").Status(ctx))
		}),
		write("Backups.CreateAndWait", func(ctx context.Context) error {
			// Time passes at the fake: tasks that no call polled to the
			// end (their call gave up) end and free their locks.
			srv.FinishTasks()
			b, _, err := c.Backups.CreateAndWait(ctx, erigonestest.UnprotectedVM, "weekly", &erigones.CreateBackupOptions{Note: "soak"})
			if err == nil && b != nil {
				backups.put(b.Name)
			}
			return err
		}),
		write("Backups.Create", func(ctx context.Context) error {
			srv.FinishTasks()
			// Backup names hold the second they were made in: creates of
			// one definition in the same second are refused (406).
			d := creatable[rand.IntN(len(creatable))]
			task, err := c.Backups.Create(ctx, d.vm, d.name, &erigones.CreateBackupOptions{DiskID: d.disk})
			if err == nil {
				tasks.put(task.ID())
			}
			return err
		}),
		write("Backups.Delete", func(ctx context.Context) error {
			name, ok := backups.take()
			if !ok {
				// A backup of its own, made in the fake directly.
				var err error
				name, err = srv.AddBackup(erigonestest.Backup{VM: erigonestest.UnprotectedVM, Define: "weekly",
					Name: fmt.Sprintf("weekly-soak%d", seq.Add(1)), Created: time.Now().Add(-time.Hour)})
				if err != nil {
					return fmt.Errorf("soak setup: %w", err)
				}
			}
			return ignore(c.Backups.Delete(ctx, erigonestest.UnprotectedVM, name, nil))
		}),
		write("Backups.UpdateNote", func(ctx context.Context) error {
			b := fresh[rand.IntN(len(fresh))]
			return ignore(c.Backups.UpdateNote(ctx, b.Hostname, b.Name, fmt.Sprintf("soak %d", seq.Add(1)),
				&erigones.UpdateNoteOptions{DiskID: int(b.DiskID.Or(1))}))
		}),
		write("Backups.Restore", func(ctx context.Context) error {
			srv.FinishTasks()
			b := stale[rand.IntN(len(stale))]
			return ignore(c.Backups.Restore(ctx, b.Hostname, b.Name,
				&erigones.RestoreBackupOptions{TargetHostnameOrUUID: erigonestest.StaleVM, TargetDiskID: 1}))
		}),
		write("Definitions.Create", func(ctx context.Context) error {
			name := fmt.Sprintf("soak%d", seq.Add(1))
			_, err := c.Definitions.Create(ctx, erigonestest.FailedVM, name, &erigones.CreateDefinitionOptions{
				Node: erigonestest.DemoBackupNode, Schedule: "0 1 * * *", Retention: &retention})
			if err == nil {
				definitions.put(name)
			}
			return err
		}),
		write("Definitions.Delete", func(ctx context.Context) error {
			name, ok := definitions.take()
			if !ok {
				name = fmt.Sprintf("gone%d", seq.Add(1))
			}
			return c.Definitions.Delete(ctx, erigonestest.FailedVM, name, nil)
		}),
	}
	return &provider{name: "erigones", proxy: px, transport: tr, ops: ops,
		secrets: []string{srv.Password(), srv.APIKey()}, close: srv.Close}
}

func newUnitrends(t *testing.T, other string) *provider {
	t.Helper()
	srv, err := unitrendstest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	const login = "/api/login"
	hc, tr := soakHTTPClient()
	px := newProxy(t, "unitrends", srv.URL(), other, []string{login}, chooser([]string{login}))
	c, err := unitrends.NewClient(px.URL(), unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithRetryPolicy(policy), unitrends.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	var demo []int64
	for _, b := range srv.Backups() {
		demo = append(demo, b.ID)
	}
	ops := []op{
		read("Backups.List", func(ctx context.Context) error { return ignore(c.Backups.List(ctx, nil)) }),
		read("Backups.List/client", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &unitrends.ListBackupsOptions{ClientID: 1 + rand.Int64N(5)}))
		}),
		read("Backups.Get", func(ctx context.Context) error { return ignore(c.Backups.Get(ctx, demo[rand.IntN(len(demo))], nil)) }),
		read("Backups.ListStatus", func(ctx context.Context) error { return ignore(c.Backups.ListStatus(ctx, nil)) }),
		read("Systems.List", func(ctx context.Context) error { return ignore(c.Systems.List(ctx)) }),
		write("Backups.Delete", func(ctx context.Context) error {
			// A backup of its own for each delete, made in the fake directly.
			id, err := srv.AddBackup(unitrendstest.Backup{ClientID: 1, Start: time.Now().Add(-time.Hour), Duration: time.Minute, SizeMB: 10})
			if err != nil {
				return fmt.Errorf("soak setup: %w", err)
			}
			return c.Backups.Delete(ctx, []int64{id}, nil)
		}),
		// Every logout makes the 64 workers share a new login.
		rarely(write("Client.Logout", func(ctx context.Context) error { return c.Logout(ctx) })),
	}
	return &provider{name: "unitrends", proxy: px, transport: tr, ops: ops,
		secrets: []string{srv.Password()}, close: srv.Close}
}

func newCloudbackup(t *testing.T, other string) *provider {
	t.Helper()
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithTaskPolls(1), cloudbackuptest.WithTokenTTL(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	srv.GenerateBackups(20)
	const login = "/v3/auth/tokens"
	hc, tr := soakHTTPClient()
	px := newProxy(t, "cloudbackup", srv.URL(), other, []string{login}, chooser([]string{login}))
	c, err := cloudbackup.NewClient(px.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(px.URL()),
		cloudbackup.WithRetryPolicy(policy), cloudbackup.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	d := srv.Demo()
	checkpoints := &pool[string]{}
	fast := cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff(time.Millisecond))
	ops := []op{
		read("Backups.List", func(ctx context.Context) error {
			return ignore(c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: 20}))
		}),
		read("Backups.All", func(ctx context.Context) error {
			return walk(c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: 50}))
		}),
		read("Backups.Get", func(ctx context.Context) error { return ignore(c.Backups.Get(ctx, d.FreshBackupID)) }),
		read("Vaults.List", func(ctx context.Context) error { return ignore(c.Vaults.List(ctx, nil)) }),
		read("Vaults.All", func(ctx context.Context) error { return walk(c.Vaults.All(ctx, nil)) }),
		read("Vaults.Get", func(ctx context.Context) error { return ignore(c.Vaults.Get(ctx, d.ServerVaultID)) }),
		read("OperationLogs.Get", func(ctx context.Context) error { return ignore(c.OperationLogs.Get(ctx, d.SucceededOperationID)) }),
		read("OperationLogs.List", func(ctx context.Context) error { return ignore(c.OperationLogs.List(ctx, nil)) }),
		read("OperationLogs.All", func(ctx context.Context) error { return walk(c.OperationLogs.All(ctx, nil)) }),
		read("Operation.Wait", func(ctx context.Context) error {
			return ignore(c.OperationLogs.Operation(d.SucceededOperationID).Wait(ctx, fast))
		}),
		read("Checkpoints.Get", func(ctx context.Context) error {
			id, ok := checkpoints.peek()
			if !ok {
				id = "no-such-checkpoint"
			}
			return ignore(c.Checkpoints.Get(ctx, id))
		}),
		write("Backups.Delete", func(ctx context.Context) error {
			// A backup of its own for each delete, made in the fake directly.
			id, err := srv.AddBackup(cloudbackup.Backup{Name: fmt.Sprintf("soak-%d", seq.Add(1))})
			if err != nil {
				return err
			}
			return c.Backups.Delete(ctx, id)
		}),
		write("Backups.Restore", func(ctx context.Context) error {
			// A backup of its own for each restore: one being restored
			// cannot be restored again until its task ends.
			id, err := srv.AddBackup(cloudbackup.Backup{Name: fmt.Sprintf("soak-%d", seq.Add(1)), ResourceType: cloudbackup.ResourceTypeVolume,
				ResourceID: d.Volume.ID, ResourceName: d.Volume.Name, VaultID: d.DiskVaultID})
			if err != nil {
				return err
			}
			return ignore(c.Backups.Restore(ctx, id, cloudbackup.VolumeRestore(d.Volume.ID)))
		}),
		write("Checkpoints.Create", func(ctx context.Context) error {
			cp, err := c.Checkpoints.Create(ctx, d.DiskVaultID, nil)
			if err == nil && cp.ID != "" {
				// A cut-off answer is a made checkpoint whose id is not
				// known (the reason is in cp.BodyErr).
				checkpoints.put(cp.ID)
			}
			return err
		}),
	}
	return &provider{name: "cloudbackup", proxy: px, transport: tr, ops: ops,
		secrets: []string{srv.Password(), srv.Token(), srv.SecretKey()}, close: srv.Close}
}

// faultShares is how often each fault strikes a request (the rest pass).
var faultShares = []struct {
	f     fault
	share float64
}{
	{resetBefore, 0.03}, {resetAfter, 0.03}, {badGateway, 0.03}, {unavailable, 0.03}, {throttled, 0.05},
	{slowBody, 0.04}, {stallHead, 0.005}, {stallBody, 0.005}, {redirect, 0.03}, {truncated, 0.03},
}

// loginStallShare is how often a login hangs: a shared login that never
// answers must not hold up the calls waiting on it past their deadlines,
// nor the calls after them.
const loginStallShare = 0.05

// chooser picks a fault for each request at random; logins (paths in
// logins) also stall more often, and the first one always does, while
// every worker waits for it.
func chooser(logins []string) func(*http.Request) fault {
	var first atomic.Bool
	return func(r *http.Request) fault {
		x := rand.Float64()
		for _, l := range logins {
			if r.URL.Path == l && (first.CompareAndSwap(false, true) || x < loginStallShare) {
				return stallHead
			}
		}
		x = rand.Float64()
		for _, fs := range faultShares {
			if x < fs.share {
				return fs.f
			}
			x -= fs.share
		}
		return pass
	}
}
