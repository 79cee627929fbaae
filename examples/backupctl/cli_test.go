package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newFlagSetFor returns the flags of the leaf at the end of path.
func newFlagSetFor(path []*command) *flag.FlagSet {
	fs := flag.NewFlagSet(pathName(path), flag.ContinueOnError)
	path[len(path)-1].setup(fs)
	return fs
}

// walkCommands calls fn with the path of every command of the tree.
func walkCommands(path []*command, fn func(path []*command)) {
	fn(path)
	for _, c := range path[len(path)-1].subs {
		walkCommands(append(path[:len(path):len(path)], c), fn)
	}
}

func TestHelpAtEveryLevel(t *testing.T) {
	t.Parallel()
	n := 0
	walkCommands([]*command{rootCommand()}, func(path []*command) {
		n++
		args := append(strings.Fields(strings.TrimPrefix(pathName(path), "backupctl")), "-h")
		r := runEnv(t, testEnv(nil), args...)
		name := pathName(path)
		assert.Equal(t, exitOK, r.code, name)
		assert.Empty(t, r.stderr, "%s: -h starts no fake and writes only to stdout", name)
		assert.True(t, strings.HasPrefix(r.stdout, "Usage:\n  "+usageLine(path)+"\n\n"), "%s:\n%s", name, r.stdout)
		cmd := path[len(path)-1]
		if cmd.setup == nil {
			for _, sub := range cmd.subs {
				assert.Contains(t, r.stdout, "\n  "+sub.name+" ", "%s lists %s", name, sub.name)
			}
		} else {
			// Every flag is explained.
			fs := newFlagSetFor(path)
			fs.VisitAll(func(f *flag.Flag) {
				assert.Contains(t, r.stdout, "  -"+f.Name, "%s documents -%s", name, f.Name)
				assert.NotEmpty(t, f.Usage, "%s -%s", name, f.Name)
			})
		}
		assert.NotEmpty(t, cmd.about, name)
		if len(path) > 1 {
			assert.NotEmpty(t, cmd.summary, name)
		}
		// "-help" and "help <path>" say the same.
		r2 := runEnv(t, testEnv(nil), append(args[:len(args)-1], "-help")...)
		assert.Equal(t, r.stdout, r2.stdout, name)
		r3 := runEnv(t, testEnv(nil), append([]string{"help"}, args[:len(args)-1]...)...)
		assert.Equal(t, exitOK, r3.code)
		assert.Equal(t, r.stdout, r3.stdout, name)
	})
	assert.Equal(t, 27, n, "commands in the tree")

	r := runEnv(t, testEnv(nil), "-h")
	assertGolden(t, "help.txt", r.stdout)
	r = runEnv(t, testEnv(nil), "erigones", "backup", "restore", "-h")
	assertGolden(t, "help-erigones-backup-restore.txt", r.stdout)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string // the first line on stderr, after "backupctl: "
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"-o", "yaml", "inventory"}, `-o "yaml": want text or json`},
		{[]string{"-timeout", "soon", "inventory"}, `invalid value "soon" for flag -timeout: parse error`},
		{[]string{"-timeout", "-1s", "inventory"}, "-timeout must not be negative"},
		{[]string{"-x", "inventory"}, "flag provided but not defined: -x"},
		{[]string{"inventory", "extra"}, `unexpected argument "extra" (flags go before arguments; this command takes none)`},
		{[]string{"inventory", "-o", "yaml"}, `-o "yaml": want text or json`},
		{[]string{"-wait-timeout", "-1s", "inventory"}, "-wait-timeout must not be negative"},
		{[]string{"inventory", "-demo", "-config", "accounts.json"}, "-demo and -config do not go together: -demo uses the built-in fakes only"},
		{[]string{"-version", "-o", "yaml"}, `-o "yaml": want text or json`},
		{[]string{"onapp"}, "missing command"},
		{[]string{"onapp", "images"}, `unknown command "images"`},
		{[]string{"onapp", "backups", "-kind", "full"}, `-kind "full": want normal, incremental or all`},
		{[]string{"onapp", "backups", "-vm", "web-01"}, `invalid value "web-01" for flag -vm: parse error`},
		{[]string{"onapp", "backup", "create"}, "give one of -vm ID (incremental backup) and -disk ID (normal backup)"},
		{[]string{"onapp", "backup", "create", "-vm", "1", "-disk", "2"}, "give one of -vm ID (incremental backup) and -disk ID (normal backup)"},
		{[]string{"onapp", "backup", "restore", "-id", "1"}, "restoring backup 1 overwrites the disk or virtual server it was taken of: add -yes to confirm"},
		{[]string{"onapp", "backup", "delete", "-id", "1"}, "deleting backup 1 cannot be undone: add -yes to confirm"},
		{[]string{"onapp", "backup", "delete", "-yes"}, "-id: give the backup to delete"},
		{[]string{"erigones", "backups", "-vm", "a", "-node", "b"}, "give -vm or -node, not both"},
		{[]string{"erigones", "backup", "create", "-vm", "a"}, "give -vm HOST and -define NAME"},
		{[]string{"erigones", "backup", "create", "-vm", "a", "-define", "d", "-disk", "0"}, "-disk 0: disks are numbered from 1"},
		{[]string{"erigones", "backup", "restore", "-vm", "a", "-name", "b"}, "restoring b overwrites disk 1 of a: add -yes to confirm"},
		{[]string{"erigones", "backup", "restore", "-vm", "a", "-id", "b"}, "restoring b overwrites disk 1 of a: add -yes to confirm"},
		{[]string{"erigones", "backup", "restore", "-vm", "a"}, "give -vm HOST and -id BACKUP (the backup's name)"},
		{[]string{"erigones", "backup", "delete", "-vm", "a", "-name", "b"}, "deleting backup b of a cannot be undone: add -yes to confirm"},
		{[]string{"unitrends", "backups", "-since", "yesterday"}, `invalid value "yesterday" for flag -since: parse error`},
		{[]string{"unitrends", "backups", "-since", "-1h"}, "-since -1h0m0s: want a positive duration"},
		{[]string{"unitrends", "backups", "-client-id", "-3"}, "-client-id -3: want a client id"},
		{[]string{"unitrends", "backup", "delete", "-id", "1,x", "-yes"}, `-id "x": want backup ids such as 12,13`},
		{[]string{"unitrends", "backup", "delete", "-yes"}, "-id: give the backups to delete"},
		{[]string{"unitrends", "backup", "delete", "-id", "4,5"}, "deleting backups 4,5 cannot be undone: add -yes to confirm"},
		{[]string{"cloudbackup", "backups", "-status", "available,broken"}, `-status "broken": want one or more of available, protecting, deleting, restoring, error, waiting_protect, waiting_delete, waiting_restore`},
		{[]string{"cloudbackup", "backups", "-resource-type", "turbo"}, `-resource-type "turbo": want server or volume (OS::Nova::Server or OS::Cinder::Volume)`},
		{[]string{"cloudbackup", "backups", "-limit", "-1"}, "-limit -1: want a positive number"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x"}, "restoring backup x overwrites the target server or disk: add -yes to confirm"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x", "-volume", "v", "-server", "s", "-yes"}, "give -disk or -vm, not both"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x", "-disk", "v", "-vm", "s", "-yes"}, "give -disk or -vm, not both"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x", "-server", "s", "-yes"}, "-vm needs a -map DISKBACKUP=VOLUME for each disk backup of the server backup"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x", "-map", "a=b", "-yes"}, "-map goes with -vm"},
		{[]string{"cloudbackup", "backup", "restore", "-id", "x", "-server", "s", "-map", "ab"}, `invalid value "ab" for flag -map: want DISKBACKUP=VOLUME, not "ab"`},
		{[]string{"cloudbackup", "backup", "delete", "-id", "x"}, "deleting backup x cannot be undone: add -yes to confirm"},
		{[]string{"fakes", "-addr", "localhost"}, `-addr "localhost": want host:port, such as 127.0.0.1:0 or 127.0.0.1:8000`},
		{[]string{"fakes", "-addr", "127.0.0.1:65534"}, `-addr "127.0.0.1:65534": the port must be 0 or a number up to 65532`},
		{[]string{"help", "nope"}, `help: unknown command "nope"`},
	}
	for _, tc := range cases {
		r := runEnv(t, testEnv(nil), tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v", tc.args)
		assert.Empty(t, r.stdout, "%v", tc.args)
		got := lines(r.stderr)
		require.Len(t, got, 3, "%v: the error, the usage line, the hint:\n%s", tc.args, r.stderr)
		assert.Equal(t, "backupctl: "+tc.want, got[0], "%v", tc.args)
		assert.True(t, strings.HasPrefix(got[1], "usage: backupctl [-o text|json] [-timeout 60s]"), got[1])
		assert.Regexp(t, `^Run 'backupctl.* -h' for help\.$`, got[2])
		assert.NotContains(t, r.stderr, "demo data from the built-in", "%v: no fake is started for a usage error", tc.args)
	}
}

