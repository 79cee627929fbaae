package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// status is the provider-neutral state of a backup in the inventory. Each
// provider's file documents how its API's states map to these.
type status string

// The inventory statuses.
const (
	// statusOK is a finished backup that can be restored from.
	statusOK status = "ok"
	// statusRunning is a backup being taken, queued, or being deleted.
	statusRunning status = "running"
	// statusWarning is a finished backup the provider flagged with
	// warnings; it can be restored from.
	statusWarning status = "warning"
	// statusFailed is a backup that failed or whose data is lost.
	statusFailed status = "failed"
	// statusUnknown is a state backupctl cannot tell.
	statusUnknown status = "unknown"
)

// item is one backup in the inventory, whatever its provider. With -o json
// it is written as {"account","demo","provider","owner","id","name",
// "created","status","size_bytes","raw"} ("demo" only when true).
type item struct {
	// Account is the account the backup was read from: the -config
	// account's name, or for the environment's accounts the provider.
	Account string `json:"account"`
	// Demo is true when the backup is demo data from a built-in fake (left
	// out otherwise), so that no monitor takes it for a real server's.
	Demo bool `json:"demo,omitzero"`
	// Provider is onapp, erigones, unitrends or cloudbackup.
	Provider string `json:"provider"`
	// Owner is what the backup protects: the VM, client or resource name.
	Owner string `json:"owner"`
	// ID identifies the backup to the provider's backup commands.
	ID string `json:"id"`
	// Name describes the backup (its kind, disk or name).
	Name string `json:"name"`
	// Created is when the backup was made or started; nil when the API did
	// not say.
	Created *time.Time `json:"created"`
	// CreatedNote says why Created is not a certain instant, when it is
	// not: a Unitrends appliance's wall clock of unknown zone (Created then
	// holds that wall clock labelled UTC), or one in a DST gap or overlap.
	CreatedNote string `json:"created_note,omitzero"`
	// Status is the backup's state (see status).
	Status status `json:"status"`
	// SizeBytes is the backup's size in bytes; nil when the API reports no
	// backup size.
	SizeBytes *int64 `json:"size_bytes"`
	// Raw is the provider's own value for the backup, as the SDK types it.
	Raw any `json:"raw"`
}

// timePtr returns t in UTC, or nil when absent.
func timePtr(t time.Time, ok bool) *time.Time {
	if !ok || t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// source is one account, connected: what inventory and freshness walk.
// Each provider implements it over its client.
type source interface {
	// inventory lists every backup the account can see, as items; now is
	// the clock reading used for age-based statuses.
	inventory(ctx context.Context, now time.Time) ([]item, error)
	// protected lists the machines the account protects, each with the
	// tally of its backups, for freshness.
	protected(ctx context.Context, now time.Time) ([]protected, error)
}

// connect opens the source of an account: a client for its provider.
// Sessions it opens are closed when s closes.
func (s *session) connect(ctx context.Context, a *account) (source, error) {
	switch a.Provider {
	case providerOnApp:
		c, err := s.onappClient(ctx, a)
		if err != nil {
			return nil, err
		}
		return &onappSource{acct: a, c: c}, nil
	case providerErigones:
		c, err := s.erigonesClient(ctx, a)
		if err != nil {
			return nil, err
		}
		return &erigonesSource{acct: a, c: c}, nil
	case providerUnitrends:
		c, err := s.unitrendsClient(ctx, a)
		if err != nil {
			return nil, err
		}
		return &unitrendsSource{acct: a, c: c}, nil
	case providerCloudBackup:
		c, err := s.cloudbackupClient(ctx, a)
		if err != nil {
			return nil, err
		}
		return &cloudbackupSource{acct: a, c: c, warnf: s.warnf}, nil
	}
	return nil, fmt.Errorf("unknown provider %q", a.Provider)
}

// inParallel calls fn(0) … fn(n-1) with at most limit calls at once
// (limit <= 0: all at once) and returns when all have returned.
func inParallel(n, limit int, fn func(i int)) {
	if limit <= 0 || limit > n {
		limit = n
	}
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// firstError keeps the first error of calls made concurrently and cancels
// the context of the others, which then fail fast.
type firstError struct {
	mu     sync.Mutex
	err    error
	cancel context.CancelFunc
}

// withFirstError returns a context that is cancelled by the first error set
// (or by cancel), and the firstError that records it.
func withFirstError(ctx context.Context) (context.Context, *firstError) {
	ctx, cancel := context.WithCancel(ctx)
	return ctx, &firstError{cancel: cancel}
}

// set records err if it is the first, and cancels the others.
func (f *firstError) set(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
		f.cancel()
	}
}

// get returns the first error set, or nil.
func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// inventoryCommand is "backupctl inventory".
func inventoryCommand() *command {
	return &command{
		name:    "inventory",
		summary: "every backup of the four providers, in one table",
		about: `inventory lists every backup the four providers hold, queried at once, one
row per backup sorted by provider, owner, creation time and id:

  PROVIDER  OWNER (the VM, client or resource)  ID  NAME  CREATED  STATUS  SIZE

STATUS is one of ok, running, warning, failed and unknown, mapped from each
API's own states; SIZE is empty where the API reports no backup size (CBR).
With -o json each row is {"account", "provider", "owner", "id", "name",
"created", "status", "size_bytes", "raw"}, where raw is the provider's own
object, and "demo": true when the row is demo data from a built-in fake.

With -config FILE it walks every account of the file (or those -account
names), at most -parallel at once, with an ACCOUNT column first (JSON:
"account"). A provider or account that fails is one line on stderr; the
others still print, and the exit status is 1. Without -config it walks the
providers whose URL variable is set (one stderr note names those left
out); only when none is set, or with -demo, do the built-in fakes answer
with demo data (see 'backupctl -h').`,
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session) error { return runInventory(ctx, s) }
		},
	}
}

