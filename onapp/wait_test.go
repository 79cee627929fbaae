package onapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// noWait polls without sleeping: the tests move the fake on from the
// progress callback, so no test depends on the machine's speed.
var noWait = onapp.WaitBackoff(onapp.ScheduleBackoff())

func waitClient(t *testing.T, srv *onapptest.Server, opts ...onapp.Option) *onapp.Client {
	t.Helper()
	c, err := onapp.NewClient(srv.URL(), append([]onapp.Option{
		onapp.WithPassword(srv.User(), srv.Password()), onapp.WithHTTPClient(srv.HTTPClient()),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestCreateResultWaitPollsUntilBuilt(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t)
	c := waitClient(t, srv)
	ctx := context.Background()
	res, err := c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
	require.NoError(t, err)
	id, ok := res.ID()
	require.True(t, ok)

	var seen []onapp.Progress
	b, err := res.Wait(ctx, noWait, onapp.WaitProgress(func(p onapp.Progress) {
		seen = append(seen, p)
		if p.Poll == 2 {
			// The transaction runs between the second and third poll.
			assert.NoError(t, srv.MarkBuilt(id, 4096))
		}
	}))
	require.NoError(t, err)
	require.NotNil(t, b)
	assert.True(t, b.IsBuilt())
	assert.Equal(t, int64(4096), b.BackupSize.Int64)
	require.Len(t, seen, 3)
	assert.Equal(t, []string{"built: false", "built: false", "built: true"}, []string{seen[0].State, seen[1].State, seen[2].State})
	assert.Equal(t, []bool{false, false, true}, []bool{seen[0].Done, seen[1].Done, seen[2].Done})
	assert.Equal(t, 3, seen[2].Poll)
	assert.False(t, seen[2].Percent.Valid, "OnApp tells no percentage")

	gets := 0
	for _, call := range srv.Calls() {
		if call.Method == http.MethodGet && call.Path == "/backups/"+b.ID.String()+".json" {
			gets++
		}
	}
	assert.Equal(t, 3, gets, "one Backups.Get per poll")
}

func TestCreateResultWaitUsesClientBackoff(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t)
	var asked []int
	c := waitClient(t, srv, onapp.WithWaitBackoff(func(n int) time.Duration { asked = append(asked, n); return 0 }))
	res, err := c.Backups.CreateNormal(context.Background(), onapptest.DemoDiskNever, nil)
	require.NoError(t, err)
	id, _ := res.ID()
	require.NoError(t, srv.MarkBuilt(id, 1))
	_, err = res.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []int{1}, asked, "the client's backoff, asked for the first poll")
}

func TestCreateResultWaitStopsWithContext(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t)
	c := waitClient(t, srv)
	res, err := c.Backups.CreateIncremental(context.Background(), onapptest.DemoVMNever, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	// An hour between polls: only the context can end this wait.
	_, err = res.Wait(ctx, onapp.WaitBackoff(onapp.ScheduleBackoff(0, time.Hour)), onapp.WaitProgress(func(onapp.Progress) { cancel() }))
	require.Error(t, err)
	assert.ErrorIs(t, err, onapp.ErrWaitStopped)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCreateResultWaitErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("no id", func(t *testing.T) {
		t.Parallel()
		srv := onapptest.NewTestServer(t, onapptest.WithEmptyCreateAnswers())
		c := waitClient(t, srv)
		res, err := c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
		require.NoError(t, err)
		require.Nil(t, res.Backup)
		before := len(srv.Calls())
		_, err = res.Wait(ctx, noWait)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "did not tell the new backup's id")
		assert.Len(t, srv.Calls(), before, "nothing polled")
	})
	t.Run("gone", func(t *testing.T) {
		t.Parallel()
		srv := onapptest.NewTestServer(t)
		c := waitClient(t, srv)
		res, err := c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
		require.NoError(t, err)
		id, _ := res.ID()
		require.NoError(t, c.Backups.Delete(ctx, id))
		_, err = res.Wait(ctx, noWait)
		assert.True(t, onapp.IsNotFound(err), "%v", err)
	})
	t.Run("not from a create", func(t *testing.T) {
		t.Parallel()
		var res onapp.CreateResult
		_, err := res.Wait(ctx)
		assert.ErrorContains(t, err, "not a result of Backups.CreateNormal")
		var nilRes *onapp.CreateResult
		_, err = nilRes.Wait(ctx)
		assert.Error(t, err)
	})
	t.Run("nil context", func(t *testing.T) {
		t.Parallel()
		srv := onapptest.NewTestServer(t)
		res, err := waitClient(t, srv).Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
		require.NoError(t, err)
		var nilCtx context.Context
		_, err = res.Wait(nilCtx) //nolint:staticcheck // testing the guard
		assert.Error(t, err)
	})
}

// The client field that Wait needs stays out of what callers marshal.
func TestCreateResultMarshalsWithoutClient(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t)
	res, err := waitClient(t, srv).Backups.CreateIncremental(context.Background(), onapptest.DemoVMNever, nil)
	require.NoError(t, err)
	out, err := json.Marshal(res)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(out, &m))
	assert.ElementsMatch(t, []string{"scheduled", "status_code", "backup"}, keys(m))
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSharedPredicates(t *testing.T) {
	t.Parallel()
	for status, is := range map[int]func(error) bool{
		404: onapp.IsNotFound, 401: onapp.IsUnauthorized, 403: onapp.IsForbidden,
		409: onapp.IsConflict, 429: onapp.IsRateLimited, 422: onapp.IsValidation,
	} {
		err := error(&onapp.APIError{StatusCode: status})
		assert.True(t, is(err), "%d", status)
		assert.False(t, is(&onapp.APIError{StatusCode: 500}), "%d", status)
		assert.True(t, onapp.HasStatus(err, status))
	}
	assert.False(t, onapp.IsValidation(&onapp.APIError{StatusCode: 400, Fields: map[string][]string{"note": {"bad"}}}),
		"Rails refuses content with 422, not 400")
	assert.False(t, onapp.IsNotFound(errors.New("404")))
}
