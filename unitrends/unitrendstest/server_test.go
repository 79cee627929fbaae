package unitrendstest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

var now = time.Date(2024, time.March, 14, 15, 9, 26, 0, time.UTC)

func pinned() time.Time { return now }

func start(t *testing.T, opts ...unitrendstest.Option) (*unitrendstest.Server, *unitrends.Client) {
	t.Helper()
	srv, err := unitrendstest.NewServer(append([]unitrendstest.Option{unitrendstest.WithNow(pinned)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := unitrends.NewClient(srv.URL(),
		unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithRetryPolicy(unitrends.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	return srv, c
}

func bg(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ids(bs []unitrends.Backup) []int64 {
	out := []int64{}
	for _, b := range bs {
		if id, ok := b.ID.Get(); ok {
			out = append(out, id)
		} else {
			out = append(out, 0) // a client without backups
		}
	}
	return out
}

// The demo data shows every freshness verdict, relative to "now".
func TestDemoVerdicts(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	bs, err := c.Backups.List(bg(t), nil)
	require.NoError(t, err)

	type summary struct {
		Client        string `json:"client"`
		Backups       int    `json:"backups"`
		NewestStatus  string `json:"newest_status"`
		NewestSuccess string `json:"newest_success_age,omitzero"`
		Verdict       string `json:"verdict"`
	}
	var order []string
	count := map[string]int{}
	newest := map[string]unitrends.Backup{}
	success := map[string]time.Time{}
	for _, b := range bs {
		name := b.ClientName
		if _, seen := count[name]; !seen {
			order = append(order, name)
			count[name] = 0
		}
		if !b.ID.Valid {
			assert.Equal(t, unitrends.BackupStatusNone, b.Status, "a row without a backup")
			continue
		}
		count[name]++
		if cur, ok := newest[name]; !ok || b.StartDateTime.Time.After(cur.StartDateTime.Time) {
			newest[name] = b
		}
		if (b.Status == unitrends.BackupStatusSuccess || b.Status == unitrends.BackupStatusWarning) && b.StartDateTime.Time.After(success[name]) {
			success[name] = b.StartDateTime.Time
		}
	}
	out := []summary{}
	verdicts := map[string]string{}
	for _, name := range order {
		s := summary{Client: name, Backups: count[name], NewestStatus: string(newest[name].Status)}
		age := now.Sub(success[name])
		if !success[name].IsZero() {
			s.NewestSuccess = age.Round(time.Hour).String()
		}
		switch {
		case s.Backups == 0:
			s.Verdict = "never backed up"
		case newest[name].Status == unitrends.BackupStatusFailure:
			s.Verdict = "failing"
		case age > 72*time.Hour:
			s.Verdict = "stale"
		default:
			s.Verdict = "fresh"
		}
		verdicts[name] = s.Verdict
		out = append(out, s)
	}
	assert.Equal(t, map[string]string{
		"web01": "fresh", "db01": "stale", "file01": "failing", "vm-app01": "fresh", "legacy01": "never backed up",
	}, verdicts)
	golden.AssertJSON(t, "demo-verdicts", out)
}

// Each documented filter selects what its description says.
func TestFiltersHonored(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	day := func(d time.Duration) time.Time { return now.Add(-d) }
	const h = time.Hour
	cases := []struct {
		name string
		q    unitrends.ListBackupsOptions
		want []int64
	}{
		{"none", unitrends.ListBackupsOptions{}, []int64{4, 5, 6, 1, 9, 7, 2, 10, 8, 3, 0}},
		{"system_id", unitrends.ListBackupsOptions{SystemID: 2}, []int64{6, 7, 8, 0}},
		{"client_id", unitrends.ListBackupsOptions{ClientID: 2}, []int64{4, 5}},
		{"client_id without backups", unitrends.ListBackupsOptions{ClientID: 5}, []int64{0}},
		{"instance_id", unitrends.ListBackupsOptions{InstanceID: 41}, []int64{9, 10}},
		{"type", unitrends.ListBackupsOptions{Types: []string{"Full", "differential"}}, []int64{4, 5, 6, 1, 9}},
		{"start_time", unitrends.ListBackupsOptions{StartTime: day(7 * h)}, []int64{10, 8, 3}},
		{"end_time", unitrends.ListBackupsOptions{EndTime: day(5 * 24 * h)}, []int64{4, 5}},
		{"start_day and end_day, one day", unitrends.ListBackupsOptions{StartDay: day(27 * h), EndDay: day(27 * h)}, []int64{9, 7, 2}},
		{"start_day", unitrends.ListBackupsOptions{StartDay: now}, []int64{10, 8, 3}},
		{"end_day", unitrends.ListBackupsOptions{EndDay: day(5 * 24 * h)}, []int64{4, 5}},
		{"finish_interval_start", unitrends.ListBackupsOptions{FinishIntervalStart: day(3*h - 10*time.Minute)}, []int64{3}},
		{"finish_interval_end", unitrends.ListBackupsOptions{FinishIntervalEnd: day(9*24*h - 16*time.Minute)}, []int64{4}},
		{"start_hours", unitrends.ListBackupsOptions{StartHours: 4}, []int64{8, 3}},
		{"end_hours", unitrends.ListBackupsOptions{EndHours: 27}, []int64{7, 2, 10, 8, 3}},
		{"backup_ids", unitrends.ListBackupsOptions{BackupIDs: []int64{3, 9, 99}}, []int64{9, 3}},
		{"combined", unitrends.ListBackupsOptions{SystemID: 1, Types: []string{"Incremental"}, StartHours: 30}, []int64{2, 10, 3}},
	}
	for _, tc := range cases {
		bs, err := c.Backups.List(bg(t), &tc.q)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ids(bs), tc.name)
	}
}

// rawCall sends a request with a session token and returns status and body.
func rawCall(t *testing.T, srv *unitrendstest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(bg(t), method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("AuthToken", srv.IssueToken())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// The fake is strict where that catches client bugs.
func TestStrictRequests(t *testing.T) {
	t.Parallel()
	srv, _ := start(t)
	for body, want := range map[string]string{
		`{"sytem_id": 1}`:           `filter \"sytem_id\": unknown filter`,
		`{"system_id": "1"}`:        `want a number`,
		`{"system_id": 1.5}`:        `want an integer`,
		`{"start_day": "3/4/2024"}`: `want mm/dd/yyyy`,
		`{"start_day": 1710000000}`: `want a mm/dd/yyyy string`,
		`{"type": [1]}`:             `want an array of strings`,
		`{"backup_ids": 3}`:         `want an array of numbers`,
		`[1]`:                       `not a JSON object`,
	} {
		status, got := rawCall(t, srv, http.MethodPost, "/api/backups", body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Contains(t, got, want, body)
	}
	for path, want := range map[string]string{
		"/api/backups/?client=1":              `unknown parameter`,
		"/api/backups/?start_date=2024-03-04": `want mm/dd/yyyy`,
		"/api/backups/?sid=x":                 `want an integer`,
		"/api/backups/7/?bid=1":               `unknown parameter`,
		"/api/backups/x/":                     `want one backup id`,
	} {
		status, got := rawCall(t, srv, http.MethodGet, path, "")
		assert.Equal(t, http.StatusBadRequest, status, path)
		assert.Contains(t, got, want, path)
	}
	status, got := rawCall(t, srv, http.MethodGet, "/api/nothing", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, got, "No API at GET /api/nothing")
}

// The client decodes every dialect to the same backups; the raw answers
// show each dialect's shape.
func TestDialects(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	want, err := c.Backups.List(bg(t), nil)
	require.NoError(t, err)
	dialects := map[string]unitrendstest.Dialect{
		"data, int durations":         {List: unitrendstest.ListData, IntDurations: true},
		"bare, alternative spellings": {List: unitrendstest.ListBare, AltSpellings: true, SampleTemplateSpelling: true},
		"seconds and epochs":          {SecondsInTimes: true, EpochTimes: true},
	}
	for name, d := range dialects {
		srv.SetDialect(d)
		got, err := c.Backups.List(bg(t), nil)
		require.NoError(t, err, name)
		require.Len(t, got, len(want), name)
		for i := range want {
			w, g := want[i], got[i]
			assert.Equal(t, w.ID, g.ID, name)
			assert.Equal(t, w.Status, g.Status, name)
			assert.Equal(t, w.Duration, g.Duration, name)
			assert.True(t, w.StartDateTime.Time.Equal(g.StartDateTime.Time), name)
			assert.Equal(t, w.VMwareTemplate, g.VMwareTemplate, name)
			assert.Equal(t, w.VerifyStatus, g.VerifyStatus, name)
			if d.EpochTimes && g.ID.Valid {
				assert.True(t, g.StartTime.Time.Equal(g.StartDateTime.Time), name)
				fin, _ := g.Finished()
				assert.True(t, fin.Equal(w.StartDateTime.Time.Add(w.Duration.Duration)), name)
			}
		}
	}

	raw := func(d unitrendstest.Dialect) string {
		srv.SetDialect(d)
		_, body := rawCall(t, srv, http.MethodPost, "/api/backups", `{"backup_ids": [7]}`)
		return body
	}
	assert.True(t, strings.HasPrefix(raw(unitrendstest.Dialect{}), `{"backups":[{"id":7,`))
	assert.True(t, strings.HasPrefix(raw(unitrendstest.Dialect{List: unitrendstest.ListData}), `{"data":[{"id":7,`))
	assert.True(t, strings.HasPrefix(raw(unitrendstest.Dialect{List: unitrendstest.ListBare}), `[{"id":7,`))
	body := raw(unitrendstest.Dialect{})
	assert.Contains(t, body, `"start_date_time":"03/13/2024 12:09 pm","duration":"00:00:28","complete":true,"status":"Failure"`)
	assert.Contains(t, body, `"vmware_template":false`)
	assert.Contains(t, body, `"replication_status":"N/A"`)
	body = raw(unitrendstest.Dialect{IntDurations: true, SecondsInTimes: true, EpochTimes: true, SampleTemplateSpelling: true, AltSpellings: true})
	assert.Contains(t, body, `"start_date_time":"03/13/2024 12:09:00 pm","duration":28,"complete":true,"status":"Failed"`)
	assert.Contains(t, body, `"vm_ware_template":false`)
	assert.Contains(t, body, fmt.Sprintf(`"start_time":%d`, now.Truncate(time.Minute).Add(-27*time.Hour).Unix()))
	srv.SetDialect(unitrendstest.Dialect{AltSpellings: true})
	_, body = rawCall(t, srv, http.MethodPost, "/api/backups", `{"backup_ids": [1]}`)
	assert.Contains(t, body, `"status":"Successful"`)
	assert.Contains(t, body, `"verify_status":"Success"`)

	srv.SetDialect(unitrendstest.Dialect{GroupStatusBySystem: true})
	_, body = rawCall(t, srv, http.MethodGet, "/api/backups/?bid=7", "")
	assert.True(t, strings.HasPrefix(body, `{"ueb-dr":[{"id":7,`), body)
	srv.SetDialect(unitrendstest.Dialect{})
	_, body = rawCall(t, srv, http.MethodGet, "/api/backups/?bid=7", "")
	assert.True(t, strings.HasPrefix(body, `{"BackupStatus":[{"id":7,`), body)
	_, body = rawCall(t, srv, http.MethodGet, "/api/systems", "")
	assert.True(t, strings.HasPrefix(body, `{"appliance":[{"id":1,"name":"ueb-primary"`), body)
}

// Start times are written, and days read, in the appliance's zone.
func TestTimeZone(t *testing.T) {
	t.Parallel()
	hawaii := time.FixedZone("HST", -10*3600)
	srv, _ := start(t, unitrendstest.WithTimeZone(hawaii))
	assert.Equal(t, hawaii, srv.TimeZone())
	_, body := rawCall(t, srv, http.MethodPost, "/api/backups", `{"backup_ids": [3]}`)
	assert.Contains(t, body, `"start_date_time":"03/14/2024 03:09 am"`, "13:09 UTC is 03:09 in Hawaii")

	dayIDs := func(srv *unitrendstest.Server) []int64 {
		_, body := rawCall(t, srv, http.MethodPost, "/api/backups", `{"start_day": "03/14/2024"}`)
		var env struct {
			Backups []struct {
				ID int64 `json:"id"`
			} `json:"backups"`
		}
		require.NoError(t, codec.UnmarshalJSON([]byte(body), &env))
		got := []int64{}
		for _, r := range env.Backups {
			got = append(got, r.ID)
		}
		return got
	}
	assert.Equal(t, []int64{8, 3}, dayIDs(srv), "backup 10 started at 09:09 UTC, on March 13 in Hawaii")
	utc, _ := start(t)
	assert.Equal(t, []int64{10, 8, 3}, dayIDs(utc))
}

// Faults are injected ahead of the handler; the client retries the query
// through them.
func TestFaults(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	require.NoError(t, c.Login(bg(t)))
	srv.InjectFault(2, unitrendstest.Fault{Status: http.StatusServiceUnavailable, Body: `{"error": 503, "message": "Busy."}`})
	bs, err := c.Backups.List(bg(t), &unitrends.ListBackupsOptions{ClientID: 1})
	require.NoError(t, err)
	assert.Len(t, bs, 3)
	assert.Equal(t, 1, servedCalls(srv, "POST", "/api/backups"), "faults do not reach the route")

	srv.InjectFault(1, unitrendstest.Fault{Status: http.StatusOK, Body: `{"result": [{"message": "Catalog is rebuilding.", "code": 17}]}`})
	_, err = c.Backups.List(bg(t), nil)
	var apiErr *unitrends.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Catalog is rebuilding.", apiErr.Message)

	srv.InjectFault(1, unitrendstest.Fault{Reset: true})
	_, err = c.Systems.List(bg(t))
	require.NoError(t, err, "a GET is retried after a dropped connection")
	assert.GreaterOrEqual(t, srv.Requests(), int64(7))
	srv.InjectFault(5, unitrendstest.Fault{Status: http.StatusInternalServerError})
	srv.ClearFaults()
	_, err = c.Systems.List(bg(t))
	require.NoError(t, err)
}

// Sessions: login, IssueToken, ExpireSession, logout, idle time.
func TestSessions(t *testing.T) {
	t.Parallel()
	srv, c := start(t, unitrendstest.WithIdleTimeout(0), unitrendstest.WithPassword("admin", "pw"))
	assert.Equal(t, "admin", srv.User())
	assert.Equal(t, "pw", srv.Password())
	assert.Equal(t, now, srv.Now())
	wrong, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(unitrendstest.DefaultUser, unitrendstest.DefaultPassword))
	require.NoError(t, err)
	_, err = wrong.Systems.List(bg(t))
	require.True(t, unitrends.IsUnauthorized(err), "the fake takes only its own credentials: %v", err)
	assert.Equal(t, 0, srv.Logins())
	_, err = c.Systems.List(bg(t))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins())

	tok := srv.IssueToken()
	assert.Equal(t, 2, srv.Sessions(), "the client's and the issued one")
	assert.True(t, srv.ExpireSession(tok))
	assert.False(t, srv.ExpireSession(tok))
	assert.Equal(t, 1, srv.Sessions())
	status, body := rawCall(t, srv, http.MethodPost, "/api/logout", `{"cookie": "nope"}`)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, body, unitrendstest.ExpiredMessage)

	req, err := http.NewRequestWithContext(bg(t), http.MethodGet, srv.URL()+"/api/systems", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no token")

	srv.SetIdleTimeout(time.Nanosecond)
	c2, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword("admin", "pw"))
	require.NoError(t, err)
	require.NoError(t, c2.Login(bg(t)))
	assert.Equal(t, 2, srv.Logins())
	_, err = c2.Systems.List(bg(t))
	require.NoError(t, err, "with a pinned clock the session is never idle")
}

// Data can be added; bad additions are errors, not panics.
func TestAddData(t *testing.T) {
	t.Parallel()
	srv, c := start(t, unitrendstest.WithoutDemoData())
	bs, err := c.Backups.List(bg(t), nil)
	require.NoError(t, err)
	assert.Empty(t, bs)
	assert.NotNil(t, bs)

	sys := srv.AddSystem(unitrendstest.System{Name: "s1"})
	assert.Equal(t, int64(1), sys)
	_, err = srv.AddClient(unitrendstest.Client{Name: "x", SystemID: 9})
	assert.ErrorContains(t, err, "no system 9")
	cl, err := srv.AddClient(unitrendstest.Client{Name: "c1", SystemID: sys})
	require.NoError(t, err)
	_, err = srv.AddClient(unitrendstest.Client{ID: cl, Name: "dup", SystemID: sys})
	assert.ErrorContains(t, err, "exists")
	_, err = srv.AddBackup(unitrendstest.Backup{ClientID: 42})
	assert.ErrorContains(t, err, "no client 42")
	_, err = srv.AddBackup(unitrendstest.Backup{ClientID: cl, Status: "Great"})
	assert.ErrorContains(t, err, "Great")
	id, err := srv.AddBackup(unitrendstest.Backup{ClientID: cl, Start: now.Add(-time.Hour), Duration: 28 * time.Second, VMwareTemplate: true})
	require.NoError(t, err)
	_, err = srv.AddBackup(unitrendstest.Backup{ID: id, ClientID: cl})
	assert.ErrorContains(t, err, "exists")
	id2, err := srv.AddBackup(unitrendstest.Backup{ID: 100, ClientID: cl, Status: "Failure", Type: "Incremental"})
	require.NoError(t, err)
	assert.Equal(t, int64(100), id2)
	id3, err := srv.AddBackup(unitrendstest.Backup{ClientID: cl})
	require.NoError(t, err)
	assert.Equal(t, int64(101), id3)

	b, err := c.Backups.Get(bg(t), id, nil)
	require.NoError(t, err)
	assert.Equal(t, "Full", b.Type)
	assert.Equal(t, unitrends.BackupStatusSuccess, b.Status)
	assert.True(t, b.VMwareTemplate.Bool)
	assert.Equal(t, []int64{1, 100, 101}, backupIDs(srv.Backups()))
	assert.Len(t, srv.Clients(), 1)
	assert.Len(t, srv.Systems(), 1)
	assert.False(t, slices.ContainsFunc(srv.Backups(), func(b unitrendstest.Backup) bool { return b.ID == 0 }), "every backup has an id")
	rows, err := c.Backups.List(bg(t), &unitrends.ListBackupsOptions{ClientID: cl})
	require.NoError(t, err)
	assert.Equal(t, []int64{100, 101, 1}, ids(rows), "ordered by start time (zero times first), then id")
}

func backupIDs(bs []unitrendstest.Backup) []int64 {
	out := []int64{}
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func TestOptions(t *testing.T) {
	t.Parallel()
	for want, opt := range map[string]unitrendstest.Option{
		"WithExpiryStatus: 404":  unitrendstest.WithExpiryStatus(404),
		"WithNow: nil clock":     unitrendstest.WithNow(nil),
		"empty user or password": unitrendstest.WithPassword("", "x"),
		"negative duration":      unitrendstest.WithIdleTimeout(-time.Second),
		"nil location":           unitrendstest.WithTimeZone(nil),
	} {
		_, err := unitrendstest.NewServer(opt)
		assert.ErrorContains(t, err, want)
	}
	_, err := unitrendstest.NewServer(unitrendstest.WithAddr("203.0.113.1:1"))
	assert.Error(t, err, "not a local address")
	srv, err := unitrendstest.NewServer(unitrendstest.WithAddr("127.0.0.1:0"), nil)
	require.NoError(t, err)
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"))
	assert.Nil(t, srv.CertPEM())
	assert.Nil(t, srv.CertPool())
	assert.Nil(t, srv.Certificate())

	tlsSrv, err := unitrendstest.NewServer(unitrendstest.WithTLS())
	require.NoError(t, err)
	defer tlsSrv.Close()
	assert.True(t, strings.HasPrefix(tlsSrv.URL(), "https://127.0.0.1:"))
	assert.Contains(t, string(tlsSrv.CertPEM()), "BEGIN CERTIFICATE")
	assert.NotNil(t, tlsSrv.Certificate())
}

// LastQuery keeps the body of the last backups query as received.
func TestLastQuery(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	_, err := c.Backups.List(bg(t), &unitrends.ListBackupsOptions{Types: []string{"Full"}, StartDay: now})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type": ["Full"], "start_day": "03/14/2024"}`, string(srv.LastQuery()))
	assert.Equal(t, 1, servedCalls(srv, "POST", "/api/backups"))
	assert.Equal(t, 1, servedCalls(srv, "POST", "/api/login"))
}

// An integer status is sent as it is, and the client keeps it unknown with
// its code: no document says what 3 means, so neither the fake nor the
// client may call it a failure (or a success).
func TestIntegerStatusIsNeverGuessed(t *testing.T) {
	t.Parallel()
	srv, c := start(t, unitrendstest.WithoutDemoData())
	sys := srv.AddSystem(unitrendstest.System{Name: "s1"})
	cl, err := srv.AddClient(unitrendstest.Client{Name: "c1", SystemID: sys})
	require.NoError(t, err)
	code := 1
	id, err := srv.AddBackup(unitrendstest.Backup{ClientID: cl, Start: now.Add(-time.Hour), Status: "Failure", StatusCode: &code})
	require.NoError(t, err)

	_, body := rawCall(t, srv, http.MethodPost, "/api/backups", fmt.Sprintf(`{"backup_ids": [%d]}`, id))
	assert.Contains(t, body, `"status":1,`)
	b, err := c.Backups.Get(bg(t), id, nil)
	require.NoError(t, err)
	assert.False(t, b.Status.Known(), "status %q", b.Status)
	assert.NotEqual(t, unitrends.BackupStatusSuccess, b.Status)
	got, ok := b.Status.Code()
	assert.True(t, ok)
	assert.Equal(t, int64(1), got)
}

// An appliance in New York prints its wall clock without a zone. A client
// that is not told the zone says it does not know it (and keeps the wall
// clock), one that sees start_time places it exactly, and one told the zone
// flags the hour the autumn change repeats.
func TestApplianceLocalTimes(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	srv, err := unitrendstest.NewServer(unitrendstest.WithNow(pinned), unitrendstest.WithTimeZone(ny), unitrendstest.WithoutDemoData())
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	sys := srv.AddSystem(unitrendstest.System{Name: "s1", Local: true})
	cl, err := srv.AddClient(unitrendstest.Client{Name: "c1", SystemID: sys})
	require.NoError(t, err)
	plain := time.Date(2024, 3, 13, 16, 9, 0, 0, time.UTC)    // 12:09 pm EDT
	repeated := time.Date(2024, 11, 3, 5, 30, 0, 0, time.UTC) // 01:30 am EDT, the first of two
	idPlain, err := srv.AddBackup(unitrendstest.Backup{ClientID: cl, Start: plain, Duration: time.Minute})
	require.NoError(t, err)
	idRepeated, err := srv.AddBackup(unitrendstest.Backup{ClientID: cl, Start: repeated, Duration: time.Minute})
	require.NoError(t, err)

	client := func(opts ...unitrends.Option) *unitrends.Client {
		c, err := unitrends.NewClient(srv.URL(), append([]unitrends.Option{unitrends.WithPassword(srv.User(), srv.Password())}, opts...)...)
		require.NoError(t, err)
		return c
	}
	get := func(c *unitrends.Client, id int64) unitrends.LocalTime {
		b, err := c.Backups.Get(bg(t), id, nil)
		require.NoError(t, err)
		return b.StartDateTime
	}

	unknown := client()
	assert.Nil(t, unknown.TimeZone())
	st := get(unknown, idPlain)
	assert.Equal(t, unitrends.ZoneUnknown, st.Zone)
	assert.Equal(t, "03/13/2024 12:09 pm", st.Text)
	assert.Equal(t, 12, st.Time.Hour(), "the appliance's wall clock, not shifted")
	_, certain := st.Instant()
	assert.False(t, certain)

	srv.SetDialect(unitrendstest.Dialect{EpochTimes: true})
	st = get(unknown, idPlain)
	assert.Equal(t, unitrends.ZoneFromRecord, st.Zone)
	assert.True(t, st.Time.Equal(plain), "start_time places it: %s", st.Time)
	st = get(unknown, idRepeated)
	assert.Equal(t, unitrends.ZoneFromRecord, st.Zone)
	assert.True(t, st.Time.Equal(repeated), "even in the repeated hour: %s", st.Time)
	srv.SetDialect(unitrendstest.Dialect{})

	told := client(unitrends.WithTimeZone(ny))
	st = get(told, idPlain)
	assert.Equal(t, unitrends.ZoneConfigured, st.Zone)
	assert.True(t, st.Time.Equal(plain))
	assert.Empty(t, st.DST)
	st = get(told, idRepeated)
	assert.Equal(t, unitrends.DSTOverlap, st.DST, "01:30 am happened twice that night")
	_, certain = st.Instant()
	assert.False(t, certain)
}

// servedCalls counts the calls of method and path that the fake served: a
// success answer, neither refused (an expired session) nor answered by an
// injected fault. It reads the fake's Calls.
func servedCalls(srv *unitrendstest.Server, method, path string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Method == method && c.Path == path && !c.Fault && c.Status/100 == 2 {
			n++
		}
	}
	return n
}

// NewTestServer closes the fake when the test that started it ends, and
// fails that test, not the process, when the fake cannot start.
func TestNewTestServer(t *testing.T) {
	t.Parallel()
	var url string
	t.Run("inner", func(t *testing.T) {
		srv := unitrendstest.NewTestServer(t)
		url = srv.URL()
		resp, err := srv.HTTPClient().Get(url + "/api/systems")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the fake answers while the test runs")
	})
	_, err := http.Get(url + "/api/systems")
	assert.Error(t, err, "closed once the test ended")

	tb := &fatalRecorder{TB: t}
	assert.Nil(t, unitrendstest.NewTestServer(tb, unitrendstest.WithPassword("", "")))
	assert.Contains(t, tb.fatal, "WithPassword")
}

// fatalRecorder is a testing.TB whose Fatal and Fatalf record instead of
// stopping.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func (r *fatalRecorder) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }
