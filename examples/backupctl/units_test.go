package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/unitrends"
)

func TestStatusMapping(t *testing.T) {
	t.Parallel()
	mapping := map[string]map[string]status{}

	// OnApp: built, or how old an unbuilt backup is.
	onappCase := func(b onapp.Backup) status { return onappStatus(&b, testNow) }
	created := func(ago time.Duration) onapp.Time { return onapp.Time{Time: testNow.Add(-ago), Valid: true} }
	mapping["onapp"] = map[string]status{
		"built":                         onappCase(onapp.Backup{Built: onapp.Bool{Bool: true, Valid: true}, CreatedAt: created(48 * time.Hour)}),
		"not built, created 1h ago":     onappCase(onapp.Backup{Built: onapp.Bool{Valid: true}, CreatedAt: created(time.Hour)}),
		"not built, created 5h59m ago":  onappCase(onapp.Backup{Built: onapp.Bool{Valid: true}, CreatedAt: created(onappPendingGrace - time.Minute)}),
		"not built, created 6h ago":     onappCase(onapp.Backup{Built: onapp.Bool{Valid: true}, CreatedAt: created(onappPendingGrace)}),
		"not built, created 2 days ago": onappCase(onapp.Backup{Built: onapp.Bool{Valid: true}, CreatedAt: created(48 * time.Hour)}),
		"not built, no created_at":      onappCase(onapp.Backup{Built: onapp.Bool{Valid: true}}),
		"built absent":                  onappCase(onapp.Backup{CreatedAt: created(time.Hour)}),
	}
	mapping["erigones"] = map[string]status{}
	for _, st := range []erigones.BackupStatus{erigones.BackupStatusOK, erigones.BackupStatusPending, erigones.BackupStatusRestore, erigones.BackupStatusLost, 0, 9} {
		mapping["erigones"][fmt.Sprintf("%d %s", int(st), st)] = erigonesStatus(st)
	}
	mapping["unitrends"] = map[string]status{}
	for _, st := range []string{"Success", "Successful", "Warning", "Failure", "Failed", "None", "", "Queued", "1", "3"} {
		b := unitrends.Backup{Status: unitrends.ParseBackupStatus(st)}
		mapping["unitrends"][fmt.Sprintf("%q", st)] = unitrendsStatus(&b)
	}
	notComplete := unitrends.Backup{Status: unitrends.BackupStatusSuccess, Complete: unitrends.Bool{Valid: true}}
	mapping["unitrends"]["Success, complete false"] = unitrendsStatus(&notComplete)
	mapping["cloudbackup"] = map[string]status{}
	for _, st := range append(cloudbackup.BackupStatuses(), "frozen") {
		mapping["cloudbackup"][string(st)] = cloudbackupStatus(st)
	}
	golden.AssertJSON(t, "status-mapping", mapping)

	assert.Equal(t, statusOK, mapping["onapp"]["built"])
	assert.Equal(t, statusRunning, mapping["onapp"]["not built, created 5h59m ago"])
	assert.Equal(t, statusFailed, mapping["onapp"]["not built, created 6h ago"])
	assert.Equal(t, statusUnknown, mapping["onapp"]["built absent"])
	assert.Equal(t, statusFailed, mapping["erigones"]["4 lost"])
	assert.Equal(t, statusRunning, mapping["erigones"]["2 pending"])
	assert.Equal(t, statusWarning, mapping["unitrends"][`"Warning"`])
	assert.Equal(t, statusFailed, mapping["unitrends"][`"Failed"`])
	assert.Equal(t, statusUnknown, mapping["unitrends"][`"None"`])
	assert.Equal(t, statusUnknown, mapping["unitrends"][`"1"`], "no source says what an integer status means")
	assert.Equal(t, statusUnknown, mapping["unitrends"][`"3"`], "no source says what an integer status means")
	assert.Equal(t, "unknown (code 1)", unitrendsStatusText(unitrends.ParseBackupStatus("1")))
	assert.Equal(t, "Queued", unitrendsStatusText(unitrends.ParseBackupStatus("Queued")))
	assert.Equal(t, "Failure", unitrendsStatusText(unitrends.ParseBackupStatus("failed")))
	assert.Equal(t, statusRunning, mapping["unitrends"]["Success, complete false"])
	assert.Equal(t, statusFailed, mapping["cloudbackup"]["error"])
	assert.Equal(t, statusUnknown, mapping["cloudbackup"]["frozen"])
	for p, m := range mapping {
		for k, v := range m {
			assert.Contains(t, []status{statusOK, statusRunning, statusWarning, statusFailed, statusUnknown}, v, "%s %s", p, k)
		}
	}
}

