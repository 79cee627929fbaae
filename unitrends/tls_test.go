package unitrends_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

func tlsFake(t *testing.T) *unitrendstest.Server {
	t.Helper()
	srv, err := unitrendstest.NewServer(unitrendstest.WithTLS())
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	require.NotEmpty(t, srv.CertPEM())
	return srv
}

// By default the appliance's self-signed certificate is refused, and the
// error names the options that fix it.
func TestTLSVerifiedByDefault(t *testing.T) {
	t.Parallel()
	srv := tlsFake(t)
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), srv.Password()))
	require.NoError(t, err)
	_, err = c.Backups.List(ctx(t), nil)
	require.Error(t, err)
	var transportErr *unitrends.TransportError
	require.ErrorAs(t, err, &transportErr)
	var unknownCA x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknownCA), "the x509 error stays in the chain: %v", err)
	assert.Contains(t, err.Error(), "unitrends.WithCACertFile")
	assert.Contains(t, err.Error(), "unitrends.WithCACertPEM")
	assert.Equal(t, 1, bytes.Count([]byte(err.Error()), []byte("WithCACertFile")), "the hint is given once: %v", err)
	assert.Equal(t, 0, srv.Logins())

	err = c.Login(ctx(t))
	require.ErrorAs(t, err, &transportErr)
	assert.Contains(t, err.Error(), "unitrends.WithCACertFile")
}

// The appliance's certificate as PEM bytes, a PEM file or a pool is
// trusted; the insecure option works too.
func TestTLSTrustOptions(t *testing.T) {
	t.Parallel()
	srv := tlsFake(t)
	file := filepath.Join(t.TempDir(), "ueb.pem")
	require.NoError(t, os.WriteFile(file, srv.CertPEM(), 0o600))
	for name, opt := range map[string]unitrends.Option{
		"pem":      unitrends.WithCACertPEM(srv.CertPEM()),
		"file":     unitrends.WithCACertFile(file),
		"pool":     unitrends.WithRootCAs(srv.CertPool()),
		"insecure": unitrends.WithInsecureSkipTLSVerify(),
	} {
		c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), srv.Password()), opt)
		require.NoError(t, err, name)
		bs, err := c.Backups.List(ctx(t), &unitrends.ListBackupsOptions{ClientID: 1})
		require.NoError(t, err, name)
		assert.Len(t, bs, 3, name)
	}
	assert.Equal(t, 4, srv.Logins())
}

// A certificate that does not name the host gets a hint too, and
// WithTLSServerName fixes it.
func TestTLSServerName(t *testing.T) {
	t.Parallel()
	srv := tlsFake(t)
	// httptest's certificate names example.com and 127.0.0.1.
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithCACertPEM(srv.CertPEM()), unitrends.WithTLSServerName("ueb.example.test"))
	require.NoError(t, err)
	err = c.Login(ctx(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unitrends.WithTLSServerName")

	c, err = unitrends.NewClient(srv.URL(), unitrends.WithPassword(srv.User(), srv.Password()),
		unitrends.WithCACertPEM(srv.CertPEM()), unitrends.WithTLSServerName("example.com"))
	require.NoError(t, err)
	require.NoError(t, c.Login(ctx(t)))
}

// The insecure option warns on the logger when one is given.
func TestTLSInsecureWarns(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, err := unitrends.NewClient("https://ueb.example.test", unitrends.WithToken("t"),
		unitrends.WithInsecureSkipTLSVerify(), unitrends.WithLogger(logger))
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "level=WARN")
	assert.Contains(t, buf.String(), "verification is OFF")
}

// Bad or conflicting TLS options are errors naming them.
func TestTLSOptionErrors(t *testing.T) {
	t.Parallel()
	srv := tlsFake(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	cases := map[string][]unitrends.Option{
		"WithCACertPEM: no PEM certificate found":  {unitrends.WithCACertPEM([]byte("not a certificate"))},
		"WithCACertFile: open " + missing:          {unitrends.WithCACertFile(missing)},
		"WithCACertFile: path is empty":            {unitrends.WithCACertFile(" ")},
		"WithInsecureSkipTLSVerify conflicts":      {unitrends.WithCACertPEM(srv.CertPEM()), unitrends.WithInsecureSkipTLSVerify()},
		"conflict with WithHTTPClient":             {unitrends.WithCACertPEM(srv.CertPEM()), unitrends.WithHTTPClient(&http.Client{})},
		"WithRootCAs conflicts with WithCACertPEM": {unitrends.WithCACertPEM(srv.CertPEM()), unitrends.WithRootCAs(srv.CertPool())},
		"WithCACertPEM conflicts with WithRootCAs": {unitrends.WithRootCAs(srv.CertPool()), unitrends.WithCACertPEM(srv.CertPEM())},
		"WithRootCAs: pool is nil":                 {unitrends.WithRootCAs(nil)},
		"WithTLSServerName: name is empty":         {unitrends.WithTLSServerName("")},
	}
	for want, opts := range cases {
		_, err := unitrends.NewClient(srv.URL(), append([]unitrends.Option{unitrends.WithToken("t")}, opts...)...)
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}
	golden.Assert(t, "tls-hint", []byte(hintOf(t, srv)+"\n"))
}

// hintOf returns the part of the unknown-CA error after the x509 message.
func hintOf(t *testing.T, srv *unitrendstest.Server) string {
	t.Helper()
	c, err := unitrends.NewClient(srv.URL(), unitrends.WithToken("t"))
	require.NoError(t, err)
	_, err = c.Systems.List(ctx(t))
	require.Error(t, err)
	msg := err.Error()
	i := bytes.Index([]byte(msg), []byte("; the appliance's TLS certificate"))
	require.Positive(t, i, msg)
	return msg[i+2:]
}
