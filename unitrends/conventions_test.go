package unitrends_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// The exported types read themselves with encoding/json/v2's streaming
// method, as the other packages' types do, not only with v1's UnmarshalJSON.
var (
	_ jsonv2.UnmarshalerFrom = (*unitrends.Backup)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.System)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.LocalTime)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.Duration)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.BackupStatus)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.ReplicationStatus)(nil)
	_ jsonv2.UnmarshalerFrom = (*unitrends.VerifyStatus)(nil)
)

const backupWithUnknown = `{"id": 4, "client_name": "web01", "status": "Failed", "duration": 125,
	"start_date_time": "03/14/2024 09:00 am", "replication_status": "in_progress",
	"verify_status": "Success", "size": "n/a", "region": "eu", "tags": ["a", 1]}`

// encoding/json (v1) writes a Backup's and a System's unknown members
// among the others, as sent, without an "Extra" key, and reads back the
// same value; v2 with its default options reads it the same as v1.
func TestEncodingJSONv1KeepsUnknownMembersInline(t *testing.T) {
	t.Parallel()
	var b unitrends.Backup
	require.NoError(t, json.Unmarshal([]byte(backupWithUnknown), &b))
	require.Len(t, b.Extra, 2)
	assert.JSONEq(t, `["a", 1]`, b.Extra["tags"].String())

	out, err := json.Marshal(b)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out, &m))
	assert.NotContains(t, m, "Extra", string(out))
	assert.JSONEq(t, `"eu"`, string(m["region"]))
	assert.JSONEq(t, `["a", 1]`, string(m["tags"]))
	assert.JSONEq(t, `"Failure"`, string(m["status"]))

	var again unitrends.Backup
	require.NoError(t, json.Unmarshal(out, &again))
	require.Len(t, again.Extra, len(b.Extra))
	for k, v := range b.Extra {
		assert.JSONEq(t, v.String(), again.Extra[k].String(), k)
	}
	assert.Equal(t, b.Status, again.Status)

	var v2 unitrends.Backup
	require.NoError(t, jsonv2.Unmarshal([]byte(backupWithUnknown), &v2))
	assert.Equal(t, b, v2, "v2 reads through UnmarshalJSONFrom what v1 reads")
	outV2, err := jsonv2.Marshal(v2, jsonv2.Deterministic(true))
	require.NoError(t, err)
	assert.JSONEq(t, string(out), string(outV2), "both encoders write the same")

	var s unitrends.System
	require.NoError(t, json.Unmarshal([]byte(`{"id": 1, "name": "ueb", "is_pending": false}`), &s))
	out, err = json.Marshal(s)
	require.NoError(t, err)
	assert.NotContains(t, string(out), `"Extra"`)
	assert.Contains(t, string(out), `"is_pending":false`)
}

// Every optional value prints its value, or (absent); the statuses, which
// are strings, say whether the appliance sent one with Valid, Get and Or.
func TestValuesPrint(t *testing.T) {
	t.Parallel()
	var b unitrends.Backup
	require.NoError(t, json.Unmarshal([]byte(backupWithUnknown), &b))
	assert.Equal(t, "4", b.ID.String())
	assert.Equal(t, "2m5s", b.Duration.String())
	assert.Equal(t, "2024-03-14T09:00:00", b.StartDateTime.String(), "appliance wall clock, no offset: never shown as UTC")
	assert.Equal(t, "(absent)", b.SizeMB.String())
	assert.Equal(t, "Failure", b.Status.String())
	assert.Equal(t, "In Progress", b.ReplicationStatus.String())
	assert.Equal(t, "Successful", b.VerifyStatus.String())
	assert.Equal(t, "(absent)", unitrends.LocalTime{}.String())
	assert.Equal(t, "(absent)", unitrends.Duration{}.String())

	ny := time.FixedZone("EDT", -4*3600)
	inZone, err := b.StartDateTime.In(ny)
	require.NoError(t, err)
	assert.Equal(t, "2024-03-14T09:00:00-04:00", inZone.String())

	for _, st := range []interface {
		Valid() bool
		String() string
	}{unitrends.BackupStatus(""), unitrends.ReplicationStatus(""), unitrends.VerifyStatus("")} {
		assert.False(t, st.Valid())
		assert.Equal(t, "(absent)", st.String())
	}
	got, ok := b.Status.Get()
	assert.True(t, ok)
	assert.Equal(t, unitrends.BackupStatusFailure, got)
	assert.True(t, b.Status.Valid())
	assert.Equal(t, unitrends.BackupStatusNone, unitrends.BackupStatus("").Or(unitrends.BackupStatusNone))
	assert.Equal(t, unitrends.BackupStatusFailure, b.Status.Or(unitrends.BackupStatusNone))
	_, ok = unitrends.VerifyStatus("").Get()
	assert.False(t, ok)
	assert.Equal(t, unitrends.ReplicationNeeded, unitrends.ReplicationStatus("").Or(unitrends.ReplicationNeeded))
	assert.Equal(t, unitrends.VerifyFailed, unitrends.VerifyStatus("").Or(unitrends.VerifyFailed))
}

