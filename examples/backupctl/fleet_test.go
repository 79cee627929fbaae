package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// obj is one account (or any object) of a -config file in a test.
type obj = map[string]any

// writeConfig writes a -config file with accounts, with mode, in a new
// directory, and returns its path.
func writeConfig(t testing.TB, mode os.FileMode, accounts ...obj) string {
	t.Helper()
	data, err := json.Marshal(obj{"accounts": accounts})
	require.NoError(t, err)
	return writeFile(t, t.TempDir(), "accounts.json", string(data), mode)
}

// writeFile writes a file with mode and returns its path.
func writeFile(t testing.TB, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), mode))
	require.NoError(t, os.Chmod(p, mode)) // past the umask
	return p
}

// acct returns the -config account called name on the test's fake of
// provider, with inline credentials.
func (f *fakes) acct(name, provider string) obj {
	switch provider {
	case providerOnApp:
		return obj{"name": name, "provider": provider, "url": f.onapp.URL(), "user": f.onapp.User(), "password": f.onapp.Password()}
	case providerErigones:
		return obj{"name": name, "provider": provider, "url": f.erigones.URL(), "api_key": f.erigones.APIKey()}
	case providerUnitrends:
		return obj{"name": name, "provider": provider, "url": f.unitrends.URL(), "user": f.unitrends.User(), "password": f.unitrends.Password()}
	}
	return obj{"name": name, "provider": provider, "endpoint": f.cbr.URL(), "project_id": f.cbr.ProjectID(), "token": f.cbr.Token()}
}

