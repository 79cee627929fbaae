package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// onappOnly are the variables of one OnApp account on srv, and nothing
// else: the other three providers are unset.
func onappOnly(srv *onapptest.Server) map[string]string {
	return map[string]string{"ONAPP_URL": srv.URL(), "ONAPP_USER": srv.User(), "ONAPP_PASSWORD": srv.Password()}
}

// The defect of issue 16: with only OnApp configured, freshness and
// inventory report OnApp's rows alone, never the fakes' demo rows of the
// other three, and the exit status comes from those rows alone.
func TestOneProviderConfiguredNoDemoRows(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow))
	vars := onappOnly(srv)
	note := "backupctl: not configured, left out: erigones (ERIGONES_URL), unitrends (UNITRENDS_URL), cloudbackup (CBR_ENDPOINT) " +
		"(the built-in fakes answer only when no provider is configured, or with -demo)"

	r := runEnv(t, testEnv(vars), "-o", "json", "freshness")
	assert.Equal(t, []string{note}, lines(r.stderr), "one note, and no fake started")
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	require.NotEmpty(t, rows)
	want := exitOK
	for _, row := range rows {
		assert.Equal(t, providerOnApp, row["provider"])
		assert.Equal(t, providerOnApp, row["account"], "every row names its account")
		assert.NotContains(t, row, "demo", "real data is not marked demo")
		if row["verdict"] != string(verdictOK) {
			want = exitAttention
		}
	}
	assert.Equal(t, want, r.code, "the exit status of OnApp's rows alone")

	// With a max age that makes OnApp's good backups fresh, the status
	// follows OnApp's rows again (the fakes' stale demo rows would say 3).
	r = runEnv(t, testEnv(vars), "-o", "json", "freshness", "-max-age", "100000d")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	want = exitOK
	for _, row := range rows {
		if row["verdict"] != string(verdictOK) {
			want = exitAttention
		}
	}
	assert.Equal(t, want, r.code)

	r = runEnv(t, testEnv(vars), "-o", "json", "inventory")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{note}, lines(r.stderr))
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	require.NotEmpty(t, rows)
	for _, row := range rows {
		assert.Equal(t, providerOnApp, row["provider"])
		assert.Equal(t, providerOnApp, row["account"])
		assert.NotContains(t, row, "demo")
	}
	// Only the configured server was asked anything.
	assert.NotEmpty(t, srv.Calls())

	// A command of an unset provider fails; it does not fall back to a fake.
	r = runEnv(t, testEnv(vars), "erigones", "backups")
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, []string{"backupctl: erigones: ERIGONES_URL is not set; the built-in fake answers only when no provider is configured (here ONAPP_URL), or with -demo"},
		lines(r.stderr))
}

// -demo asks for the fakes by name: all four answer, whatever the
// environment says, and every row says it is demo data.
func TestDemoFlag(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow))
	for _, args := range [][]string{{"-demo", "-o", "json", "freshness"}, {"freshness", "-o", "json", "-demo"}} {
		r := runEnv(t, testEnv(onappOnly(srv)), args...)
		assert.Equal(t, exitAttention, r.code, "%v: %s", args, r.stderr)
		var rows []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
		seen := map[any]bool{}
		for _, row := range rows {
			seen[row["provider"]] = true
			assert.Equal(t, true, row["demo"], "%v", row)
		}
		assert.Len(t, seen, 4, "every provider's fake")
		assert.Equal(t, 4, strings.Count(r.stderr, "demo data from the built-in "), r.stderr)
		assert.Contains(t, r.stderr, "(-demo; ")
	}
	assert.Empty(t, srv.Calls(), "-demo leaves the configured server alone")
}

// Global flags go before the command or after it, with the same result.
func TestGlobalFlagsAfterTheCommand(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	before := f.run(t, "-o", "json", "inventory")
	requireOK(t, before)
	after := f.run(t, "inventory", "-o", "json")
	requireOK(t, after)
	assert.Equal(t, before.stdout, after.stdout)

	before = f.run(t, "-o", "json", "-timeout", "30s", "onapp", "backups", "-vm", "101")
	requireOK(t, before)
	for _, args := range [][]string{
		{"onapp", "-o", "json", "backups", "-vm", "101", "-timeout", "30s"},
		{"onapp", "backups", "-vm", "101", "-o", "json", "-timeout", "30s"},
	} {
		after = f.run(t, args...)
		requireOK(t, after)
		assert.Equal(t, before.stdout, after.stdout, "%v", args)
	}
}