// runInventory queries every account concurrently (at most s.parallel at
// once; 0 means all), prints the items of those that answered and one
// error line for each that did not, in the order of the accounts.
func runInventory(ctx context.Context, s *session) error {
	refs, err := s.walkAccounts()
	if err != nil {
		return err
	}
	now := s.env.now()
	results := walk(ctx, s, "inventory", refs, func(ctx context.Context, a *account, src source) ([]item, error) {
		items, err := src.inventory(ctx, now)
		for i := range items {
			items[i].Account, items[i].Demo = a.displayName(), a.Demo
		}
		return items, err
	})
	var all []item
	failed := false
	for i, r := range results {
		if r.err != nil {
			failed = true
			s.warnf("%s", s.describeAccount(refs[i], r.err))
			continue
		}
		all = append(all, r.val...)
	}
	sortItems(all)
	withAccount := s.configPath != ""
	err = emit(s, all, func(t *table) {
		cols := []string{"PROVIDER", "OWNER", "ID", "NAME", "CREATED", "STATUS", "SIZE"}
		if withAccount {
			cols = append([]string{"ACCOUNT"}, cols...)
		}
		t.header(cols...)
		for _, it := range all {
			var created time.Time
			if it.Created != nil {
				created = *it.Created
			}
			when := timeText(created, it.Created != nil)
			if it.Created != nil {
				when = noteTimeText(created, it.CreatedNote)
			}
			cells := []string{it.Provider, it.Owner, it.ID, it.Name, when, string(it.Status), humanSize(it.SizeBytes)}
			if withAccount {
				cells = append([]string{it.Account}, cells...)
			}
			t.row(cells...)
		}
	})
	if err != nil {
		return err
	}
	if failed {
		return errReported
	}
	return nil
}

// sortItems orders the inventory by provider, account, owner, creation
// time (absent first) and id (numerically when both ids are numbers).
func sortItems(items []item) {
	slices.SortStableFunc(items, func(a, b item) int {
		if c := cmp.Compare(a.Provider, b.Provider); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Owner, b.Owner); c != 0 {
			return c
		}
		switch {
		case a.Created == nil && b.Created != nil:
			return -1
		case a.Created != nil && b.Created == nil:
			return 1
		case a.Created != nil:
			if c := a.Created.Compare(*b.Created); c != 0 {
				return c
			}
		}
		return compareIDs(a.ID, b.ID)
	})
}

// compareIDs compares two ids as numbers when both are, else as text.
func compareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}
