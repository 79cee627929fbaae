package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// testNow is the pinned clock of every fake and of run in the tests.
var testNow = time.Date(2024, time.March, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// testEnv is an env for tests: settings from vars, the pinned clock, no
// terminal, fast retries and task polls.
func testEnv(vars map[string]string) *env {
	e := newEnv(func(k string) string { return vars[k] })
	e.now = fixedNow
	e.isTerminal = func(io.Writer) bool { return false }
	e.retry = &onapp.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
	e.pollSchedule = []time.Duration{time.Millisecond}
	return e
}

// result is what one run of backupctl produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// runEnv runs backupctl with e and args.
func runEnv(t *testing.T, e *env, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := e.run(t.Context(), args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// fakes are the four fakes a test started itself (so that it can inject
// faults), with the variables that point backupctl at them.
type fakes struct {
	onapp     *onapptest.Server
	erigones  *erigonestest.Server
	unitrends *unitrendstest.Server
	cbr       *cloudbackuptest.Server
	vars      map[string]string
}

// startFakes starts the four fakes with the pinned clock; they stop when
// the test ends.
func startFakes(t *testing.T) *fakes {
	t.Helper()
	f := &fakes{}
	var err error
	f.onapp, err = onapptest.NewServer(onapptest.WithNow(fixedNow), onapptest.WithBuildAfterReads(2))
	require.NoError(t, err)
	t.Cleanup(f.onapp.Close)
	f.erigones, err = erigonestest.NewServer(erigonestest.WithNow(fixedNow), erigonestest.WithTaskPolls(2))
	require.NoError(t, err)
	t.Cleanup(f.erigones.Close)
	f.unitrends, err = unitrendstest.NewServer(unitrendstest.WithNow(fixedNow))
	require.NoError(t, err)
	t.Cleanup(f.unitrends.Close)
	f.cbr, err = cloudbackuptest.NewServer(cloudbackuptest.WithNow(fixedNow), cloudbackuptest.WithTaskPolls(1))
	require.NoError(t, err)
	t.Cleanup(f.cbr.Close)
	f.vars = map[string]string{
		"ONAPP_URL": f.onapp.URL(), "ONAPP_USER": f.onapp.User(), "ONAPP_PASSWORD": f.onapp.Password(),
		"ERIGONES_URL": f.erigones.URL(), "ERIGONES_API_KEY": f.erigones.APIKey(),
		"UNITRENDS_URL": f.unitrends.URL(), "UNITRENDS_USER": f.unitrends.User(), "UNITRENDS_PASSWORD": f.unitrends.Password(),
		"CBR_ENDPOINT": f.cbr.URL(), "CBR_PROJECT_ID": f.cbr.ProjectID(), "CBR_TOKEN": f.cbr.Token(),
	}
	return f
}

// run runs backupctl against the fakes.
func (f *fakes) run(t *testing.T, args ...string) result {
	t.Helper()
	return runEnv(t, testEnv(f.vars), args...)
}

// with returns the fakes' variables changed by kv (name, value pairs; an
// empty value unsets).
func (f *fakes) with(kv ...string) map[string]string {
	vars := make(map[string]string, len(f.vars))
	for k, v := range f.vars {
		vars[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(vars, kv[i])
		} else {
			vars[kv[i]] = kv[i+1]
		}
	}
	return vars
}

// requireOK asserts a successful run with nothing on stderr.
func requireOK(t *testing.T, r result) {
	t.Helper()
	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	require.Empty(t, r.stderr)
}

// assertGolden compares text output with testdata/<name>.golden.
func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, name, []byte(got))
}

// lines splits output into its lines, without the last newline.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// background is a context for calls made outside run.
func background() context.Context { return context.Background() }
