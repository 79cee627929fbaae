package erigones_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	key := erigones.WithAPIKey("k")
	for in, want := range map[string]string{
		"https://my.erigones.com":           "https://my.erigones.com/api",
		"https://my.erigones.com/":          "https://my.erigones.com/api",
		"https://my.erigones.com/api":       "https://my.erigones.com/api",
		"https://my.erigones.com/api/":      "https://my.erigones.com/api",
		"http://10.0.0.1:8000/danube":       "http://10.0.0.1:8000/danube/api",
		"https://my.erigones.com/apiserver": "https://my.erigones.com/apiserver/api",
	} {
		c, err := erigones.NewClient(in, key)
		require.NoError(t, err, in)
		assert.Equal(t, want, c.BaseURL(), in)
	}
}

func TestNewClientErrors(t *testing.T) {
	t.Parallel()
	key := erigones.WithAPIKey("k")
	cases := []struct {
		url  string
		opts []erigones.Option
		want string
	}{
		{"", []erigones.Option{key}, "base URL is empty"},
		{"ftp://x", []erigones.Option{key}, "scheme"},
		{"https://user:pw@x", []erigones.Option{key}, "credentials"},
		{"https://x?a=1", []erigones.Option{key}, "query"},
		{"https://x", nil, "no credentials"},
		{"https://x", []erigones.Option{key, erigones.WithPassword("u", "p")}, "cannot be combined"},
		{"https://x", []erigones.Option{key, erigones.WithToken("t")}, "cannot be combined"},
		{"https://x", []erigones.Option{erigones.WithAPIKey(" ")}, "empty API key"},
		{"https://x", []erigones.Option{erigones.WithPassword("", "p")}, "empty username"},
		{"https://x", []erigones.Option{erigones.WithPassword("u", "")}, "empty password"},
		{"https://x", []erigones.Option{erigones.WithToken("")}, "empty token"},
		{"https://x", []erigones.Option{key, erigones.WithDC("")}, "empty datacenter"},
		{"https://x", []erigones.Option{key, erigones.WithWaitBackoff(nil)}, "WithWaitBackoff: backoff is nil"},
		{"https://x", []erigones.Option{key, erigones.WithHTTPClient(nil)}, "WithHTTPClient: client is nil"},
		{"https://x", []erigones.Option{key, erigones.WithRetryPolicy(erigones.RetryPolicy{MaxRetries: -1})}, "MaxRetries"},
	}
	for _, tc := range cases {
		_, err := erigones.NewClient(tc.url, tc.opts...)
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
		assert.Contains(t, err.Error(), "erigones: ")
	}
}

func TestNewClientDoesNoIO(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		m.record(r)
		return nil, errors.New("unexpected request")
	})
	c, err := erigones.NewClient(root, erigones.WithHTTPClient(m.httpClient()), erigones.WithPassword("u", "p"))
	require.NoError(t, err)
	assert.NotNil(t, c.Backups)
	assert.Empty(t, m.requests(), "no login until the first call")
}

func TestSecretsNotPrinted(t *testing.T) {
	t.Parallel()
	c, err := erigones.NewClient("https://x", erigones.WithPassword("admin", "hunter2"), erigones.WithToken("tok-secret"))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		s := fmt.Sprintf(verb, c)
		assert.NotContains(t, s, "hunter2")
		assert.NotContains(t, s, "tok-secret")
	}
	assert.Equal(t, "", c.DC())
}

