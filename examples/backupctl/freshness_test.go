package main

import (
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// jsonRow is a freshness row as a consumer of -o json reads it.
type jsonRow struct {
	Account    string     `json:"account"`
	Provider   string     `json:"provider"`
	Owner      string     `json:"owner"`
	NewestOK   *time.Time `json:"newest_ok"`
	AgeSeconds *int64     `json:"age_seconds"`
	Verdict    string     `json:"verdict"`
	LastError  *string    `json:"last_error"`
}

// decodeRows decodes freshness -o json output, requiring every member of
// every row.
func decodeRows(t *testing.T, out string) []jsonRow {
	t.Helper()
	var raw []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	for _, m := range raw {
		for _, k := range []string{"account", "provider", "owner", "newest_ok", "age_seconds", "verdict", "last_error"} {
			require.Contains(t, m, k)
		}
		want := 7
		if _, ok := m["time_note"]; ok { // only for times that are not certain instants
			want++
		}
		require.Len(t, m, want, "%v", m)
	}
	var rows []jsonRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	return rows
}

func TestFreshnessDemo(t *testing.T) {
	t.Parallel()
	// The built-in fakes: no settings, no network.
	r := runEnv(t, testEnv(nil), "freshness")
	assert.Equal(t, exitAttention, r.code, r.stderr)
	assert.Len(t, lines(r.stderr), 4, "the four fake notices only:\n%s", r.stderr)
	assertGolden(t, "freshness.txt", r.stdout)

	// The same against the tests' own fakes, and in JSON.
	f := startFakes(t)
	r = f.run(t, "freshness")
	assert.Equal(t, exitAttention, r.code)
	assert.Empty(t, r.stderr)
	assertGolden(t, "freshness.txt", r.stdout)
	r = f.run(t, "-o", "json", "freshness")
	assert.Equal(t, exitAttention, r.code)
	assertGolden(t, "freshness.json", r.stdout)
	rows := decodeRows(t, r.stdout)

	// Every provider shows every verdict.
	seen := map[string]map[string]int{}
	for _, row := range rows {
		if seen[row.Provider] == nil {
			seen[row.Provider] = map[string]int{}
		}
		seen[row.Provider][row.Verdict]++
		assert.Equal(t, row.Provider, row.Account, "the environment's accounts are named after their providers")
		assert.Equal(t, row.NewestOK == nil, row.AgeSeconds == nil)
		if row.NewestOK != nil {
			assert.Equal(t, int64(testNow.Sub(*row.NewestOK)/time.Second), *row.AgeSeconds)
			assert.Equal(t, time.UTC, row.NewestOK.Location())
		}
		switch row.Verdict {
		case "none":
			assert.Nil(t, row.NewestOK, row.Owner)
		case "failing":
			require.NotNil(t, row.LastError, row.Owner)
			assert.NotEmpty(t, *row.LastError)
		case "stale":
			assert.Greater(t, *row.AgeSeconds, int64(24*3600), row.Owner)
			assert.Nil(t, row.LastError)
		case "ok":
			assert.LessOrEqual(t, *row.AgeSeconds, int64(24*3600), row.Owner)
			assert.Nil(t, row.LastError)
		default:
			t.Errorf("verdict %q", row.Verdict)
		}
	}
	for _, p := range providers {
		for _, v := range []string{"ok", "stale", "failing", "none"} {
			assert.Positive(t, seen[p][v], "%s shows %s", p, v)
		}
	}
	// Worst first: none and failing, then stale, then ok.
	rank := map[string]int{"none": 0, "failing": 0, "stale": 1, "ok": 2}
	for i := 1; i < len(rows); i++ {
		assert.LessOrEqual(t, rank[rows[i-1].Verdict], rank[rows[i].Verdict], "row %d", i)
	}

	byOwner := func(provider, owner string) jsonRow {
		for _, row := range rows {
			if row.Provider == provider && row.Owner == owner {
				return row
			}
		}
		t.Fatalf("no %s row %s", provider, owner)
		return jsonRow{}
	}
	// The demo's own descriptions, checked row by row.
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	assert.Equal(t, at(8*24*time.Hour), *byOwner("onapp", "mail-01").NewestOK, "the normal backup built 8 days ago")
	assert.Equal(t, "backup 12 (incremental) was not built 20h00m after it was scheduled", *byOwner("onapp", "mail-01").LastError)
	assert.Equal(t, at(2*time.Hour), *byOwner("onapp", "web-01").NewestOK, "the incremental backup covers both disks; swap is left out")
	assert.Equal(t, "Backup failed: the agent on file01 did not answer (connection timed out).", *byOwner("unitrends", "file01/file-level").LastError)
	assert.Equal(t, "ok", byOwner("unitrends", "vm-app01/app01").Verdict, "a backup with warnings counts")
	assert.Equal(t, "Creating the snapshot of a disk of the server failed [BackupService.6401]", *byOwner("cloudbackup", "app-02").LastError, "the error of the failed task")
	assert.Equal(t, at(12*time.Hour-2*time.Minute), *byOwner("cloudbackup", "data-vol-01").NewestOK, "the backup being made counts for nothing")
	assert.Equal(t, "none", byOwner("cloudbackup", "cache-01").Verdict, "bound to a vault, no backup")
	assert.Equal(t, "none", byOwner("erigones", "mail01.example.com disk 1").Verdict, "a definition, no backup")
	assert.Equal(t, "failing", byOwner("erigones", "app01.example.com disk 1").Verdict, "its newest backups are lost")
	assert.Equal(t, "none", byOwner("unitrends", "legacy01").Verdict, "a client without backups")
}

func TestVerdictRules(t *testing.T) {
	t.Parallel()
	const maxAge = 24 * time.Hour
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	type step struct {
		ago time.Duration
		st  status
	}
	cases := []struct {
		name  string
		steps []step
		want  verdict
	}{
		{"no backups", nil, verdictNone},
		{"exactly max-age old", []step{{maxAge, statusOK}}, verdictOK},
		{"one second over", []step{{maxAge + time.Second, statusOK}}, verdictStale},
		{"one second under", []step{{maxAge - time.Second, statusOK}}, verdictOK},
		{"newest failed, older ok", []step{{48 * time.Hour, statusOK}, {time.Hour, statusFailed}}, verdictFailing},
		{"newest failed, older ok still fresh", []step{{3 * time.Hour, statusOK}, {time.Hour, statusFailed}}, verdictFailing},
		{"failed, then ok", []step{{5 * time.Hour, statusFailed}, {time.Hour, statusOK}}, verdictOK},
		{"failed, then ok but stale", []step{{50 * time.Hour, statusFailed}, {30 * time.Hour, statusOK}}, verdictStale},
		{"only failures", []step{{time.Hour, statusFailed}, {2 * time.Hour, statusFailed}}, verdictFailing},
		{"ok, then running", []step{{2 * time.Hour, statusOK}, {time.Minute, statusRunning}}, verdictOK},
		{"stale, then running", []step{{30 * time.Hour, statusOK}, {time.Minute, statusRunning}}, verdictStale},
		{"failed, then running", []step{{2 * time.Hour, statusFailed}, {time.Minute, statusRunning}}, verdictFailing},
		{"only running", []step{{time.Minute, statusRunning}}, verdictNone},
		{"warning counts as ok", []step{{time.Hour, statusWarning}}, verdictOK},
		{"unknown counts for nothing", []step{{30 * time.Hour, statusOK}, {time.Hour, statusUnknown}}, verdictStale},
		{"a failure at the same time as an ok", []step{{time.Hour, statusOK}, {time.Hour, statusFailed}}, verdictOK},
	}
	table := map[string]verdict{}
	for _, tc := range cases {
		var tl tally
		for _, s := range tc.steps {
			tl.add(at(s.ago), s.st, func() string { return "boom" })
		}
		got := verdictOf(tl, testNow, maxAge)
		assert.Equal(t, tc.want, got, tc.name)
		table[tc.name] = got
	}
	golden.AssertJSON(t, "verdict-rules", table)

	// A backup without a time counts for nothing.
	var tl tally
	tl.add(time.Time{}, statusOK, nil)
	assert.Equal(t, verdictNone, verdictOf(tl, testNow, maxAge))
}

// onappCase is a virtual server of TestFreshnessBoundaries: its disks and
// backups, and the verdict it must get.
type onappCase struct {
	label string
	disks []onapptest.Disk // VMID is filled in
	// backups: DiskID is an index into disks (from 1) for normal
	// backups, 0 for incremental ones.
	backups []onapptest.Backup
	want    verdict
	newest  time.Duration // how old newest_ok is; -1 for null
	lastErr string
}

func TestFreshnessBoundaries(t *testing.T) {
	t.Parallel()
	srv, err := onapptest.NewServer(onapptest.WithoutDemoData(), onapptest.WithNow(fixedNow))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	const day = 24 * time.Hour
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	built := func(disk int64, ago time.Duration) onapptest.Backup {
		typ := onapptest.TypeNormal
		if disk == 0 {
			typ = onapptest.TypeIncremental
		}
		return onapptest.Backup{Type: typ, DiskID: disk, Built: true, CreatedAt: at(ago), SizeKB: 1024}
	}
	unbuilt := func(disk int64, ago time.Duration) onapptest.Backup {
		b := built(disk, ago)
		b.Built = false
		return b
	}
	one := []onapptest.Disk{{Label: "sys", Primary: true}}
	two := []onapptest.Disk{{Label: "sys", Primary: true}, {Label: "data"}}
	cases := []onappCase{
		{label: "exact", disks: one, backups: []onapptest.Backup{built(1, day)}, want: verdictOK, newest: day},
		{label: "over", disks: one, backups: []onapptest.Backup{built(1, day+time.Second)}, want: verdictStale, newest: day + time.Second},
		{label: "never", disks: one, want: verdictNone, newest: -1},
		{label: "failed-after-ok", disks: one, backups: []onapptest.Backup{built(1, 2*day), unbuilt(1, 7*time.Hour)},
			want: verdictFailing, newest: 2 * day, lastErr: "backup {b2} (normal, disk sys) was not built 7h00m after it was scheduled"},
		{label: "running", disks: one, backups: []onapptest.Backup{built(1, 2*time.Hour), unbuilt(0, time.Hour)}, want: verdictOK, newest: 2 * time.Hour},
		{label: "only-running", disks: one, backups: []onapptest.Backup{unbuilt(1, time.Hour)}, want: verdictNone, newest: -1},
		{label: "running-after-failed", disks: one, backups: []onapptest.Backup{built(1, 3*day), unbuilt(1, 10*time.Hour), unbuilt(1, time.Hour)},
			want: verdictFailing, newest: 3 * day, lastErr: "backup {b2} (normal, disk sys) was not built 10h00m after it was scheduled"},
		{label: "ok-after-failed", disks: one, backups: []onapptest.Backup{unbuilt(1, 30*time.Hour), built(1, 2*time.Hour)}, want: verdictOK, newest: 2 * time.Hour},
		{label: "disk-never", disks: two, backups: []onapptest.Backup{built(1, time.Hour)}, want: verdictNone, newest: -1, lastErr: "disk data ({d2}) has no successful backup"},
		{label: "incremental-covers", disks: two, backups: []onapptest.Backup{built(1, 30*time.Hour), built(0, 3*time.Hour)}, want: verdictOK, newest: 3 * time.Hour},
		{label: "oldest-disk", disks: two, backups: []onapptest.Backup{built(1, time.Hour), built(2, 30*time.Hour)}, want: verdictStale, newest: 30 * time.Hour},
		{label: "other-disk-failed", disks: two, backups: []onapptest.Backup{built(1, time.Hour), built(2, 20*time.Hour), unbuilt(2, 10*time.Hour)},
			want: verdictFailing, newest: 20 * time.Hour, lastErr: "backup {b3} (normal, disk data) was not built 10h00m after it was scheduled"},
		{label: "swap-left-out", disks: []onapptest.Disk{{Label: "sys", Primary: true}, {Label: "swap", Swap: true}},
			backups: []onapptest.Backup{built(1, time.Hour)}, want: verdictOK, newest: time.Hour},
	}
	// The ids the server gives, for the messages: {d2} is the case's second
	// disk, {b2} its second backup.
	ids := map[string]*strings.Replacer{}
	for _, c := range cases {
		vm, err := srv.AddVM(onapptest.VM{Label: c.label, CreatedAt: at(100 * day)})
		require.NoError(t, err)
		var disks, repl []string
		for i, d := range c.disks {
			d.VMID = vm.ID
			d.CreatedAt = vm.CreatedAt
			added, err := srv.AddDisk(d)
			require.NoError(t, err)
			disks = append(disks, itoa(added.ID))
			repl = append(repl, "{d"+itoa(int64(i+1))+"}", itoa(added.ID))
		}
		for i, b := range c.backups {
			b.VMID = vm.ID
			if b.DiskID != 0 {
				b.DiskID, err = strconv.ParseInt(disks[b.DiskID-1], 10, 64)
				require.NoError(t, err)
			}
			addedID, err := srv.AddBackup(b)
			require.NoError(t, err)
			repl = append(repl, "{b"+itoa(int64(i+1))+"}", itoa(addedID))
		}
		ids[c.label] = strings.NewReplacer(repl...)
	}
	cfg := writeConfig(t, 0o600, obj{"name": "lab", "provider": "onapp", "url": srv.URL(), "user": srv.User(), "password": srv.Password()})
	r := runEnv(t, testEnv(nil), "-o", "json", "-config", cfg, "freshness", "-max-age", "24h")
	assert.Equal(t, exitAttention, r.code, r.stderr)
	rows := decodeRows(t, r.stdout)
	require.Len(t, rows, len(cases))
	byOwner := map[string]jsonRow{}
	for _, row := range rows {
		byOwner[row.Owner] = row
	}
	for _, c := range cases {
		row := byOwner[c.label]
		assert.Equal(t, string(c.want), row.Verdict, c.label)
		if c.newest < 0 {
			assert.Nil(t, row.NewestOK, c.label)
			assert.Nil(t, row.AgeSeconds, c.label)
		} else if assert.NotNil(t, row.NewestOK, c.label) {
			assert.Equal(t, at(c.newest), *row.NewestOK, c.label)
			assert.Equal(t, int64(c.newest/time.Second), *row.AgeSeconds, c.label)
		}
		if c.lastErr == "" {
			assert.Nil(t, row.LastError, c.label)
		} else if assert.NotNil(t, row.LastError, c.label) {
			assert.Equal(t, ids[c.label].Replace(c.lastErr), *row.LastError, c.label)
		}
	}
	assertGolden(t, "freshness-boundaries.json", r.stdout)

	// A longer -max-age, in days, turns the stale ones ok.
	r = runEnv(t, testEnv(nil), "-config", cfg, "freshness", "-max-age", "2d")
	assert.Equal(t, exitAttention, r.code)
	for _, l := range lines(r.stdout) {
		assert.False(t, strings.HasPrefix(l, "stale "), l)
	}
	assert.True(t, strings.HasSuffix(r.stdout, "(max age 2d)\n"), r.stdout)
}

// itoa formats an id.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFreshnessExitCodes(t *testing.T) {
	t.Parallel()
	// One appliance whose only client was backed up an hour ago.
	srv, err := unitrendstest.NewServer(unitrendstest.WithoutDemoData(), unitrendstest.WithNow(fixedNow))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	sid := srv.AddSystem(unitrendstest.System{Name: "ueb", Local: true})
	cid, err := srv.AddClient(unitrendstest.Client{SystemID: sid, Name: "web01"})
	require.NoError(t, err)
	_, err = srv.AddBackup(unitrendstest.Backup{ClientID: cid, InstanceName: "file-level", Start: testNow.Add(-time.Hour), Duration: time.Minute, SizeMB: 10})
	require.NoError(t, err)
	fresh := obj{"name": "ueb", "provider": "unitrends", "url": srv.URL(), "user": srv.User(), "password": srv.Password()}
	f := startFakes(t)
	demo := f.acct("demo", providerOnApp)
	down := with(f.acct("down", providerOnApp), "url", "http://127.0.0.1:1")

	cases := []struct {
		name     string
		accounts []obj
		args     []string
		want     int
	}{
		{"all ok", []obj{fresh}, nil, exitOK},
		{"all ok in JSON", []obj{fresh}, []string{"-o", "json"}, exitOK},
		{"stale, failing and none", []obj{fresh, demo}, nil, exitAttention},
		{"ok, and an account fails", []obj{fresh, down}, nil, exitError},
		{"stale, and an account fails: 1 wins", []obj{fresh, demo, down}, nil, exitError},
		{"stale with a short max-age", []obj{fresh}, []string{"freshness", "-max-age", "59m"}, exitAttention},
	}
	for _, tc := range cases {
		args := append([]string{"-config", writeConfig(t, 0o600, tc.accounts...)}, tc.args...)
		if len(tc.args) == 0 || tc.args[0] != "freshness" {
			args = append(args, "freshness")
		}
		r := runEnv(t, testEnv(nil), args...)
		assert.Equal(t, tc.want, r.code, "%s: %s", tc.name, r.stderr)
		if tc.want == exitError {
			assert.Regexp(t, `^backupctl: onapp \(down\): .*connection refused`, r.stderr, tc.name)
		} else {
			assert.Empty(t, r.stderr, tc.name)
		}
	}

	// The summary line says what there is.
	r := runEnv(t, testEnv(nil), "-config", writeConfig(t, 0o600, fresh), "freshness")
	requireOK(t, r)
	assert.Equal(t, "VERDICT  ACCOUNT  PROVIDER   OWNER             NEWEST OK                           AGE    LAST ERROR\n"+
		"ok       ueb      unitrends  web01/file-level  2024-03-01T11:00:00 appliance time  1h00m  -\n"+
		"1 protected: 1 ok, 0 stale, 0 failing, 0 none (max age 24h)\n", r.stdout)
}