// with returns a copy of o changed by kv (field, value pairs; a nil value
// removes the field).
func with(o obj, kv ...any) obj {
	out := obj{}
	for k, v := range o {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func TestConfigGoodFile(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	dir := t.TempDir()
	// Credentials from the environment, from files (relative to the
	// accounts file, with a final newline) and inline.
	writeFile(t, dir, "onapp.pw", f.onapp.Password()+"\n", 0o600)
	writeFile(t, dir, "cbr.sk", f.cbr.SecretKey()+"\r\n", 0o600)
	accounts := []obj{
		with(f.acct("eu-cloud", providerOnApp), "password", obj{"file": "onapp.pw"}),
		with(f.acct("dc1", providerErigones), "api_key", obj{"env": "DC1_KEY"}, "dc", erigonestest.DemoDC),
		with(f.acct("nyc-ueb", providerUnitrends), "password", obj{"env": "NYC_PW"}, "time_zone", "UTC"),
		with(f.acct("cbr-sg", providerCloudBackup), "token", nil, "access_key", obj{"env": "SG_AK"}, "secret_key", obj{"file": "cbr.sk"}),
		with(f.acct("us-cloud", providerOnApp), "password", nil, "api_key", f.onapp.APIKey()),
	}
	data, err := json.Marshal(obj{"accounts": accounts})
	require.NoError(t, err)
	cfg := writeFile(t, dir, "accounts.json", string(data), 0o600)
	vars := map[string]string{"DC1_KEY": f.erigones.APIKey(), "NYC_PW": f.unitrends.Password(), "SG_AK": f.cbr.AccessKey(),
		// The environment's single accounts are not used with -config.
		"ONAPP_URL": "http://127.0.0.1:1", "ONAPP_USER": "nobody", "ONAPP_PASSWORD": "wrong"}

	r := runEnv(t, testEnv(vars), "-config", cfg, "inventory")
	requireOK(t, r)
	rows := lines(r.stdout)
	require.NotEmpty(t, rows)
	assert.True(t, strings.HasPrefix(rows[0], "ACCOUNT  "), rows[0])
	// Every account answered; both OnApp accounts list the same cloud.
	for _, name := range []string{"eu-cloud", "us-cloud", "dc1", "nyc-ueb", "cbr-sg"} {
		n := 0
		for _, l := range rows[1:] {
			if strings.HasPrefix(l, name+" ") {
				n++
			}
		}
		assert.Positive(t, n, name)
	}
	assert.Equal(t, 2*12+9+10+13+1, len(rows), "a header and every account's backups")

	// JSON names the account of each backup.
	r = runEnv(t, testEnv(vars), "-o", "json", "-config", cfg, "inventory")
	requireOK(t, r)
	var items []struct {
		Account  string `json:"account"`
		Provider string `json:"provider"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	byAccount := map[string]string{}
	for _, it := range items {
		byAccount[it.Account] = it.Provider
	}
	assert.Equal(t, map[string]string{"eu-cloud": "onapp", "us-cloud": "onapp", "dc1": "erigones", "nyc-ueb": "unitrends", "cbr-sg": "cloudbackup"}, byAccount)

	// Freshness over the same accounts: the demo data's verdicts per
	// account.
	r = runEnv(t, testEnv(vars), "-config", cfg, "freshness")
	assert.Equal(t, exitAttention, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assertGolden(t, "freshness-config.txt", r.stdout)
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	good := f.acct("eu", providerOnApp)
	dir := t.TempDir()
	emptyFile := writeFile(t, dir, "empty.pw", "\n", 0o600)
	cases := []struct {
		name string
		file string // the file's content; "" to build it from accounts
		acct []obj
		want string // stderr after "backupctl: config <path>: "
	}{
		{"not json", `{"accounts": [`, nil, "line 1: not valid JSON: unexpected EOF (at /accounts)"},
		{"bad json on line 3", "{\"accounts\": [\n  {\"name\": \"a\"},\n  {\"name\": }\n]}", nil,
			"line 3: not valid JSON: invalid character '}'"},
		{"top-level typo", `{"acounts": []}`, nil, `line 1: unknown field "acounts": the file is {"accounts": [...]}`},
		{"accounts not a list", `{"accounts": {}}`, nil, `line 1: /accounts: a JSON object does not belong there`},
		{"no accounts", `{"accounts": []}`, nil, `no accounts: want {"accounts": [{"name": …, "provider": …, "url": …, credentials …}, …]}`},
		{"unknown provider", "", []obj{with(good, "provider", "veeam")},
			`account "eu": unknown provider "veeam": want one of onapp, erigones, unitrends, cloudbackup`},
		{"no provider", "", []obj{with(good, "provider", nil)}, `account "eu": no provider: want one of onapp, erigones, unitrends, cloudbackup`},
		{"no name", "", []obj{with(good, "name", nil)}, "accounts[0]: no name: give each account a unique name"},
		{"comma in name", "", []obj{with(good, "name", "a,b")}, `accounts[0]: name "a,b": no commas, control characters or surrounding spaces`},
		{"unknown field", "", []obj{with(good, "passwrod", "x")},
			`account "eu" (onapp): unknown field "passwrod"; the fields are name, provider, url, endpoint, user, password, api_key`},
		{"field of another provider", "", []obj{with(good, "project_id", "p")},
			`account "eu" (onapp): field "project_id" does not apply to onapp accounts (it is for cloudbackup); the fields are name, provider, url, endpoint, user, password, api_key`},
		{"duplicate name", "", []obj{good, with(f.acct("eu", providerUnitrends))},
			`account "eu" (accounts[1]): the name is already used by accounts[0]; names must be unique`},
		{"no url", "", []obj{with(good, "url", nil)}, `account "eu" (onapp): no url: give the control panel's URL, such as https://cp.example.com`},
		{"url and endpoint", "", []obj{with(good, "endpoint", "https://x.example.com")}, `account "eu" (onapp): give url or endpoint, not both`},
		{"bad url", "", []obj{with(good, "url", "cp.example.com")}, `account "eu" (onapp): url: "cp.example.com": want an http:// or https:// URL`},
		{"url with a password", "", []obj{with(good, "url", "https://admin:hunter2@cp.example.com")}, `account "eu" (onapp): url: holds credentials: give them in their own fields`},
		{"odd url with a password", "", []obj{with(good, "url", "admin:hunter2@cp.example.com")}, `account "eu" (onapp): url: the URL: want an http:// or https:// URL`},
		{"missing credential", "", []obj{with(good, "password", nil)}, `account "eu" (onapp): no credential: give password or api_key`},
		{"missing user", "", []obj{with(good, "user", nil)}, `account "eu" (onapp): no user: give user, and password or api_key`},
		{"two credentials", "", []obj{with(good, "api_key", "k")}, `account "eu" (onapp): give password or api_key, not both`},
		{"env unset", "", []obj{with(good, "password", obj{"env": "EU_PASSWORD"})},
			`account "eu" (onapp): password: the environment variable EU_PASSWORD is not set (or empty)`},
		{"file unreadable", "", []obj{with(good, "password", obj{"file": "/nonexistent/eu.pw"})},
			`account "eu" (onapp): password: cannot read /nonexistent/eu.pw: no such file or directory`},
		{"file empty", "", []obj{with(good, "password", obj{"file": emptyFile})},
			fmt.Sprintf(`account "eu" (onapp): password: %s is empty`, emptyFile)},
		{"secret env and file", "", []obj{with(good, "password", obj{"env": "A", "file": "b"})},
			`account "eu" (onapp): password: give {"env": "VAR"} or {"file": "PATH"}, not both`},
		{"secret odd object", "", []obj{with(good, "password", obj{"vault": "x"})},
			`account "eu" (onapp): password: want a string, {"env": "VAR"} or {"file": "PATH"}`},
		{"secret number", "", []obj{with(good, "password", 42)},
			`account "eu" (onapp): password: want a string, {"env": "VAR"} or {"file": "PATH"}`},
		{"insecure not a bool", "", []obj{with(f.acct("u", providerUnitrends), "insecure", "yes")},
			`account "u" (unitrends): insecure: want true or false, not a JSON string`},
		{"user not a string", "", []obj{with(good, "user", 7)}, `account "eu" (onapp): user: want a string, not a JSON number`},
		{"erigones both", "", []obj{with(f.acct("e", providerErigones), "user", "admin")},
			`account "e" (erigones): give api_key, or user and password, not both`},
		{"erigones user only", "", []obj{with(f.acct("e", providerErigones), "api_key", nil, "user", "admin")},
			`account "e" (erigones): no password: give password with user (or api_key instead)`},
		{"unitrends ca and insecure", "", []obj{with(f.acct("u", providerUnitrends), "ca_file", "ueb.pem", "insecure", true)},
			`account "u" (unitrends): give ca_file or insecure, not both`},
		{"unitrends bad zone", "", []obj{with(f.acct("u", providerUnitrends), "time_zone", "Mars/Olympus_Mons")},
			`account "u" (unitrends): time_zone "Mars/Olympus_Mons": not a time zone (want an IANA name such as America/New_York)`},
		{"cbr no project", "", []obj{with(f.acct("c", providerCloudBackup), "project_id", nil)},
			`account "c" (cloudbackup): no project_id: give the project the endpoint serves`},
		{"cbr no credential", "", []obj{with(f.acct("c", providerCloudBackup), "token", nil)},
			`account "c" (cloudbackup): no credential: give token; access_key and secret_key; or iam_endpoint, user, password and domain`},
		{"cbr half a key pair", "", []obj{with(f.acct("c", providerCloudBackup), "token", nil, "access_key", "AK")},
			`account "c" (cloudbackup): access_key and secret_key go together: give both`},
		{"cbr half a login", "", []obj{with(f.acct("c", providerCloudBackup), "token", nil, "user", "u", "password", "p")},
			`account "c" (cloudbackup): an IAM login needs all of iam_endpoint, user, password and domain`},
		{"cbr two kinds", "", []obj{with(f.acct("c", providerCloudBackup), "access_key", "AK", "secret_key", "SK")},
			`account "c" (cloudbackup): give one kind of credentials (token; access_key and secret_key; or an IAM login), not several`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cfg string
			if tc.file != "" {
				cfg = writeFile(t, t.TempDir(), "accounts.json", tc.file, 0o600)
			} else {
				cfg = writeConfig(t, 0o600, tc.acct...)
			}
			for _, cmd := range [][]string{{"freshness"}, {"inventory"}, {"onapp", "backups"}} {
				r := runEnv(t, testEnv(nil), append([]string{"-config", cfg}, cmd...)...)
				assert.Equal(t, exitUsage, r.code, "%v: %s", cmd, r.stderr)
				assert.Empty(t, r.stdout)
				require.Len(t, lines(r.stderr), 1, "one line, nothing contacted, no fake started: %s", r.stderr)
				assert.True(t, strings.HasPrefix(r.stderr, "backupctl: config "+cfg+": "+tc.want), "%v:\n got %s\nwant %s", cmd, r.stderr, tc.want)
				assert.NotContains(t, r.stderr, f.onapp.Password(), "no secret in messages")
				assert.NotContains(t, r.stderr, "hunter2", "no secret in messages")
			}
		})
	}

	// A file that is not there.
	r := runEnv(t, testEnv(nil), "-config", "/nonexistent/accounts.json", "freshness")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "backupctl: config /nonexistent/accounts.json: cannot read it: no such file or directory\n", r.stderr)
}

func TestConfigPermissionWarning(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	inline := f.acct("eu", providerOnApp)
	fromEnv := with(inline, "name", "us", "password", obj{"env": "EU_PW"})
	vars := map[string]string{"EU_PW": f.onapp.Password()}
	run := func(cfg string) result {
		r := runEnv(t, testEnv(vars), "-config", cfg, "-account", "us", "onapp", "backups", "-vm", "101")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.NotContains(t, r.stderr, f.onapp.Password())
		return r
	}

	cfg := writeConfig(t, 0o644, inline, with(f.acct("ueb", providerUnitrends)), fromEnv, with(fromEnv, "name", "us2"))
	inline = with(inline, "name", "us")
	r := run(cfg)
	assert.Equal(t, fmt.Sprintf("backupctl: warning: %s holds inline credentials (accounts eu, ueb) and others may read it (mode 0644): chmod 600 %s, or give them as {\"env\": \"VAR\"} or {\"file\": \"PATH\"}\n", cfg, cfg), r.stderr)
	r = run(writeConfig(t, 0o640, inline))
	assert.Contains(t, r.stderr, "(mode 0640)", "readable by the group")

	// No warning: private file, or no inline credential.
	requireOK(t, run(writeConfig(t, 0o600, inline)))
	requireOK(t, run(writeConfig(t, 0o644, fromEnv)))

	// A credential file others may read is warned about too.
	dir := t.TempDir()
	pw := writeFile(t, dir, "eu.pw", f.onapp.Password(), 0o644)
	r = run(writeConfig(t, 0o644, with(inline, "password", obj{"file": pw})))
	assert.Equal(t, fmt.Sprintf("backupctl: warning: account \"us\" (onapp): the password file %s may be read by others (mode 0644): chmod 600 it\n", pw), r.stderr)
}

func TestConfigProviderCommands(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	cfg := writeConfig(t, 0o600, f.acct("eu", providerOnApp), f.acct("us", providerOnApp), f.acct("ueb", providerUnitrends))

	// The only account of a provider needs no -account.
	r := runEnv(t, testEnv(nil), "-config", cfg, "unitrends", "backups", "-system-id", "2")
	requireOK(t, r)
	assertGolden(t, "unitrends-backups-system.txt", r.stdout)
	// Several: -account picks one.
	r = runEnv(t, testEnv(nil), "-config", cfg, "-account", "us", "onapp", "backups", "-vm", "103", "-kind", "normal")
	requireOK(t, r)
	assertGolden(t, "onapp-backups-vm-normal.txt", r.stdout)

	usage := []struct {
		args []string
		want string
	}{
		{[]string{"-config", cfg, "onapp", "backups"}, cfg + " lists 2 onapp accounts (eu, us): pick one with -account NAME"},
		{[]string{"-config", cfg, "erigones", "backups"}, cfg + " lists no erigones account"},
		{[]string{"-config", cfg, "-account", "ueb", "onapp", "backups"}, `-account "ueb" is a unitrends account, not onapp`},
		{[]string{"-config", cfg, "-account", "nope", "onapp", "backups"}, `-account "nope": ` + cfg + " lists no such account (it has eu, us, ueb)"},
		{[]string{"-config", cfg, "-account", "eu,us", "onapp", "backups"}, `-account "eu,us": a onapp command works on one account`},
		{[]string{"-config", cfg, "-account", "eu,nope", "freshness"}, `-account "nope": ` + cfg + " lists no such account (it has eu, us, ueb)"},
		{[]string{"-account", "eu", "freshness"}, "-account goes with -config FILE (the environment has one account per provider)"},
		{[]string{"-parallel", "0", "freshness"}, "-parallel 0: want 1 or more accounts at once"},
		{[]string{"freshness", "-parallel", "0"}, "-parallel 0: want 1 or more accounts at once"},
		{[]string{"freshness", "-account", "eu"}, "-account goes with -config FILE (the environment has one account per provider)"},
		{[]string{"freshness", "-max-age", "soon"}, `invalid value "soon" for flag -max-age: want a duration such as 24h, 36h or 7d`},
		{[]string{"freshness", "-max-age", "-1h"}, `invalid value "-1h" for flag -max-age: want a positive duration such as 24h, 36h or 7d`},
	}
	for _, tc := range usage {
		r := runEnv(t, testEnv(nil), tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v", tc.args)
		assert.Empty(t, r.stdout)
		got := lines(r.stderr)
		require.Len(t, got, 3, "%v: %s", tc.args, r.stderr)
		assert.Equal(t, "backupctl: "+tc.want, got[0], "%v", tc.args)
	}

	// -account selects the accounts inventory and freshness walk.
	r = runEnv(t, testEnv(nil), "-config", cfg, "-account", "ueb,eu", "freshness")
	assert.Equal(t, exitAttention, r.code, r.stderr)
	accounts := map[string]bool{}
	for _, l := range lines(r.stdout)[1 : len(lines(r.stdout))-1] {
		accounts[strings.Fields(l)[1]] = true
	}
	assert.Equal(t, map[string]bool{"eu": true, "ueb": true}, accounts)
}

func TestConfigUnitrendsTLS(t *testing.T) {
	t.Parallel()
	srv, err := unitrendstest.NewServer(unitrendstest.WithTLS(), unitrendstest.WithNow(fixedNow))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	writeFile(t, dir, "ueb.pem", string(srv.CertPEM()), 0o644)
	writeFile(t, dir, "not.pem", "hello", 0o644)
	acct := obj{"name": "lab", "provider": "unitrends", "url": srv.URL(), "user": srv.User(), "password": srv.Password()}
	data, err := json.Marshal(obj{"accounts": []obj{with(acct, "ca_file", "ueb.pem")}})
	require.NoError(t, err)
	cfg := writeFile(t, dir, "accounts.json", string(data), 0o600)

	// ca_file, relative to the accounts file, is trusted.
	r := runEnv(t, testEnv(nil), "-config", cfg, "unitrends", "backups", "-system-id", "2")
	requireOK(t, r)
	assertGolden(t, "unitrends-backups-system.txt", r.stdout)

	// insecure warns, naming the field.
	r = runEnv(t, testEnv(nil), "-config", writeConfig(t, 0o600, with(acct, "insecure", true)), "unitrends", "backups", "-system-id", "2")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "backupctl: unitrends (lab): insecure: the appliance's certificate is not checked; use ca_file outside a lab\n", r.stderr)

	// Neither: the self-signed certificate is refused, as one account's
	// error; a CA file without a certificate is one too.
	r = runEnv(t, testEnv(nil), "-config", writeConfig(t, 0o600, acct), "freshness")
	assert.Equal(t, exitError, r.code)
	require.Len(t, lines(r.stderr), 1, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "backupctl: unitrends (lab): "), r.stderr)
	assert.Contains(t, r.stderr, "certificate")
	data, err = json.Marshal(obj{"accounts": []obj{with(acct, "ca_file", "not.pem")}})
	require.NoError(t, err)
	r = runEnv(t, testEnv(nil), "-config", writeFile(t, dir, "bad.json", string(data), 0o600), "freshness")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "backupctl: unitrends (lab): ca_file "+filepath.Join(dir, "not.pem")+": no PEM certificate in it\n", r.stderr)
}