func TestMissingCredentials(t *testing.T) {
	t.Parallel()
	const url = "https://backup.example.com"
	cases := []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"ONAPP_URL": url}, []string{"onapp", "backups"},
			"backupctl: onapp: ONAPP_URL is set but the credentials are not: set ONAPP_USER and ONAPP_PASSWORD (or ONAPP_API_KEY) (or unset ONAPP_URL)"},
		{map[string]string{"ONAPP_URL": url, "ONAPP_USER": "admin"}, []string{"onapp", "backup", "delete", "-id", "1", "-yes"},
			"backupctl: onapp: ONAPP_URL is set but the credentials are not: set ONAPP_USER and ONAPP_PASSWORD (or ONAPP_API_KEY) (or unset ONAPP_URL)"},
		{map[string]string{"ERIGONES_URL": url, "ERIGONES_USER": "admin"}, []string{"erigones", "definitions"},
			"backupctl: erigones: ERIGONES_URL is set but the credentials are not: set ERIGONES_API_KEY (or ERIGONES_USER and ERIGONES_PASSWORD) (or unset ERIGONES_URL)"},
		{map[string]string{"ERIGONES_URL": url, "ERIGONES_API_KEY": "k", "ERIGONES_USER": "u"}, []string{"erigones", "backups"},
			"backupctl: erigones: set either ERIGONES_API_KEY or ERIGONES_USER and ERIGONES_PASSWORD, not both"},
		{map[string]string{"UNITRENDS_URL": url, "UNITRENDS_USER": "root"}, []string{"unitrends", "backups"},
			"backupctl: unitrends: UNITRENDS_URL is set but the credentials are not: set UNITRENDS_USER and UNITRENDS_PASSWORD (or unset UNITRENDS_URL)"},
		{map[string]string{"UNITRENDS_URL": url, "UNITRENDS_USER": "root", "UNITRENDS_PASSWORD": "unitrends-pw", "UNITRENDS_INSECURE": "yes"}, []string{"unitrends", "backups"},
			`backupctl: unitrends: UNITRENDS_INSECURE must be 1 or unset, not "yes"`},
		{map[string]string{"CBR_ENDPOINT": url}, []string{"cloudbackup", "backups"},
			"backupctl: cloudbackup: CBR_ENDPOINT is set but CBR_PROJECT_ID is not: set it (or unset CBR_ENDPOINT)"},
		{map[string]string{"CBR_ENDPOINT": url, "CBR_PROJECT_ID": "p"}, []string{"cloudbackup", "backups"},
			"backupctl: cloudbackup: CBR_ENDPOINT is set but the credentials are not: set one of CBR_TOKEN, CBR_AK and CBR_SK, or CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN (or unset CBR_ENDPOINT)"},
		{map[string]string{"CBR_ENDPOINT": url, "CBR_PROJECT_ID": "p", "CBR_AK": "a"}, []string{"cloudbackup", "backups"},
			"backupctl: cloudbackup: CBR_AK and CBR_SK go together: set both"},
		{map[string]string{"CBR_ENDPOINT": url, "CBR_PROJECT_ID": "p", "CBR_USER": "u", "CBR_PASSWORD": "s3cret-pw"}, []string{"cloudbackup", "backups"},
			"backupctl: cloudbackup: an IAM login needs all of CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN"},
		{map[string]string{"CBR_ENDPOINT": url, "CBR_PROJECT_ID": "p", "CBR_TOKEN": "t0ken-value", "CBR_AK": "a", "CBR_SK": "sk-value"}, []string{"cloudbackup", "backups"},
			"backupctl: cloudbackup: set one kind of credentials: CBR_TOKEN, CBR_AK and CBR_SK, or an IAM login (CBR_IAM_ENDPOINT …), not several"},
	}
	for _, tc := range cases {
		r := runEnv(t, testEnv(tc.vars), tc.args...)
		assert.Equal(t, exitError, r.code, "%v", tc.vars)
		assert.Empty(t, r.stdout)
		assert.Equal(t, tc.want+"\n", r.stderr)
		for k, v := range tc.vars {
			if strings.HasSuffix(k, "PASSWORD") || strings.HasSuffix(k, "TOKEN") || strings.HasSuffix(k, "SK") {
				assert.NotContains(t, r.stderr, v, "no secret in messages")
			}
		}
	}

	// In the inventory the provider with the problem is one line; the
	// others, unset, are left out (one note), never faked.
	r := runEnv(t, testEnv(map[string]string{"ONAPP_URL": url}), "inventory")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, []string{
		"backupctl: not configured, left out: erigones (ERIGONES_URL), unitrends (UNITRENDS_URL), cloudbackup (CBR_ENDPOINT) (the built-in fakes answer only when no provider is configured, or with -demo)",
		"backupctl: onapp: ONAPP_URL is set but the credentials are not: set ONAPP_USER and ONAPP_PASSWORD (or ONAPP_API_KEY) (or unset ONAPP_URL)",
	}, lines(r.stderr))
	assert.Equal(t, "PROVIDER  OWNER  ID  NAME  CREATED  STATUS  SIZE\n", r.stdout, "no rows at all")
}

