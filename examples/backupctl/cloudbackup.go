package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
)

// cbrMaxPage is the largest page CBR serves.
const cbrMaxPage = 1000

// cloudbackupStatus maps a CBR backup status to an inventory status:
//
//	available                       → ok
//	restoring, waiting_restore      → ok      (a finished backup being restored from)
//	protecting, waiting_protect     → running (being made, or queued)
//	deleting, waiting_delete        → running (being deleted, or queued)
//	error                           → failed
//	anything else                   → unknown
func cloudbackupStatus(st cloudbackup.BackupStatus) status {
	switch st {
	case cloudbackup.BackupStatusAvailable, cloudbackup.BackupStatusRestoring, cloudbackup.BackupStatusWaitingRestore:
		return statusOK
	case cloudbackup.BackupStatusProtecting, cloudbackup.BackupStatusWaitingProtect,
		cloudbackup.BackupStatusDeleting, cloudbackup.BackupStatusWaitingDelete:
		return statusRunning
	case cloudbackup.BackupStatusError:
		return statusFailed
	}
	return statusUnknown
}

// cloudbackupClient returns a client for a CBR account, with the one kind
// of credentials it has.
func (s *session) cloudbackupClient(ctx context.Context, a *account) (*cloudbackup.Client, error) {
	hc, err := s.httpClient(ctx, a)
	if err != nil {
		return nil, err
	}
	opts := []cloudbackup.Option{cloudbackup.WithUserAgent(userAgent()), cloudbackup.WithHTTPClient(hc)}
	switch {
	case a.Token != "":
		opts = append(opts, cloudbackup.WithToken(a.Token.reveal()))
	case a.AccessKey != "":
		opts = append(opts, cloudbackup.WithAccessKey(a.AccessKey, a.SecretKey.reveal()))
	default:
		opts = append(opts, cloudbackup.WithPassword(a.User, a.Password.reveal()), cloudbackup.WithDomain(a.Domain))
		if a.IAMEndpoint != "" {
			// Without it the IAM endpoint of the CBR region is used.
			opts = append(opts, cloudbackup.WithIAMEndpoint(a.IAMEndpoint))
		}
	}
	if sched := s.env.pollSchedule; len(sched) > 0 {
		opts = append(opts, cloudbackup.WithWaitBackoff(cloudbackup.ScheduleBackoff(sched...)))
	}
	if s.env.retry != nil {
		opts = append(opts, cloudbackup.WithRetryPolicy(*s.env.retry))
	}
	return cloudbackup.NewClient(a.URL, a.ProjectID, opts...)
}

// cloudbackupConnect returns the CBR client of the session's account.
func (s *session) cloudbackupConnect(ctx context.Context) (*cloudbackup.Client, error) {
	a, err := s.account(providerCloudBackup)
	if err != nil {
		return nil, err
	}
	return s.cloudbackupClient(ctx, a)
}

// cloudbackupSource is a CBR project in one region, for the inventory.
type cloudbackupSource struct {
	acct *account
	c    *cloudbackup.Client
	// warnf reports a problem that does not fail the account.
	warnf func(format string, args ...any)
}

// inventory walks every backup of the project, page by page. CBR reports
// the size of the protected resource, not of the backup, so size_bytes is
// null.
func (cb *cloudbackupSource) inventory(ctx context.Context, now time.Time) ([]item, error) {
	var items []item
	for b, err := range cb.c.Backups.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		items = append(items, item{
			Provider: providerCloudBackup,
			Owner:    cbrOwner(&b),
			ID:       b.ID,
			Name:     b.Name,
			Created:  timePtr(b.CreatedAt.Get()),
			Status:   cloudbackupStatus(b.Status),
			Raw:      b,
		})
	}
	return items, nil
}

// cbrPointInTime is when a backup's data was captured: protected_at, else
// created_at.
func cbrPointInTime(b *cloudbackup.Backup) time.Time {
	if t, ok := b.ProtectedAt.Get(); ok {
		return t
	}
	t, _ := b.CreatedAt.Get()
	return t
}

