package cloudbackup_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
)

// hostileList is a list endpoint (backups, vaults or operation logs) of
// total items "id-0000"... that misbehaves as told.
type hostileList struct {
	member       string // "backups", "vaults", "operation_logs"
	total        int
	ignoreCursor bool   // serve the first page whatever marker and offset say
	pageCap      int    // serve at most this many a page (0: limit)
	noCount      bool   // leave count out
	body         string // answer 200 with this body instead
	requests     atomic.Int64
}

func (h *hostileList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-1")
	if h.body != "" {
		_, _ = w.Write([]byte(h.body))
		return
	}
	q := r.URL.Query()
	limit := 1000
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	start := 0
	if !h.ignoreCursor {
		if m := q.Get("marker"); m != "" {
			i, err := strconv.Atoi(strings.TrimPrefix(m, "id-"))
			if err != nil {
				http.Error(w, `{"error_code":"BackupService.0001","error_msg":"bad marker"}`, http.StatusBadRequest)
				return
			}
			start = i + 1
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		start += off
	}
	n := limit
	if h.pageCap > 0 {
		n = min(n, h.pageCap)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "{%q:[", h.member)
	for i := start; i < min(start+n, h.total); i++ {
		if i > start {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"id-%04d"}`, i)
	}
	b.WriteByte(']')
	if !h.noCount {
		fmt.Fprintf(&b, `,"count":%d`, h.total)
	}
	b.WriteByte('}')
	_, _ = w.Write([]byte(b.String()))
}

// listKinds are the three walks of the package, each with its list member.
var listKinds = []string{"backups", "vaults", "operation_logs"}

// walkList walks kind with Limit limit against h and returns the IDs and
// errors yielded. It gives up after 20 000 items, so that a walk that
// would never end fails the test instead of hanging it.
func walkList(t *testing.T, ctx context.Context, h *hostileList, limit int) (ids []string, errs []error) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"), fastRetry(0))
	require.NoError(t, err)
	take := func(id string, err error) bool {
		if err != nil {
			errs = append(errs, err)
		} else {
			ids = append(ids, id)
		}
		return len(ids) < 20000
	}
	switch h.member {
	case "backups":
		for b, err := range c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: limit}) {
			if !take(b.ID, err) {
				break
			}
		}
	case "vaults":
		for v, err := range c.Vaults.All(ctx, &cloudbackup.ListVaultsOptions{Limit: limit}) {
			if !take(v.ID, err) {
				break
			}
		}
	case "operation_logs":
		for l, err := range c.OperationLogs.All(ctx, &cloudbackup.ListOperationLogsOptions{Limit: limit}) {
			if !take(l.ID, err) {
				break
			}
		}
	}
	return ids, errs
}

func ids(from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("id-%04d", i))
	}
	return out
}

// TestAllServerIgnoresCursor: a server that ignores marker and offset and
// sends the same full page every time is a *PagingError, not an endless
// walk or the same items again.
func TestAllServerIgnoresCursor(t *testing.T) {
	t.Parallel()
	for _, kind := range listKinds {
		for _, noCount := range []bool{true, false} {
			name := fmt.Sprintf("%s, no count %v", kind, noCount)
			h := &hostileList{member: kind, total: 4, ignoreCursor: true, noCount: noCount}
			if !noCount {
				h.total = 40 // the count says more than the page
			}
			got, errs := walkList(t, context.Background(), h, 4)
			require.Len(t, errs, 1, name)
			var pe *cloudbackup.PagingError
			require.ErrorAs(t, errs[0], &pe, name)
			assert.Equal(t, cloudbackup.FaultRepeatedItems, pe.Fault, name)
			assert.Equal(t, "cloudbackup", pe.Provider, name)
			assert.Equal(t, ids(0, 4), got, "%s: each item once", name)
			assert.LessOrEqual(t, h.requests.Load(), int64(3), name)
		}
	}
}

// TestAllShortPagesWhileCountSaysMore: a server that serves fewer items
// than asked for is walked on while count says more remain.
func TestAllShortPagesWhileCountSaysMore(t *testing.T) {
	t.Parallel()
	for _, kind := range listKinds {
		h := &hostileList{member: kind, total: 25, pageCap: 3}
		got, errs := walkList(t, context.Background(), h, 10)
		assert.Empty(t, errs, kind)
		assert.Equal(t, ids(0, 25), got, kind)
		assert.Equal(t, int64(9), h.requests.Load(), "%s: 3 a page, no empty page at the end", kind)

		// The default limit (1000) against a server that serves 100.
		h = &hostileList{member: kind, total: 250, pageCap: 100}
		got, errs = walkList(t, context.Background(), h, 0)
		assert.Empty(t, errs, kind)
		assert.Equal(t, ids(0, 250), got, kind)
	}
}

// TestAllCountMissing: without count, full pages go on and a short page
// ends the walk, on a server that pages correctly.
func TestAllCountMissing(t *testing.T) {
	t.Parallel()
	for _, kind := range listKinds {
		for _, total := range []int{25, 30} {
			h := &hostileList{member: kind, total: total, noCount: true}
			got, errs := walkList(t, context.Background(), h, 10)
			assert.Empty(t, errs, kind)
			assert.Equal(t, ids(0, total), got, "%s: %d items", kind, total)
			assert.Equal(t, int64(total/10+1), h.requests.Load(), kind)
		}
	}
}

// TestAllAnswerWithoutList: a 200 without the list member is a
// *DecodeError, unless its count is 0; one in CBR's error shape is an
// *APIError.
func TestAllAnswerWithoutList(t *testing.T) {
	t.Parallel()
	for _, kind := range listKinds {
		for _, body := range []string{`{"count": 5}`, `{}`, " ", `{"` + kind + `": "none", "count": 5}`} {
			if kind != "backups" && strings.Contains(body, "none") {
				continue // vaults and tasks decode through the codec, which has its own test
			}
			got, errs := walkList(t, context.Background(), &hostileList{member: kind, body: body}, 10)
			assert.Empty(t, got)
			require.Len(t, errs, 1, "%s %s", kind, body)
			var de *cloudbackup.DecodeError
			require.ErrorAs(t, errs[0], &de, "%s %s", kind, body)
			assert.Equal(t, http.StatusOK, de.StatusCode)
		}
		// A count of 0 says the list is empty, list member or not.
		got, errs := walkList(t, context.Background(), &hostileList{member: kind, body: `{"count": 0}`}, 10)
		assert.Empty(t, got, kind)
		assert.Empty(t, errs, kind)

		body := `{"error_code":"BackupService.0002","error_msg":"Internal error","request_id":"r-9"}`
		got, errs = walkList(t, context.Background(), &hostileList{member: kind, body: body}, 10)
		assert.Empty(t, got)
		require.Len(t, errs, 1, kind)
		var apiErr *cloudbackup.APIError
		require.ErrorAs(t, errs[0], &apiErr, kind)
		assert.Equal(t, http.StatusOK, apiErr.StatusCode, kind)
		assert.Equal(t, "BackupService.0002", apiErr.Code, kind)
		assert.Equal(t, "Internal error", apiErr.Message, kind)
		assert.Equal(t, "req-1", apiErr.RequestID, kind)
	}
}

// TestListAnswerWithoutList: List says the same as All.
func TestListAnswerWithoutList(t *testing.T) {
	t.Parallel()
	h := &hostileList{body: `{"count": 5}`}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"), fastRetry(0))
	require.NoError(t, err)
	ctx := context.Background()
	var de *cloudbackup.DecodeError
	_, err = c.Backups.List(ctx, nil)
	require.ErrorAs(t, err, &de)
	assert.ErrorContains(t, err, `no "backups" list`)
	_, err = c.Vaults.List(ctx, nil)
	require.ErrorAs(t, err, &de)
	_, err = c.OperationLogs.List(ctx, nil)
	require.ErrorAs(t, err, &de)
}

// TestLimitOutOfRange: a Limit the API does not accept is an error naming
// the field, before any request, for List and All.
func TestLimitOutOfRange(t *testing.T) {
	t.Parallel()
	h := &hostileList{member: "backups", total: 5}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"), fastRetry(0))
	require.NoError(t, err)
	ctx := context.Background()
	for _, limit := range []int{-1, 1001, 5000} {
		checks := map[string]error{}
		_, checks["Backups.List"] = c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: limit})
		_, checks["Vaults.List"] = c.Vaults.List(ctx, &cloudbackup.ListVaultsOptions{Limit: limit})
		_, checks["OperationLogs.List"] = c.OperationLogs.List(ctx, &cloudbackup.ListOperationLogsOptions{Limit: limit})
		for _, err := range c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: limit}) {
			checks["Backups.All"] = err
		}
		for _, err := range c.Vaults.All(ctx, &cloudbackup.ListVaultsOptions{Limit: limit}) {
			checks["Vaults.All"] = err
		}
		for _, err := range c.OperationLogs.All(ctx, &cloudbackup.ListOperationLogsOptions{Limit: limit}) {
			checks["OperationLogs.All"] = err
		}
		for call, err := range checks {
			require.Error(t, err, "%s Limit %d", call, limit)
			assert.Contains(t, err.Error(), "Limit", "%s Limit %d", call, limit)
		}
		if limit > 0 {
			assert.Contains(t, checks["Backups.All"].Error(), "ListBackupsOptions.Limit is "+strconv.Itoa(limit)+", want 1 to 1000")
		}
	}
	assert.Zero(t, h.requests.Load(), "nothing was sent")
}

// TestAllNilContext: every All yields one error for a nil context, and
// sends nothing.
func TestAllNilContext(t *testing.T) {
	t.Parallel()
	for _, kind := range listKinds {
		h := &hostileList{member: kind, total: 5}
		var ctx context.Context // nil
		var got []string
		var errs []error
		require.NotPanics(t, func() { got, errs = walkList(t, ctx, h, 10) }, kind)
		assert.Empty(t, got, kind)
		require.Len(t, errs, 1, kind)
		assert.ErrorContains(t, errs[0], "nil context", kind)
		assert.Zero(t, h.requests.Load(), kind)
	}
}
