package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/unitrends"
)

// unitrendsStatus maps a Unitrends backup to an inventory status:
//
//	Success → ok (running when the appliance says it is not complete yet)
//	Warning → warning (finished, restorable, with warnings)
//	Failure → failed
//	None, absent, an unknown word or an integer → unknown
//
// No source says what the integers some appliances send mean, so they are
// never counted as a success (or a failure).
func unitrendsStatus(b *unitrends.Backup) status {
	switch b.Status {
	case unitrends.BackupStatusSuccess:
		if complete, ok := b.Complete.Get(); ok && !complete {
			return statusRunning
		}
		return statusOK
	case unitrends.BackupStatusWarning:
		return statusWarning
	case unitrends.BackupStatusFailure:
		return statusFailed
	}
	return statusUnknown
}

// unitrendsStatusText is a status as the table shows it: an integer no
// source explains is shown as an unknown code, not as if it were a word.
func unitrendsStatusText(st unitrends.BackupStatus) string {
	if code, ok := st.Code(); ok {
		return fmt.Sprintf("unknown (code %d)", code)
	}
	return string(st)
}

// unitrendsStarted is when a backup started: the epoch start_time newer
// appliances send, else start_date_time read in the appliance's zone. When
// that zone is unknown (no UNITRENDS_TZ or time_zone, no start_time), the
// time is the appliance's wall clock labelled UTC: unitrendsTimeNote says
// so wherever it is shown.
func unitrendsStarted(b *unitrends.Backup) (time.Time, bool) {
	if t, ok := b.StartTime.Get(); ok {
		return t, true
	}
	return b.StartDateTime.Get()
}

// Notes on times that are not certain instants (see unitrendsTimeNote).
const (
	noteApplianceTime = "appliance time: the appliance's wall clock, zone unknown (set UNITRENDS_TZ or time_zone)"
	noteDSTGap        = "uncertain: a wall clock time skipped by a DST change of the configured zone"
	noteDSTOverlap    = "uncertain: a wall clock time repeated by a DST change of the configured zone"
)

// unitrendsTimeNote says why the start of b is not a certain instant: ""
// when it is (an epoch start_time, a text with a zone, or a wall clock read
// in the configured zone outside DST changes).
func unitrendsTimeNote(b *unitrends.Backup) string {
	st := b.StartDateTime
	if b.StartTime.Valid || !st.Valid {
		return ""
	}
	switch {
	case st.Zone == unitrends.ZoneUnknown:
		return noteApplianceTime
	case st.DST == unitrends.DSTGap:
		return noteDSTGap
	case st.DST == unitrends.DSTOverlap:
		return noteDSTOverlap
	}
	return ""
}

// noteTimeText renders a time with its note (see unitrendsTimeNote) in a
// table cell: the appliance's wall clock without an offset, marked as
// appliance time, never as UTC; a DST-uncertain instant marked so.
func noteTimeText(t time.Time, note string) string {
	switch note {
	case "":
		return timeText(t, true)
	case noteApplianceTime:
		return t.Format("2006-01-02T15:04:05") + " appliance time"
	}
	return timeText(t, true) + " (DST?)"
}

// unitrendsStartedText renders the start of b for a table.
func unitrendsStartedText(b *unitrends.Backup) string {
	t, ok := unitrendsStarted(b)
	if !ok {
		return timeText(t, ok)
	}
	return noteTimeText(t, unitrendsTimeNote(b))
}

// unitrendsClient returns a client for a Unitrends account; its session is
// logged out when the session (or the account's turn in a walk) ends:
// appliances limit open sessions.
func (s *session) unitrendsClient(ctx context.Context, a *account) (*unitrends.Client, error) {
	hc, err := s.httpClient(ctx, a) // trusts ca_file, or skips the check with insecure
	if err != nil {
		return nil, err
	}
	opts := []unitrends.Option{
		unitrends.WithUserAgent(userAgent()),
		unitrends.WithHTTPClient(hc),
		unitrends.WithPassword(a.User, a.Password.reveal()),
	}
	if a.TimeZone != "" {
		loc, err := time.LoadLocation(a.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %q: %w", a.label(), a.setting("UNITRENDS_TZ", "time_zone"), a.TimeZone, err)
		}
		opts = append(opts, unitrends.WithTimeZone(loc))
	}
	if s.env.retry != nil {
		opts = append(opts, unitrends.WithRetryPolicy(*s.env.retry))
	}
	c, err := unitrends.NewClient(a.URL, opts...)
	if err != nil {
		return nil, err
	}
	s.logoutLater(ctx, c.Logout)
	return c, nil
}

