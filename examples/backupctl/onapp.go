package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/backupsdk/backupsdk/onapp"
)

// onappPendingGrace is how long an OnApp backup that is not built yet counts
// as running in the inventory. OnApp has no failed state: a backup whose
// transaction failed (or never ran) stays built=false for ever, so an
// unbuilt backup older than this is reported as failed.
const onappPendingGrace = 6 * time.Hour

// onappWalkParallel bounds the virtual servers walked at once.
const onappWalkParallel = 4

// onappStatus maps an OnApp backup to an inventory status:
//
//	built true                                 → ok
//	built false, created < onappPendingGrace ago → running (queued or being taken)
//	built false, older                         → failed (the transaction failed or never ran)
//	built absent, or built false with no created_at → unknown
func onappStatus(b *onapp.Backup, now time.Time) status {
	built, ok := b.Built.Get()
	switch {
	case !ok:
		return statusUnknown
	case built:
		return statusOK
	}
	created, ok := b.CreatedAt.Get()
	switch {
	case !ok:
		return statusUnknown
	case now.Sub(created) < onappPendingGrace:
		return statusRunning
	default:
		return statusFailed
	}
}

// onappClient returns a client for an OnApp account; extra options (such
// as the XML format) are added last.
func (s *session) onappClient(ctx context.Context, a *account, extra ...onapp.Option) (*onapp.Client, error) {
	hc, err := s.httpClient(ctx, a)
	if err != nil {
		return nil, err
	}
	opts := []onapp.Option{onapp.WithUserAgent(userAgent()), onapp.WithHTTPClient(hc)}
	// OnApp takes an API key in place of the password.
	secret := a.Password
	if a.APIKey != "" {
		secret = a.APIKey
	}
	opts = append(opts, onapp.WithPassword(a.User, secret.reveal()))
	if s.env.retry != nil {
		opts = append(opts, onapp.WithRetryPolicy(*s.env.retry))
	}
	return onapp.NewClient(a.URL, append(opts, extra...)...)
}

// onappSource is an OnApp control panel, for the inventory.
type onappSource struct {
	acct *account
	c    *onapp.Client
}

// onappVMBackups are one virtual server and the backups listed for it.
type onappVMBackups struct {
	vm       onapp.VirtualMachine
	disks    map[int64]string // disk id → label
	diskList []onapp.Disk     // the disks, as listed
	backups  []onapp.Backup
}

// walkOnApp lists the virtual servers (or only vmID, when not 0) and the
// backups list returns for each, with the servers' disk labels when
// withDisks, a few servers at a time. OnApp has no call that lists every
// backup.
func walkOnApp(ctx context.Context, c *onapp.Client, vmID int64, withDisks bool, list func(ctx context.Context, vmID int64) ([]onapp.Backup, error)) ([]onappVMBackups, error) {
	var vms []onapp.VirtualMachine
	if vmID != 0 {
		vm, err := c.VirtualMachines.Get(ctx, vmID)
		if err != nil {
			return nil, err
		}
		vms = []onapp.VirtualMachine{*vm}
	} else {
		var err error
		if vms, err = c.VirtualMachines.List(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]onappVMBackups, len(vms))
	ctx, errs := withFirstError(ctx)
	defer errs.cancel()
	inParallel(len(vms), onappWalkParallel, func(i int) {
		id := vms[i].ID.Int64
		out[i].vm = vms[i]
		// A server deleted since it was listed is skipped, not an error.
		gone := func(err error) bool { return vmID == 0 && onapp.IsNotFound(err) }
		if withDisks {
			disks, err := c.Disks.List(ctx, id)
			if err != nil {
				if !gone(err) {
					errs.set(err)
				}
				return
			}
			out[i].diskList = disks
			out[i].disks = make(map[int64]string, len(disks))
			for _, d := range disks {
				out[i].disks[d.ID.Int64] = d.Label.Or("")
			}
		}
		backups, err := list(ctx, id)
		if err != nil && !gone(err) {
			errs.set(err)
		}
		out[i].backups = backups
	})
	if err := errs.get(); err != nil {
		return nil, err
	}
	return out, nil
}