func TestCredentialKinds(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	// OnApp with the API key in place of the password.
	r := runEnv(t, testEnv(f.with("ONAPP_PASSWORD", "", "ONAPP_API_KEY", f.onapp.APIKey())), "onapp", "backups", "-vm", "101")
	requireOK(t, r)
	// Erigones with a login, which is logged out at the end.
	r = runEnv(t, testEnv(f.with("ERIGONES_API_KEY", "", "ERIGONES_USER", f.erigones.User(), "ERIGONES_PASSWORD", f.erigones.Password())), "erigones", "backups", "-vm", "web01.example.com")
	requireOK(t, r)
	assert.Equal(t, 1, f.erigones.Logins())
	// ERIGONES_DC selects the datacenter.
	r = runEnv(t, testEnv(f.with("ERIGONES_DC", "lab")), "erigones", "definitions")
	requireOK(t, r)
	assert.Contains(t, r.stdout, "test01.lab.example.com")
	assert.NotContains(t, r.stdout, "web01.example.com")
	// Unitrends sessions are logged out at the end.
	logouts := f.unitrends.Logouts()
	r = f.run(t, "unitrends", "backups")
	requireOK(t, r)
	assert.Equal(t, logouts+1, f.unitrends.Logouts())
	assert.Zero(t, f.unitrends.Sessions())
	// CBR with an IAM login and with an AK/SK pair.
	r = runEnv(t, testEnv(f.with("CBR_TOKEN", "", "CBR_IAM_ENDPOINT", f.cbr.IAMEndpoint(), "CBR_USER", f.cbr.User(),
		"CBR_PASSWORD", f.cbr.Password(), "CBR_DOMAIN", f.cbr.Domain())), "cloudbackup", "backups", "-limit", "1")
	requireOK(t, r)
	assert.EqualValues(t, 1, f.cbr.Logins())
	r = runEnv(t, testEnv(f.with("CBR_TOKEN", "", "CBR_AK", f.cbr.AccessKey(), "CBR_SK", f.cbr.SecretKey())), "cloudbackup", "backups", "-limit", "1")
	requireOK(t, r)
	// A Unitrends time zone that does not exist.
	r = runEnv(t, testEnv(f.with("UNITRENDS_TZ", "Mars/Olympus_Mons")), "unitrends", "backups")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, `backupctl: unitrends: UNITRENDS_TZ "Mars/Olympus_Mons": `)
	// UNITRENDS_INSECURE=1 warns.
	r = runEnv(t, testEnv(f.with("UNITRENDS_INSECURE", "1")), "unitrends", "backups", "-client-id", "1")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "backupctl: unitrends: UNITRENDS_INSECURE=1: the appliance's certificate is not checked; use UNITRENDS_CA_FILE outside a lab\n", r.stderr)
	// A CA file that cannot be read.
	r = runEnv(t, testEnv(f.with("UNITRENDS_CA_FILE", "/nonexistent/ueb.pem")), "unitrends", "backups")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "backupctl: unitrends: ")
	assert.Contains(t, r.stderr, "/nonexistent/ueb.pem")
}

func TestFakesCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- testEnv(nil).run(ctx, []string{"fakes"}, &stdout, &stderr) }()

	// Wait for the four export lines.
	var exports []string
	require.Eventually(t, func() bool {
		exports = nil
		for _, l := range lines(stdout.String()) {
			if strings.HasPrefix(l, "export ") {
				exports = append(exports, l)
			}
		}
		return len(exports) == 4
	}, 5*time.Second, 5*time.Millisecond, "stdout: %s", stdout.String())

	// They are shell lines: export NAME=value ….
	vars := map[string]string{}
	for _, l := range exports {
		for _, kv := range strings.Fields(strings.TrimPrefix(l, "export ")) {
			k, v, ok := strings.Cut(kv, "=")
			require.True(t, ok, kv)
			vars[k] = v
		}
	}
	for _, k := range []string{"ONAPP_URL", "ONAPP_USER", "ONAPP_PASSWORD", "ERIGONES_URL", "ERIGONES_API_KEY", "ERIGONES_DC",
		"UNITRENDS_URL", "UNITRENDS_USER", "UNITRENDS_PASSWORD", "CBR_ENDPOINT", "CBR_PROJECT_ID", "CBR_TOKEN"} {
		assert.NotEmpty(t, vars[k], k)
	}
	ports := map[string]bool{}
	for _, k := range []string{"ONAPP_URL", "ERIGONES_URL", "UNITRENDS_URL", "CBR_ENDPOINT"} {
		assert.True(t, strings.HasPrefix(vars[k], "http://127.0.0.1:"), vars[k])
		ports[vars[k]] = true
	}
	assert.Len(t, ports, 4, "a port each")

	// Point backupctl at them: the same inventory as the tests' own fakes
	// (the clock is pinned), and no built-in fake is started.
	r := runEnv(t, testEnv(vars), "inventory")
	requireOK(t, r)
	assertGolden(t, "inventory.txt", r.stdout)
	// Also a plain HTTP client reaches them.
	resp, err := http.Get(vars["ONAPP_URL"] + "/virtual_machines.json")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the fake wants its credentials")

	// Cancelling (Ctrl-C) stops them cleanly.
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(5 * time.Second):
		t.Fatal("fakes did not stop")
	}
	assert.Contains(t, stderr.String(), "backupctl: serving the four fakes")
	assert.True(t, strings.HasSuffix(stderr.String(), "backupctl: stopping the fakes\n"), stderr.String())
	_, err = http.Get(vars["ONAPP_URL"] + "/virtual_machines.json")
	assert.Error(t, err, "the fake is gone")

	// The output is a script: comments and export lines only.
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	for sc.Scan() {
		l := sc.Text()
		assert.True(t, strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "export "), l)
	}
}

