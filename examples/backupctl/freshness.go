package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultMaxAge is the default of freshness -max-age: a daily backup with
// no slack.
const defaultMaxAge = 24 * time.Hour

// verdict is how a protected machine stands against the recovery-point
// objective (-max-age).
type verdict string

// The verdicts, worst first (see verdictOf).
const (
	// verdictNone: no successful backup, and no failed one either: never
	// backed up, or the first backup is still running.
	verdictNone verdict = "none"
	// verdictFailing: a backup attempt failed after the newest successful
	// backup (or there is no successful one).
	verdictFailing verdict = "failing"
	// verdictStale: the newest successful backup is older than -max-age.
	verdictStale verdict = "stale"
	// verdictOK: the newest successful backup is at most -max-age old.
	verdictOK verdict = "ok"
)

// rank orders verdicts worst first: none and failing, then stale, then ok.
func (v verdict) rank() int {
	switch v {
	case verdictNone, verdictFailing:
		return 0
	case verdictStale:
		return 1
	}
	return 2
}

// tally sums up the backups of one protected machine for freshness.
type tally struct {
	// newestOK is the point in time of the newest successful backup (zero:
	// none).
	newestOK time.Time
	// lastFailed is the point in time of the newest failed attempt (zero:
	// none), and lastError what went wrong with it.
	lastFailed time.Time
	lastError  string
}

// add counts one backup taken at at with inventory status st. ok and
// warning backups are successful; failed ones are failed attempts, why
// telling what went wrong (called only when needed); running and unknown
// ones, and backups without a time, count for nothing.
func (t *tally) add(at time.Time, st status, why func() string) {
	if at.IsZero() {
		return
	}
	switch st {
	case statusOK, statusWarning:
		if at.After(t.newestOK) {
			t.newestOK = at
		}
	case statusFailed:
		if at.After(t.lastFailed) {
			t.lastFailed = at
			t.lastError = why()
		}
	}
}

// verdictOf judges a tally at now against maxAge:
//
//	failing  a failed attempt is newer than the newest successful backup
//	         (or there is no successful one)
//	none     no successful backup and no failed one
//	stale    the newest successful backup is more than maxAge old
//	ok       the newest successful backup is at most maxAge old
//
// A backup exactly maxAge old is ok; one second more is stale.
func verdictOf(t tally, now time.Time, maxAge time.Duration) verdict {
	switch {
	case !t.lastFailed.IsZero() && t.lastFailed.After(t.newestOK):
		return verdictFailing
	case t.newestOK.IsZero():
		return verdictNone
	case now.Sub(t.newestOK) > maxAge:
		return verdictStale
	}
	return verdictOK
}

// protected is one protected machine of an account (an OnApp virtual
// server, an Erigones VM disk, a Unitrends client or instance, a CBR
// resource) and the tally of its backups.
type protected struct {
	// owner names it as the provider's commands do.
	owner string
	tally
	// note says why it counts as never backed up when the provider's own
	// lists would suggest otherwise (OnApp: a disk without any backup).
	note string
	// timeNote says why its backup times are not certain instants (a
	// Unitrends appliance of unknown zone, a DST change); "" when they are.
	timeNote string
}

// freshRow is one row of the freshness report. With -o json it is written
// as {"account", "provider", "owner", "newest_ok", "age_seconds",
// "verdict", "last_error"}.
type freshRow struct {
	// Account is the -config account, or for the environment's accounts
	// the provider.
	Account string `json:"account"`
	// Provider is onapp, erigones, unitrends or cloudbackup.
	Provider string `json:"provider"`
	// Owner is the protected machine (see protected).
	Owner string `json:"owner"`
	// NewestOK is when the newest successful backup was taken; nil when
	// there is none.
	NewestOK *time.Time `json:"newest_ok"`
	// AgeSeconds is how old NewestOK is, in whole seconds; nil with it.
	AgeSeconds *int64 `json:"age_seconds"`
	// Verdict is ok, stale, failing or none.
	Verdict verdict `json:"verdict"`
	// LastError is, for a failing row, what went wrong with the newest
	// failed attempt (the API's message, or what the API shows of it); for
	// a none row a note when there is one; else nil.
	LastError *string `json:"last_error"`
	// TimeNote says why NewestOK and AgeSeconds are not certain, when they
	// are not: a Unitrends appliance's wall clock of unknown zone (NewestOK
	// then holds that wall clock labelled UTC, and the age may be off by
	// the appliance's UTC offset), or one in a DST gap or overlap.
	TimeNote string `json:"time_note,omitzero"`
	// Demo is true when the row is demo data from a built-in fake (left
	// out otherwise).
	Demo bool `json:"demo,omitzero"`
}

