package unitrends_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	ok := map[string]time.Duration{
		`"00:00:28"`:   28 * time.Second,
		`"0:00:28"`:    28 * time.Second,
		`"01:02:03"`:   time.Hour + 2*time.Minute + 3*time.Second,
		`"123:00:00"`:  123 * time.Hour,
		`"02:03"`:      2*time.Minute + 3*time.Second,
		`"00:00:28.5"`: 28500 * time.Millisecond,
		`28`:           28 * time.Second,
		`28.25`:        28250 * time.Millisecond,
		`"28"`:         28 * time.Second,
		`" 28 "`:       28 * time.Second,
		`0`:            0,
	}
	for in, want := range ok {
		var d unitrends.Duration
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.True(t, d.Valid, in)
		assert.Equal(t, want, d.Duration, in)
	}
	for _, in := range []string{`null`, `"n/a"`, `"N/A"`, `""`} {
		var d unitrends.Duration
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.False(t, d.Valid, in)
		assert.Equal(t, 5*time.Second, d.Or(5*time.Second))
		assert.Equal(t, "(absent)", d.String())
	}
	for _, in := range []string{`"00:61:00"`, `"1:2:3:4"`, `"-5"`, `-5`, `"abc"`, `true`, `{}`, `"1e3"`, `"0x10"`, `"Inf"`, `"::"`, `"1.5:00"`, `1e300`, `"99999999999999999999"`} {
		var d unitrends.Duration
		assert.Error(t, json.Unmarshal([]byte(in), &d), in)
	}
	out, err := json.Marshal(unitrends.Duration{Duration: 90 * time.Second, Valid: true})
	require.NoError(t, err)
	assert.Equal(t, `90`, string(out))
	out, err = json.Marshal(unitrends.Duration{})
	require.NoError(t, err)
	assert.Equal(t, `null`, string(out))
}

func TestStatuses(t *testing.T) {
	t.Parallel()
	backup := map[string]unitrends.BackupStatus{
		`"Success"`: unitrends.BackupStatusSuccess, `"Successful"`: unitrends.BackupStatusSuccess, `"success"`: unitrends.BackupStatusSuccess,
		`"Warning"`: unitrends.BackupStatusWarning, `"Failed"`: unitrends.BackupStatusFailure, `"Failure"`: unitrends.BackupStatusFailure,
		`"None"`: unitrends.BackupStatusNone, `"FAILED"`: unitrends.BackupStatusFailure,
		`"N/A"`: "", `null`: "", `""`: "", `"Queued"`: "Queued",
		// Words no source documents stay unknown rather than guessed.
		`"InProgress"`: "InProgress", `"ok"`: "ok", `"error"`: "error", `"succeeded"`: "succeeded",
	}
	for in, want := range backup {
		var s unitrends.BackupStatus
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
		assert.Equal(t, want.Known(), s.Known(), in)
		_, isCode := s.Code()
		assert.False(t, isCode, in)
	}
	for _, want := range []unitrends.BackupStatus{unitrends.BackupStatusNone, unitrends.BackupStatusSuccess, unitrends.BackupStatusWarning, unitrends.BackupStatusFailure} {
		assert.True(t, want.Known(), want)
	}
	for _, s := range []unitrends.BackupStatus{"Queued", "InProgress", "ok", "error", "succeeded", "1", ""} {
		assert.False(t, s.Known(), s)
	}
	ints := map[string]int64{`0`: 0, `1`: 1, `2`: 2, `3`: 3, `"3"`: 3, `7`: 7}
	for in, code := range ints {
		var s unitrends.BackupStatus
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.False(t, s.Known(), "integer status %s is documented nowhere: unknown, not guessed", in)
		got, ok := s.Code()
		assert.True(t, ok, in)
		assert.Equal(t, code, got, in)
	}
	repl := map[string]unitrends.ReplicationStatus{
		`"Not Applicable"`: unitrends.ReplicationNotApplicable, `"Needed"`: unitrends.ReplicationNeeded,
		`"Completed"`: unitrends.ReplicationCompleted, `"In Progress"`: unitrends.ReplicationInProgress,
		`"in_progress"`: unitrends.ReplicationInProgress, `"Waiting"`: unitrends.ReplicationWaiting, `"N/A"`: "",
	}
	for in, want := range repl {
		var s unitrends.ReplicationStatus
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
		assert.Equal(t, want != "", s.Known(), in)
	}
	verify := map[string]unitrends.VerifyStatus{
		`"Not Applicable"`: unitrends.VerifyNotApplicable, `"Successful"`: unitrends.VerifySuccessful,
		`"Success"`: unitrends.VerifySuccessful, `"Failed"`: unitrends.VerifyFailed, `"Failure"`: unitrends.VerifyFailed, `"n/a"`: "",
	}
	for in, want := range verify {
		var s unitrends.VerifyStatus
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
		assert.Equal(t, want != "", s.Known(), in)
	}
	for _, in := range []string{`true`, `[]`, `{}`, `1.5`} {
		var s unitrends.BackupStatus
		assert.Error(t, json.Unmarshal([]byte(in), &s), in)
	}
}

