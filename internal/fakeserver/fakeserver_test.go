package fakeserver_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
	"github.com/backupsdk/backupsdk/internal/golden"
)

func start(t *testing.T, opts fakeserver.Options) *fakeserver.Server {
	t.Helper()
	s, err := fakeserver.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(30 * time.Millisecond)
		}
		fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"path": r.URL.Path, "ok": true})
	}), opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestFaultsApplyInOrderThenStop(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{})
	s.InjectFault(2, fakeserver.Fault{Status: 503, Body: `{"message":"busy"}`})
	s.InjectFault(1, fakeserver.Fault{Status: 429, RetryAfter: "7"})
	c := &http.Client{}

	for range 2 {
		resp, body, err := get(t, c, s.URL()+"/x")
		require.NoError(t, err)
		assert.Equal(t, 503, resp.StatusCode)
		assert.Equal(t, `{"message":"busy"}`, body)
	}
	resp, _, err := get(t, c, s.URL()+"/x")
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))

	resp, body, err := get(t, c, s.URL()+"/x")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	golden.Assert(t, "normal_answer", []byte(body+"\n"))
	assert.Equal(t, int64(4), s.Requests())
}

func TestResetDropsTheConnection(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{})
	s.InjectFault(1, fakeserver.Fault{Reset: true})
	_, _, err := get(t, &http.Client{}, s.URL()+"/x")
	require.Error(t, err, "no answer, only a dropped connection")
	resp, _, err := get(t, &http.Client{}, s.URL()+"/x")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestClearFaults(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{})
	s.InjectFault(5, fakeserver.Fault{Status: 500})
	s.ClearFaults()
	resp, _, err := get(t, &http.Client{}, s.URL()+"/x")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestDelayHonorsClientCancellation(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{})
	s.InjectFault(1, fakeserver.Fault{Delay: time.Hour, Status: 200})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/x", nil)
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, _, err := get(t, &http.Client{}, s.URL()+"/slow")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(4), s.Requests())
	assert.GreaterOrEqual(t, s.MaxInFlight(), int64(2), "concurrent slow calls overlap")
	assert.LessOrEqual(t, s.MaxInFlight(), int64(4))
}

func TestTLSWithExposedCertificate(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{TLS: true})
	require.NotNil(t, s.Certificate())
	assert.Contains(t, string(s.CertPEM()), "BEGIN CERTIFICATE")

	_, _, err := get(t, &http.Client{}, s.URL()+"/x")
	require.Error(t, err, "default verification refuses the self-signed certificate")

	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
	resp, _, err := get(t, trusting, s.URL()+"/x")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestListenAddress(t *testing.T) {
	t.Parallel()
	s := start(t, fakeserver.Options{Addr: "127.0.0.1:0"})
	assert.Contains(t, s.URL(), "http://127.0.0.1:")
	_, err := fakeserver.Start(http.NotFoundHandler(), fakeserver.Options{Addr: "256.0.0.1:bad"})
	assert.Error(t, err)
	assert.Nil(t, start(t, fakeserver.Options{}).CertPool(), "no TLS, no pool")
}

func TestWriteXMLAndReadJSON(t *testing.T) {
	t.Parallel()
	type item struct {
		XMLName struct{} `xml:"backup"`
		ID      int      `xml:"id" json:"id"`
	}
	s, err := fakeserver.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in item
		if err := fakeserver.ReadJSON(r, &in); err != nil {
			fakeserver.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		fakeserver.WriteXML(w, http.StatusCreated, in)
	}), fakeserver.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	resp, err := http.Post(s.URL(), "application/json", strings.NewReader(`{"id":698}`))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "application/xml; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<backup><id>698</id></backup>", string(b))

	resp, err = http.Post(s.URL(), "application/json", strings.NewReader(`{"id":`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
}
