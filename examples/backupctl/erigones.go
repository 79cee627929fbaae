package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/backupsdk/backupsdk/erigones"
)

// erigonesWalkParallel bounds the VMs whose backups are listed at once.
const erigonesWalkParallel = 4

// erigonesStatus maps an Erigones backup to an inventory status:
//
//	1 OK      → ok
//	2 pending → running (being created or deleted)
//	3 restore → ok      (a complete backup that is being restored from)
//	4 lost    → failed  (its data is gone from the backup node)
//	other     → unknown
func erigonesStatus(st erigones.BackupStatus) status {
	switch st {
	case erigones.BackupStatusOK, erigones.BackupStatusRestore:
		return statusOK
	case erigones.BackupStatusPending:
		return statusRunning
	case erigones.BackupStatusLost:
		return statusFailed
	}
	return statusUnknown
}

// erigonesClient returns a client for an Erigones account. A client that
// logs in with a user and password logs out when the session closes.
func (s *session) erigonesClient(ctx context.Context, a *account) (*erigones.Client, error) {
	hc, err := s.httpClient(ctx, a)
	if err != nil {
		return nil, err
	}
	opts := []erigones.Option{erigones.WithUserAgent(userAgent()), erigones.WithHTTPClient(hc)}
	if a.APIKey != "" {
		opts = append(opts, erigones.WithAPIKey(a.APIKey.reveal()))
	} else {
		opts = append(opts, erigones.WithPassword(a.User, a.Password.reveal()))
	}
	if a.DC != "" {
		opts = append(opts, erigones.WithDC(a.DC))
	}
	if s.env.retry != nil {
		opts = append(opts, erigones.WithRetryPolicy(*s.env.retry))
	}
	c, err := erigones.NewClient(a.URL, opts...)
	if err != nil {
		return nil, err
	}
	if a.APIKey == "" {
		s.logoutLater(ctx, c.Logout)
	}
	return c, nil
}

// erigonesConnect returns the Erigones client of the session's account.
func (s *session) erigonesConnect(ctx context.Context) (*erigones.Client, error) {
	a, err := s.account(providerErigones)
	if err != nil {
		return nil, err
	}
	return s.erigonesClient(ctx, a)
}

// erigonesSource is an Erigones (Danube Cloud) API server, for the
// inventory.
type erigonesSource struct {
	acct *account
	c    *erigones.Client
}

// erigonesVMs returns the hostnames of the VMs that have a backup
// definition in the datacenter, sorted. The SDK has no call that lists VMs
// or every backup of a datacenter, so these are the VMs whose backups
// backupctl can walk; backups of VMs without any definition (deleted VMs,
// deleted definitions) are reached with -vm HOST or -node HOST.
func erigonesVMs(ctx context.Context, c *erigones.Client, dc string) ([]string, error) {
	defs, err := c.Definitions.ListForAllVMs(ctx, &erigones.ListDefinitionsOptions{DC: dc})
	if err != nil {
		return nil, err
	}
	var vms []string
	for _, d := range defs {
		vms = append(vms, d.Hostname)
	}
	slices.Sort(vms)
	return slices.Compact(vms), nil
}

// erigonesBackupsOf lists the backups of the VMs, a few at a time, in the
// order of vms.
func erigonesBackupsOf(ctx context.Context, c *erigones.Client, vms []string, dc string) ([]erigones.Backup, error) {
	lists := make([][]erigones.Backup, len(vms))
	ctx, errs := withFirstError(ctx)
	defer errs.cancel()
	inParallel(len(vms), erigonesWalkParallel, func(i int) {
		bs, err := c.Backups.List(ctx, vms[i], &erigones.ListBackupsOptions{DC: dc})
		if err != nil {
			errs.set(err)
			return
		}
		lists[i] = bs
	})
	if err := errs.get(); err != nil {
		return nil, err
	}
	return slices.Concat(lists...), nil
}

// inventory lists the backups of every VM with a backup definition.
func (e *erigonesSource) inventory(ctx context.Context, now time.Time) ([]item, error) {
	vms, err := erigonesVMs(ctx, e.c, "")
	if err != nil {
		return nil, err
	}
	backups, err := erigonesBackupsOf(ctx, e.c, vms, "")
	if err != nil {
		return nil, err
	}
	items := make([]item, 0, len(backups))
	for _, b := range backups {
		name := "disk " + intText(b.DiskID.Get())
		if d, ok := b.Define.Get(); ok && d != "" {
			name += ", " + d
		}
		size, ok := b.Size.Get()
		items = append(items, item{
			Provider:  providerErigones,
			Owner:     b.Hostname,
			ID:        b.Name,
			Name:      name,
			Created:   timePtr(b.Created.Get()),
			Status:    erigonesStatus(b.Status),
			SizeBytes: sizeOf(size, ok, 1), // size is in bytes
			Raw:       b,
		})
	}
	return items, nil
}

