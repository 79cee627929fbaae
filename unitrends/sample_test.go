package unitrends_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
)

// The documented sample is not valid JSON: a comma is missing after
// "size": 518. Decoding it must fail with an error that says where.
func TestDocumentedSampleIsMalformed(t *testing.T) {
	t.Parallel()
	sample := golden.Read(t, "post-backups-sample.json")

	_, err := unitrends.DecodeBackups(sample, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `after object value (expecting ',' or '}')`)
	assert.Contains(t, err.Error(), `/backups/0`, "the error names the backup that broke")

	// Through the client: a *DecodeError with status, content type and
	// the start of the body, wrapping the same syntax error.
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, base+"/api/login", (&loginResponder{}).responder())
	var rec recorder
	mt.RegisterResponder(http.MethodPost, base+"/api/backups", rec.respond(http.StatusOK, string(sample)))
	_, err = c.Backups.List(ctx(t), nil)
	var decErr *unitrends.DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Equal(t, http.StatusOK, decErr.StatusCode)
	assert.Equal(t, "application/json", decErr.ContentType)
	assert.Contains(t, decErr.Snippet, `"backups"`)
	assert.Contains(t, err.Error(), "unitrends: POST /appliance/api/backups: cannot decode 200 response")
	assert.Contains(t, err.Error(), `after object value (expecting ',' or '}')`)
	var apiErr *unitrends.APIError
	assert.False(t, errors.As(err, &apiErr), "a malformed success body is not an API error")
}

// A copy of the sample with the one missing comma added decodes to the
// documented values.
func TestDocumentedSampleCorrected(t *testing.T) {
	t.Parallel()
	sample := golden.Read(t, "post-backups-sample.json")
	fixed := golden.Read(t, "post-backups-sample-fixed.json")
	require.Equal(t, bytes.Replace(sample, []byte(`"size": 518`), []byte(`"size": 518,`), 1), fixed,
		"the corrected copy differs from the sample by the comma only")

	bs, err := unitrends.DecodeBackups(fixed, nil)
	require.NoError(t, err)
	require.Len(t, bs, 1)
	b := bs[0]
	assert.Equal(t, unitrends.Int{Int64: 220, Valid: true}, b.ID)
	assert.Equal(t, "Differential", b.Type)
	assert.Equal(t, int64(2), b.ClientID.Int64)
	assert.Equal(t, "win32", b.ClientName)
	assert.Equal(t, int64(23), b.InstanceID.Int64)
	assert.Equal(t, "file-level", b.InstanceName.Value)
	assert.True(t, b.StartDateTime.Valid)
	assert.Equal(t, time.Date(2014, time.October, 14, 9, 32, 0, 0, time.UTC), b.StartDateTime.Time)
	assert.Equal(t, "10/14/2014 09:32 am", b.StartDateTime.Text)
	assert.Equal(t, 28*time.Second, b.Duration.Duration)
	assert.True(t, b.Duration.Valid)
	assert.Equal(t, unitrends.BackupStatusSuccess, b.Status)
	assert.True(t, b.Complete.Bool && b.Complete.Valid)
	assert.Equal(t, int64(518), b.SizeMB.Int64)
	assert.Equal(t, int64(2462), b.Files.Int64)
	assert.False(t, b.Encrypted.Bool)
	assert.True(t, b.Encrypted.Valid)
	assert.Equal(t, unitrends.ReplicationStatus(""), b.ReplicationStatus, `"N/A" is absent`)
	assert.True(t, b.Verified.Bool)
	assert.Equal(t, unitrends.VerifySuccessful, b.VerifyStatus, `"Success" is the documented "Successful"`)
	assert.True(t, b.SynthCapable.Bool)
	assert.True(t, b.VMwareTemplate.Valid, "vm_ware_template lands in VMwareTemplate")
	assert.False(t, b.VMwareTemplate.Bool)
	assert.False(t, b.Certified.Bool)
	assert.False(t, b.SyncSizeMB.Valid, "not sent, so absent")
	assert.Empty(t, b.Extra, "every member of the sample is known")
	golden.AssertJSON(t, "post-backups-sample-fixed", bs)
}

// The template flag has two spellings; both land in VMwareTemplate, and
// neither is left over in Extra.
func TestTemplateSpellings(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`[{"id": 1, "vmware_template": true}]`,
		`[{"id": 1, "vm_ware_template": true}]`,
		`{"backups": [{"id": 1, "VM_Ware_Template": "1"}]}`,
	} {
		bs, err := unitrends.DecodeBackups([]byte(body), nil)
		require.NoError(t, err, body)
		require.Len(t, bs, 1)
		assert.Equal(t, unitrends.Bool{Bool: true, Valid: true}, bs[0].VMwareTemplate, body)
		assert.Empty(t, bs[0].Extra, body)
	}
}
