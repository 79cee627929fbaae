package cloudbackup_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/memtest"
)

// serveBody starts a server answering every request with body and returns
// a client for it.
func serveBody(t testing.TB, body []byte) *cloudbackup.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"), fastRetry(0))
	require.NoError(t, err)
	return c
}

// list builds {"count": n, member: [item × n]}; item may hold %d.
func list(member, item string, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"count":%d,%q:[`, n, member)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.Contains(item, "%d") {
			fmt.Fprintf(&b, item, i)
		} else {
			b.WriteString(item)
		}
	}
	b.WriteString("]}")
	return b.Bytes()
}

func requireLimit(t *testing.T, err error, bound string, maxItems int, path string) {
	t.Helper()
	var de *cloudbackup.DecodeError
	require.ErrorAs(t, err, &de)
	var le *cloudbackup.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, bound, le.Bound)
	if maxItems > 0 {
		assert.Equal(t, maxItems, le.Max)
	}
	assert.Equal(t, path, le.Path)
}

// TestPageOfAMillionEmptyBackups: a 3 MB page of a million {} made a walk
// reach about 15 GiB; it is now a *DecodeError naming the bound, and the
// call allocates little more than the body.
func TestPageOfAMillionEmptyBackups(t *testing.T) {
	body := list("backups", "{}", 1_000_000)
	c := serveBody(t, body)
	var err error
	u := memtest.Measure(func() {
		_, err = c.Backups.List(context.Background(), nil)
	})
	requireLimit(t, err, "items", 100_000, "/backups")
	assert.Less(t, u.Total, uint64(len(body)+4<<20), "allocated %d bytes for a %d-byte page", u.Total, len(body))

	for b, err := range c.Backups.All(context.Background(), nil) {
		assert.Empty(t, b.ID)
		requireLimit(t, err, "items", 100_000, "/backups")
	}
}

// TestPageLongerThanAskedFor: a page may not hold more backups, vaults or
// tasks than its limit (for backups, the API's largest page, 1000, when
// the call sent none); the decoder stops before making the item past it.
func TestPageLongerThanAskedFor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	c := serveBody(t, list("backups", `{"id":"b-%d","name":"n"}`, 11))
	_, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: 10})
	requireLimit(t, err, "list", 10, "/backups")
	page, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: 11})
	require.NoError(t, err)
	assert.Len(t, page.Backups, 11)

	c = serveBody(t, list("backups", `{"id":"b-%d"}`, 1001))
	_, err = c.Backups.List(ctx, nil)
	requireLimit(t, err, "list", 1000, "/backups")
	for _, err := range c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: 500}) {
		requireLimit(t, err, "list", 500, "/backups")
	}

	c = serveBody(t, list("vaults", `{"id":"v-%d"}`, 3))
	_, err = c.Vaults.List(ctx, &cloudbackup.ListVaultsOptions{Limit: 2})
	requireLimit(t, err, "list", 2, "/vaults")
	vaults, err := c.Vaults.List(ctx, &cloudbackup.ListVaultsOptions{Limit: 3})
	require.NoError(t, err)
	assert.Len(t, vaults.Vaults, 3)

	c = serveBody(t, list("operation_logs", `{"id":"o-%d"}`, 3))
	_, err = c.OperationLogs.List(ctx, &cloudbackup.ListOperationLogsOptions{Limit: 2})
	requireLimit(t, err, "list", 2, "/operation_logs")
}

// TestDeeplyNestedBackup: children within children beyond the nesting
// bound are a *DecodeError naming it, from List and from Get.
func TestDeeplyNestedBackup(t *testing.T) {
	t.Parallel()
	const levels = 5001 // two per level: an object and its children array
	deep := strings.Repeat(`{"id":"x","children":[`, levels) + strings.Repeat(`]}`, levels)
	c := serveBody(t, []byte(`{"count":1,"backups":[`+deep+`]}`))
	_, err := c.Backups.List(context.Background(), nil)
	requireLimit(t, err, "depth", 10000, "/backups/0/children/0/children/0/children/0/…")

	c = serveBody(t, []byte(`{"backup":`+deep+`}`))
	_, err = c.Backups.Get(context.Background(), "x")
	requireLimit(t, err, "depth", 10000, "/backup/children/0/children/0/children/0/children/…")
}

// BenchmarkHostile reports the peak heap of List on a 3 MB page of a
// million {} (a walk of such pages reached 15 GiB before).
func BenchmarkHostile(b *testing.B) {
	body := list("backups", "{}", 1_000_000)
	c := serveBody(b, body)
	b.SetBytes(int64(len(body)))
	var p memtest.Peaks
	for b.Loop() {
		var err error
		p.Add(memtest.Measure(func() { _, err = c.Backups.List(context.Background(), nil) }))
		var le *cloudbackup.LimitError
		if !errors.As(err, &le) {
			b.Fatal(err)
		}
	}
	p.Report(b)
}

// BenchmarkShapeCheck measures what the codec's shape check costs on the
// page BenchmarkListPage and BenchmarkDecodePage decode.
func BenchmarkShapeCheck(b *testing.B) {
	page := samplePage(b, 1000)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if err := codec.CheckJSON(page, codec.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
