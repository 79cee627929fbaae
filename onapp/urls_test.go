package onapp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// TestRouteTable expands every route in both formats; the expansions are
// pinned in testdata/routes.golden, to be read against the API pages and
// the notes.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	routes := []struct {
		name   string
		tmpl   string
		params []string
	}{
		{"virtual servers", routeVirtualMachines, nil},
		{"one virtual server", routeVirtualMachine, []string{"74"}},
		{"disks of a VM", routeVMDisks, []string{"74"}},
		{"incremental of a VM", routeVMBackupFiles, []string{"74"}},
		{"normal of a VM", routeVMBackupImages, []string{"74"}},
		{"all of a VM / create incremental", routeVMBackups, []string{"74"}},
		{"of a VM's disk", routeVMDiskBackups, []string{"74", "11860"}},
		{"of a disk / create normal", routeDiskBackups, []string{"11860"}},
		{"one backup", routeBackup, []string{"698"}},
		{"restore", routeBackupRestore, []string{"698"}},
		{"convert", routeBackupConvert, []string{"698"}},
	}
	got := map[string][]string{}
	for _, f := range []Format{JSON, XML} {
		c, err := NewClient("https://cp.example", WithPassword("u", "p"), WithFormat(f))
		require.NoError(t, err)
		for _, r := range routes {
			p, err := core.ExpandPath(c.route(r.tmpl), r.params...)
			require.NoError(t, err, r.name)
			got[r.name] = append(got[r.name], p)
		}
	}
	golden.AssertJSON(t, "routes", got)

	// Parameters are escaped, and ones that would change the route refused.
	p, err := core.ExpandPath(routeBackup+".json", "a/b?c")
	require.NoError(t, err)
	assert.Equal(t, "/backups/a%2Fb%3Fc.json", p)
	for _, bad := range []string{"", ".", ".."} {
		_, err := core.ExpandPath(routeBackup+".json", bad)
		assert.ErrorIs(t, err, core.ErrInvalidPathParam)
	}
}