// protected is one row per resource bound to a vault (what the vault
// protects, backed up or not) and per resource the project's backups name.
// A backup in status error is a failed attempt; its error is that of its
// failed backup task (operation log), read only when a resource is
// failing. Replicated copies count like the backups they copy (their
// protected_at is the original's).
func (cb *cloudbackupSource) protected(ctx context.Context, now time.Time) ([]protected, error) {
	var t things
	for v, err := range cb.c.Vaults.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		for _, r := range v.Resources {
			t.get(r.ID, cmp.Or(r.Name, r.ID))
		}
	}
	failedID := map[*protected]string{} // the backup behind lastFailed
	for b, err := range cb.c.Backups.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		p := t.get(b.ResourceID, cbrOwner(&b))
		before := p.lastFailed
		p.add(cbrPointInTime(&b), cloudbackupStatus(b.Status), func() string {
			return fmt.Sprintf("backup %s (%s) ended in status %s", b.Name, b.ID, b.Status)
		})
		if !p.lastFailed.Equal(before) {
			failedID[p] = b.ID
		}
	}
	// The tasks of the failed backups say why they failed.
	want := map[string]*protected{}
	var since time.Time
	for p, id := range failedID {
		if p.lastFailed.After(p.newestOK) {
			want[id] = p
			if since.IsZero() || p.lastFailed.Before(since) {
				since = p.lastFailed
			}
		}
	}
	if len(want) > 0 {
		opts := &cloudbackup.ListOperationLogsOptions{
			OperationType: cloudbackup.OperationTypeBackup,
			Status:        cloudbackup.OperationStatusFailed,
			StartTime:     since.Add(-time.Hour),
		}
		for l, err := range cb.c.OperationLogs.All(ctx, opts) {
			if err != nil {
				if ctx.Err() != nil {
					return nil, err
				}
				cb.warnf("%s: reading the failed backup tasks for their errors: %s (last_error gives the backups' status instead)",
					cb.acct.label(), describe("", err, ""))
				break
			}
			if l.ExtraInfo.Backup == nil {
				continue
			}
			if p, ok := want[l.ExtraInfo.Backup.BackupID]; ok && l.ErrorInfo.Message != "" {
				p.lastError = l.ErrorInfo.Message
				if l.ErrorInfo.Code != "" {
					p.lastError += " [" + l.ErrorInfo.Code + "]"
				}
			}
		}
	}
	// Two resources of the same name are told apart by their ids.
	names := map[string]int{}
	for _, p := range t.order {
		names[p.owner]++
	}
	for k, p := range t.byKey {
		if names[p.owner] > 1 && k != p.owner {
			p.owner += " (" + k + ")"
		}
	}
	return t.list(), nil
}

// cbrOwner names what a backup protects: the resource's name, else its id.
func cbrOwner(b *cloudbackup.Backup) string {
	if b.ResourceName != "" {
		return b.ResourceName
	}
	return b.ResourceID
}

// cbrResourceType reads the -resource-type flag: server, volume (or disk),
// or the API's own names.
func cbrResourceType(v string) (cloudbackup.ResourceType, error) {
	switch strings.ToLower(v) {
	case "":
		return "", nil
	case "server", strings.ToLower(string(cloudbackup.ResourceTypeServer)):
		return cloudbackup.ResourceTypeServer, nil
	case "volume", "disk", strings.ToLower(string(cloudbackup.ResourceTypeVolume)):
		return cloudbackup.ResourceTypeVolume, nil
	}
	return "", usagef("-resource-type %q: want server or volume (%s or %s)", v, cloudbackup.ResourceTypeServer, cloudbackup.ResourceTypeVolume)
}

// cbrResourceTypeText is the short name of a resource type in tables.
func cbrResourceTypeText(t cloudbackup.ResourceType) string {
	switch t {
	case cloudbackup.ResourceTypeServer:
		return "server"
	case cloudbackup.ResourceTypeVolume:
		return "volume"
	}
	return string(t)
}