// "backupctl version", "-version" (anywhere) and "-o json version" say
// the module version, the Go version and the User-Agent sent.
func TestVersion(t *testing.T) {
	t.Parallel()
	ua := "user-agent: backupsdk/" + core.Version + " PROVIDER backupctl"
	for _, args := range [][]string{{"version"}, {"-version"}, {"inventory", "-version"}} {
		r := runEnv(t, testEnv(nil), args...)
		requireOK(t, r)
		got := lines(r.stdout)
		require.Len(t, got, 3, "%v", args)
		assert.True(t, strings.HasPrefix(got[0], "backupctl "), got[0])
		assert.Equal(t, "go: "+runtime.Version(), got[1])
		assert.True(t, strings.HasPrefix(got[2], ua), got[2])
	}
	r := runEnv(t, testEnv(nil), "-o", "json", "version")
	requireOK(t, r)
	var v versionInfo
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.NotEmpty(t, v.Version)
	assert.Equal(t, runtime.Version(), v.Go)
	assert.Contains(t, v.UserAgent, "backupsdk/"+core.Version)

	// The User-Agent the servers see is the one version prints.
	f := startFakes(t)
	requireOK(t, f.run(t, "onapp", "backups", "-vm", "101"))
	calls := f.onapp.Calls()
	require.NotEmpty(t, calls)
	assert.Equal(t, strings.Replace(v.UserAgent, "PROVIDER", providerOnApp, 1), calls[0].Header.Get("User-Agent"))
}

// Bare backupctl prints the short help on stderr and exits 2.
func TestBareBackupctl(t *testing.T) {
	t.Parallel()
	r := runEnv(t, testEnv(nil))
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "Usage:\n  backupctl "), r.stderr)
	assert.Contains(t, r.stderr, "\nCommands:\n")
	for _, c := range rootCommand().subs {
		assert.Contains(t, r.stderr, "\n  "+c.name+" ", c.name)
	}
	assert.Contains(t, r.stderr, "Run 'backupctl -h'")
	assert.NotContains(t, r.stderr, "demo data", "no fake is started")
}

// backupctl -h has one table of the provider flags named alike, and the
// alike names work: CBR -disk and -vm, Erigones -id.
func TestProviderFlagsTable(t *testing.T) {
	t.Parallel()
	r := runEnv(t, testEnv(nil), "-h")
	requireOK(t, r)
	assert.Contains(t, r.stdout, "Provider flags (the same name for the same thing everywhere):\n  flag      onapp")
	for _, fl := range []string{"\n  -vm ", "\n  -id ", "\n  -disk ", "\n  -define "} {
		assert.Contains(t, r.stdout, fl)
	}

	f := startFakes(t)
	demo := f.cbr.Demo()
	r = f.run(t, "cloudbackup", "backup", "restore", "-id", demo.VolumeBackupID, "-disk", demo.Volume.ID, "-yes")
	requireOK(t, r)
	assert.Regexp(t, `^restored backup \S+ \(task \S+\)\n$`, r.stdout)

	r = f.run(t, "erigones", "backup", "delete", "-vm", erigonestest.FreshVM, "-id", "no-such-backup", "-yes")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "backupctl: erigones: 404 Not Found")
}

// A bad flag value the SDK refuses is reported with the flag's name, not
// the API's field, as a usage error.
func TestErrorsNameTheFlag(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	r := f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "bad name!")
	assert.Equal(t, exitUsage, r.code)
	got := lines(r.stderr)
	require.NotEmpty(t, got)
	assert.Equal(t, `backupctl: erigones: invalid -define "bad name!": must match ^[A-Za-z0-9][A-Za-z0-9._-]*$`, got[0])
	assert.NotContains(t, r.stderr, "bkpdef")
}

// A refused connection is one line: the server, the attempts, once.
func TestConnectionRefusedOnce(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	r := runEnv(t, testEnv(map[string]string{"ONAPP_URL": url, "ONAPP_USER": "u", "ONAPP_PASSWORD": "p"}), "onapp", "backups")
	assert.Equal(t, exitError, r.code)
	// testEnv retries once: two attempts.
	assert.Equal(t, "backupctl: onapp: connection refused by "+url+" (2 attempts): is the URL right and the server up?\n", r.stderr)
}

// Every provider's action that starts work returns at once with -no-wait.
func TestNoWaitEveryProvider(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	r := f.run(t, "onapp", "backup", "create", "-vm", "101", "-no-wait")
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "scheduled an incremental backup of virtual server 101: backup "), r.stdout)
	for _, c := range f.onapp.Calls() {
		assert.False(t, c.Method == http.MethodGet && strings.HasPrefix(c.Path, "/backups/"), "not polled: %s %s", c.Method, c.Path)
	}

	r = f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "daily", "-no-wait")
	requireOK(t, r)
	assert.Regexp(t, `^task \S+ accepted \(\w+\); follow it on the server\n$`, r.stdout)

	demo := f.cbr.Demo()
	r = f.run(t, "cloudbackup", "backup", "restore", "-id", demo.VolumeBackupID, "-disk", demo.Volume.ID, "-yes", "-no-wait")
	requireOK(t, r)
	assert.Regexp(t, `^restore of backup \S+ started \(task \S+\)\n$`, r.stdout)
}