// onappLister lists the backups of one virtual server, of type typ ("" for
// both), for walkOnApp.
func onappLister(c *onapp.Client, typ onapp.BackupType) func(ctx context.Context, vmID int64) ([]onapp.Backup, error) {
	return func(ctx context.Context, vmID int64) ([]onapp.Backup, error) {
		return c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: vmID, Type: typ})
	}
}

// vmName names a virtual server: its label, else its host name, else its id.
func vmName(vm *onapp.VirtualMachine) string {
	switch {
	case vm.Label.Or("") != "":
		return vm.Label.Value
	case vm.Hostname.Or("") != "":
		return vm.Hostname.Value
	}
	return "vm " + strconv.FormatInt(vm.ID.Int64, 10)
}

// onappBackupName describes a backup: "incremental", or "normal, disk
// <label>", then its note.
func onappBackupName(b *onapp.Backup, disks map[int64]string) string {
	name := string(b.BackupType.Value)
	if !b.IsIncremental() {
		id := b.DiskID.Or(b.TargetID.Int64)
		label := disks[id]
		if label == "" {
			label = strconv.FormatInt(id, 10)
		}
		name += ", disk " + label
	}
	if note, ok := b.Note.Get(); ok && note != "" {
		name += ": " + note
	}
	return name
}

// inventory walks the virtual servers and their backups.
func (o *onappSource) inventory(ctx context.Context, now time.Time) ([]item, error) {
	vms, err := walkOnApp(ctx, o.c, 0, true, onappLister(o.c, ""))
	if err != nil {
		return nil, err
	}
	var items []item
	for _, v := range vms {
		for _, b := range v.backups {
			size, ok := b.BackupSize.Get()
			items = append(items, item{
				Provider:  providerOnApp,
				Owner:     vmName(&v.vm),
				ID:        strconv.FormatInt(b.ID.Int64, 10),
				Name:      onappBackupName(&b, v.disks),
				Created:   timePtr(b.CreatedAt.Get()),
				Status:    onappStatus(&b, now),
				SizeBytes: sizeOf(size, ok, 1024), // backup_size is in kB
				Raw:       b,
			})
		}
	}
	return items, nil
}

// protected is one row per virtual server. Its backups are its
// incremental backups (of the whole server) and the normal backups of its
// disks; its newest successful backup is the newest point in time every
// disk is backed up at (the oldest of the disks' newest, where an
// incremental backup covers every disk). Swap disks are left out: OnApp
// does not back them up. Failed attempts are those onappStatus calls
// failed, of any disk or the server.
func (o *onappSource) protected(ctx context.Context, now time.Time) ([]protected, error) {
	vms, err := walkOnApp(ctx, o.c, 0, true, onappLister(o.c, ""))
	if err != nil {
		return nil, err
	}
	out := make([]protected, 0, len(vms))
	for _, v := range vms {
		var whole, all tally // incremental backups; every backup
		perDisk := map[int64]*tally{}
		for _, b := range v.backups {
			created, _ := b.CreatedAt.Get()
			st := onappStatus(&b, now)
			why := func() string {
				return fmt.Sprintf("backup %d (%s) was not built %s after it was scheduled",
					b.ID.Int64, onappBackupName(&b, v.disks), ageText(now.Sub(created)))
			}
			all.add(created, st, why)
			if b.IsIncremental() {
				whole.add(created, st, why)
				continue
			}
			id := b.DiskID.Or(b.TargetID.Int64)
			if perDisk[id] == nil {
				perDisk[id] = &tally{}
			}
			perDisk[id].add(created, st, why)
		}
		p := protected{owner: vmName(&v.vm)}
		p.lastFailed, p.lastError = all.lastFailed, all.lastError
		p.newestOK = all.newestOK // a server without disks listed: any backup
		disks := slices.DeleteFunc(slices.Clone(v.diskList), func(d onapp.Disk) bool { return d.IsSwap.Or(false) })
		slices.SortFunc(disks, func(a, b onapp.Disk) int { return cmp.Compare(a.ID.Int64, b.ID.Int64) })
		for i, d := range disks {
			covered := whole.newestOK
			if t := perDisk[d.ID.Int64]; t != nil && t.newestOK.After(covered) {
				covered = t.newestOK
			}
			if covered.IsZero() {
				p.newestOK = time.Time{}
				if !all.newestOK.IsZero() {
					p.note = fmt.Sprintf("disk %s (%d) has no successful backup", cmp.Or(d.Label.Or(""), "#"+strconv.Itoa(i+1)), d.ID.Int64)
				}
				break
			}
			if i == 0 || covered.Before(p.newestOK) {
				p.newestOK = covered
			}
		}
		out = append(out, p)
	}
	return out, nil
}

