package onapp_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/onapp"
)

// A restore whose 201 arrives but whose body is cut off is scheduled, as
// its doc says: an error would invite a second restore.
func TestRestoreWithCutOffBodyCountsAsScheduled(t *testing.T) {
	t.Parallel()
	const backupJSON = `{"backup":{"id":2001,"built":true,"note":"before the upgrade"}}`
	const backupXML = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<backup><id type="integer">2001</id><built type="boolean">true</built><note>before the upgrade</note></backup>`
	cases := []struct {
		name   string
		format onapp.Format
		// answer writes the raw HTTP answer on the connection, then it is closed.
		answer func(w io.Writer)
	}{
		{"JSON document cut off", onapp.JSON, func(w io.Writer) { rawAnswer(w, backupJSON[:30], len(backupJSON[:30])) }},
		{"XML document cut off", onapp.XML, func(w io.Writer) { rawXMLAnswer(w, backupXML[:70], len(backupXML[:70])) }},
		{"JSON connection closed mid-body", onapp.JSON, func(w io.Writer) { rawAnswer(w, backupJSON[:30], len(backupJSON)) }},
		{"XML connection closed mid-body", onapp.XML, func(w io.Writer) { rawXMLAnswer(w, backupXML[:70], len(backupXML)) }},
		{"connection closed before any body", onapp.JSON, func(w io.Writer) { rawAnswer(w, "", len(backupJSON)) }},
		{"chunked body cut off", onapp.JSON, func(w io.Writer) {
			_, _ = fmt.Fprintf(w, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", 20, backupJSON[:20])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url, hits := rawServer(t, tc.answer)
			c, err := onapp.NewClient(url, onapp.WithPassword(user, password), onapp.WithFormat(tc.format), onapp.WithRetryPolicy(fastRetry))
			require.NoError(t, err)
			res, err := c.Backups.Restore(context.Background(), 2001)
			require.NoError(t, err, "a 201 is a scheduled restore, whatever its body")
			assert.True(t, res.Scheduled)
			assert.Equal(t, http.StatusCreated, res.StatusCode)
			assert.Nil(t, res.Backup, "nothing made up from a partial body")
			require.Error(t, res.BodyErr, "the caller can tell the body was not read")
			assert.Equal(t, int64(1), hits.Load(), "sent once")
		})
	}
}

// A restore whose body is read whole reports no BodyErr.
func TestRestoreWholeBodyHasNoBodyErr(t *testing.T) {
	t.Parallel()
	const body = `{"backup":{"id":2001,"built":true}}`
	url, _ := rawServer(t, func(w io.Writer) { rawAnswer(w, body, len(body)) })
	c, err := onapp.NewClient(url, onapp.WithPassword(user, password), onapp.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	res, err := c.Backups.Restore(context.Background(), 2001)
	require.NoError(t, err)
	require.NotNil(t, res.Backup)
	assert.Equal(t, int64(2001), res.Backup.ID.Int64)
	assert.NoError(t, res.BodyErr)
}

// A connection that breaks before the status arrives is not a scheduled
// restore: the outcome is unknown, and the error says so.
func TestRestoreBrokenBeforeStatusIsAnError(t *testing.T) {
	t.Parallel()
	url, hits := rawServer(t, func(w io.Writer) { _, _ = io.WriteString(w, "HTTP/1.1 20") })
	c, err := onapp.NewClient(url, onapp.WithPassword(user, password), onapp.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	res, err := c.Backups.Restore(context.Background(), 2001)
	var te *onapp.TransportError
	require.ErrorAs(t, err, &te)
	assert.Nil(t, res)
	assert.Equal(t, int64(1), hits.Load(), "sent once")
}

// rawAnswer writes a 201 with the given Content-Length and body.
func rawAnswer(w io.Writer, body string, contentLength int) {
	_, _ = fmt.Fprintf(w, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", contentLength, body)
}

// rawXMLAnswer is rawAnswer in XML.
func rawXMLAnswer(w io.Writer, body string, contentLength int) {
	_, _ = fmt.Fprintf(w, "HTTP/1.1 201 Created\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s", contentLength, body)
}

// rawServer reads each request whole, lets answer write raw bytes, then
// closes the connection. It counts the requests.
func rawServer(t *testing.T, answer func(w io.Writer)) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		answer(buf)
		_ = buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimSuffix(srv.URL, "/"), &hits
}