// freshnessAbout is the -h text of freshness.
const freshnessAbout = `freshness reports, for every protected machine of every account, its newest
successful backup, how old it is, and a verdict against -max-age (the
recovery-point objective):

  none     no successful backup and no failed one: never backed up (or the
           first backup is still running)
  failing  a backup attempt failed after the newest successful backup (or
           there is none): the most recent finished attempt failed
  stale    the newest successful backup is older than -max-age
  ok       the newest successful backup is at most -max-age old (exactly
           -max-age is still ok; a second more is stale)

Running and queued backups count for nothing until they end; backups with
warnings count as successful. The time of a backup is when it was taken:
OnApp created_at, Erigones created, Unitrends start time, CBR protected_at
(else created_at).

What is protected, per provider:
  onapp        every virtual server; its backups are its incremental backups
               and the normal backups of its disks. newest_ok is the newest
               point every disk (swap disks aside) is backed up at: a server
               with a disk never backed up is none. An unbuilt backup more
               than 6h old is a failed attempt (OnApp has no failed state).
  erigones     every VM disk with a backup definition (or with backups) in
               the datacenter; a lost backup is a failed attempt.
  unitrends    every client and instance of the backups query, clients with
               no backup included.
  cloudbackup  every resource bound to a vault, and every resource with
               backups; last_error comes from the failed backup task.

It walks the providers of the environment whose URL variable is set (the
built-in fakes, marked "demo": true, only when none is set or with -demo), or with -config FILE every account of the file (or those -account
names), at most -parallel accounts at once (default 4), with an ACCOUNT
column. Text output is a table sorted worst first (none and failing, then
stale, then ok; oldest first within each) and a summary line. With -o json each row
is {"account", "provider", "owner", "newest_ok" (RFC 3339 or null),
"age_seconds" (or null), "verdict", "last_error"} (and "demo": true for
demo data): last_error is, for a
failing row, the API's error for the newest failed attempt (or what the API
shows of it), for an OnApp none row the disk without a backup, else null.

Exit status, for cron and monitoring: 0 everything is ok; 3 something is
stale, failing or none; 1 an account could not be read (one line each on
stderr; the others are still reported) - 1 wins over 3, because the report is
incomplete; 2 a usage or -config error.`

// freshnessCommand is "backupctl freshness".
func freshnessCommand() *command {
	return &command{
		name:    "freshness",
		args:    "[-max-age 24h]",
		summary: "the newest good backup of every protected machine, against a maximum age",
		about:   freshnessAbout,
		setup: func(fs *flag.FlagSet) action {
			maxAge := ageFlag(defaultMaxAge)
			fs.Var(&maxAge, "max-age", "the recovery-point objective: a newest good backup older than this `DURATION` is stale (such as 24h, 36h, 7d)")
			return func(ctx context.Context, s *session) error { return runFreshness(ctx, s, time.Duration(maxAge)) }
		},
	}
}

// ageFlag is a duration flag that also takes days: 7d, 1d12h.
type ageFlag time.Duration

// String renders the duration as it may be given: 24h, 36h, 7d.
func (a *ageFlag) String() string {
	if a == nil {
		return ""
	}
	return shortDuration(time.Duration(*a))
}

// Set reads a Go duration (36h, 90m) or days (7d, 1d12h).
func (a *ageFlag) Set(v string) error {
	var days int64
	rest := v
	if i := strings.IndexByte(v, 'd'); i > 0 {
		n, err := strconv.ParseInt(v[:i], 10, 64)
		if err != nil {
			return errors.New("want a duration such as 24h, 36h or 7d")
		}
		days, rest = n, v[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil {
			return errors.New("want a duration such as 24h, 36h or 7d")
		}
	}
	total := time.Duration(days)*24*time.Hour + d
	if total <= 0 || days > 100000 {
		return errors.New("want a positive duration such as 24h, 36h or 7d")
	}
	*a = ageFlag(total)
	return nil
}

// shortDuration renders d as a person writes it: 7d, 36h, 90m, 1d2h.
func shortDuration(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= 2*day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" {
		return "0s"
	}
	return s
}