const onappAbout = `Commands for the backups of an OnApp cloud: normal backups (of one disk) and
incremental backups (of a whole virtual server).

Environment: ONAPP_URL (the control panel, such as https://cp.example.com),
ONAPP_USER, and ONAPP_PASSWORD or ONAPP_API_KEY. The built-in OnApp fake
with demo data answers only when no provider is configured, or with -demo.`

// onappCommand is "backupctl onapp".
func onappCommand() *command {
	return &command{
		name:    providerOnApp,
		summary: "OnApp: list, create, restore and delete backups",
		about:   onappAbout,
		subs: []*command{
			{
				name:    "backups",
				args:    "[-vm ID] [-kind normal|incremental|all] [-xml]",
				summary: "list the backups of one or every virtual server",
				about: `backups lists backups: of the virtual server -vm, or of every virtual server
the user may see (OnApp has no call that lists every backup, so backupctl
walks the servers). -kind keeps normal (disk) or incremental backups.

Text columns: ID, VM, TYPE, DISK, BUILT, CREATED, BUILT AT, SIZE, INITIATED,
NOTE. With -o json each element is the API's backup object.`,
				setup: onappBackupsSetup,
			},
			{
				name:    "backup",
				summary: "create, restore or delete one backup",
				about:   "Actions on one OnApp backup. Restoring and deleting ask for -yes.",
				subs: []*command{
					{
						name:    "create",
						args:    "-vm ID | -disk ID [-note TEXT] [-no-wait]",
						summary: "schedule an incremental (-vm) or normal (-disk) backup",
						about: `create schedules a backup: an incremental backup of the virtual server -vm,
or a normal backup of the disk -disk. The control panel answers at once with
the new backup, not built yet; it is built when its transaction has run
(watch it with 'backupctl onapp backups -vm ID'). backupctl waits until it
is built, polling it, with a progress line on stderr when that is a
terminal; -no-wait returns at once. OnApp has no failed state, so a backup
whose transaction failed is never built: bound the wait with -wait-timeout
(or stop it with Ctrl-C); the backup stays scheduled either way.`,
						setup: onappCreateSetup,
					},
					{
						name:    "restore",
						args:    "-id ID -yes",
						summary: "restore a backup onto the disk or server it was taken of",
						about: `restore schedules the restore of backup -id onto the disk or virtual server
it was taken of, overwriting what is there. It is queued, not done, when
backupctl returns: OnApp shows no end of a restore that backupctl could
wait for (so -no-wait changes nothing here). -yes confirms.`,
						setup: onappRestoreSetup,
					},
					{
						name:    "delete",
						args:    "-id ID -yes",
						summary: "delete a backup",
						about:   "delete deletes backup -id. -yes confirms.",
						setup:   onappDeleteSetup,
					},
				},
			},
		},
	}
}

// onappConnect returns the OnApp client of the session's account.
func (s *session) onappConnect(ctx context.Context, extra ...onapp.Option) (*onapp.Client, error) {
	a, err := s.account(providerOnApp)
	if err != nil {
		return nil, err
	}
	return s.onappClient(ctx, a, extra...)
}

