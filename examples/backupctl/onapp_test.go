package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// create waits by default: it polls the new backup until it is built (the
// fake builds it on its third read) and reports it built.
func TestOnAppCreateWait(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow), onapptest.WithBuildAfterReads(3))
	vars := f.with("ONAPP_URL", srv.URL())

	r := runEnv(t, testEnv(vars), "onapp", "backup", "create", "-vm", "101", "-note", "waited")
	requireOK(t, r)
	assert.Equal(t, "built an incremental backup of virtual server 101: backup 13, 2.0 MiB\n", r.stdout)
	gets := 0
	for _, c := range srv.Calls() {
		if c.Method == http.MethodGet && c.Path == "/backups/13.json" {
			gets++
		}
	}
	assert.Equal(t, 3, gets, "polled until the third read built it")
	b, ok := srv.Backup(13)
	require.True(t, ok)
	assert.True(t, b.Built)

	r = runEnv(t, testEnv(vars), "-o", "json", "onapp", "backup", "create", "-disk", "1002")
	requireOK(t, r)
	var got []onapp.Backup
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	require.Len(t, got, 1)
	assert.True(t, got[0].IsBuilt())
}

// On a terminal, the wait draws one progress line per poll on stderr, in the
// SDK's Progress terms, and ends it.
func TestOnAppCreateWaitProgressLine(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	srv := onapptest.NewTestServer(t, onapptest.WithNow(fixedNow), onapptest.WithBuildAfterReads(2))
	e := testEnv(f.with("ONAPP_URL", srv.URL()))
	e.isTerminal = func(io.Writer) bool { return true }
	r := runEnv(t, e, "onapp", "backup", "create", "-vm", "101")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "built an incremental backup of virtual server 101: backup 13, 2.0 MiB\n", r.stdout)
	assert.Equal(t, 2, strings.Count(r.stderr, "backupctl: onapp: backup 13 built: "), r.stderr)
	assert.Contains(t, r.stderr, "backup 13 built: false")
	assert.Contains(t, r.stderr, "backup 13 built: true")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "the line is ended: %q", r.stderr)
}