// protected is one row per VM disk that has a backup definition in the
// datacenter, or backups (of a VM that has a definition: the SDK lists no
// VMs). A lost backup is a failed attempt; a pending one counts for
// nothing yet.
func (e *erigonesSource) protected(ctx context.Context, now time.Time) ([]protected, error) {
	defs, err := e.c.Definitions.ListForAllVMs(ctx, &erigones.ListDefinitionsOptions{})
	if err != nil {
		return nil, err
	}
	key := func(host string, disk erigones.Int) string { return host + "\x00" + intText(disk.Get()) }
	owner := func(host string, disk erigones.Int) string { return host + " disk " + intText(disk.Get()) }
	slices.SortFunc(defs, func(a, b erigones.BackupDefinition) int {
		return cmp.Or(cmp.Compare(a.Hostname, b.Hostname), cmp.Compare(a.DiskID.Or(0), b.DiskID.Or(0)))
	})
	var t things
	var vms []string
	for _, d := range defs {
		t.get(key(d.Hostname, d.DiskID), owner(d.Hostname, d.DiskID))
		vms = append(vms, d.Hostname)
	}
	backups, err := erigonesBackupsOf(ctx, e.c, slices.Compact(vms), "")
	if err != nil {
		return nil, err
	}
	for _, b := range backups {
		p := t.get(key(b.Hostname, b.DiskID), owner(b.Hostname, b.DiskID))
		created, _ := b.Created.Get()
		p.add(created, erigonesStatus(b.Status), func() string {
			return fmt.Sprintf("backup %s is lost: its data is gone from the backup node", b.Name)
		})
	}
	return t.list(), nil
}

const erigonesAbout = `Commands for the backups of an Erigones (Danube Cloud) installation: backup
definitions (schedules of VM disks) and the backups made from them.

Environment: ERIGONES_URL (the server root, such as https://my.erigones.com),
ERIGONES_API_KEY or ERIGONES_USER and ERIGONES_PASSWORD, and optionally
ERIGONES_DC (the virtual datacenter; default the user's current one). The
built-in Erigones fake with demo data answers only when no provider is
configured, or with -demo.

Creating, restoring and deleting backups run as tasks on the server;
backupctl waits for them (-no-wait returns at once) and shows a progress line
on stderr when stderr is a terminal.`

// erigonesCommand is "backupctl erigones".
func erigonesCommand() *command {
	return &command{
		name:    providerErigones,
		summary: "Erigones / Danube Cloud: definitions and backups; create, restore, delete",
		about:   erigonesAbout,
		subs: []*command{
			{
				name:    "definitions",
				args:    "[-vm HOST] [-dc DC]",
				summary: "list backup definitions (schedules)",
				about: `definitions lists the backup definitions of the VM -vm, or of every VM in the
datacenter.

Text columns: VM, DISK, NAME, TYPE, SCHEDULE, RETENTION, ACTIVE, NODE, ZPOOL,
COMPRESSION, DESCRIPTION. With -o json each element is the API's definition.`,
				setup: erigonesDefinitionsSetup,
			},
			{
				name:    "backups",
				args:    "[-vm HOST | -node HOST] [-dc DC]",
				summary: "list the backups of a VM, a backup node, or every VM",
				about: `backups lists the backups of the VM -vm, or those stored on the backup node
-node (superadmin only; every datacenter, -dc keeps one), or else of every VM
that has a backup definition in the datacenter.

Text columns: VM, NAME, DISK, DEFINITION, STATUS, CREATED, SIZE, TOOK, NODE,
NOTE (and DC with -node). With -o json each element is the API's backup.`,
				setup: erigonesBackupsSetup,
			},
			{
				name:    "backup",
				summary: "create, restore or delete one backup (waits for the task)",
				about: `Actions on one Erigones backup. Each runs as a task on the server, which
backupctl waits for unless -no-wait is given. Restoring and deleting ask
for -yes.`,
				subs: []*command{
					{
						name:    "create",
						args:    "-vm HOST -define NAME [-disk N] [-note TEXT] [-dc DC] [-no-wait]",
						summary: "back up a VM disk now, as a backup definition describes",
						about: `create backs up disk -disk of VM -vm now, as its backup definition -define
describes; the backup is named <definition>-YYYYmmdd_HHMMSS (UTC).`,
						setup: erigonesCreateSetup,
					},
					{
						name:    "restore",
						args:    "-vm HOST -id BACKUP [-disk N] [-target HOST] [-target-disk N] [-force] [-dc DC] [-no-wait] -yes",
						summary: "overwrite a VM disk with a backup",
						about: `restore overwrites disk -target-disk of VM -target (default: the disk and VM
the backup was taken of) with backup -id (its name) of VM -vm. The target VM must be
stopped. Everything written to the disk after the backup is lost. With
-force the target disk's snapshots and backups are deleted first; without it
a disk that has snapshots is refused. -yes confirms.`,
						setup: erigonesRestoreSetup,
					},
					{
						name:    "delete",
						args:    "-vm HOST -id BACKUP [-disk N] [-dc DC] [-no-wait] -yes",
						summary: "delete a backup",
						about:   "delete deletes backup -id (its name) of disk -disk of VM -vm. -yes confirms.",
						setup:   erigonesDeleteSetup,
					},
				},
			},
		},
	}
}

