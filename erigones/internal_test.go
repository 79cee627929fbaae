package erigones

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// TestRoutes expands every route once: each ends with a slash and escapes
// its parameters.
func TestRoutes(t *testing.T) {
	t.Parallel()
	routes := []struct {
		name   string
		tmpl   string
		params []string
	}{
		{"login", pathLogin, nil},
		{"logout", pathLogout, nil},
		{"definitions of all VMs", pathDefinitionsAllVMs, nil},
		{"definitions of a VM", pathVMDefinitions, []string{"web01.example.com"}},
		{"definition", pathVMDefinition, []string{"web01.example.com", "daily"}},
		{"backups of a VM", pathVMBackups, []string{"0bcc0915-2d5f-4cc0-8534-bd367376cf2d"}},
		{"backup", pathVMBackup, []string{"web01.example.com", "daily-20131014_133701"}},
		{"node definitions", pathNodeDefinitions, []string{"node99.example.com"}},
		{"node backups", pathNodeBackups, []string{"node99.example.com"}},
		{"tasks", pathTasks, nil},
		{"task status", pathTaskStatus, []string{"1e1d1-6f75849b-11b8-4bf1-8f66"}},
		{"task done", pathTaskDone, []string{"1e1d1-6f75849b-11b8-4bf1-8f66"}},
		{"task cancel", pathTaskCancel, []string{"1e1d1-6f75849b-11b8-4bf1-8f66"}},
		{"escaped", pathVMBackup, []string{"a/b?c", "x#y"}},
	}
	table := map[string]string{}
	for _, r := range routes {
		p, err := core.ExpandPath(r.tmpl, r.params...)
		require.NoError(t, err, r.name)
		assert.True(t, strings.HasPrefix(p, "/") && strings.HasSuffix(p, "/"), r.name)
		table[r.name] = p
	}
	golden.AssertJSON(t, "routes", table)
	_, err := core.ExpandPath(pathVMBackup, "web01", "..")
	assert.ErrorIs(t, err, core.ErrInvalidPathParam)
}