// unitrendsSource is a Unitrends appliance, for the inventory.
type unitrendsSource struct {
	acct *account
	c    *unitrends.Client
}

// inventory runs the backups query without filters. Rows without a backup
// id (a client that has no backup yet) are not backups and are left out.
func (u *unitrendsSource) inventory(ctx context.Context, now time.Time) ([]item, error) {
	backups, err := u.c.Backups.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	items := make([]item, 0, len(backups))
	for _, b := range backups {
		id, ok := b.ID.Get()
		if !ok {
			continue
		}
		size, sizeOK := b.SizeMB.Get()
		items = append(items, item{
			Provider:    providerUnitrends,
			Owner:       b.ClientName,
			ID:          strconv.FormatInt(id, 10),
			Name:        strings.TrimSpace(b.Type + " " + b.InstanceName.Or("")),
			Created:     timePtr(unitrendsStarted(&b)),
			CreatedNote: unitrendsTimeNote(&b),
			Status:      unitrendsStatus(&b),
			SizeBytes:   sizeOf(size, sizeOK, 1<<20), // size is in MB
			Raw:         b,
		})
	}
	return items, nil
}

// protected is one row per client and instance of the backups query
// ("db01/payroll", or the client alone when the row names no instance),
// and per client the appliance lists without any backup (a row without a
// backup id). A Failure is a failed attempt, whose output is its error; a
// Warning counts as successful; a backup not complete yet counts for
// nothing.
func (u *unitrendsSource) protected(ctx context.Context, now time.Time) ([]protected, error) {
	backups, err := u.c.Backups.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	var t things
	withBackups := map[string]bool{}
	var bare []string // clients listed without a backup
	for _, b := range backups {
		client := b.ClientName
		if client == "" {
			client = "client " + intText(b.ClientID.Get())
		}
		id, ok := b.ID.Get()
		if !ok {
			bare = append(bare, client)
			continue
		}
		withBackups[client] = true
		owner := client
		if inst := b.InstanceName.Or(""); inst != "" {
			owner += "/" + inst
		} else if iid, ok := b.InstanceID.Get(); ok {
			owner += "/instance " + strconv.FormatInt(iid, 10)
		}
		started, _ := unitrendsStarted(&b)
		p := t.get(owner, owner)
		if note := unitrendsTimeNote(&b); note != "" {
			p.timeNote = note
		}
		p.add(started, unitrendsStatus(&b), func() string {
			if out := strings.TrimSpace(b.Output.Or("")); out != "" {
				return out
			}
			return fmt.Sprintf("backup %d (%s) failed", id, strings.TrimSpace(b.Type+" "+b.InstanceName.Or("")))
		})
	}
	for _, c := range bare {
		if !withBackups[c] {
			t.get(c, c)
		}
	}
	return t.list(), nil
}

const unitrendsAbout = `Commands for the backups of a Unitrends Backup appliance.

Environment: UNITRENDS_URL (the appliance, such as https://ueb.example.com),
UNITRENDS_USER, UNITRENDS_PASSWORD; UNITRENDS_CA_FILE, a PEM file with the
appliance's (self-signed) certificate; UNITRENDS_INSECURE=1 to skip the
certificate check (throwaway lab appliances only); UNITRENDS_TZ, the
appliance's time zone (such as Europe/Berlin), in which it prints times;
the API does not tell it, so without it times the appliance prints without
a zone are shown as "appliance time", not as UTC. The built-in Unitrends
fake with demo data answers only when no provider is configured, or with
-demo.`

// unitrendsCommand is "backupctl unitrends".
func unitrendsCommand() *command {
	return &command{
		name:    providerUnitrends,
		summary: "Unitrends: query and delete backups",
		about:   unitrendsAbout,
		subs: []*command{
			{
				name:    "backups",
				args:    "[-system-id N] [-client-id N] [-since DURATION]",
				summary: "query backups by system, client and age",
				about: `backups runs the appliance's backups query. A protected client that has no
backup yet shows as a row without an id and with status None.

Text columns: ID, CLIENT, INSTANCE, TYPE, STATUS, STARTED, TOOK, SIZE,
FILES, REPLICATION, STORAGE. With -o json each element is the API's backup
row.`,
				setup: unitrendsBackupsSetup,
			},
			{
				name:    "backup",
				summary: "delete backups",
				about:   "Actions on Unitrends backups. The API offers no restore call; deleting asks for -yes.",
				subs: []*command{
					{
						name:    "delete",
						args:    "-id ID[,ID...] [-system-id N] -yes",
						summary: "delete one or more backups",
						about: `delete deletes the backups -id (a comma-separated list) of the system
-system-id (default: the appliance answering). -yes confirms.`,
						setup: unitrendsDeleteSetup,
					},
				},
			},
		},
	}
}

