package main

import (
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// jsonItem is an inventory element as a consumer of -o json reads it.
type jsonItem struct {
	Provider  string         `json:"provider"`
	Owner     string         `json:"owner"`
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Created   *time.Time     `json:"created"`
	Status    string         `json:"status"`
	SizeBytes *int64         `json:"size_bytes"`
	Raw       map[string]any `json:"raw"`
}

func TestInventoryText(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	r := f.run(t, "inventory")
	requireOK(t, r)
	assertGolden(t, "inventory.txt", r.stdout)

	// Every provider is there, and only backups: the clients and VMs
	// without backups are not rows.
	for _, p := range providers {
		assert.Contains(t, r.stdout, "\n"+p+" ", p)
	}
	assert.NotContains(t, r.stdout, "legacy01")
	assert.NotContains(t, r.stdout, "build-01")
}

func TestInventoryJSON(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	r := f.run(t, "-o", "json", "inventory")
	requireOK(t, r)
	assertGolden(t, "inventory.json", r.stdout)

	var items []jsonItem
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	seen := map[string]map[string]int{}
	for _, it := range items {
		assert.Contains(t, []string{"ok", "running", "warning", "failed", "unknown"}, it.Status)
		assert.NotEmpty(t, it.Owner)
		assert.NotEmpty(t, it.ID)
		assert.NotNil(t, it.Created, "%s %s", it.Provider, it.ID)
		assert.NotEmpty(t, it.Raw)
		if seen[it.Provider] == nil {
			seen[it.Provider] = map[string]int{}
		}
		seen[it.Provider][it.Status]++
		switch it.Provider {
		case providerCloudBackup:
			assert.Nil(t, it.SizeBytes, "CBR reports no backup size")
		default:
			assert.NotNil(t, it.SizeBytes, "%s %s", it.Provider, it.ID)
		}
	}
	// The demo data shows good and failed backups everywhere.
	for _, p := range providers {
		assert.Positive(t, seen[p]["ok"], p)
		assert.Positive(t, seen[p]["failed"], p)
	}
	assert.Positive(t, seen[providerUnitrends]["warning"])
	assert.Positive(t, seen[providerCloudBackup]["running"])

	// Sizes are converted to bytes from each API's unit.
	byID := func(provider, id string) jsonItem {
		for _, it := range items {
			if it.Provider == provider && it.ID == id {
				return it
			}
		}
		t.Fatalf("no %s item %s", provider, id)
		return jsonItem{}
	}
	ob := byID(providerOnApp, "1")
	assert.Equal(t, int64(ob.Raw["backup_size"].(float64))*1024, *ob.SizeBytes, "OnApp sizes are kB")
	ub := byID(providerUnitrends, "1")
	assert.Equal(t, int64(ub.Raw["size"].(float64))*1048576, *ub.SizeBytes, "Unitrends sizes are MB")
}

func TestInventoryRawIsTheSDKValue(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	r := f.run(t, "-o", "json", "inventory")
	requireOK(t, r)
	var raw []struct {
		Provider string         `json:"provider"`
		Raw      jsontext.Value `json:"raw"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &raw))
	// Each raw object decodes as the provider's own type.
	for _, it := range raw {
		var v any
		switch it.Provider {
		case providerOnApp:
			v = new(onapp.Backup)
		case providerErigones:
			v = new(erigones.Backup)
		case providerUnitrends:
			v = new(unitrends.Backup)
		case providerCloudBackup:
			v = new(cloudbackup.Backup)
		}
		require.NoError(t, json.Unmarshal(it.Raw, v), "%s: %s", it.Provider, it.Raw)
	}
}

func TestInventoryBuiltInFakes(t *testing.T) {
	t.Parallel()
	// No settings at all: each provider's built-in fake answers, with the
	// same demo data as the fakes started by the test, so the same table.
	r := runEnv(t, testEnv(nil), "inventory")
	require.Equal(t, exitOK, r.code, r.stderr)
	assertGolden(t, "inventory.txt", r.stdout)
	notices := lines(r.stderr)
	require.Len(t, notices, 4, "one notice per provider")
	for _, p := range providers {
		n := 0
		for _, l := range notices {
			if strings.HasPrefix(l, "backupctl: "+p+": demo data from the built-in ") {
				n++
				assert.Contains(t, l, "fake at http://127.0.0.1:")
				assert.Contains(t, l, "(no provider is configured; ")
			}
		}
		assert.Equal(t, 1, n, p)
	}

	// In JSON every row says it is demo data, and from which account.
	r = runEnv(t, testEnv(nil), "-o", "json", "inventory")
	require.Equal(t, exitOK, r.code, r.stderr)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.NotEmpty(t, rows)
	for _, row := range rows {
		assert.Equal(t, true, row["demo"], "%v", row["id"])
		assert.Equal(t, row["provider"], row["account"], "%v", row["id"])
	}
}

func TestInventoryOneProviderFails(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	f.unitrends.InjectFault(10, unitrendstest.Fault{Status: 503, Body: `{"error": 503, "message": "The appliance is being upgraded."}`})
	r := f.run(t, "inventory")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, []string{"backupctl: unitrends: 503 Service Unavailable: The appliance is being upgraded."}, lines(r.stderr))
	// The other three still print.
	assertGolden(t, "inventory-without-unitrends.txt", r.stdout)
	assert.NotContains(t, r.stdout, "unitrends")
	for _, p := range []string{providerOnApp, providerErigones, providerCloudBackup} {
		assert.Contains(t, r.stdout, "\n"+p+" ")
	}

	// The same in JSON: a valid array of the others.
	f.unitrends.InjectFault(10, unitrendstest.Fault{Status: 503, Body: `{"error": 503, "message": "The appliance is being upgraded."}`})
	r = f.run(t, "-o", "json", "inventory")
	assert.Equal(t, exitError, r.code)
	var items []jsonItem
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.NotEmpty(t, items)
	for _, it := range items {
		assert.NotEqual(t, providerUnitrends, it.Provider)
	}
}

func TestInventoryWrongPassword(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	const pw = "hunter2-not-the-password"
	r := runEnv(t, testEnv(f.with("ONAPP_PASSWORD", pw)), "inventory")
	assert.Equal(t, exitError, r.code)
	require.Len(t, lines(r.stderr), 1, r.stderr)
	assert.Regexp(t, `^backupctl: onapp: 401 Unauthorized: \S.*$`, lines(r.stderr)[0])
	assert.NotContains(t, r.stderr, pw)
	assert.NotContains(t, r.stdout, pw)
	assert.Contains(t, r.stdout, "erigones ")
}

func TestInventoryAllFail(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	f.onapp.Close()
	f.erigones.Close()
	f.unitrends.Close()
	f.cbr.Close()
	r := f.run(t, "inventory")
	assert.Equal(t, exitError, r.code)
	errs := lines(r.stderr)
	require.Len(t, errs, 4)
	for i, p := range providers { // in provider order
		assert.True(t, strings.HasPrefix(errs[i], "backupctl: "+p+": "), errs[i])
		assert.Contains(t, errs[i], "connection refused")
	}
	assert.Equal(t, "PROVIDER  OWNER  ID  NAME  CREATED  STATUS  SIZE\n", r.stdout, "an empty table")

	r = f.run(t, "-o", "json", "inventory")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "[]\n", r.stdout)
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	f.erigones.InjectFault(1, erigonestest.Fault{Delay: 30 * time.Second})
	start := time.Now()
	r := f.run(t, "-timeout", "300ms", "erigones", "backups")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.stdout)
	require.Len(t, lines(r.stderr), 1, r.stderr)
	assert.Regexp(t, `^backupctl: erigones: GET /api/vm/define/backup/: .*\(the -timeout of 300ms ran out; raise it\)$`, lines(r.stderr)[0])
}

func TestSortItems(t *testing.T) {
	t.Parallel()
	at := func(h int) *time.Time {
		v := testNow.Add(time.Duration(h) * time.Hour)
		return &v
	}
	items := []item{
		{Provider: "onapp", Owner: "b", ID: "10", Created: at(1)},
		{Provider: "onapp", Owner: "b", ID: "9", Created: at(1)},
		{Provider: "onapp", Owner: "b", ID: "1", Created: nil},
		{Provider: "onapp", Owner: "a", ID: "5", Created: at(3)},
		{Provider: "erigones", Owner: "z", ID: "x", Created: at(0)},
		{Provider: "onapp", Owner: "b", ID: "abc", Created: at(0)},
	}
	sortItems(items)
	var got []string
	for _, it := range items {
		got = append(got, it.Provider+"/"+it.Owner+"/"+it.ID)
	}
	golden.AssertJSON(t, "sort-items", got)
	assert.Equal(t, []string{"erigones/z/x", "onapp/a/5", "onapp/b/1", "onapp/b/abc", "onapp/b/9", "onapp/b/10"}, got)
}