// erigonesDefinitionsSetup defines the flags of "erigones definitions" and
// returns what lists the definitions.
func erigonesDefinitionsSetup(fs *flag.FlagSet) action {
	vm := fs.String("vm", "", "list the definitions of the VM with this `HOST` name or uuid (default: every VM)")
	dc := fs.String("dc", "", "the virtual datacenter (default ERIGONES_DC, else the user's current one)")
	return func(ctx context.Context, s *session) error {
		c, err := s.erigonesConnect(ctx)
		if err != nil {
			return err
		}
		opts := &erigones.ListDefinitionsOptions{DC: *dc}
		var defs []erigones.BackupDefinition
		if *vm != "" {
			defs, err = c.Definitions.List(ctx, *vm, opts)
		} else {
			defs, err = c.Definitions.ListForAllVMs(ctx, opts)
		}
		if err != nil {
			return err
		}
		return emit(s, defs, func(t *table) {
			t.header("VM", "DISK", "NAME", "TYPE", "SCHEDULE", "RETENTION", "ACTIVE", "NODE", "ZPOOL", "COMPRESSION", "DESCRIPTION")
			for _, d := range defs {
				typ := ""
				if d.Type != 0 {
					typ = d.Type.String()
				}
				active, activeOK := d.Active.Get()
				t.row(d.Hostname, intText(d.DiskID.Get()), d.Name, typ, d.Schedule.Or(""), intText(d.Retention.Get()),
					boolText(active, activeOK), d.Node.Or(""), d.Zpool.Or(""), d.Compression.String(), d.Desc.Or(""))
			}
		})
	}
}

// erigonesBackupsSetup defines the flags of "erigones backups" and returns
// what lists the backups.
func erigonesBackupsSetup(fs *flag.FlagSet) action {
	vm := fs.String("vm", "", "list the backups of the VM with this `HOST` name or uuid")
	node := fs.String("node", "", "list the backups stored on the backup node with this `HOST` name (superadmin)")
	dc := fs.String("dc", "", "the virtual datacenter (default ERIGONES_DC, else the user's current one)")
	return func(ctx context.Context, s *session) error {
		if *vm != "" && *node != "" {
			return usagef("give -vm or -node, not both")
		}
		c, err := s.erigonesConnect(ctx)
		if err != nil {
			return err
		}
		var backups []erigones.Backup
		switch {
		case *vm != "":
			backups, err = c.Backups.List(ctx, *vm, &erigones.ListBackupsOptions{DC: *dc})
		case *node != "":
			// Node lists span every datacenter; -dc keeps one of them.
			backups, err = c.Nodes.ListBackups(ctx, *node, nil)
			if err == nil && *dc != "" {
				backups = slices.DeleteFunc(backups, func(b erigones.Backup) bool { return b.DC.Or("") != *dc })
			}
		default:
			var vms []string
			if vms, err = erigonesVMs(ctx, c, *dc); err == nil {
				backups, err = erigonesBackupsOf(ctx, c, vms, *dc)
			}
		}
		if err != nil {
			return err
		}
		return emit(s, backups, func(t *table) {
			cols := []string{"VM", "NAME", "DISK", "DEFINITION", "STATUS", "CREATED", "SIZE", "TOOK", "NODE", "NOTE"}
			if *node != "" {
				cols = append(cols, "DC")
			}
			t.header(cols...)
			for _, b := range backups {
				size, ok := b.Size.Get()
				took, tookOK := b.Duration()
				cells := []string{b.Hostname, b.Name, intText(b.DiskID.Get()), b.Define.Or(""), b.Status.String(),
					timeText(b.Created.Get()), humanSize(sizeOf(size, ok, 1)), durationText(took, tookOK), b.Node.Or(""), b.Note.Or("")}
				if *node != "" {
					cells = append(cells, b.DC.Or(""))
				}
				t.row(cells...)
			}
		})
	}
}