func TestFleetOneAccountFails(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	gone, err := erigonestest.NewServer(erigonestest.WithNow(fixedNow))
	require.NoError(t, err)
	gone.Close() // an appliance that does not answer
	cfg := writeConfig(t, 0o600,
		f.acct("eu", providerOnApp),
		with(f.acct("dc-down", providerErigones), "url", gone.URL()),
		with(f.acct("ueb", providerUnitrends), "password", "wrong-password"),
		f.acct("cbr", providerCloudBackup),
		f.acct("dc1", providerErigones),
	)
	for _, cmd := range []string{"inventory", "freshness"} {
		r := runEnv(t, testEnv(nil), "-config", cfg, cmd)
		assert.Equal(t, exitError, r.code, "%s: errors win over stale rows", cmd)
		errs := lines(r.stderr)
		require.Len(t, errs, 2, "%s: one line per failed account, in the file's order: %s", cmd, r.stderr)
		assert.Regexp(t, `^backupctl: erigones \(dc-down\): .*connection refused`, errs[0])
		assert.Regexp(t, `^backupctl: unitrends \(ueb\): 401 Unauthorized`, errs[1])
		assert.NotContains(t, r.stderr, "wrong-password")
		seen := map[string]bool{}
		for _, l := range lines(r.stdout)[1:] {
			if fs := strings.Fields(l); len(fs) > 1 {
				seen[fs[0]], seen[fs[1]] = true, true
			}
		}
		for _, name := range []string{"eu", "cbr", "dc1"} {
			assert.True(t, seen[name], "%s: %s still reports", cmd, name)
		}
		assert.False(t, seen["ueb"] || seen["dc-down"], cmd)
		if cmd == "freshness" {
			assert.True(t, strings.HasSuffix(r.stdout, "; 2 of 5 accounts could not be read\n"), r.stdout)
		}
	}
}