func TestValidation(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"daily", "a", "A1.b_c-d", "12345678"} {
		assert.NoError(t, erigones.ValidateDefinitionName(name), name)
	}
	for _, name := range []string{"", "123456789", "-daily", ".x", "_x", "da ily", "dä", "a/b"} {
		var v *erigones.ValidationError
		assert.ErrorAs(t, erigones.ValidateDefinitionName(name), &v, name)
	}
	assert.NoError(t, erigones.ValidateBackupName("daily-20131014_133701"))
	assert.NoError(t, erigones.ValidateBackupName("weekly00-20131014_133701"))
	assert.Error(t, erigones.ValidateBackupName("weekly000-20131014_133701"), "25 characters")
	assert.Error(t, erigones.ValidateBackupName("../etc"))

	// Calls refuse such names before sending anything.
	m := newMock(t)
	c := m.client()
	ctx := context.Background()
	var v *erigones.ValidationError
	calls := map[string]error{}
	_, calls["definition get"] = c.Definitions.Get(ctx, vmHost, "toolong99", nil)
	_, calls["definition create"] = c.Definitions.Create(ctx, vmHost, "bad name", nil)
	_, calls["definition update"] = c.Definitions.Update(ctx, vmHost, "", nil)
	calls["definition delete"] = c.Definitions.Delete(ctx, vmHost, "-x", nil)
	_, calls["backup get"] = c.Backups.Get(ctx, vmHost, "x/y", nil)
	_, calls["backup create"] = c.Backups.Create(ctx, vmHost, "123456789", nil)
	_, calls["backup restore"] = c.Backups.Restore(ctx, vmHost, "weekly000-20131014_133701", nil)
	_, calls["backup note"] = c.Backups.UpdateNote(ctx, vmHost, "", "n", nil)
	_, calls["backup delete"] = c.Backups.Delete(ctx, vmHost, "..", nil)
	_, calls["backups delete many"] = c.Backups.DeleteMany(ctx, vmHost, []string{"ok-1", "not ok"}, nil)
	for name, err := range calls {
		assert.ErrorAs(t, err, &v, name)
	}
	_, err := c.Backups.DeleteMany(ctx, vmHost, nil, nil)
	assert.Error(t, err)
	assert.Empty(t, m.requests())
	assert.Equal(t, `erigones: invalid bkpdef "toolong99": longer than 8 characters`, calls["definition get"].Error())
}

func TestPathParamsAreEscaped(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/a%2Fb/backup/", ok(`[]`))
	c := m.client()
	_, err := c.Backups.ListNames(context.Background(), "a/b", nil)
	require.NoError(t, err)
	assert.Equal(t, "/danube/api/vm/a%2Fb/backup/", m.only().Path)
	_, err = c.Backups.ListNames(context.Background(), "..", nil)
	assert.Error(t, err)
	_, err = c.Backups.ListNames(context.Background(), "", nil)
	assert.Error(t, err)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("a read is retried on 503", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		m.answer(http.MethodGet, "/vm/web01.example.com/backup/", detail(http.StatusServiceUnavailable, "down"), ok(`["a"]`))
		names, err := m.client().Backups.ListNames(context.Background(), vmHost, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"a"}, names)
		assert.Len(t, m.requests(), 2)
	})
	for _, tc := range []struct {
		name   string
		method string
		path   string
		run    func(*erigones.Client) error
	}{
		{"create", http.MethodPost, "/vm/web01.example.com/backup/daily/", func(c *erigones.Client) error {
			_, err := c.Backups.Create(context.Background(), vmHost, "daily", nil)
			return err
		}},
		{"restore", http.MethodPut, "/vm/web01.example.com/backup/daily-1/", func(c *erigones.Client) error {
			_, err := c.Backups.Restore(context.Background(), vmHost, "daily-1", &erigones.RestoreBackupOptions{TargetHostnameOrUUID: "x", TargetDiskID: 1})
			return err
		}},
		{"delete", http.MethodDelete, "/vm/web01.example.com/backup/daily-1/", func(c *erigones.Client) error {
			_, err := c.Backups.Delete(context.Background(), vmHost, "daily-1", nil)
			return err
		}},
		{"delete many", http.MethodDelete, "/vm/web01.example.com/backup/", func(c *erigones.Client) error {
			_, err := c.Backups.DeleteMany(context.Background(), vmHost, []string{"daily-1"}, nil)
			return err
		}},
	} {
		t.Run("a task is never started twice: "+tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.answer(tc.method, tc.path, detail(http.StatusBadGateway, "bad gateway"), pending(taskID))
			err := tc.run(m.client())
			assert.True(t, erigones.HasStatus(err, http.StatusBadGateway), "%v", err)
			assert.Len(t, m.requests(), 1)
		})
	}
	t.Run("429 is retried for a task too", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		m.answer(http.MethodPost, "/vm/web01.example.com/backup/daily/", detail(http.StatusTooManyRequests, "Request was throttled."), pending(taskID))
		_, err := m.client().Backups.Create(context.Background(), vmHost, "daily", nil)
		require.NoError(t, err)
		assert.Len(t, m.requests(), 2)
	})
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.mt.RegisterResponder(http.MethodGet, apiRoot+"/vm/web01.example.com/backup/", func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset by peer")
	})
	_, err := m.client().Backups.ListNames(context.Background(), vmHost, nil)
	var te *erigones.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 3, te.Attempts)
}