// onappBackupsSetup defines the flags of "onapp backups" and returns what
// lists the backups.
func onappBackupsSetup(fs *flag.FlagSet) action {
	vmID := fs.Int64("vm", 0, "list the backups of this virtual server `ID` only (default: every server)")
	kind := fs.String("kind", "all", "which backups: normal (of disks), incremental (of servers) or all")
	xml := fs.Bool("xml", false, "speak OnApp's Rails XML to the control panel instead of JSON")
	return func(ctx context.Context, s *session) error {
		if *vmID < 0 {
			return usagef("-vm %d: want a virtual server id", *vmID)
		}
		if *kind != "all" && *kind != "normal" && *kind != "incremental" {
			return usagef("-kind %q: want normal, incremental or all", *kind)
		}
		var extra []onapp.Option
		if *xml {
			extra = append(extra, onapp.WithFormat(onapp.XML))
		}
		c, err := s.onappConnect(ctx, extra...)
		if err != nil {
			return err
		}
		var typ onapp.BackupType
		switch *kind {
		case "normal":
			typ = onapp.BackupTypeNormal
		case "incremental":
			typ = onapp.BackupTypeIncremental
		}
		vms, err := walkOnApp(ctx, c, *vmID, *kind != "incremental", onappLister(c, typ))
		if err != nil {
			return err
		}
		type row struct {
			vm    *onapp.VirtualMachine
			disks map[int64]string
			b     *onapp.Backup
		}
		var rows []row
		var backups []onapp.Backup
		for i := range vms {
			for j := range vms[i].backups {
				rows = append(rows, row{&vms[i].vm, vms[i].disks, &vms[i].backups[j]})
				backups = append(backups, vms[i].backups[j])
			}
		}
		return emit(s, backups, func(t *table) {
			t.header("ID", "VM", "TYPE", "DISK", "BUILT", "CREATED", "BUILT AT", "SIZE", "INITIATED", "NOTE")
			for _, r := range rows {
				b := r.b
				disk := ""
				if !b.IsIncremental() {
					id := b.DiskID.Or(b.TargetID.Int64)
					disk = strconv.FormatInt(id, 10)
					if l := r.disks[id]; l != "" {
						disk += " " + l
					}
				}
				size, ok := b.BackupSize.Get()
				t.row(strconv.FormatInt(b.ID.Int64, 10), vmName(r.vm), string(b.BackupType.Value), disk,
					boolText(b.Built.Get()), timeText(b.CreatedAt.Get()), timeText(b.BuiltAt.Get()),
					humanSize(sizeOf(size, ok, 1024)), string(b.Initiated.Value), b.Note.Or(""))
			}
		})
	}
}

