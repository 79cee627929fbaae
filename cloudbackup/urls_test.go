package cloudbackup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// TestRoutes checks the route table once: every template expands with its
// parameters escaped, and rejects values that would change the route.
func TestRoutes(t *testing.T) {
	t.Parallel()
	routes := map[string][]string{
		pathBackups:       {"p1"},
		pathBackup:        {"p1", "b/1?x"},
		pathBackupRestore: {"p1", "b1"},
		pathCheckpoints:   {"p1"},
		pathCheckpoint:    {"p1", "c1"},
		pathVaults:        {"p1"},
		pathVault:         {"p1", "v1"},
		pathOperationLogs: {"p1"},
		pathOperationLog:  {"p1", "o1"},
		pathIAMTokens:     nil,
	}
	got := map[string]string{}
	for tmpl, params := range routes {
		p, err := core.ExpandPath(tmpl, params...)
		require.NoError(t, err, tmpl)
		got[tmpl] = p
	}
	golden.AssertJSON(t, "routes", got)
	assert.Equal(t, "/v3/p1/backups/b%2F1%3Fx", got[pathBackup])

	for _, bad := range []string{"", ".", ".."} {
		_, err := core.ExpandPath(pathBackup, "p1", bad)
		assert.ErrorIs(t, err, core.ErrInvalidPathParam, "%q", bad)
	}
}