// start_date_time in every layout of the notes, read in the appliance's
// zone; epochs and zoned texts keep their instant.
func TestLocalTimes(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	cases := []struct {
		in   string
		want time.Time // in tokyo's wall clock unless zoned
	}{
		{`"10/14/2014 09:32 am"`, time.Date(2014, 10, 14, 9, 32, 0, 0, tokyo)},
		{`"10/14/2014 09:32 PM"`, time.Date(2014, 10, 14, 21, 32, 0, 0, tokyo)},
		{`"10/14/2014 09:32:05 am"`, time.Date(2014, 10, 14, 9, 32, 5, 0, tokyo)},
		{`"1/4/2014 9:32:05 pm"`, time.Date(2014, 1, 4, 21, 32, 5, 0, tokyo)},
		{`"10/14/2014 21:32"`, time.Date(2014, 10, 14, 21, 32, 0, 0, tokyo)},
		{`"2014-10-14 09:32:05"`, time.Date(2014, 10, 14, 9, 32, 5, 0, tokyo)},
		{`"2014-10-14T09:32:05Z"`, time.Date(2014, 10, 14, 9, 32, 5, 0, time.UTC)},
		{`1413279125`, time.Unix(1413279125, 0)},
		{`"1413279125"`, time.Unix(1413279125, 0)},
	}
	for _, tc := range cases {
		bs, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": `+tc.in+`}]`), tokyo)
		require.NoError(t, err, tc.in)
		got := bs[0].StartDateTime
		require.True(t, got.Valid, tc.in)
		assert.True(t, tc.want.Equal(got.Time), "%s: got %s want %s", tc.in, got.Time, tc.want)
		assert.Equal(t, tokyo, got.Time.Location(), tc.in)

		utc, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": `+tc.in+`}]`), nil)
		require.NoError(t, err)
		if strings.Contains(tc.in, "/") || strings.Contains(tc.in, "-10-14 ") {
			assert.Equal(t, 9*time.Hour, utc[0].StartDateTime.Time.Sub(got.Time), "%s: a zone-less text moves with the zone", tc.in)
		} else {
			assert.True(t, utc[0].StartDateTime.Time.Equal(got.Time), "%s: an instant does not move", tc.in)
		}
	}
	for _, in := range []string{`"n/a"`, `"N/A"`, `""`, `null`} {
		bs, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": `+in+`}]`), tokyo)
		require.NoError(t, err, in)
		assert.False(t, bs[0].StartDateTime.Valid, in)
	}
	_, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": "yesterday"}]`), tokyo)
	assert.ErrorContains(t, err, "yesterday")
}