// onappCreateSetup defines the flags of "onapp backup create" and returns
// what schedules the backup and waits until it is built (unless -no-wait).
func onappCreateSetup(fs *flag.FlagSet) action {
	vmID := fs.Int64("vm", 0, "take an incremental backup of this virtual server `ID`")
	diskID := fs.Int64("disk", 0, "take a normal backup of this disk `ID`")
	note := fs.String("note", "", "a note to store with the backup")
	return func(ctx context.Context, s *session) error {
		if (*vmID == 0) == (*diskID == 0) || *vmID < 0 || *diskID < 0 {
			return usagef("give one of -vm ID (incremental backup) and -disk ID (normal backup)")
		}
		c, err := s.onappConnect(ctx)
		if err != nil {
			return err
		}
		var opts *onapp.CreateBackupOptions
		if *note != "" {
			opts = &onapp.CreateBackupOptions{Note: *note}
		}
		var res *onapp.CreateResult
		what, find := "", ""
		if *vmID != 0 {
			res, err = c.Backups.CreateIncremental(ctx, *vmID, opts)
			what = fmt.Sprintf("an incremental backup of virtual server %d", *vmID)
			find = fmt.Sprintf("backupctl onapp backups -vm %d -kind incremental", *vmID)
		} else {
			res, err = c.Backups.CreateNormal(ctx, *diskID, opts)
			what = fmt.Sprintf("a normal backup of disk %d", *diskID)
			find = fmt.Sprintf("backupctl onapp backups -kind normal (disk %d)", *diskID)
		}
		if err != nil {
			return err
		}
		if res.Backup == nil {
			// Scheduled, but the answer did not name the backup: say so
			// rather than fail, which would invite a second backup.
			if s.format == formatJSON {
				return writeJSON(s.stdout, res)
			}
			_, err = fmt.Fprintf(s.stdout, "scheduled %s: the control panel did not tell its id yet, so backupctl cannot wait for it; find it with %s (the newest, not built yet); do not create it again\n", what, find)
			return err
		}
		b := res.Backup
		if !s.noWait {
			if b, err = s.onappWaitBuilt(res, find); err != nil {
				return err
			}
		}
		if s.format == formatJSON {
			return writeJSON(s.stdout, []onapp.Backup{*b})
		}
		if b.IsBuilt() {
			_, err = fmt.Fprintf(s.stdout, "built %s: backup %d, %s\n", what, b.ID.Int64, humanSize(sizeOf(b.BackupSize.Int64, b.BackupSize.Valid, 1024)))
			return err
		}
		_, err = fmt.Fprintf(s.stdout, "scheduled %s: backup %d, built when the control panel has run its transaction (follow it with %s)\n", what, b.ID.Int64, find)
		return err
	}
}

// onappWaitBuilt waits for a new backup to be built with CreateResult.Wait
// (polling Backups.Get), bounded by -wait-timeout alone, with a progress
// line on stderr when it is a terminal. OnApp has no failed state: a
// backup whose transaction failed stays unbuilt, so Ctrl-C or
// -wait-timeout end such a wait.
func (s *session) onappWaitBuilt(res *onapp.CreateResult, follow string) (*onapp.Backup, error) {
	id, _ := res.ID()
	opts, ended := s.waitOptions("", func(p onapp.Progress) string {
		return fmt.Sprintf("onapp: backup %d %s", id, p.State)
	})
	ctx, cancel := s.waitContext()
	defer cancel()
	b, err := res.Wait(ctx, opts...)
	ended()
	return b, s.waitError(ctx, err, providerOnApp, fmt.Sprintf("backup %d to be built", id), follow)
}

// onappRestoreSetup defines the flags of "onapp backup restore" and returns
// what schedules the restore.
func onappRestoreSetup(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the backup `ID` to restore")
	yes := fs.Bool("yes", false, "confirm: the disk or server is overwritten with the backup")
	return func(ctx context.Context, s *session) error {
		if *id <= 0 {
			return usagef("-id: give the backup to restore")
		}
		if !*yes {
			return usagef("restoring backup %d overwrites the disk or virtual server it was taken of: add -yes to confirm", *id)
		}
		c, err := s.onappConnect(ctx)
		if err != nil {
			return err
		}
		res, err := c.Backups.Restore(ctx, *id)
		if err != nil {
			return err
		}
		if s.format == formatJSON {
			return writeJSON(s.stdout, []onapp.RestoreResult{*res})
		}
		_, err = fmt.Fprintf(s.stdout, "restore of backup %d scheduled (%d %s)\n", *id, res.StatusCode, httpStatusText(res.StatusCode))
		return err
	}
}

// onappDeleteSetup defines the flags of "onapp backup delete" and returns
// what deletes the backup.
func onappDeleteSetup(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the backup `ID` to delete")
	yes := fs.Bool("yes", false, "confirm the deletion")
	return func(ctx context.Context, s *session) error {
		if *id <= 0 {
			return usagef("-id: give the backup to delete")
		}
		if !*yes {
			return usagef("deleting backup %d cannot be undone: add -yes to confirm", *id)
		}
		c, err := s.onappConnect(ctx)
		if err != nil {
			return err
		}
		if err := c.Backups.Delete(ctx, *id); err != nil {
			return err
		}
		return s.deleted(providerOnApp, strconv.FormatInt(*id, 10), "")
	}
}
