package unitrends_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// Errors in every shape the appliance uses, with an error status or inside
// a 200 answer, come back as *APIError with the message kept.
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantMsg    string
	}{
		{"result list", http.StatusInternalServerError, `{"result": [{"message": "Backup 9 is in use.", "code": 12}]}`, 500, "Backup 9 is in use."},
		{"status and message", http.StatusBadRequest, `{"status": 400, "message": "Invalid filter."}`, 400, "Invalid filter."},
		{"error and message", http.StatusInternalServerError, `{"error": 500, "message": "Catalog unavailable."}`, 500, "Catalog unavailable."},
		{"result list in 200", http.StatusOK, `{"result": [{"message": "Backup 9 is in use.", "code": 12}]}`, 200, "Backup 9 is in use."},
		{"result without code in 200", http.StatusOK, `{"result": [{"message": "Nothing to do."}]}`, 200, "Nothing to do."},
		{"status and message in 200", http.StatusOK, `{"status": 404, "message": "No such system."}`, 404, "No such system."},
		{"status word in 200", http.StatusOK, `{"status": "error", "message": "Bad request."}`, 200, "Bad request."},
		{"error and message in 200", http.StatusOK, `{"error": 500, "message": "Catalog unavailable."}`, 500, "Catalog unavailable."},
		{"error text in 200", http.StatusOK, `{"error": "Catalog unavailable."}`, 200, "Catalog unavailable."},
		{"error object in 200", http.StatusOK, `{"error": {"code": "E42", "message": "Catalog unavailable."}}`, 200, "Catalog unavailable."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, unitrends.WithToken("t"), unitrends.WithRetryPolicy(unitrends.RetryPolicy{}))
			var rec recorder
			mt.RegisterResponder(http.MethodGet, base+"/api/systems", rec.respond(tc.status, tc.body))
			_, err := c.Systems.List(ctx(t))
			var apiErr *unitrends.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
			assert.Equal(t, tc.wantMsg, apiErr.Message)
			assert.Equal(t, "unitrends", apiErr.Provider)
			if tc.name == "result list" {
				assert.Equal(t, "12", apiErr.Code, "a vendor code is kept")
			} else if apiErr.Code != "" {
				assert.NotEqual(t, apiErr.Code, http.StatusText(apiErr.StatusCode))
				assert.NotEqual(t, "500", apiErr.Code, "a code repeating the status is dropped")
			}
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Contains(t, err.Error(), "GET /appliance/api/systems")
		})
	}
}