func TestFakesCommandBasePort(t *testing.T) {
	t.Parallel()
	addrs, err := fakeAddrs("127.0.0.1:8000")
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003"}, addrs)
	addrs, err = fakeAddrs("[::1]:0")
	require.NoError(t, err)
	assert.Equal(t, []string{"[::1]:0", "[::1]:0", "[::1]:0", "[::1]:0"}, addrs)

	// A port already taken is an error, and what was started is stopped.
	f := startFakes(t)
	port := strings.TrimPrefix(f.onapp.URL(), "http://127.0.0.1:")
	r := runEnv(t, testEnv(nil), "fakes", "-addr", "127.0.0.1:"+port)
	assert.Equal(t, exitError, r.code)
	assert.Regexp(t, `^backupctl: onapp: starting the fake on 127\.0\.0\.1:`+port+`: `, r.stderr)
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "http://127.0.0.1:8080", shellQuote("http://127.0.0.1:8080"))
	assert.Equal(t, "''", shellQuote(""))
	assert.Equal(t, "'a b'", shellQuote("a b"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, "'$HOME'", shellQuote("$HOME"))
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	a := account{Provider: providerOnApp, User: "admin", Password: "hunter2"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, a), "hunter2", format)
	}
	var b strings.Builder
	require.NoError(t, writeJSON(&b, a.Password))
	assert.Equal(t, "\"REDACTED\"\n", b.String())
	assert.Equal(t, "hunter2", a.Password.reveal())
}