func TestEnums(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ok", erigones.BackupStatusOK.String())
	assert.Equal(t, "pending", erigones.BackupStatusPending.String())
	assert.Equal(t, "restore", erigones.BackupStatusRestore.String())
	assert.Equal(t, "lost", erigones.BackupStatusLost.String())
	assert.Equal(t, "BackupStatus(9)", erigones.BackupStatus(9).String())
	assert.Equal(t, "dataset", erigones.BackupTypeDataset.String())
	assert.Equal(t, "file", erigones.BackupTypeFile.String())
	// Zero is what a null or absent member leaves: it prints as absent and
	// Get says so.
	assert.Equal(t, "(absent)", erigones.BackupType(0).String())
	assert.Equal(t, "(absent)", erigones.BackupStatus(0).String())
	_, ok := erigones.BackupStatus(0).Get()
	assert.False(t, ok)
	st, ok := erigones.BackupStatusLost.Get()
	assert.True(t, ok)
	assert.Equal(t, erigones.BackupStatusLost, st)
	assert.Equal(t, erigones.BackupTypeDataset, erigones.BackupType(0).Or(erigones.BackupTypeDataset))
	assert.Equal(t, erigones.BackupTypeFile, erigones.BackupTypeFile.Or(erigones.BackupTypeDataset))
	assert.Equal(t, erigones.BackupStatusOK, erigones.BackupStatus(0).Or(erigones.BackupStatusOK))
	for c, s := range map[erigones.Compression]string{0: "none", 1: "gzip", 2: "bzip2", 3: "xz", 7: "Compression(7)"} {
		assert.Equal(t, s, c.String())
	}
	assert.Equal(t, 1, int(erigones.BackupStatusOK))
	assert.Equal(t, 4, int(erigones.BackupStatusLost))
	assert.Equal(t, 2, int(erigones.BackupTypeFile))
	assert.Equal(t, 3, int(erigones.CompressionXZ))
	assert.True(t, erigones.TaskSuccess.Final())
	assert.True(t, erigones.TaskFailure.Final())
	assert.True(t, erigones.TaskRevoked.Final())
	assert.False(t, erigones.TaskPending.Final())
	assert.False(t, erigones.TaskStarted.Final())
}

// TestTolerantDecoding: numbers sent as strings, nulls and unknown members.
func TestTolerantDecoding(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", ok(`[{"hostname": "h", "status": "2", "type": "2", "size": "12",
		"time": null, "created": "2024-02-03T04:05:06.789+00:00", "vm": null, "extra": {"x": 1}, "Name": "n"}]`))
	b, err := m.client().Backups.List(context.Background(), vmHost, nil)
	require.NoError(t, err)
	require.Len(t, b, 1)
	assert.Equal(t, erigones.BackupStatusPending, b[0].Status)
	assert.Equal(t, erigones.BackupTypeFile, b[0].Type)
	assert.Equal(t, int64(12), b[0].Size.Or(0))
	assert.False(t, b[0].Time.Valid)
	assert.False(t, b[0].OK())
	assert.Equal(t, "n", b[0].Name)
	assert.Equal(t, 2024, b[0].Created.Time.Year())
}

func TestLoggerAndUserAgent(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", detail(http.StatusServiceUnavailable, "down"), ok(`[]`))
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := m.client(erigones.WithLogger(logger), erigones.WithUserAgent("backup-cli/1.2"))
	_, err := c.Backups.ListNames(context.Background(), vmHost, nil)
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "retrying")
	assert.Contains(t, buf.String(), "provider=erigones")
	assert.NotContains(t, buf.String(), apiKey)
	ua := m.requests()[0].Header.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "backupsdk/"), ua)
	assert.True(t, strings.HasSuffix(ua, " erigones backup-cli/1.2"), ua)
	assert.Equal(t, 4, erigones.DefaultRetryPolicy().MaxRetries)
}