func TestDecodeEnvelope(t *testing.T) {
	t.Parallel()
	good := map[string]envelope{
		`{"status": "SUCCESS", "result": ["a"], "task_id": "x"}`:  {TaskSuccess, []byte(`["a"]`), "x"},
		`{"status": "pending", "task_id": "x"}`:                   {TaskPending, nullJSON(), "x"},
		`{"status": "RETRY", "result": null, "task_id": null}`:    {TaskPending, []byte(`null`), ""},
		`{"status": "STARTED", "result": "msg", "task_id": 12}`:   {TaskStarted, []byte(`"msg"`), "12"},
		`{"status": "FAILURE", "result": {"a": ["b"]}}`:           {TaskFailure, []byte(`{"a": ["b"]}`), ""},
		` {"status":"REVOKED","result":null,"task_id":"t","x":1}`: {TaskRevoked, []byte(`null`), "t"},
	}
	for in, want := range good {
		got, err := decodeEnvelope([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want.Status, got.Status, in)
		assert.Equal(t, string(want.Result), string(got.Result), in)
		assert.Equal(t, want.TaskID, got.TaskID, in)
	}
	for _, in := range []string{``, `  `, `[]`, `"x"`, `{}`, `{"result": 1}`, `{"status": 200}`, `{"status": "DONE"}`, `{"status": "SUCCESS", "result": }`, `<html>`} {
		_, err := decodeEnvelope([]byte(in))
		assert.Error(t, err, in)
	}
}

func TestParseAPIError(t *testing.T) {
	t.Parallel()
	// A failed task's result as esdc-ce que/exceptions.py TaskException
	// leaves it: stderr in message, the summary in detail.
	body := []byte(`{"status": "FAILURE", "result": {"message": "zfs: stream broken", "detail": "Got bad return code (1). Error: zfs: stream broken", "non_field_errors": ["limit reached"], "retention": ["too big"]}, "task_id": "t-1"}`)
	e := core.NewAPIError(provider, http.MethodPost, "https://x/api/vm/", http.StatusBadRequest, nil, body)
	parseAPIError(e, body)
	assert.Equal(t, "t-1", e.RequestID)
	assert.Equal(t, "Got bad return code (1). Error: zfs: stream broken", e.Messages[0], "the summary first")
	assert.Contains(t, e.Messages, "zfs: stream broken")
	assert.Contains(t, e.Messages, "limit reached")
	assert.Contains(t, e.Messages, "retention: too big")
	assert.Equal(t, map[string][]string{"retention": {"too big"}}, e.Fields)
	assert.Equal(t, strings.Join(e.Messages, "; "), e.Message)

	for _, odd := range []string{``, `x`, `[]`, `{"result": "x", "task_id": 5}`, `{"result": {"message": 5}}`} {
		e := core.NewAPIError(provider, http.MethodGet, "", http.StatusBadRequest, nil, []byte(odd))
		assert.NotPanics(t, func() { parseAPIError(e, []byte(odd)) }, odd)
	}
}

// fuzzSeeds are the documented samples' bodies and the odd shapes of the notes.
func fuzzSeeds(t testing.TB) [][]byte {
	t.Helper()
	seeds := [][]byte{
		[]byte(`{"status": "PENDING", "result": null, "task_id": "1e1d1-6f75849b-11b8-4bf1-8f66"}`),
		[]byte(`{"status": "FAILURE", "result": {"name": ["Enter a valid value."]}, "task_id": "x"}`),
		[]byte(`{"status": "FAILURE", "result": {"non_field_errors": ["x"]}, "task_id": null}`),
		[]byte(`{"status": "REVOKED", "result": null, "task_id": "t"}`),
		[]byte(`{"status": "SUCCESS", "result": [{"disk_id": "1", "status": "4", "size": null, "created": "n/a"}], "task_id": "x"}`),
		[]byte(`{"status": "SUCCESS", "result": "Backup successfully deleted", "task_id": 1}`),
		[]byte(`{"status": "SUCCESS", "status": "FAILURE", "result": {}}`),
		[]byte("{\"status\": \"SUCCESS\", \"result\": [\"\xff\xfe\"]}"),
		[]byte(`{"detail": "Invalid token."}`),
		[]byte(`{"token": "abc", "expires": "2024-01-01T00:00:00+00:00"}`),
		[]byte(`[]`),
		[]byte(``),
	}
	for _, name := range []string{"sample-vm-define-backup-list.json", "sample-vm-define-backup-create.json",
		"sample-vm-backup-list.json", "sample-vm-backup-create.json", "task-failure.json"} {
		var s struct {
			Text json.RawMessage `json:"text"`
		}
		b := golden.Read(t, name)
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(s.Text) > 0 {
			seeds = append(seeds, s.Text)
		} else {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzDecodeEnvelope feeds any body to the envelope decoder and to every
// decoding of its result: nothing may panic, and a decoded envelope always
// has a known status and a valid raw result.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			return
		}
		switch env.Status {
		case TaskPending, TaskStarted, TaskSuccess, TaskFailure, TaskRevoked:
		default:
			t.Fatalf("unknown status %q accepted", env.Status)
		}
		if len(env.Result) == 0 {
			t.Fatal("empty result, want null at least")
		}
		var defs []BackupDefinition
		_ = (&TaskResult{Result: RawJSON(env.Result)}).Decode(&defs)
		var bkps []Backup
		_ = (&TaskResult{Result: RawJSON(env.Result)}).Decode(&bkps)
		var def BackupDefinition
		_ = (&TaskResult{Result: RawJSON(env.Result)}).Decode(&def)
		var names []string
		_ = (&TaskResult{Result: RawJSON(env.Result)}).Decode(&names)
		r := &TaskResult{TaskID: env.TaskID, Status: env.Status, Result: RawJSON(env.Result)}
		out := r.Output()
		_, _ = out.DetailValue("name")
		if err := r.Err(); (err != nil) != (env.Status == TaskFailure || env.Status == TaskRevoked) {
			t.Fatalf("status %s gave error %v", env.Status, err)
		}
	})
}

// FuzzParseAPIError feeds any error body to the core parser and this
// package's refinement.
func FuzzParseAPIError(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := core.NewAPIError(provider, http.MethodGet, "https://x/api/task/", http.StatusBadRequest, nil, body)
		parseAPIError(e, body)
		if e.Message != strings.Join(e.Messages, "; ") {
			t.Fatalf("Message %q does not join Messages %q", e.Message, e.Messages)
		}
		if _, ok := e.Fields["non_field_errors"]; ok {
			t.Fatal("non_field_errors left as a field")
		}
		_ = e.Error()
	})
}

func TestLocalExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	srvNow := now.Add(-3 * time.Hour) // the server's clock is 3 hours behind
	exp := codec.NewTime(srvNow.Add(time.Hour))
	assert.Equal(t, now.Add(time.Hour), localExpiry(exp, srvNow.Format(http.TimeFormat), now), "skew corrected")
	assert.True(t, localExpiry(exp, "", now).IsZero(), "in the past without a Date: unknown")
	assert.Equal(t, now.Add(time.Hour), localExpiry(codec.NewTime(now.Add(time.Hour)), "garbage", now))
	assert.True(t, localExpiry(codec.Time{}, srvNow.Format(http.TimeFormat), now).IsZero())
	assert.True(t, localExpiry(codec.NewTime(now.Add(time.Minute)), "", now).IsZero(), "too short to be of use")
}

// TestDefaultWaitBackoff: without WithWaitBackoff a wait polls as the es
// client does (esdc-ce bin/es): after 1, 3, 6, 12 and 30 seconds, then
// every 30 seconds.
func TestDefaultWaitBackoff(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://x", WithAPIKey("k"))
	require.NoError(t, err)
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, c.wait(n))
	}
	assert.Equal(t, []time.Duration{time.Second, 3 * time.Second, 6 * time.Second, 12 * time.Second,
		30 * time.Second, 30 * time.Second, 30 * time.Second}, got)
}