// Tolerant decoding: numbers as strings, "n/a" everywhere, unknown members
// kept (including nested ones), newer epoch fields.
func TestTolerantBackup(t *testing.T) {
	t.Parallel()
	body := `{"data": [{
		"id": "17", "client_id": 3, "client_name": "N/A", "type": "Full",
		"start_date_time": "03/14/2024 01:05 pm", "duration": "n/a", "complete": "1",
		"status": "Failed", "size": "n/a", "files": null, "encrypted": 0,
		"replication_status": "in progress", "verify_status": "Not Applicable",
		"guid": "N/A", "vm_name": "app01", "storage": "", "destination": "n/a",
		"start_time": 1710421500, "complete_time": "1710421800",
		"system_id": 1, "system_name": "ueb-primary", "nested": {"a": [1, 2]}
	}]}`
	bs, err := unitrends.DecodeBackups([]byte(body), nil)
	require.NoError(t, err)
	require.Len(t, bs, 1)
	b := bs[0]
	assert.Equal(t, int64(17), b.ID.Int64)
	assert.Empty(t, b.ClientName)
	assert.False(t, b.Duration.Valid)
	assert.True(t, b.Complete.Bool)
	assert.Equal(t, unitrends.BackupStatusFailure, b.Status)
	assert.False(t, b.SizeMB.Valid)
	assert.False(t, b.Files.Valid)
	assert.False(t, b.Encrypted.Bool)
	assert.Equal(t, unitrends.ReplicationInProgress, b.ReplicationStatus)
	assert.Equal(t, unitrends.VerifyNotApplicable, b.VerifyStatus)
	assert.False(t, b.GUID.Valid)
	assert.Equal(t, "app01", b.VMName.Value)
	assert.False(t, b.Storage.Valid)
	assert.False(t, b.Destination.Valid)
	finished, ok := b.Finished()
	assert.True(t, ok)
	assert.Equal(t, time.Unix(1710421800, 0), finished.Local())
	assert.Equal(t, []string{"nested", "system_id", "system_name"}, keys(b.Extra))
	assert.JSONEq(t, `{"a": [1, 2]}`, string(b.Extra["nested"]))
	golden.AssertJSON(t, "tolerant-backup", b)

	// Without complete_time, Finished is start plus duration.
	bs, err = unitrends.DecodeBackups([]byte(`[{"start_date_time": "03/14/2024 01:05 pm", "duration": "00:10:00"}]`), nil)
	require.NoError(t, err)
	finished, ok = bs[0].Finished()
	assert.True(t, ok)
	assert.Equal(t, time.Date(2024, 3, 14, 13, 15, 0, 0, time.UTC), finished)
	_, ok = (&unitrends.Backup{}).Finished()
	assert.False(t, ok)
}

// Each list shape, and the failures that must not pass for an empty list.
func TestListShapes(t *testing.T) {
	t.Parallel()
	for body, n := range map[string]int{
		`{"backups": [{"id": 1}, {"id": 2}]}`: 2,
		`{"data": [{"id": 1}]}`:               1,
		`{"Backups": [{"id": 1}]}`:            1,
		`[{"id": 1}, {"id": 2}, {"id": 3}]`:   3,
		`{"backups": null}`:                   0,
		`{"backups": [], "total": 0}`:         0,
		`[]`:                                  0,
		`{}`:                                  0,
		`null`:                                0,
		``:                                    0,
	} {
		bs, err := unitrends.DecodeBackups([]byte(body), nil)
		require.NoError(t, err, body)
		assert.NotNil(t, bs, body)
		assert.Len(t, bs, n, body)
	}
	for body, want := range map[string]string{
		`{"count": 0}`:           `no "backups" or "data" member`,
		`{"backups": {"id": 1}}`: `unmarshal JSON object into Go []unitrends.Backup`, // json/v2 says "cannot" or "unable to", at random per process
		`"backups"`:              `want a JSON object or array`,
		`<html>`:                 `want a JSON object or array`,
		`[{"id": 1.5}]`:          `cannot read "1.5" as an integer`,
		`[{"status": true}]`:     `as a backup status`,
	} {
		_, err := unitrends.DecodeBackups([]byte(body), nil)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
}

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		url  string
		opts []unitrends.Option
	}{
		"base URL is empty":                         {"", []unitrends.Option{unitrends.WithToken("t")}},
		"scheme must be http or https":              {"ftp://ueb", []unitrends.Option{unitrends.WithToken("t")}},
		"no credentials":                            {"https://ueb", nil},
		"WithPassword: user is empty":               {"https://ueb", []unitrends.Option{unitrends.WithPassword("", "p")}},
		"WithPassword: password is empty":           {"https://ueb", []unitrends.Option{unitrends.WithPassword("u", "")}},
		"WithPassword given twice":                  {"https://ueb", []unitrends.Option{unitrends.WithPassword("u", "p"), unitrends.WithPassword("v", "q")}},
		"WithToken: token is empty":                 {"https://ueb", []unitrends.Option{unitrends.WithToken(" ")}},
		"WithToken: token must not contain":         {"https://ueb", []unitrends.Option{unitrends.WithToken("a\nb")}},
		"WithTimeZone: location is nil":             {"https://ueb", []unitrends.Option{unitrends.WithToken("t"), unitrends.WithTimeZone(nil)}},
		"WithHTTPClient: client is nil":             {"https://ueb", []unitrends.Option{unitrends.WithToken("t"), unitrends.WithHTTPClient(nil)}},
		"WithLogger: logger is nil":                 {"https://ueb", []unitrends.Option{unitrends.WithToken("t"), unitrends.WithLogger(nil)}},
		"WithUserAgent: must not contain":           {"https://ueb", []unitrends.Option{unitrends.WithToken("t"), unitrends.WithUserAgent("a\r\n")}},
		"WithRetryPolicy: retry policy: MaxRetries": {"https://ueb", []unitrends.Option{unitrends.WithToken("t"), unitrends.WithRetryPolicy(unitrends.RetryPolicy{MaxRetries: -1})}},
		"holds credentials":                         {"https://root:pw@ueb", []unitrends.Option{unitrends.WithToken("t")}},
	}
	for want, tc := range cases {
		_, err := unitrends.NewClient(tc.url, tc.opts...)
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
		assert.True(t, strings.HasPrefix(err.Error(), "unitrends: "), err.Error())
		assert.NotContains(t, err.Error(), "pw@", "credentials in the URL are not echoed")
	}
	loc := time.FixedZone("X", 3600)
	c, err := unitrends.NewClient("https://ueb.example.test/", unitrends.WithToken("t"), unitrends.WithTimeZone(loc), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://ueb.example.test", c.BaseURL())
	assert.Equal(t, loc, c.TimeZone())
	_, err = c.Backups.List(nil, nil) //nolint:staticcheck // a nil context is refused, not a panic
	assert.ErrorContains(t, err, "nil context")
	assert.ErrorContains(t, c.Login(nil), "nil context") //nolint:staticcheck
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// The field table spells the template flag vmware_template, the documented
// sample vm_ware_template. An answer with both that disagree keeps both:
// the table's in VMwareTemplate, the other in Extra. Every list shape (the
// one-pass and the general decoder) and a single backup agree.
func TestTemplateSpellingsBothKept(t *testing.T) {
	t.Parallel()
	cases := []struct {
		item      string
		want      unitrends.Bool
		wantExtra map[string]string
	}{
		{`{"id": 1, "vm_ware_template": true}`, unitrends.Bool{Bool: true, Valid: true}, nil},
		{`{"id": 1, "vmware_template": true}`, unitrends.Bool{Bool: true, Valid: true}, nil},
		{`{"id": 1, "vmware_template": false, "vm_ware_template": false}`, unitrends.Bool{Valid: true}, nil},
		{`{"id": 1, "vmware_template": false, "vm_ware_template": true}`, unitrends.Bool{Valid: true},
			map[string]string{"vm_ware_template": "true"}},
		{`{"id": 1, "vm_ware_template": true, "vmware_template": false}`, unitrends.Bool{Valid: true},
			map[string]string{"vm_ware_template": "true"}},
		{`{"id": 1, "vm_ware_template": "n/a", "vmware_template": true}`, unitrends.Bool{Bool: true, Valid: true},
			map[string]string{"vm_ware_template": `"n/a"`}},
		{`{"id": 1, "vm_ware_template": {"x": 1}}`, unitrends.Bool{},
			map[string]string{"vm_ware_template": `{"x": 1}`}},
	}
	for _, tc := range cases {
		for _, body := range []string{`{"backups": [` + tc.item + `]}`, `{"data": [` + tc.item + `]}`, `[` + tc.item + `]`} {
			list, err := unitrends.DecodeBackups([]byte(body), time.UTC)
			require.NoError(t, err, body)
			require.Len(t, list, 1, body)
			b := list[0]
			assert.Equal(t, tc.want, b.VMwareTemplate, body)
			extra := map[string]string{}
			for k, v := range b.Extra {
				extra[k] = string(v)
			}
			if tc.wantExtra == nil {
				assert.Empty(t, extra, body)
			} else {
				assert.Equal(t, tc.wantExtra, extra, body)
			}
		}
	}
}

// Without WithTimeZone a zone-less start is appliance-local time of an
// unknown zone: it says so, is never written as UTC, and is placed exactly
// only when the record's epoch start_time tells the offset.
func TestLocalTimeZoneUnknown(t *testing.T) {
	t.Parallel()
	bs, err := unitrends.DecodeBackups([]byte(`{"backups": [{"id": 1, "start_date_time": "10/14/2014 09:32 am"}]}`), nil)
	require.NoError(t, err)
	st := bs[0].StartDateTime
	assert.Equal(t, unitrends.ZoneUnknown, st.Zone)
	_, certain := st.Instant()
	assert.False(t, certain, "the instant is not known")
	out, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Equal(t, `"2014-10-14T09:32:00"`, string(out), "written as local time, without an offset")

	// start_time 13:32:25 UTC with start_date_time 09:32 am: the appliance
	// was at UTC-4 then.
	epoch := time.Date(2014, 10, 14, 13, 32, 25, 0, time.UTC)
	rec := fmt.Sprintf(`[{"id": 1, "start_date_time": "10/14/2014 09:32 am", "start_time": %d}]`, epoch.Unix())
	for _, body := range []string{rec, `{"data": ` + rec + `}`} {
		bs, err = unitrends.DecodeBackups([]byte(body), nil)
		require.NoError(t, err)
		st = bs[0].StartDateTime
		assert.Equal(t, unitrends.ZoneFromRecord, st.Zone, body)
		assert.True(t, st.Time.Equal(epoch), "%s: %s", body, st.Time)
		_, off := st.Time.Zone()
		assert.Equal(t, -4*3600, off)
		_, certain = st.Instant()
		assert.True(t, certain)
		out, err = json.Marshal(st)
		require.NoError(t, err)
		assert.Equal(t, `"2014-10-14T09:32:25-04:00"`, string(out))
	}
	// An epoch a plausible offset away places it; one that is not does not.
	bs, err = unitrends.DecodeBackups([]byte(`[{"start_date_time": "10/14/2014 09:32 am", "start_time": 1413279125}]`), nil)
	require.NoError(t, err)
	assert.Equal(t, unitrends.ZoneFromRecord, bs[0].StartDateTime.Zone, "09:32 vs 09:32:05Z: an appliance at UTC")
	bs, err = unitrends.DecodeBackups([]byte(`[{"start_date_time": "10/14/2014 09:32 am", "start_time": 1413200000}]`), nil)
	require.NoError(t, err)
	assert.Equal(t, unitrends.ZoneUnknown, bs[0].StartDateTime.Zone, "an offset of 21h56m is none")
	// Texts with a zone and epoch seconds are instants.
	for _, v := range []string{`"2014-10-14T09:32:05Z"`, `1413279125`} {
		bs, err = unitrends.DecodeBackups([]byte(`[{"start_date_time": `+v+`}]`), nil)
		require.NoError(t, err)
		assert.Equal(t, unitrends.ZoneInValue, bs[0].StartDateTime.Zone, v)
	}
}

// In the zone of WithTimeZone, a wall clock the DST change skips or repeats
// is flagged, not shifted silently.
func TestLocalTimeDST(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	cases := map[string]unitrends.DSTAmbiguity{
		"03/10/2024 02:30 am":    unitrends.DSTGap, // 02:00 → 03:00
		"03/10/2024 02:00:00 am": unitrends.DSTGap,
		"03/10/2024 01:59 am":    "",
		"03/10/2024 03:00 am":    "",
		"11/03/2024 01:30 am":    unitrends.DSTOverlap, // 02:00 → 01:00
		"11/03/2024 01:00 am":    unitrends.DSTOverlap,
		"11/03/2024 12:59 am":    "",
		"11/03/2024 02:00 am":    "",
		"03/13/2024 12:09 pm":    "",
	}
	for text, want := range cases {
		bs, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": "`+text+`"}]`), ny)
		require.NoError(t, err, text)
		st := bs[0].StartDateTime
		assert.Equal(t, unitrends.ZoneConfigured, st.Zone, text)
		assert.Equal(t, want, st.DST, text)
		_, certain := st.Instant()
		assert.Equal(t, want == "", certain, text)
	}
	bs, err := unitrends.DecodeBackups([]byte(`[{"start_date_time": "03/10/2024 02:30 am"}]`), time.UTC)
	require.NoError(t, err)
	assert.Empty(t, bs[0].StartDateTime.DST, "UTC has no DST")
}
