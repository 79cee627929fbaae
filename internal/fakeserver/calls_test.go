package fakeserver_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// Every request is in Calls as it arrived, with the status it got; the
// handler still reads the whole body.
func TestCallsRecordWhatArrived(t *testing.T) {
	t.Parallel()
	var seenBody string
	s, err := fakeserver.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seenBody = string(b)
		w.WriteHeader(http.StatusCreated)
	}), fakeserver.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	hc := s.HTTPClient()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/vm/web%2001/backup/?full=true&x=a%20b", strings.NewReader(`{"note":"n"}`))
	req.Header.Set("ES-API-KEY", "k")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, `{"note":"n"}`, seenBody, "the handler reads the body the log kept")

	s.InjectFault(1, fakeserver.Fault{Status: http.StatusServiceUnavailable})
	resp, err = hc.Get(s.URL() + "/busy")
	require.NoError(t, err)
	_ = resp.Body.Close()
	s.InjectFault(1, fakeserver.Fault{Reset: true})
	// A POST, which net/http does not send again on a dropped connection.
	_, err = hc.Post(s.URL()+"/gone", "text/plain", strings.NewReader("x"))
	require.Error(t, err)

	calls := s.Calls()
	require.Len(t, calls, 3)
	c := calls[0]
	assert.Equal(t, http.MethodPost, c.Method)
	assert.Equal(t, "/api/vm/web%2001/backup/", c.Path)
	assert.Equal(t, "full=true&x=a%20b", c.RawQuery)
	assert.Equal(t, "k", c.Header.Get("ES-API-KEY"))
	assert.Equal(t, `{"note":"n"}`, c.Body)
	assert.Equal(t, http.StatusCreated, c.Status)
	assert.False(t, c.Fault)
	assert.Equal(t, http.StatusServiceUnavailable, calls[1].Status)
	assert.True(t, calls[1].Fault)
	assert.Zero(t, calls[2].Status, "a dropped connection has no status")
	assert.True(t, calls[2].Fault)

	calls[0].Header.Set("ES-API-KEY", "changed")
	assert.Equal(t, "k", s.Calls()[0].Header.Get("ES-API-KEY"), "callers get copies")
}

func TestCallsAreBounded(t *testing.T) {
	t.Parallel()
	s, err := fakeserver.Start(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), fakeserver.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	hc := s.HTTPClient()
	for i := range fakeserver.MaxCalls + 5 {
		resp, err := hc.Get(s.URL() + "/" + strings.Repeat("x", i%3+1))
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
	assert.Len(t, s.Calls(), fakeserver.MaxCalls)
	assert.Equal(t, int64(fakeserver.MaxCalls+5), s.Requests())
}
