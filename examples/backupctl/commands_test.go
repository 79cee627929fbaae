package main

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends"
)

// listCase is one listing command, checked in text (golden) and JSON
// (golden, and decoded as the SDK's type).
type listCase struct {
	name string
	args []string
	// rows is how many backups or definitions the command lists.
	rows int
	// decode decodes the JSON output as the SDK's values and returns how
	// many there are.
	decode func(t *testing.T, out []byte) int
}

// decodeAs returns a decode function for []T.
func decodeAs[T any]() func(t *testing.T, out []byte) int {
	return func(t *testing.T, out []byte) int {
		t.Helper()
		var v []T
		require.NoError(t, json.Unmarshal(out, &v))
		return len(v)
	}
}

func TestListCommands(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	cases := []listCase{
		{"onapp-backups", []string{"onapp", "backups"}, 12, decodeAs[onapp.Backup]()},
		{"onapp-backups-vm-normal", []string{"onapp", "backups", "-vm", "103", "-kind", "normal"}, 3, decodeAs[onapp.Backup]()},
		{"onapp-backups-incremental-xml", []string{"onapp", "backups", "-kind", "incremental", "-xml"}, 5, decodeAs[onapp.Backup]()},
		{"erigones-definitions", []string{"erigones", "definitions"}, 5, decodeAs[erigones.BackupDefinition]()},
		{"erigones-definitions-vm", []string{"erigones", "definitions", "-vm", erigonestest.FreshVM}, 2, decodeAs[erigones.BackupDefinition]()},
		{"erigones-definitions-lab", []string{"erigones", "definitions", "-dc", erigonestest.LabDC}, 1, decodeAs[erigones.BackupDefinition]()},
		{"erigones-backups", []string{"erigones", "backups"}, 9, decodeAs[erigones.Backup]()},
		{"erigones-backups-vm", []string{"erigones", "backups", "-vm", erigonestest.FailedVM}, 3, decodeAs[erigones.Backup]()},
		{"erigones-backups-node", []string{"erigones", "backups", "-node", erigonestest.DemoBackupNode}, 10, decodeAs[erigones.Backup]()},
		{"erigones-backups-node-lab", []string{"erigones", "backups", "-node", erigonestest.DemoBackupNode, "-dc", erigonestest.LabDC}, 1, decodeAs[erigones.Backup]()},
		{"unitrends-backups", []string{"unitrends", "backups"}, 11, decodeAs[unitrends.Backup]()},
		{"unitrends-backups-system", []string{"unitrends", "backups", "-system-id", "2"}, 4, decodeAs[unitrends.Backup]()},
		{"unitrends-backups-client-since", []string{"unitrends", "backups", "-client-id", "1", "-since", "30h"}, 2, decodeAs[unitrends.Backup]()},
		{"cloudbackup-backups", []string{"cloudbackup", "backups"}, 13, decodeAs[cloudbackup.Backup]()},
		{"cloudbackup-backups-status", []string{"cloudbackup", "backups", "-status", "error,protecting"}, 3, decodeAs[cloudbackup.Backup]()},
		{"cloudbackup-backups-volume-limit", []string{"cloudbackup", "backups", "-resource-type", "volume", "-limit", "2"}, 2, decodeAs[cloudbackup.Backup]()},
		{"cloudbackup-backups-vault", []string{"cloudbackup", "backups", "-vault", f.cbr.Demo().DiskVaultID}, 3, decodeAs[cloudbackup.Backup]()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.run(t, tc.args...)
			requireOK(t, r)
			assertGolden(t, tc.name+".txt", r.stdout)
			assert.Len(t, lines(r.stdout), tc.rows+1, "a header and a row each")

			r = f.run(t, append([]string{"-o", "json"}, tc.args...)...)
			requireOK(t, r)
			assertGolden(t, tc.name+".json", r.stdout)
			assert.True(t, jsontext.Value(r.stdout).IsValid())
			assert.Equal(t, tc.rows, tc.decode(t, []byte(r.stdout)))
		})
	}
}

// TestListJSONIsTheSDKsValues checks that -o json writes the values the
// SDK returns, as they marshal themselves.
func TestListJSONIsTheSDKsValues(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	c, err := onapp.NewClient(f.onapp.URL(), onapp.WithPassword(f.onapp.User(), f.onapp.Password()))
	require.NoError(t, err)
	want, err := c.Backups.List(background(), &onapp.ListBackupsOptions{VMID: onapptest.DemoVMFailing})
	require.NoError(t, err)
	var buf strings.Builder
	require.NoError(t, writeJSON(&buf, want))

	r := f.run(t, "-o", "json", "onapp", "backups", "-vm", "103")
	requireOK(t, r)
	assert.Equal(t, buf.String(), r.stdout)
	assert.Contains(t, r.stdout, `"built_at": null`, "absent values marshal as null")
}

func TestListEmpty(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	// A VM without backups: the header alone, or [].
	r := f.run(t, "onapp", "backups", "-vm", "104")
	requireOK(t, r)
	assert.Len(t, lines(r.stdout), 1)
	r = f.run(t, "-o", "json", "onapp", "backups", "-vm", "104")
	requireOK(t, r)
	assert.Equal(t, "[]\n", r.stdout)
	r = f.run(t, "-o", "json", "erigones", "backups", "-vm", erigonestest.UnprotectedVM)
	requireOK(t, r)
	assert.Equal(t, "[]\n", r.stdout)
	r = f.run(t, "-o", "json", "cloudbackup", "backups", "-status", "deleting")
	requireOK(t, r)
	assert.Equal(t, "[]\n", r.stdout)
}

func TestListErrors(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"onapp", "backups", "-vm", "999"}, "backupctl: onapp: 404 Not Found: "},
		{[]string{"erigones", "definitions", "-vm", "nope.example.com"}, "backupctl: erigones: 404 Not Found: "},
		{[]string{"erigones", "definitions", "-dc", "nope"}, "backupctl: erigones: 404 Not Found: "},
	}
	for _, tc := range cases {
		r := f.run(t, tc.args...)
		assert.Equal(t, exitError, r.code, tc.args)
		assert.Empty(t, r.stdout, tc.args)
		require.Len(t, lines(r.stderr), 1, r.stderr)
		assert.True(t, strings.HasPrefix(r.stderr, tc.want), "%v: %s", tc.args, r.stderr)
	}
}