// The shared predicates read the appliance's answers: a 400 (the
// appliance names no fields) or 422 is a validation error, also stated
// inside a 200 body; 409 a conflict; 429 rate limiting.
func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                            string
		status                          int
		body                            string
		validation, conflict, ratelimit bool
	}{
		{"400 result", 400, `{"result": [{"message": "Invalid backup id.", "code": 400}]}`, true, false, false},
		{"400 in 200", 200, `{"status": 400, "message": "Invalid system id."}`, true, false, false},
		{"422", 422, `{"error": 422, "message": "Unprocessable."}`, true, false, false},
		{"409", 409, `{"result": [{"message": "The backup is in use.", "code": 409}]}`, false, true, false},
		{"429", 429, `{"status": 429, "message": "Slow down."}`, false, false, true},
		{"404", 404, `{"status": 404, "message": "No such backup."}`, false, false, false},
		{"500", 500, `{"error": 500, "message": "Internal error."}`, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, unitrends.WithToken("tok"))
			mt.RegisterResponder(http.MethodGet, base+"/api/backups/7/", (&recorder{}).respond(tc.status, tc.body))
			_, err := c.Backups.Get(ctx(t), 7, nil)
			require.Error(t, err)
			var apiErr *unitrends.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.validation, unitrends.IsValidation(err), "IsValidation: %v", err)
			assert.Equal(t, tc.conflict, unitrends.IsConflict(err), "IsConflict: %v", err)
			assert.Equal(t, tc.ratelimit, unitrends.IsRateLimited(err), "IsRateLimited: %v", err)
		})
	}
	assert.False(t, unitrends.IsValidation(nil))
}

// The client refuses a filter no appliance can mean before sending
// anything: a plain error, no *APIError, so IsValidation (which is about
// the appliance's answers) reports false.
func TestValidationBeforeSending(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t, nil)
	_, err := c.Backups.List(ctx(t), &unitrends.ListBackupsOptions{ClientID: -1})
	require.Error(t, err)
	var apiErr *unitrends.APIError
	assert.False(t, errors.As(err, &apiErr))
	assert.False(t, unitrends.IsValidation(err))
	assert.Equal(t, 0, servedCalls(srv, http.MethodPost, "/api/backups"))
}

// WithResponseInfo reports the last answer of a successful call: status,
// request id, attempts, and the requests it took (a login first).
func TestWithResponseInfo(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t)
	lr := &loginResponder{}
	mt.RegisterResponder(http.MethodPost, base+"/api/login", lr.responder())
	calls := 0
	mt.RegisterResponder(http.MethodGet, base+"/api/systems", func(req *http.Request) (*http.Response, error) {
		calls++
		status := http.StatusOK
		if calls == 1 {
			status = http.StatusServiceUnavailable
		}
		resp := httpmock.NewStringResponse(status, `[{"id": 1, "name": "ueb"}]`)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "req-"+http.StatusText(status))
		return resp, nil
	})
	var info unitrends.ResponseInfo
	systems, err := c.Systems.List(unitrends.WithResponseInfo(ctx(t), &info))
	require.NoError(t, err)
	require.Len(t, systems, 1)
	assert.Equal(t, http.StatusOK, info.StatusCode)
	assert.Equal(t, "req-OK", info.RequestID)
	assert.Equal(t, 2, info.Attempts, "the 503 was retried once")
	assert.Equal(t, 2, info.Requests, "the login and the call")
	assert.Equal(t, "application/json", info.Header.Get("Content-Type"))

	_, err = c.Systems.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, info.Requests, "a call without the context leaves info alone")
}

// The fake's shared surface: NewTestServer closes itself, HTTPClient
// trusts its certificate, Calls lists what it received, Logins counts,
// AddBackup returns the new id.
func TestFakeSurface(t *testing.T) {
	t.Parallel()
	srv := unitrendstest.NewTestServer(t, unitrendstest.WithTLS(), unitrendstest.WithPassword("admin", "pw"))
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword("admin", "pw"), unitrends.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	clients := srv.Clients()
	require.NotEmpty(t, clients)
	id, err := srv.AddBackup(unitrendstest.Backup{ClientID: clients[0].ID, Start: time.Now().Add(-time.Hour), Duration: time.Minute})
	require.NoError(t, err)
	b, err := c.Backups.Get(ctx(t), id, nil)
	require.NoError(t, err)
	assert.Equal(t, id, b.ID.Int64)
	assert.Equal(t, 1, srv.Logins())

	calls := srv.Calls()
	require.Len(t, calls, 2)
	assert.Equal(t, "/api/login", calls[0].Path)
	assert.Equal(t, http.StatusCreated, calls[0].Status)
	assert.NotContains(t, calls[0].Header, "Authtoken", "the login carries no token")
	assert.Equal(t, http.MethodGet, calls[1].Method)
	assert.NotEmpty(t, calls[1].Header.Get("AuthToken"))
	assert.Equal(t, 1, servedCalls(srv, http.MethodGet, "/api/backups/"+b.ID.String()+"/"))
}