func TestFleetSharesOneClientPerAccount(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	var accounts []obj
	for i := range 6 {
		accounts = append(accounts, obj{"name": fmt.Sprintf("dc%d", i), "provider": "erigones", "url": f.erigones.URL(),
			"user": f.erigones.User(), "password": f.erigones.Password()})
	}
	r := runEnv(t, testEnv(nil), "-parallel", "3", "-config", writeConfig(t, 0o600, accounts...), "freshness")
	assert.Equal(t, exitAttention, r.code, r.stderr)
	// Each account logged in once for its six calls, and out at the end
	// of its turn.
	assert.Equal(t, 6, f.erigones.Logins())
	logouts := 0
	for _, c := range f.erigones.Calls() {
		if c.Path == "/api/accounts/logout/" {
			logouts++
		}
	}
	assert.Equal(t, 6, logouts)
}

func TestFleetParallelBound(t *testing.T) {
	t.Parallel()
	for _, parallel := range []int{1, 3} {
		srv, err := unitrendstest.NewServer(unitrendstest.WithNow(fixedNow))
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		var accounts []obj
		for i := range 12 {
			accounts = append(accounts, obj{"name": fmt.Sprintf("ueb%02d", i), "provider": "unitrends", "url": srv.URL(),
				"user": srv.User(), "password": srv.Password()})
		}
		// Each account logs in, queries and logs out, one call after the
		// other; slow answers make the accounts overlap as much as they
		// may.
		srv.InjectFault(3*12, unitrendstest.Fault{Delay: 15 * time.Millisecond})
		r := runEnv(t, testEnv(nil), "-parallel", fmt.Sprint(parallel), "-config", writeConfig(t, 0o600, accounts...), "freshness")
		assert.Equal(t, exitAttention, r.code, r.stderr)
		assert.Len(t, lines(r.stdout), 12*5+2, "every account reported")
		assert.LessOrEqual(t, srv.MaxInFlight(), int64(parallel), "at most -parallel %d accounts in flight", parallel)
		if parallel > 1 {
			assert.Greater(t, srv.MaxInFlight(), int64(1), "accounts do run at once")
		}
		assert.Equal(t, 12, srv.Logins())
		assert.Zero(t, srv.Sessions(), "every session logged out")
	}
}