// erigonesBackupIDFlag defines -id, the backup: Erigones names a backup
// by its name within its VM, and -id is what every provider's commands
// call the backup. -name, its older name, stays for scripts.
func erigonesBackupIDFlag(fs *flag.FlagSet, usage string) *string {
	v := new("")
	fs.StringVar(v, "id", "", usage)
	fs.StringVar(v, "name", "", "the same as -id, the backup `NAME` (kept for scripts)")
	return v
}

// taskFlags are the flags every Erigones action shares (-no-wait is a
// global flag: every provider's actions wait alike).
type taskFlags struct {
	disk *int
	dc   *string
}

// addTaskFlags defines -disk and -dc on fs.
func addTaskFlags(fs *flag.FlagSet) taskFlags {
	return taskFlags{
		disk: fs.Int("disk", 1, "the VM's disk `N`, counted from 1"),
		dc:   fs.String("dc", "", "the virtual datacenter (default ERIGONES_DC, else the user's current one)"),
	}
}

// check rejects a disk number below 1.
func (f taskFlags) check() error {
	if *f.disk < 1 {
		return usagef("-disk %d: disks are numbered from 1", *f.disk)
	}
	return nil
}

// erigonesCreateSetup defines the flags of "erigones backup create" and
// returns what starts the backup and waits for it.
func erigonesCreateSetup(fs *flag.FlagSet) action {
	vm := fs.String("vm", "", "back up the VM with this `HOST` name or uuid")
	define := fs.String("define", "", "the backup definition `NAME` to back up with")
	note := fs.String("note", "", "a note to store with the backup (up to 128 characters)")
	tf := addTaskFlags(fs)
	return func(ctx context.Context, s *session) error {
		if *vm == "" || *define == "" {
			return usagef("give -vm HOST and -define NAME")
		}
		if err := tf.check(); err != nil {
			return err
		}
		c, err := s.erigonesConnect(ctx)
		if err != nil {
			return err
		}
		task, err := c.Backups.Create(ctx, *vm, *define, &erigones.CreateBackupOptions{DiskID: *tf.disk, Note: *note, DC: *tf.dc})
		if err != nil {
			return err
		}
		// The task's result does not name the backup (esdc-ce
		// api/vm/backup/tasks.py); Created finds it in the list once the
		// task succeeded.
		var created *erigones.Backup
		var createdErr error
		find := func() {
			if created == nil && createdErr == nil {
				ctx, cancel := s.afterWait()
				defer cancel()
				created, createdErr = c.Backups.Created(ctx, task)
			}
		}
		return s.finishTask(ctx, task, *vm, func(*erigones.TaskResult) string {
			if find(); createdErr != nil {
				return fmt.Sprintf("created a backup of %s disk %d, but cannot tell which: %v", *vm, *tf.disk, createdErr)
			}
			return fmt.Sprintf("created backup %s of %s disk %d", created.Name, *vm, *tf.disk)
		}, func(res *erigones.TaskResult) any {
			if !res.Status.Final() {
				return res
			}
			find()
			return createdOutput{TaskResult: res, Backup: created}
		})
	}
}

// createdOutput is the JSON of "erigones backup create": the task's final
// result and the backup it made (null when Created could not tell it).
type createdOutput struct {
	*erigones.TaskResult `json:",inline"`
	Backup               *erigones.Backup `json:"backup"`
}

// erigonesRestoreSetup defines the flags of "erigones backup restore" and
// returns what starts the restore and waits for it.
func erigonesRestoreSetup(fs *flag.FlagSet) action {
	vm := fs.String("vm", "", "the `HOST` name or uuid of the VM the backup was taken of")
	name := erigonesBackupIDFlag(fs, "the backup `NAME` to restore, such as daily-20240301_100000")
	target := fs.String("target", "", "restore into the VM with this `HOST` name or uuid (default -vm); it must be stopped")
	targetDisk := fs.Int("target-disk", 0, "overwrite disk `N` of the target VM (default -disk)")
	force := fs.Bool("force", false, "delete the target disk's snapshots and backups first (else a disk with snapshots is refused)")
	yes := fs.Bool("yes", false, "confirm: the target disk is overwritten")
	tf := addTaskFlags(fs)
	return func(ctx context.Context, s *session) error {
		if *vm == "" || *name == "" {
			return usagef("give -vm HOST and -id BACKUP (the backup's name)")
		}
		if err := tf.check(); err != nil {
			return err
		}
		if *target == "" {
			*target = *vm
		}
		if *targetDisk == 0 {
			*targetDisk = *tf.disk
		}
		if *targetDisk < 1 {
			return usagef("-target-disk %d: disks are numbered from 1", *targetDisk)
		}
		if !*yes {
			return usagef("restoring %s overwrites disk %d of %s: add -yes to confirm", *name, *targetDisk, *target)
		}
		c, err := s.erigonesConnect(ctx)
		if err != nil {
			return err
		}
		task, err := c.Backups.Restore(ctx, *vm, *name, &erigones.RestoreBackupOptions{
			DiskID: *tf.disk, TargetHostnameOrUUID: *target, TargetDiskID: *targetDisk,
			Force: new(*force), DC: *tf.dc,
		})
		if err != nil {
			return err
		}
		return s.finishTask(ctx, task, *vm, func(*erigones.TaskResult) string {
			return fmt.Sprintf("restored backup %s onto %s disk %d", *name, *target, *targetDisk)
		}, nil)
	}
}

