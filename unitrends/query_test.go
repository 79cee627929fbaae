package unitrends_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
)

// queryBody runs q against httpmock and returns the body sent.
func queryBody(t *testing.T, q *unitrends.ListBackupsOptions) string {
	t.Helper()
	c, mt := mockClient(t, unitrends.WithToken("t"))
	var rec recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", rec.respond(http.StatusOK, `{"backups": []}`))
	_, err := c.Backups.List(ctx(t), q)
	require.NoError(t, err)
	body, _, _ := rec.last()
	return body
}

// Each filter reaches the body under its documented name, in the
// documented format; nothing else is sent.
func TestQueryFilters(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	at := time.Date(2014, time.October, 14, 9, 32, 5, 0, time.UTC) // 1413279125
	cases := []struct {
		name string
		q    unitrends.ListBackupsOptions
		want string
	}{
		{"system_id", unitrends.ListBackupsOptions{SystemID: 1}, `{"system_id": 1}`},
		{"client_id", unitrends.ListBackupsOptions{ClientID: 2}, `{"client_id": 2}`},
		{"instance_id", unitrends.ListBackupsOptions{InstanceID: 23}, `{"instance_id": 23}`},
		{"type", unitrends.ListBackupsOptions{Types: []string{"Full", "Differential"}}, `{"type": ["Full", "Differential"]}`},
		{"start_time", unitrends.ListBackupsOptions{StartTime: at}, `{"start_time": 1413279125}`},
		{"start_time in another zone", unitrends.ListBackupsOptions{StartTime: at.In(ny)}, `{"start_time": 1413279125}`},
		{"start_time drops fractions", unitrends.ListBackupsOptions{StartTime: at.Add(999 * time.Millisecond)}, `{"start_time": 1413279125}`},
		{"end_time", unitrends.ListBackupsOptions{EndTime: at}, `{"end_time": 1413279125}`},
		{"start_day", unitrends.ListBackupsOptions{StartDay: time.Date(2014, time.March, 4, 0, 0, 0, 0, time.UTC)}, `{"start_day": "03/04/2014"}`},
		{"start_day keeps its own calendar date", unitrends.ListBackupsOptions{StartDay: time.Date(2014, time.March, 4, 23, 30, 0, 0, ny)}, `{"start_day": "03/04/2014"}`},
		{"end_day", unitrends.ListBackupsOptions{EndDay: time.Date(2014, time.December, 31, 0, 0, 0, 0, time.UTC)}, `{"end_day": "12/31/2014"}`},
		{"finish_interval_start", unitrends.ListBackupsOptions{FinishIntervalStart: at}, `{"finish_interval_start": 1413279125}`},
		{"finish_interval_end", unitrends.ListBackupsOptions{FinishIntervalEnd: at}, `{"finish_interval_end": 1413279125}`},
		{"start_hours", unitrends.ListBackupsOptions{StartHours: 24}, `{"start_hours": 24}`},
		{"end_hours", unitrends.ListBackupsOptions{EndHours: 48}, `{"end_hours": 48}`},
		{"backup_ids", unitrends.ListBackupsOptions{BackupIDs: []int64{220, 221}}, `{"backup_ids": [220, 221]}`},
		{"empty lists are unset", unitrends.ListBackupsOptions{Types: []string{}, BackupIDs: []int64{}}, `{}`},
		{"zero query", unitrends.ListBackupsOptions{}, `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.JSONEq(t, tc.want, queryBody(t, &tc.q))
		})
	}
	assert.JSONEq(t, `{}`, queryBody(t, nil), "nil asks for everything")
}

// With every filter set the body holds all thirteen members, in the
// documented order.
func TestQueryAllFilters(t *testing.T) {
	t.Parallel()
	at := time.Date(2014, time.October, 14, 9, 32, 5, 0, time.UTC)
	q := unitrends.ListBackupsOptions{
		SystemID: 1, ClientID: 2, InstanceID: 23, Types: []string{"Full"},
		StartTime: at, EndTime: at.Add(time.Hour),
		StartDay: at, EndDay: at.AddDate(0, 0, 1),
		FinishIntervalStart: at, FinishIntervalEnd: at.Add(2 * time.Hour),
		StartHours: 12, EndHours: 6, BackupIDs: []int64{220},
	}
	body := queryBody(t, &q)
	golden.Assert(t, "query-all-filters", []byte(body+"\n"))
	marshalled, err := q.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, body, string(marshalled), "MarshalJSON shows the body the query sends")
}

// Filters no appliance can mean are refused before anything is sent.
func TestQueryValidation(t *testing.T) {
	t.Parallel()
	at := time.Date(2014, time.October, 14, 9, 32, 0, 0, time.UTC)
	cases := map[string]unitrends.ListBackupsOptions{
		"SystemID":            {SystemID: -1},
		"StartHours":          {StartHours: -3},
		"Types[1] is empty":   {Types: []string{"Full", " "}},
		"BackupIDs[0]":        {BackupIDs: []int64{0}},
		"StartTime is after":  {StartTime: at, EndTime: at.Add(-time.Second)},
		"FinishIntervalStart": {FinishIntervalStart: at, FinishIntervalEnd: at.Add(-time.Hour)},
		"StartDay is after":   {StartDay: at, EndDay: at.AddDate(0, 0, -1)},
	}
	for want, q := range cases {
		c, mt := mockClient(t, unitrends.WithToken("t"))
		_, err := c.Backups.List(ctx(t), &q)
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
		assert.Equal(t, 0, mt.GetTotalCallCount(), want)
	}
	// The same day for both ends is that day, whatever the clock times.
	assert.JSONEq(t, `{"start_day": "10/14/2014", "end_day": "10/14/2014"}`,
		queryBody(t, &unitrends.ListBackupsOptions{StartDay: at.Add(3 * time.Hour), EndDay: at}))
}

// The query is a read: a 503 is retried although it is a POST (a POST
// that is not marked so would not be).
func TestQueryIsRetried(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, unitrends.WithToken("t"))
	var rec recorder
	busy := rec.respond(http.StatusServiceUnavailable, `{"error": 503, "message": "busy"}`)
	mt.RegisterResponder(http.MethodPost, base+"/api/backups",
		busy.Then(busy).Then(rec.respond(http.StatusOK, `{"backups": [{"id": 1}]}`)))
	bs, err := c.Backups.List(ctx(t), nil)
	require.NoError(t, err)
	assert.Len(t, bs, 1)
	assert.Len(t, rec.bodies, 3)

	// The logout, a POST that changes state, is not repeated on a 503.
	var out recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/logout", out.respond(http.StatusServiceUnavailable, `{"error": 503, "message": "busy"}`))
	require.Error(t, c.Logout(ctx(t)))
	assert.Len(t, out.bodies, 1)
	assert.Equal(t, 4, mt.GetTotalCallCount())
}