// ageText renders an age in the table: 45s, 12m, 5h03m, 2d04h.
func ageText(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= day:
		return fmt.Sprintf("%dd%02dh", d/day, (d%day)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", max(d/time.Second, 0))
}

// runFreshness walks every account (at most s.parallel at once), judges
// each protected machine and prints the report. It returns errReported
// when an account failed, else errAttention when a row is not ok.
func runFreshness(ctx context.Context, s *session, maxAge time.Duration) error {
	refs, err := s.walkAccounts()
	if err != nil {
		return err
	}
	now := s.env.now()
	results := walk(ctx, s, "freshness", refs, func(ctx context.Context, a *account, src source) ([]protected, error) {
		return src.protected(ctx, now)
	})
	var rows []freshRow
	failed := 0
	for i, r := range results {
		if r.err != nil {
			failed++
			s.warnf("%s", s.describeAccount(refs[i], r.err))
			continue
		}
		for _, p := range r.val {
			rows = append(rows, freshnessRow(r.acct, p, now, maxAge))
		}
	}
	sortFreshness(rows)
	counts := map[verdict]int{}
	for _, r := range rows {
		counts[r.Verdict]++
	}
	withAccount := s.configPath != ""
	err = emit(s, rows, func(t *table) {
		cols := []string{"VERDICT", "PROVIDER", "OWNER", "NEWEST OK", "AGE", "LAST ERROR"}
		if withAccount {
			cols = slices.Insert(cols, 1, "ACCOUNT")
		}
		t.wideLast = true
		t.header(cols...)
		for _, r := range rows {
			newest, age := "-", "-"
			if r.NewestOK != nil {
				newest = timeText(*r.NewestOK, true)
				age = ageText(time.Duration(*r.AgeSeconds) * time.Second)
				newest = noteTimeText(*r.NewestOK, r.TimeNote)
			}
			lastErr := ""
			if r.LastError != nil {
				lastErr = *r.LastError
			}
			cells := []string{string(r.Verdict), r.Provider, r.Owner, newest, age, lastErr}
			if withAccount {
				cells = slices.Insert(cells, 1, r.Account)
			}
			t.row(cells...)
		}
	})
	if err != nil {
		return err
	}
	if s.format == formatText {
		summary := fmt.Sprintf("%d protected: %d ok, %d stale, %d failing, %d none (max age %s)",
			len(rows), counts[verdictOK], counts[verdictStale], counts[verdictFailing], counts[verdictNone], shortDuration(maxAge))
		if failed > 0 {
			summary += fmt.Sprintf("; %d of %d accounts could not be read", failed, len(refs))
		}
		if _, err := fmt.Fprintln(s.stdout, summary); err != nil {
			return err
		}
	}
	switch {
	case failed > 0:
		return errReported
	case len(rows) > counts[verdictOK]:
		return errAttention
	}
	return nil
}

// freshnessRow judges one protected machine of account a.
func freshnessRow(a *account, p protected, now time.Time, maxAge time.Duration) freshRow {
	r := freshRow{Account: a.displayName(), Provider: a.Provider, Owner: p.owner, Verdict: verdictOf(p.tally, now, maxAge), Demo: a.Demo}
	if !p.newestOK.IsZero() {
		t := p.newestOK.UTC()
		age := int64(max(now.Sub(t), 0) / time.Second)
		r.NewestOK, r.AgeSeconds = &t, &age
		r.TimeNote = p.timeNote
	}
	switch {
	case r.Verdict == verdictFailing:
		msg := p.lastError
		r.LastError = &msg
	case r.Verdict == verdictNone && p.note != "":
		msg := p.note
		r.LastError = &msg
	}
	return r
}

// sortFreshness orders the report worst first: none and failing, then
// stale, then ok; within each the oldest newest_ok first (none at all
// first), then by account, provider and owner.
func sortFreshness(rows []freshRow) {
	slices.SortStableFunc(rows, func(a, b freshRow) int {
		if c := cmp.Compare(a.Verdict.rank(), b.Verdict.rank()); c != 0 {
			return c
		}
		switch {
		case a.NewestOK == nil && b.NewestOK != nil:
			return -1
		case a.NewestOK != nil && b.NewestOK == nil:
			return 1
		case a.NewestOK != nil:
			if c := a.NewestOK.Compare(*b.NewestOK); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Provider, b.Provider); c != 0 {
			return c
		}
		return cmp.Compare(a.Owner, b.Owner)
	})
}

// things collects the protected machines of an account by a key, in the
// order they are first seen.
type things struct {
	byKey map[string]*protected
	order []*protected
}

// get returns the machine with key, adding it with owner when new.
func (t *things) get(key, owner string) *protected {
	if p, ok := t.byKey[key]; ok {
		return p
	}
	if t.byKey == nil {
		t.byKey = map[string]*protected{}
	}
	p := &protected{owner: owner}
	t.byKey[key] = p
	t.order = append(t.order, p)
	return p
}

// list returns the machines, in the order first seen.
func (t *things) list() []protected {
	out := make([]protected, len(t.order))
	for i, p := range t.order {
		out[i] = *p
	}
	return out
}