func TestHumanSize(t *testing.T) {
	t.Parallel()
	n := func(v int64) *int64 { return &v }
	cases := map[string]*int64{
		"-":         nil,
		"0 B":       n(0),
		"1023 B":    n(1023),
		"1.0 KiB":   n(1024),
		"1.5 KiB":   n(1536),
		"498.0 MiB": n(498 << 20),
		"20.0 GiB":  n(20 << 30),
		"1.5 TiB":   n(3 << 39),
		"8.0 EiB":   n(1<<63 - 1),
	}
	for want, v := range cases {
		assert.Equal(t, want, humanSize(v))
	}
	assert.Nil(t, sizeOf(5, false, 1024))
	assert.Equal(t, int64(5120), *sizeOf(5, true, 1024))
	golden.AssertJSON(t, "human-size-units", []string{humanSize(n(1)), humanSize(n(1 << 10)), humanSize(n(1 << 20)), humanSize(n(1 << 30))})
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		provider string
		err      error
		want     string
	}{
		{"onapp", &onapp.APIError{Provider: "onapp", StatusCode: 401, Status: "401 Unauthorized", Message: "Invalid login", Method: "GET", URL: "https://admin:pw@cp/x"},
			"onapp: 401 Unauthorized: Invalid login"},
		{"cloudbackup", fmt.Errorf("listing: %w", &onapp.APIError{Provider: "cloudbackup", StatusCode: 429, Code: "APIGW.0308", Message: "too\nmany"}),
			"cloudbackup: 429 Too Many Requests [APIGW.0308]: too many"},
		{"erigones", &onapp.APIError{Provider: "erigones", StatusCode: 400, Fields: map[string][]string{"schedule": {"Invalid"}, "disk_id": {"Out of range", "Bad"}}},
			"erigones: 400 Bad Request: disk_id: Out of range, Bad; schedule: Invalid"},
		{"unitrends", &onapp.APIError{StatusCode: 599},
			"unitrends: 599"},
		{"erigones", &erigones.TaskFailedError{TaskID: "t1", Message: "boom"},
			"erigones: task t1 failed: boom"},
		{"onapp", errors.New("onapp: base URL: missing scheme"),
			"onapp: base URL: missing scheme"},
		{"unitrends", errors.New("reading CA file"),
			"unitrends: reading CA file"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, describe(tc.provider, tc.err, "60s"))
	}
	assert.NotContains(t, describe("onapp", cases[0].err, "60s"), "pw", "never the URL's credentials")
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	assert.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.True(t, isTerminal(null), "a character device")
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	assert.Negative(t, compareIDs("9", "10"))
	assert.Positive(t, compareIDs("b", "a"))
	assert.Negative(t, compareIDs("10", "9x"), "text when one is not a number")
	assert.Zero(t, compareIDs("7", "7"))
}

func TestCellText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a b c", cellText("a\tb\nc"))
	long := cellText(string(bytes.Repeat([]byte("x"), 100)))
	assert.Equal(t, 60, len([]rune(long)))
	assert.Equal(t, "one line", oneLine("one\r\n  line\n"))
}