// Success bodies that merely look like errors are not errors.
func TestNotErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"result": [{"code": 0, "message": "Deleted 2 backup(s)."}]}`,
		`{"error": null, "data": []}`,
		`{"error": false, "data": []}`,
		`{"error": 0, "data": []}`,
		`{"status": "Success", "id": 1}`,
		`[]`,
		``,
	} {
		c, mt := mockClient(t, unitrends.WithToken("t"))
		var rec recorder
		mt.RegisterResponder(http.MethodDelete, base+"/api/backups/1/", rec.respond(http.StatusOK, body))
		assert.NoError(t, c.Backups.Delete(ctx(t), []int64{1}, nil), body)
	}
}

// Get reads one backup in any answer shape; an id the answer lacks is a
// 404.
func TestGetShapes(t *testing.T) {
	t.Parallel()
	one := `{"id": 7, "client_name": "web01", "status": "Successful", "duration": 90, "start_date_time": "03/14/2024 01:05:09 pm"}`
	for _, body := range []string{
		`{"backups": [` + one + `]}`,
		`{"data": [{"id": 6}, ` + one + `]}`,
		`[` + one + `]`,
		`{"backup": ` + one + `}`,
		`{"data": ` + one + `}`,
		one,
	} {
		c, mt := mockClient(t, unitrends.WithToken("t"), unitrends.WithTimeZone(time.FixedZone("CET", 3600)))
		var rec recorder
		mt.RegisterResponder(http.MethodGet, base+"/api/backups/7/", rec.respond(http.StatusOK, body))
		b, err := c.Backups.Get(ctx(t), 7, &unitrends.GetBackupOptions{SystemID: 2})
		require.NoError(t, err, body)
		assert.Equal(t, int64(7), b.ID.Int64, body)
		assert.Equal(t, "web01", b.ClientName)
		assert.Equal(t, unitrends.BackupStatusSuccess, b.Status)
		assert.Equal(t, 90*time.Second, b.Duration.Duration)
		assert.Equal(t, time.Date(2024, 3, 14, 12, 5, 9, 0, time.UTC), b.StartDateTime.Time.UTC(), "read in the appliance's zone")
		_, _, url := rec.last()
		assert.Equal(t, base+"/api/backups/7/?sid=2", url)
	}
	for _, body := range []string{`{"backups": []}`, `[]`, `{"data": null}`, `{"data": [{"id": 6}, {"id": 8}]}`, ``} {
		c, mt := mockClient(t, unitrends.WithToken("t"))
		var rec recorder
		mt.RegisterResponder(http.MethodGet, base+"/api/backups/7/", rec.respond(http.StatusOK, body))
		_, err := c.Backups.Get(ctx(t), 7, nil)
		assert.True(t, unitrends.IsNotFound(err), "%q: %v", body, err)
	}
}

// Get, Delete, Status and Systems against the fake.
func TestCallsAgainstFake(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t, []unitrendstest.Option{unitrendstest.WithNow(pinnedNow)})

	b, err := c.Backups.Get(ctx(t), 3, nil)
	require.NoError(t, err)
	assert.Equal(t, "web01", b.ClientName)
	assert.Equal(t, pinned.Truncate(time.Minute).Add(-2*time.Hour), b.StartDateTime.Time)
	assert.Equal(t, `1`, string(b.Extra["system_id"]), "members Backup does not know are kept")

	_, err = c.Backups.Get(ctx(t), 3, &unitrends.GetBackupOptions{SystemID: 2})
	assert.True(t, unitrends.IsNotFound(err), "backup 3 is not on system 2: %v", err)
	_, err = c.Backups.Get(ctx(t), 999, nil)
	assert.True(t, unitrends.IsNotFound(err))
	_, err = c.Backups.Get(ctx(t), 0, nil)
	assert.ErrorContains(t, err, "want a backup id")

	require.NoError(t, c.Backups.Delete(ctx(t), []int64{1, 2}, &unitrends.DeleteBackupOptions{SystemID: 1}))
	assert.Len(t, srv.Backups(), 8)
	err = c.Backups.Delete(ctx(t), []int64{4, 999}, nil)
	assert.True(t, unitrends.IsNotFound(err))
	assert.Len(t, srv.Backups(), 8, "all or nothing")
	assert.ErrorContains(t, c.Backups.Delete(ctx(t), nil, nil), "no backup ids")
	assert.ErrorContains(t, c.Backups.Delete(ctx(t), []int64{3, -1}, nil), "want a backup id")

	systems, err := c.Systems.List(ctx(t))
	require.NoError(t, err)
	require.Len(t, systems, 2)
	assert.Equal(t, "ueb-primary", systems[0].Name)
	assert.True(t, systems[0].Local.Bool)
	assert.Equal(t, "Replication Target", systems[1].Role.Value)

	for _, grouped := range []bool{false, true} {
		srv.SetDialect(unitrendstest.Dialect{GroupStatusBySystem: grouped})
		rows, err := c.Backups.ListStatus(ctx(t), &unitrends.ListStatusOptions{ClientID: 3})
		require.NoError(t, err)
		require.Len(t, rows, 3, "grouped=%v", grouped)
		for _, r := range rows {
			assert.Equal(t, "file01", r.Backup.ClientName)
			if grouped {
				assert.Equal(t, "ueb-dr", r.System)
			} else {
				assert.Empty(t, r.System)
			}
		}
		day := pinned.Add(-3 * time.Hour)
		rows, err = c.Backups.ListStatus(ctx(t), &unitrends.ListStatusOptions{SystemID: 2, StartDate: day, EndDate: day})
		require.NoError(t, err)
		require.Len(t, rows, 1, "grouped=%v", grouped)
		assert.Equal(t, unitrends.BackupStatusFailure, rows[0].Backup.Status)
	}
	all, err := c.Backups.ListStatus(ctx(t), nil)
	require.NoError(t, err)
	golden.AssertJSON(t, "status-grouped", all)
}

// The status view's two shapes, through httpmock, with the query names.
func TestStatusShapes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string][]string{
		`{"BackupStatus": [{"id": 1}, {"id": 2}]}`:                {"", ""},
		`{"backup_status": [{"id": 1}]}`:                          {""},
		`[{"id": 1}]`:                                             {""},
		`{"sys-b": [{"id": 2}], "sys-a": [{"id": 1}]}`:            {"sys-a", "sys-b"},
		`{"sys-a": {"BackupStatus": [{"id": 1}]}, "sys-b": null}`: {"sys-a"},
		`{}`: {},
	} {
		c, mt := mockClient(t, unitrends.WithToken("t"))
		var rec recorder
		mt.RegisterResponder(http.MethodGet, base+"/api/backups/", rec.respond(http.StatusOK, body))
		day := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
		rows, err := c.Backups.ListStatus(ctx(t), &unitrends.ListStatusOptions{SystemID: 1, ClientID: 2, InstanceID: 3, BackupID: 4, StartDate: day, EndDate: day})
		require.NoError(t, err, body)
		got := []string{}
		for _, r := range rows {
			got = append(got, r.System)
		}
		assert.Equal(t, want, got, body)
		_, _, url := rec.last()
		assert.Equal(t, base+"/api/backups/?bid=4&cid=2&end_date=03%2F04%2F2024&iid=3&sid=1&start_date=03%2F04%2F2024", url)
	}
	c, mt := mockClient(t, unitrends.WithToken("t"))
	var rec recorder
	mt.RegisterResponder(http.MethodGet, base+"/api/backups/", rec.respond(http.StatusOK, `{"sys-a": "oops"}`))
	_, err := c.Backups.ListStatus(ctx(t), nil)
	var decErr *unitrends.DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Contains(t, err.Error(), `system "sys-a"`)
}

// Systems come under "systems", "appliance", "data" or bare.
func TestSystemsShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"systems": [{"id": 1, "name": "a", "is_pending": false}]}`,
		`{"appliance": [{"id": 1, "name": "a", "is_pending": false}]}`,
		`{"data": [{"id": "1", "name": "a", "is_pending": false}]}`,
		`[{"id": 1, "name": "a", "is_pending": false}]`,
	} {
		c, mt := mockClient(t, unitrends.WithToken("t"))
		var rec recorder
		mt.RegisterResponder(http.MethodGet, base+"/api/systems", rec.respond(http.StatusOK, body))
		systems, err := c.Systems.List(ctx(t))
		require.NoError(t, err, body)
		require.Len(t, systems, 1)
		assert.Equal(t, int64(1), systems[0].ID.Int64)
		assert.Equal(t, "false", string(systems[0].Extra["is_pending"]))
	}
}