// cancelOn is stderr for a run that cancels the run's context as soon as
// a line containing marker is written: a Ctrl-C at a known point.
type cancelOn struct {
	marker string
	cancel context.CancelFunc
	mu     sync.Mutex
	buf    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(c.marker)) {
		c.cancel()
	}
	return c.buf.Write(p)
}

func (c *cancelOn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// Ctrl-C while waiting stops the wait, says the work goes on and how to
// follow it, and exits 4; the backup stays scheduled.
func TestInterruptStopsWaiting(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow)) // never builds
	e := testEnv(onappOnly(srv))
	e.isTerminal = func(io.Writer) bool { return true }
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &cancelOn{marker: "backupctl: onapp: backup 13 built: false", cancel: cancel}
	var stdout bytes.Buffer
	code := e.run(ctx, []string{"onapp", "backup", "create", "-vm", "101"}, &stdout, stderr)
	assert.Equal(t, exitWaitStopped, code, stderr.String())
	assert.Empty(t, stdout.String())
	assert.Contains(t, stderr.String(), "backupctl: onapp: stopped waiting for backup 13 to be built (interrupted); "+
		"the work goes on on the server: follow it with backupctl onapp backups -vm 101 -kind incremental\n")
	b, ok := srv.Backup(13)
	require.True(t, ok, "still scheduled")
	assert.False(t, b.Built)
}

// -wait-timeout bounds a wait, and says so; the work goes on.
func TestWaitTimeout(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow)) // never builds
	// A deadline already passed when the wait starts: no race with the clock.
	r := runEnv(t, testEnv(onappOnly(srv)), "onapp", "backup", "create", "-vm", "101", "-wait-timeout", "1ns")
	assert.Equal(t, exitWaitStopped, r.code, r.stderr)
	assert.Equal(t, "backupctl: onapp: stopped waiting for backup 13 to be built (the -wait-timeout of 1ns ran out); "+
		"the work goes on on the server: follow it with backupctl onapp backups -vm 101 -kind incremental\n", r.stderr)
	_, ok := srv.Backup(13)
	assert.True(t, ok)

	// The same rule for the other providers' waits.
	f := startFakes(t)
	r = f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "daily", "-wait-timeout", "1ns")
	assert.Equal(t, exitWaitStopped, r.code, r.stderr)
	assert.Regexp(t, `^backupctl: erigones: stopped waiting for task \S+ \(the -wait-timeout of 1ns ran out\); `+
		`the work goes on on the server: follow it with backupctl erigones backups -vm `+erigonestest.FreshVM+"\n$", r.stderr)
	demo := f.cbr.Demo()
	r = f.run(t, "cloudbackup", "backup", "restore", "-id", demo.VolumeBackupID, "-disk", demo.Volume.ID, "-yes", "-wait-timeout", "1ns")
	assert.Equal(t, exitWaitStopped, r.code, r.stderr)
	assert.Regexp(t, `^backupctl: cloudbackup: stopped waiting for the restore of backup \S+ \(task \S+\) \(the -wait-timeout of 1ns ran out\); `+
		`the work goes on on the server: follow it with backupctl cloudbackup backups -status restoring\n$`, r.stderr)
}

// -timeout bounds requests and listings, not waits: the context a wait
// runs on has no deadline unless -wait-timeout gives one, and a request
// made after a wait gets a fresh -timeout.
func TestTimeoutIsNotWaitTimeout(t *testing.T) {
	t.Parallel()
	s := &session{timeout: time.Nanosecond, waitBase: t.Context()}
	ctx, cancel := s.waitContext()
	_, has := ctx.Deadline()
	cancel()
	assert.False(t, has, "-timeout does not bound a wait")

	s.waitTimeout = time.Hour
	ctx, cancel = s.waitContext()
	deadline, has := ctx.Deadline()
	cancel()
	require.True(t, has)
	assert.Greater(t, time.Until(deadline), 59*time.Minute, "-wait-timeout does")

	s.timeout = time.Hour
	ctx, cancel = s.afterWait()
	deadline, has = ctx.Deadline()
	cancel()
	require.True(t, has)
	assert.Greater(t, time.Until(deadline), 59*time.Minute, "a fresh -timeout after the wait")

	// End to end: a create under -timeout and -wait-timeout 0 waits until
	// the backup is built.
	f := startFakes(t)
	r := f.run(t, "-timeout", "30s", "-wait-timeout", "0", "onapp", "backup", "create", "-vm", "101")
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "built an incremental backup of virtual server 101"), r.stdout)
}