const cloudbackupAbout = `Commands for Huawei Cloud Backup and Recovery (CBR) v3, in one region and
project.

Environment: CBR_ENDPOINT (such as https://cbr.ap-southeast-1.myhuaweicloud.com),
CBR_PROJECT_ID, and one kind of credentials: CBR_TOKEN (a ready IAM token);
CBR_AK and CBR_SK (an access key pair); or CBR_IAM_ENDPOINT, CBR_USER,
CBR_PASSWORD and CBR_DOMAIN (an IAM user, whose token backupctl fetches).
The built-in CBR fake with demo data answers only when no provider is
configured, or with -demo.`

// cloudbackupCommand is "backupctl cloudbackup".
func cloudbackupCommand() *command {
	return &command{
		name:    providerCloudBackup,
		summary: "Huawei Cloud CBR: list, restore and delete backups",
		about:   cloudbackupAbout,
		subs: []*command{
			{
				name:    "backups",
				args:    "[-status S[,S...]] [-resource-type T] [-vault ID] [-limit N]",
				summary: "list backups by status, resource type and vault",
				about: `backups lists the project's own backups, newest first, page by page.

Text columns: ID, NAME, RESOURCE, TYPE, STATUS, CREATED, VAULT. With -o json
each element is the API's backup object.`,
				setup: cloudbackupBackupsSetup,
			},
			{
				name:    "backup",
				summary: "restore or delete one backup",
				about:   "Actions on one CBR backup. Both ask for -yes.",
				subs: []*command{
					{
						name:    "restore",
						args:    "-id ID [-disk ID | -vm ID [-map BACKUP=VOLUME ...]] [-power-on=false] [-no-wait] -yes",
						summary: "restore a backup to its server or disk, or another one",
						about: `restore restores backup -id. A disk backup goes to the disk (volume) -disk,
a server backup to the server -vm with each of its disk backups mapped to a
disk of that server (-map DISKBACKUP=VOLUME, repeated); -volume and -server
are the older names of -disk and -vm. Without a target the backup goes
back to the server or disk it was taken of, each disk backup to its own
disk. The restore runs in the background: backupctl waits for its task when
the API names one, with a progress line on a terminal (-no-wait returns at
once; -wait-timeout bounds the wait). -yes confirms.`,
						setup: cloudbackupRestoreSetup,
					},
					{
						name:    "delete",
						args:    "-id ID -yes",
						summary: "delete a backup",
						about: `delete deletes backup -id. The deletion runs in the background: the backup
shows status deleting until it is gone. The API answers it without a task
to follow, so backupctl cannot wait for it (-no-wait changes nothing here);
watch it with 'backupctl cloudbackup backups -status deleting'. -yes
confirms.`,
						setup: cloudbackupDeleteSetup,
					},
				},
			},
		},
	}
}

// cloudbackupBackupsSetup defines the flags of "cloudbackup backups" and
// returns what lists the backups.
func cloudbackupBackupsSetup(fs *flag.FlagSet) action {
	statuses := fs.String("status", "", "backups in any of these states, comma-separated: "+strings.Join(statusNames(), ", "))
	resourceType := fs.String("resource-type", "", "backups of servers or of disks: server or volume")
	vault := fs.String("vault", "", "backups in this vault `ID` only")
	limit := fs.Int("limit", 0, "list at most `N` backups (default: all)")
	return func(ctx context.Context, s *session) error {
		opts := &cloudbackup.ListBackupsOptions{VaultID: *vault}
		for _, v := range strings.Split(*statuses, ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			st := cloudbackup.BackupStatus(v)
			if !st.Known() {
				return usagef("-status %q: want one or more of %s", v, strings.Join(statusNames(), ", "))
			}
			opts.Status = append(opts.Status, st)
		}
		rt, err := cbrResourceType(*resourceType)
		if err != nil {
			return err
		}
		opts.ResourceType = rt
		if *limit < 0 {
			return usagef("-limit %d: want a positive number", *limit)
		}
		if *limit > 0 {
			opts.Limit = min(*limit, cbrMaxPage)
		}
		c, err := s.cloudbackupConnect(ctx)
		if err != nil {
			return err
		}
		backups := []cloudbackup.Backup{}
		for b, err := range c.Backups.All(ctx, opts) {
			if err != nil {
				return err
			}
			backups = append(backups, b)
			if *limit > 0 && len(backups) == *limit {
				break
			}
		}
		return emit(s, backups, func(t *table) {
			t.header("ID", "NAME", "RESOURCE", "TYPE", "STATUS", "CREATED", "VAULT")
			for _, b := range backups {
				t.row(b.ID, b.Name, cbrOwner(&b), cbrResourceTypeText(b.ResourceType), string(b.Status),
					timeText(b.CreatedAt.Get()), b.VaultID)
			}
		})
	}
}

