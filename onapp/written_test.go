package onapp_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/onapp"
)

// The answer to a write never turns the server's success into an error
// (issue 15, point 5): members that do not fit their fields are left
// absent and named, the id is kept, and the write is sent once.
func TestWriteAnswersKeepTheResult(t *testing.T) {
	t.Parallel()
	const (
		jsonCT = "application/json; charset=utf-8"
		xmlCT  = "application/xml; charset=utf-8"
	)
	type answer struct {
		format onapp.Format
		ct     string
		body   string
	}
	cases := []struct {
		name string
		answer
		wantID     int64 // 0: no id could be read
		wantFields []string
		check      func(t *testing.T, b *onapp.Backup)
	}{
		{
			name: "JSON size not a number",
			// The documents type backup_size as an integer; a server
			// that prints "12 GB" must not cost the caller the new id.
			answer: answer{onapp.JSON, jsonCT, `{"backup":{"id":2001,"backup_size":"12 GB","built":false,"note":"nightly"}}`},
			wantID: 2001, wantFields: []string{"/backup_size"},
			check: func(t *testing.T, b *onapp.Backup) {
				assert.False(t, b.BackupSize.Valid, "left absent, not 0")
				assert.Equal(t, "nightly", b.Note.Value, "the other members are kept")
				assert.True(t, b.Built.Valid)
			},
		},
		{
			name:   "JSON two bad members",
			answer: answer{onapp.JSON, jsonCT, `{"backup":{"id":2001,"created_at":"yesterday","built":"maybe"}}`},
			wantID: 2001, wantFields: []string{"/created_at", "/built"},
			check: func(t *testing.T, b *onapp.Backup) {
				assert.False(t, b.CreatedAt.Valid)
				assert.False(t, b.Built.Valid)
			},
		},
		{
			name: "XML size not a number",
			// encoding/xml cannot skip one element: the id is read on
			// its own, and the reason is kept.
			answer: answer{onapp.XML, xmlCT, `<?xml version="1.0" encoding="UTF-8"?><backup><id type="integer">2001</id><backup_size type="integer">12 GB</backup_size></backup>`},
			wantID: 2001,
		},
		{
			name:   "JSON not a backup",
			answer: answer{onapp.JSON, "text/html", `<html>Created</html>`},
		},
		{
			name:       "JSON id unreadable",
			answer:     answer{onapp.JSON, jsonCT, `{"backup":{"id":"two","built":false}}`},
			wantFields: []string{"/id"},
		},
	}
	calls := []struct {
		name   string
		method string
		path   string
		do     func(ctx context.Context, c *onapp.Client) (*onapp.Backup, error, error)
	}{
		{"CreateNormal", http.MethodPost, "/settings/disks/7/backups", func(ctx context.Context, c *onapp.Client) (*onapp.Backup, error, error) {
			res, err := c.Backups.CreateNormal(ctx, 7, nil)
			if err != nil {
				return nil, nil, err
			}
			assert.True(t, res.Scheduled)
			return res.Backup, res.BodyErr, nil
		}},
		{"CreateIncremental", http.MethodPost, "/virtual_machines/9/backups", func(ctx context.Context, c *onapp.Client) (*onapp.Backup, error, error) {
			res, err := c.Backups.CreateIncremental(ctx, 9, nil)
			if err != nil {
				return nil, nil, err
			}
			assert.True(t, res.Scheduled)
			return res.Backup, res.BodyErr, nil
		}},
		{"Restore", http.MethodPost, "/backups/2001/restore", func(ctx context.Context, c *onapp.Client) (*onapp.Backup, error, error) {
			res, err := c.Backups.Restore(ctx, 2001)
			if err != nil {
				return nil, nil, err
			}
			assert.True(t, res.Scheduled)
			return res.Backup, res.BodyErr, nil
		}},
	}
	for _, call := range calls {
		for _, tc := range cases {
			if call.name == "Restore" && tc.wantID == 0 && tc.wantFields != nil {
				continue // a restore's Backup is kept only with its id
			}
			t.Run(call.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, tc.format)
				rec := &recorder{}
				mt.RegisterResponder(call.method, base+call.path+ext(tc.format), rec.answer(http.StatusCreated, tc.body, tc.ct))
				b, bodyErr, err := call.do(context.Background(), c)
				require.NoError(t, err, "a 201 is a done write, whatever its body")
				assert.Equal(t, 1, len(rec.all()), "sent once")
				require.Error(t, bodyErr, "the caller can tell the body was not read whole")
				var de *onapp.DecodeError
				assert.ErrorAs(t, bodyErr, &de)
				if tc.wantID == 0 && call.name == "Restore" {
					assert.Nil(t, b)
				}
				if tc.wantID != 0 {
					require.NotNil(t, b)
					id, ok := b.ID.Get()
					assert.True(t, ok)
					assert.Equal(t, tc.wantID, id)
				} else if b != nil {
					assert.False(t, b.ID.Valid, "no id is made up")
				}
				var fe onapp.FieldErrors
				if tc.wantFields != nil {
					require.True(t, errors.As(bodyErr, &fe), "%v", bodyErr)
					assert.Equal(t, tc.wantFields, fe.Paths())
					for _, p := range tc.wantFields {
						assert.Contains(t, bodyErr.Error(), p, "the error names the member")
					}
				}
				if tc.check != nil {
					tc.check(t, b)
				}
			})
		}
	}
}

// An error document inside a 201 is still the control panel's refusal.
func TestWriteAnswerErrorDocumentIsAnAPIError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, onapp.JSON)
	rec := &recorder{}
	mt.RegisterResponder(http.MethodPost, base+"/settings/disks/7/backups.json",
		rec.answer(http.StatusCreated, `{"errors":["Disk is locked"]}`, "application/json"))
	_, err := c.Backups.CreateNormal(context.Background(), 7, nil)
	var apiErr *onapp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Messages, "Disk is locked")
}

// ConvertToTemplate keeps the new template's id when a member does not fit.
func TestConvertAnswerKeepsTheTemplate(t *testing.T) {
	t.Parallel()
	for _, f := range []onapp.Format{onapp.JSON, onapp.XML} {
		body := `{"image_template":{"id":5001,"label":"golden","template_size":"1.5 GB"}}`
		ct := "application/json"
		if f == onapp.XML {
			body = `<image_template><id type="integer">5001</id><label>golden</label><template_size type="integer">1.5 GB</template_size></image_template>`
			ct = "application/xml"
		}
		c, mt := newMockClient(t, f)
		rec := &recorder{}
		mt.RegisterResponder(http.MethodPost, base+"/backups/698/convert"+ext(f), rec.answer(http.StatusCreated, body, ct))
		res, err := c.Backups.ConvertToTemplate(context.Background(), 698, &onapp.ConvertBackupOptions{Label: "golden"})
		require.NoError(t, err)
		assert.Equal(t, 1, len(rec.all()))
		id, ok := res.ID()
		assert.True(t, ok)
		assert.Equal(t, int64(5001), id)
		require.Error(t, res.BodyErr)
		assert.False(t, res.Template.TemplateSize.Valid)
		if f == onapp.JSON {
			assert.Equal(t, "golden", res.Template.Label.Value)
			assert.Contains(t, res.BodyErr.Error(), "/template_size")
		}
	}
}