func TestFleetProgressLine(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	cfg := writeConfig(t, 0o600, f.acct("eu", providerOnApp), with(f.acct("ueb", providerUnitrends), "password", "nope"), f.acct("cbr", providerCloudBackup))
	e := testEnv(nil)
	e.isTerminal = func(io.Writer) bool { return true }
	r := runEnv(t, e, "-parallel", "1", "-config", cfg, "freshness")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "\rbackupctl: freshness: 0/3 accounts done, 0 failed\x1b[K"+
		"\rbackupctl: freshness: 1/3 accounts done, 0 failed\x1b[K"+
		"\rbackupctl: freshness: 2/3 accounts done, 1 failed\x1b[K"+
		"\rbackupctl: freshness: 3/3 accounts done, 1 failed\x1b[K"+
		"\r\x1b[K"+ // cleared
		"backupctl: unitrends (ueb): 401 Unauthorized: Authentication failed: invalid username or password.\n", r.stderr)
	assert.NotContains(t, r.stdout, "\r")

	// A notice while the line is drawn goes above it.
	s := &session{env: e, stdout: &strings.Builder{}, stderr: &strings.Builder{}}
	p := s.startProgress("inventory", 2)
	s.warnf("hello")
	p.done(false)
	p.end()
	assert.Equal(t, "\rbackupctl: inventory: 0/2 accounts done, 0 failed\x1b[K"+
		"\r\x1b[Kbackupctl: hello\n\rbackupctl: inventory: 0/2 accounts done, 0 failed\x1b[K"+
		"\rbackupctl: inventory: 1/2 accounts done, 0 failed\x1b[K\r\x1b[K", s.stderr.(*strings.Builder).String())

	// Not a terminal: no progress line.
	r = runEnv(t, testEnv(nil), "-config", cfg, "freshness")
	assert.NotContains(t, r.stderr, "\r")
	assert.NotContains(t, r.stderr, "accounts done")
}

func TestSelectAccounts(t *testing.T) {
	t.Parallel()
	fl := &fleet{path: "a.json", accounts: []*account{{Name: "a", Provider: "onapp"}, {Name: "b", Provider: "unitrends"}, {Name: "c", Provider: "onapp"}}}
	got, err := fl.selectAccounts("c, a")
	require.NoError(t, err)
	var names []string
	for _, a := range got {
		names = append(names, a.Name)
	}
	assert.Equal(t, []string{"a", "c"}, names, "in the file's order")
	all, err := fl.selectAccounts("")
	require.NoError(t, err)
	assert.Len(t, all, 3)
	assert.True(t, slices.Equal(all, fl.accounts))
	golden.AssertJSON(t, "select-accounts", names)
}
