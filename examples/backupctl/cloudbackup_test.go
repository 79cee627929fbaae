package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCloudBackupProgressOnTerminal: "restore" waits by default and draws the SDK's
// WaitProgress (state and percent of the restore task) on a terminal and
// clears it at the end; elsewhere it draws nothing.
func TestCloudBackupProgressOnTerminal(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	demo := f.cbr.Demo()
	e := testEnv(f.vars)
	e.isTerminal = func(io.Writer) bool { return true }
	r := runEnv(t, e, "cloudbackup", "backup", "restore", "-id", demo.VolumeBackupID, "-disk", demo.Volume.ID, "-yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "\rbackupctl: cloudbackup: task "), "%q", r.stderr)
	assert.Contains(t, r.stderr, " success 100%, ", "the last poll's state and percent")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "the line is cleared: %q", r.stderr)
	assert.Regexp(t, `^restored backup \S+ \(task \S+\)\n$`, r.stdout)
}