// unitrendsDeleteSetup defines the flags of "unitrends backup delete" and
// returns what deletes the backups.
func unitrendsDeleteSetup(fs *flag.FlagSet) action {
	ids := fs.String("id", "", "the backup `ID`s to delete, comma-separated")
	systemID := fs.Int64("system-id", 0, "the system (appliance) `N` holding them (default: the appliance answering)")
	yes := fs.Bool("yes", false, "confirm the deletion")
	return func(ctx context.Context, s *session) error {
		var list []int64
		for _, v := range strings.Split(*ids, ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return usagef("-id %q: want backup ids such as 12,13", v)
			}
			list = append(list, id)
		}
		switch {
		case len(list) == 0:
			return usagef("-id: give the backups to delete")
		case *systemID < 0:
			return usagef("-system-id %d: want a system id", *systemID)
		case !*yes:
			return usagef("deleting backups %s cannot be undone: add -yes to confirm", *ids)
		}
		a, err := s.account(providerUnitrends)
		if err != nil {
			return err
		}
		c, err := s.unitrendsClient(ctx, a)
		if err != nil {
			return err
		}
		var opts *unitrends.DeleteBackupOptions
		if *systemID != 0 {
			opts = &unitrends.DeleteBackupOptions{SystemID: *systemID}
		}
		if err := c.Backups.Delete(ctx, list, opts); err != nil {
			return err
		}
		if s.format == formatJSON {
			results := make([]actionResult, len(list))
			for i, id := range list {
				results[i] = actionResult{Provider: providerUnitrends, Action: "delete", ID: strconv.FormatInt(id, 10)}
			}
			return writeJSON(s.stdout, results)
		}
		for _, id := range list {
			if _, err := fmt.Fprintf(s.stdout, "deleted backup %d\n", id); err != nil {
				return err
			}
		}
		return nil
	}
}

// unitrendsBackupsSetup defines the flags of "unitrends backups" and
// returns what runs the backups query.
func unitrendsBackupsSetup(fs *flag.FlagSet) action {
	systemID := fs.Int64("system-id", 0, "backups of this system (appliance) `N` only")
	clientID := fs.Int64("client-id", 0, "backups of this client (protected machine) `N` only")
	since := fs.Duration("since", 0, "backups that started in the last `DURATION` only, such as 24h")
	return func(ctx context.Context, s *session) error {
		switch {
		case *systemID < 0:
			return usagef("-system-id %d: want a system id", *systemID)
		case *clientID < 0:
			return usagef("-client-id %d: want a client id", *clientID)
		case *since < 0:
			return usagef("-since %s: want a positive duration", *since)
		}
		a, err := s.account(providerUnitrends)
		if err != nil {
			return err
		}
		c, err := s.unitrendsClient(ctx, a)
		if err != nil {
			return err
		}
		q := &unitrends.ListBackupsOptions{SystemID: *systemID, ClientID: *clientID}
		if *since > 0 {
			q.StartTime = s.env.now().Add(-*since)
		}
		backups, err := c.Backups.List(ctx, q)
		if err != nil {
			return err
		}
		return emit(s, backups, func(t *table) {
			t.header("ID", "CLIENT", "INSTANCE", "TYPE", "STATUS", "STARTED", "TOOK", "SIZE", "FILES", "REPLICATION", "STORAGE")
			for _, b := range backups {
				size, ok := b.SizeMB.Get()
				t.row(intText(b.ID.Get()), b.ClientName, b.InstanceName.Or(""), b.Type, unitrendsStatusText(b.Status),
					unitrendsStartedText(&b), durationText(b.Duration.Get()), humanSize(sizeOf(size, ok, 1<<20)),
					intText(b.Files.Get()), string(b.ReplicationStatus), b.Storage.Or(""))
			}
		})
	}
}