// erigonesDeleteSetup defines the flags of "erigones backup delete" and
// returns what starts the deletion and waits for it.
func erigonesDeleteSetup(fs *flag.FlagSet) action {
	vm := fs.String("vm", "", "the `HOST` name or uuid of the VM the backup was taken of")
	name := erigonesBackupIDFlag(fs, "the backup `NAME` to delete, such as daily-20240301_100000")
	yes := fs.Bool("yes", false, "confirm the deletion")
	tf := addTaskFlags(fs)
	return func(ctx context.Context, s *session) error {
		if *vm == "" || *name == "" {
			return usagef("give -vm HOST and -id BACKUP (the backup's name)")
		}
		if err := tf.check(); err != nil {
			return err
		}
		if !*yes {
			return usagef("deleting backup %s of %s cannot be undone: add -yes to confirm", *name, *vm)
		}
		c, err := s.erigonesConnect(ctx)
		if err != nil {
			return err
		}
		task, err := c.Backups.Delete(ctx, *vm, *name, &erigones.DeleteBackupOptions{DiskID: *tf.disk, DC: *tf.dc})
		if err != nil {
			return err
		}
		return s.finishTask(ctx, task, *vm, func(*erigones.TaskResult) string {
			return fmt.Sprintf("deleted backup %s of %s disk %d", *name, *vm, *tf.disk)
		}, nil)
	}
}

// finishTask waits for an Erigones task of VM vm unless -no-wait, then
// reports it: with
// -o json an array of one task result (the API's {"task_id", "status",
// "result"}) or of what out makes of it, else done's sentence and the task
// id. A failed or revoked task is an error.
func (s *session) finishTask(ctx context.Context, task *erigones.Task, vm string, done func(*erigones.TaskResult) string,
	out func(*erigones.TaskResult) any) error {
	res := task.Initial()
	if !s.noWait {
		var err error
		if res, err = s.waitTask(task, vm); err != nil {
			return err
		}
	}
	if s.format == formatJSON {
		if out != nil {
			return writeJSON(s.stdout, []any{out(res)})
		}
		return writeJSON(s.stdout, []*erigones.TaskResult{res})
	}
	var line string
	if res.Status.Final() {
		line = done(res) + " (task " + task.ID() + ")"
	} else {
		line = fmt.Sprintf("task %s accepted (%s); follow it on the server", task.ID(), res.Status)
	}
	_, err := fmt.Fprintln(s.stdout, line)
	return err
}

// waitTask waits for an Erigones task with Task.Wait, bounded by
// -wait-timeout alone (not -timeout), on the env's poll schedule when a
// test set one (else the SDK's default). When stderr is a terminal it
// keeps one progress line there, rewritten after each poll and ended when
// the wait ends. It returns the final result, and the task's error when it
// failed or was revoked.
func (s *session) waitTask(task *erigones.Task, vm string) (*erigones.TaskResult, error) {
	opts, ended := s.waitOptions(string(task.Initial().Status), func(p erigones.Progress) string {
		return fmt.Sprintf("erigones: task %s %s", task.ID(), p.State)
	})
	ctx, cancel := s.waitContext()
	defer cancel()
	res, err := task.Wait(ctx, opts...)
	ended()
	return res, s.waitError(ctx, err, providerErigones, "task "+task.ID(), "backupctl erigones backups -vm "+vm)
}

// endProgress ends the progress line, if one was drawn.
func (s *session) endProgress(drawn bool) {
	if drawn {
		s.mu.Lock()
		s.progressLine = ""
		fmt.Fprint(s.stderr, "\r\x1b[K")
		s.mu.Unlock()
	}
}
