package erigones_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

// The answer to a write never turns the server's success into an error
// (issue 15, point 5): a member of the result that does not fit its field
// is left absent and logged, and the change is sent once. The shapes are
// those of api/vm/backup/serializers.py and api/vm/define/serializers.py in
// esdc-ce, with one member spoilt.
func TestWriteAnswersKeepTheResult(t *testing.T) {
	t.Parallel()
	t.Run("UpdateNote", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		var logs bytes.Buffer
		c := m.client(erigones.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		m.answer(http.MethodPut, "/vm/web01/backup/daily-20240301_120000/",
			ok(`{"hostname":"web01","name":"daily-20240301_120000","disk_id":"first","note":"kept","size":"12 GB","status":1}`))
		b, err := c.Backups.UpdateNote(context.Background(), "web01", "daily-20240301_120000", "kept", nil)
		require.NoError(t, err, "the note is changed: no error")
		assert.Len(t, m.requests(), 1, "sent once")
		assert.Equal(t, "daily-20240301_120000", b.Name)
		assert.Equal(t, "kept", b.Note.Value)
		assert.False(t, b.DiskID.Valid, "left absent, not 0")
		assert.False(t, b.Size.Valid)
		assert.Contains(t, logs.String(), "level=WARN")
		assert.Contains(t, logs.String(), "/disk_id")
		assert.Contains(t, logs.String(), "/size")
	})
	t.Run("Definitions.Create", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		c := m.client()
		m.answer(http.MethodPost, "/vm/web01/define/backup/daily/",
			reply{http.StatusCreated, `{"status":"SUCCESS","result":{"hostname":"web01","name":"daily","disk_id":1,"retention":"a week","active":true,"schedule":"0 1 * * *"},"task_id":"t1"}`})
		def, err := c.Definitions.Create(context.Background(), "web01", "daily", &erigones.CreateDefinitionOptions{
			Schedule: "0 1 * * *", Retention: new(7),
		})
		require.NoError(t, err, "the definition is made: no error")
		assert.Len(t, m.requests(), 1, "sent once")
		assert.Equal(t, "daily", def.Name)
		assert.False(t, def.Retention.Valid)
		assert.True(t, def.Active.Bool)
	})
	t.Run("not JSON is still an error", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		c := m.client()
		m.answer(http.MethodPut, "/vm/web01/backup/daily-20240301_120000/", reply{http.StatusOK, `<html>`})
		_, err := c.Backups.UpdateNote(context.Background(), "web01", "daily-20240301_120000", "kept", nil)
		var de *erigones.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Len(t, m.requests(), 1, "sent once")
	})
}
