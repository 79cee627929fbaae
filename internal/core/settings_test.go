package core_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	var s core.Settings
	assert.EqualError(t, s.SetHTTPClient(nil), "WithHTTPClient: client is nil")
	assert.EqualError(t, s.SetLogger(nil), "WithLogger: logger is nil")
	assert.EqualError(t, s.SetUserAgent("ok\r\nX-Injected: 1"), "WithUserAgent: must not contain line breaks")
	assert.ErrorContains(t, s.SetRetryPolicy(core.RetryPolicy{MaxRetries: -1}), "WithRetryPolicy: retry policy: MaxRetries is -1")
	assert.Equal(t, core.Settings{}, s, "a refused value changes nothing")

	hc, l := &http.Client{}, slog.Default()
	p := core.RetryPolicy{MaxRetries: 1, MaxWait: time.Second}
	require.NoError(t, s.SetHTTPClient(hc))
	require.NoError(t, s.SetLogger(l))
	require.NoError(t, s.SetUserAgent("backupctl/1.0"))
	require.NoError(t, s.SetRetryPolicy(p))
	assert.Same(t, hc, s.HTTPClient)
	assert.Same(t, l, s.Logger)
	assert.Equal(t, "backupctl/1.0", s.UserAgent)
	assert.Equal(t, p, *s.Retry)
}

func TestSetWaitBackoff(t *testing.T) {
	t.Parallel()
	var s core.Settings
	require.EqualError(t, s.SetWaitBackoff(nil), "WithWaitBackoff: backoff is nil")
	assert.Nil(t, s.WaitBackoff)
	require.NoError(t, s.SetWaitBackoff(core.ScheduleBackoff(time.Second)))
	assert.Equal(t, time.Second, s.WaitBackoff(3))
}