// statusNames are the documented backup states, for help and errors.
func statusNames() []string {
	var names []string
	for _, st := range cloudbackup.BackupStatuses() {
		names = append(names, string(st))
	}
	return names
}

// mappingsFlag collects repeated -map DISKBACKUP=VOLUME flags.
type mappingsFlag []cloudbackup.RestoreMapping

// String renders the mappings as given on the command line.
func (m *mappingsFlag) String() string {
	if m == nil {
		return ""
	}
	parts := make([]string, len(*m))
	for i, x := range *m {
		parts[i] = x.BackupID + "=" + x.VolumeID
	}
	return strings.Join(parts, ",")
}

// Set adds one DISKBACKUP=VOLUME mapping.
func (m *mappingsFlag) Set(v string) error {
	backup, volume, ok := strings.Cut(v, "=")
	if !ok || backup == "" || volume == "" {
		return fmt.Errorf("want DISKBACKUP=VOLUME, not %q", v)
	}
	*m = append(*m, cloudbackup.RestoreMapping{BackupID: backup, VolumeID: volume})
	return nil
}

// cloudbackupRestoreSetup defines the flags of "cloudbackup backup restore"
// and returns what restores the backup.
func cloudbackupRestoreSetup(fs *flag.FlagSet) action {
	id := fs.String("id", "", "the backup `ID` to restore")
	// -disk and -vm are the names every provider's commands use; -volume
	// and -server, CBR's own words, stay for the scripts that use them.
	volume, server := new(""), new("")
	fs.StringVar(volume, "disk", "", "restore a disk backup to this disk (volume) `ID` (default: the disk it was taken of)")
	fs.StringVar(volume, "volume", "", "the same as -disk, the disk (volume) `ID` (kept for scripts)")
	fs.StringVar(server, "vm", "", "restore a server backup to this server `ID` (default: the server it was taken of)")
	fs.StringVar(server, "server", "", "the same as -vm, the server `ID` (kept for scripts)")
	var mappings mappingsFlag
	fs.Var(&mappings, "map", "with -server: restore disk backup `DISKBACKUP=VOLUME` to that disk (repeat for each disk)")
	powerOn := fs.Bool("power-on", true, "start the server after restoring a server backup")
	yes := fs.Bool("yes", false, "confirm: the target server or disk is overwritten")
	return func(ctx context.Context, s *session) error {
		switch {
		case *id == "":
			return usagef("-id: give the backup to restore")
		case *volume != "" && *server != "":
			return usagef("give -disk or -vm, not both")
		case len(mappings) > 0 && *server == "":
			return usagef("-map goes with -vm")
		case *server != "" && len(mappings) == 0:
			return usagef("-vm needs a -map DISKBACKUP=VOLUME for each disk backup of the server backup")
		case !*yes:
			return usagef("restoring backup %s overwrites the target server or disk: add -yes to confirm", *id)
		}
		c, err := s.cloudbackupConnect(ctx)
		if err != nil {
			return err
		}
		var opts *cloudbackup.RestoreBackupOptions
		switch {
		case *volume != "":
			opts = cloudbackup.VolumeRestore(*volume)
		case *server != "":
			opts = cloudbackup.ServerRestore(*server, *powerOn, mappings...)
		default:
			// Back to where the backup was taken: read it for its resource
			// and, for a server, its disk backups and their disks.
			b, err := c.Backups.Get(ctx, *id)
			if err != nil {
				return err
			}
			if opts, err = restoreInPlace(b, *powerOn); err != nil {
				return err
			}
		}
		res, err := c.Backups.Restore(ctx, *id, opts)
		if err != nil {
			return err
		}
		wait := !s.noWait && res.JobID != ""
		if wait {
			if _, err := s.waitRestore(res, *id); err != nil {
				return err
			}
		}
		if s.format == formatJSON {
			return writeJSON(s.stdout, []cloudbackup.RestoreResult{*res})
		}
		line := "restore of backup " + *id + " started"
		switch {
		case wait:
			line = "restored backup " + *id + " (task " + res.JobID + ")"
		case res.JobID != "":
			line += " (task " + res.JobID + ")"
		default:
			line += "; the API named no task, so backupctl cannot wait for it"
		}
		_, err = fmt.Fprintln(s.stdout, line)
		return err
	}
}