func TestAgeAndDurationText(t *testing.T) {
	t.Parallel()
	cases := map[time.Duration]string{
		0:                              "0s",
		-5 * time.Second:               "0s",
		45 * time.Second:               "45s",
		12*time.Minute + 5*time.Second: "12m",
		5*time.Hour + 3*time.Minute:    "5h03m",
		24 * time.Hour:                 "1d00h",
		52*time.Hour + 59*time.Minute:  "2d04h",
	}
	for d, want := range cases {
		assert.Equal(t, want, ageText(d), d.String())
	}
	for in, want := range map[string]time.Duration{"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute} {
		var a ageFlag
		require.NoError(t, a.Set(in), in)
		assert.Equal(t, want, time.Duration(a), in)
	}
	for _, bad := range []string{"", "0", "-1h", "xd", "1dx", "d", "soon"} {
		var a ageFlag
		assert.Error(t, a.Set(bad), bad)
	}
	assert.Equal(t, "24h", shortDuration(24*time.Hour))
	assert.Equal(t, "7d", shortDuration(7*24*time.Hour))
	assert.Equal(t, "36h", shortDuration(36*time.Hour))
	assert.Equal(t, "1h30m", shortDuration(90*time.Minute))
}

// An appliance in New York prints its wall clock without a zone. Without
// UNITRENDS_TZ backupctl shows it as appliance time, never as UTC; with it,
// the instant in UTC; with start_time (newer appliances) the instant too;
// and a wall clock repeated by the autumn change is marked uncertain.
func TestUnitrendsApplianceTimes(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	srv, err := unitrendstest.NewServer(unitrendstest.WithoutDemoData(), unitrendstest.WithNow(fixedNow), unitrendstest.WithTimeZone(ny))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	sys := srv.AddSystem(unitrendstest.System{Name: "ueb", Local: true})
	cl, err := srv.AddClient(unitrendstest.Client{Name: "web01", SystemID: sys})
	require.NoError(t, err)
	start := fixedNow().Add(-time.Hour) // 11:00 UTC, 06:00 in New York (EST)
	_, err = srv.AddBackup(unitrendstest.Backup{ClientID: cl, InstanceID: 1, InstanceName: "file-level", Start: start, Duration: time.Minute})
	require.NoError(t, err)
	vars := map[string]string{"UNITRENDS_URL": srv.URL(), "UNITRENDS_USER": srv.User(), "UNITRENDS_PASSWORD": srv.Password()}
	with := func(kv ...string) map[string]string {
		m := maps.Clone(vars)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}

	r := runEnv(t, testEnv(vars), "unitrends", "backups")
	requireOK(t, r)
	local := start.In(ny).Format("2006-01-02T15:04:05")
	assert.Contains(t, r.stdout, local+" appliance time")
	assert.NotContains(t, r.stdout, start.Format(time.RFC3339), "the appliance's wall clock is not shown as UTC")
	// freshness also reads the other providers (their built-in fakes).
	r = runEnv(t, testEnv(vars), "-o", "json", "freshness")
	decodeRows(t, r.stdout)
	assert.Contains(t, r.stdout, `"time_note": "appliance time`)

	r = runEnv(t, testEnv(with("UNITRENDS_TZ", "America/New_York")), "unitrends", "backups")
	requireOK(t, r)
	assert.Contains(t, r.stdout, start.Format(time.RFC3339))
	assert.NotContains(t, r.stdout, "appliance time")
	r = runEnv(t, testEnv(with("UNITRENDS_TZ", "America/New_York")), "freshness")
	assert.Regexp(t, `unitrends +web01/file-level +`+start.Format(time.RFC3339)+` +1h00m`, r.stdout)

	srv.SetDialect(unitrendstest.Dialect{EpochTimes: true})
	r = runEnv(t, testEnv(vars), "unitrends", "backups")
	requireOK(t, r)
	assert.Contains(t, r.stdout, start.Format(time.RFC3339), "start_time gives the instant")
	srv.SetDialect(unitrendstest.Dialect{})

	repeated := time.Date(2023, 11, 5, 5, 30, 0, 0, time.UTC) // 01:30 EDT, before 01:30 EST
	_, err = srv.AddBackup(unitrendstest.Backup{ClientID: cl, InstanceID: 1, InstanceName: "file-level", Start: repeated, Duration: time.Minute})
	require.NoError(t, err)
	r = runEnv(t, testEnv(with("UNITRENDS_TZ", "America/New_York")), "unitrends", "backups")
	requireOK(t, r)
	assert.Contains(t, r.stdout, repeated.Format(time.RFC3339)+" (DST?)")
}