// restoreInPlace returns the options that restore b onto the server or
// disk it was taken of.
func restoreInPlace(b *cloudbackup.Backup, powerOn bool) (*cloudbackup.RestoreBackupOptions, error) {
	switch b.ResourceType {
	case cloudbackup.ResourceTypeVolume:
		return cloudbackup.VolumeRestore(b.ResourceID), nil
	case cloudbackup.ResourceTypeServer:
		if len(b.Children) == 0 {
			return nil, fmt.Errorf("cloudbackup: backup %s of server %s lists no disk backups: give -vm ID and -map DISKBACKUP=VOLUME", b.ID, cbrOwner(b))
		}
		var m []cloudbackup.RestoreMapping
		for _, ch := range b.Children {
			m = append(m, cloudbackup.RestoreMapping{BackupID: ch.ID, VolumeID: ch.ResourceID})
		}
		return cloudbackup.ServerRestore(b.ResourceID, powerOn, m...), nil
	}
	return nil, fmt.Errorf("cloudbackup: backup %s is of a %s, which backupctl cannot restore in place: give -vm or -disk", b.ID, b.ResourceType)
}

// waitRestore waits for a CBR restore task with RestoreResult.Wait (the
// client's backoff: the env's poll schedule, else the SDK's default),
// bounded by -wait-timeout alone, with a progress line on stderr when it
// is a terminal.
func (s *session) waitRestore(res *cloudbackup.RestoreResult, id string) (*cloudbackup.OperationLog, error) {
	opts, ended := s.waitOptions("", func(p cloudbackup.Progress) string {
		return fmt.Sprintf("cloudbackup: task %s %s %s%%", res.JobID, p.State, intText(p.Percent.Get()))
	})
	ctx, cancel := s.waitContext()
	defer cancel()
	l, err := res.Wait(ctx, opts...)
	ended()
	return l, s.waitError(ctx, err, providerCloudBackup, "the restore of backup "+id+" (task "+res.JobID+")",
		"backupctl cloudbackup backups -status restoring")
}

// cloudbackupDeleteSetup defines the flags of "cloudbackup backup delete"
// and returns what deletes the backup.
func cloudbackupDeleteSetup(fs *flag.FlagSet) action {
	id := fs.String("id", "", "the backup `ID` to delete")
	yes := fs.Bool("yes", false, "confirm the deletion")
	return func(ctx context.Context, s *session) error {
		switch {
		case *id == "":
			return usagef("-id: give the backup to delete")
		case !*yes:
			return usagef("deleting backup %s cannot be undone: add -yes to confirm", *id)
		}
		c, err := s.cloudbackupConnect(ctx)
		if err != nil {
			return err
		}
		if err := c.Backups.Delete(ctx, *id); err != nil {
			return err
		}
		if s.format == formatJSON {
			return writeJSON(s.stdout, []actionResult{{Provider: providerCloudBackup, Action: "delete", ID: *id}})
		}
		_, err = fmt.Fprintf(s.stdout, "deletion of backup %s started; it shows status deleting until it is gone\n", *id)
		return err
	}
}
