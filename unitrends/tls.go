package unitrends

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/backupsdk/backupsdk/internal/core"
)

// tlsOptions collects the TLS options; any of them makes NewClient build its
// own *http.Client.
type tlsOptions struct {
	pool       *x509.CertPool
	poolSource string // the option that set pool, for conflict errors
	insecure   bool
	serverName string
}

func (t *tlsOptions) set() bool {
	return t.pool != nil || t.insecure || t.serverName != ""
}

// WithCACertPEM trusts the CA certificates in pem (one or more PEM
// "CERTIFICATE" blocks) for the appliance's TLS certificate. Appliances
// ship with self-signed certificates: pass that certificate (or the CA that
// signed a replacement) here. Only the given certificates are trusted, not
// the system's roots. It may be given more than once, and together with
// WithCACertFile; it conflicts with WithRootCAs, WithInsecureSkipTLSVerify
// and WithHTTPClient (configure TLS on your own client's transport then).
func WithCACertPEM(pem []byte) Option {
	return func(o *options) error {
		return o.addPEM("WithCACertPEM", pem)
	}
}

// WithCACertFile is WithCACertPEM with the PEM read from the file at path.
// The file is read once, by NewClient; an unreadable file or one without a
// certificate is an error naming it.
func WithCACertFile(path string) Option {
	return func(o *options) error {
		if strings.TrimSpace(path) == "" {
			return errors.New("WithCACertFile: path is empty")
		}
		pem, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("WithCACertFile: %w", err)
		}
		return o.addPEM("WithCACertFile("+path+")", pem)
	}
}

// WithRootCAs trusts exactly the certificates of pool for the appliance's
// TLS certificate. It conflicts with WithCACertPEM, WithCACertFile,
// WithInsecureSkipTLSVerify and WithHTTPClient.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(o *options) error {
		if pool == nil {
			return errors.New("WithRootCAs: pool is nil")
		}
		if o.tls.pool != nil {
			return fmt.Errorf("WithRootCAs conflicts with %s: give the certificates one way", o.tls.poolSource)
		}
		o.tls.pool, o.tls.poolSource = pool, "WithRootCAs"
		return nil
	}
}

// WithTLSServerName verifies the appliance's certificate against name
// instead of the host of the base URL: for an appliance reached by IP
// address whose self-signed certificate names its host name.
func WithTLSServerName(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("WithTLSServerName: name is empty")
		}
		o.tls.serverName = name
		return nil
	}
}

// WithInsecureSkipTLSVerify turns OFF verification of the appliance's TLS
// certificate. DANGEROUS: anyone on the network path can then impersonate
// the appliance, read the password and session token and change every
// answer. It exists for throwaway lab appliances only; trust the
// appliance's certificate with WithCACertFile or WithCACertPEM instead.
// When a logger is set (WithLogger), NewClient warns on it.
func WithInsecureSkipTLSVerify() Option {
	return func(o *options) error {
		o.tls.insecure = true
		return nil
	}
}

func (o *options) addPEM(source string, pem []byte) error {
	if o.tls.poolSource == "WithRootCAs" {
		return fmt.Errorf("%s conflicts with WithRootCAs: give the certificates one way", source)
	}
	if o.tls.pool == nil {
		o.tls.pool, o.tls.poolSource = x509.NewCertPool(), source
	}
	if !o.tls.pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("%s: no PEM certificate found", source)
	}
	return nil
}

// httpClient builds the client the TLS options ask for, or returns nil when
// none was given.
func (o *options) tlsHTTPClient() (*http.Client, error) {
	t := o.tls
	if !t.set() {
		return nil, nil
	}
	if o.HTTPClient != nil {
		return nil, errors.New("TLS options (WithCACertPEM, WithCACertFile, WithRootCAs, WithTLSServerName, WithInsecureSkipTLSVerify) conflict with WithHTTPClient: configure TLS on your own client's transport instead")
	}
	if t.insecure && t.pool != nil {
		return nil, fmt.Errorf("WithInsecureSkipTLSVerify conflicts with %s: trust the CA or skip verification, not both", t.poolSource)
	}
	hc := core.NewHTTPClient()
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		return nil, errors.New("TLS options: the default transport is not an *http.Transport")
	}
	tr.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            t.pool,
		ServerName:         t.serverName,
		InsecureSkipVerify: t.insecure, //nolint:gosec // only with the explicitly named option
	}
	return hc, nil
}

// Hints appended to certificate errors, naming the option that fixes them.
const (
	hintUnknownCA = "the appliance's TLS certificate is not signed by a CA this client trusts " +
		"(appliances usually have self-signed certificates): trust it with unitrends.WithCACertFile " +
		"or unitrends.WithCACertPEM (or unitrends.WithRootCAs); on a throwaway lab appliance only, " +
		"unitrends.WithInsecureSkipTLSVerify turns verification off"
	hintHostname = "the appliance's TLS certificate does not name the host in the base URL: " +
		"use the host name the certificate names, or unitrends.WithTLSServerName"
)

// withTLSHint appends to a certificate verification error the option that
// fixes it. The error chain is kept, so errors.As still finds the
// *TransportError and the x509 error.
func withTLSHint(err error) error {
	if err == nil {
		return nil
	}
	var (
		hinted       *hintedError
		unknownCA    x509.UnknownAuthorityError
		unknownCAPtr *x509.UnknownAuthorityError
		hostErr      x509.HostnameError
		hostErrPtr   *x509.HostnameError
	)
	switch {
	case errors.As(err, &hinted):
		return err // a login inside this call added the hint already
	case errors.As(err, &unknownCA), errors.As(err, &unknownCAPtr):
		return &hintedError{err: err, hint: hintUnknownCA}
	case errors.As(err, &hostErr), errors.As(err, &hostErrPtr):
		return &hintedError{err: err, hint: hintHostname}
	}
	return err
}

// hintedError is a certificate error with the option that fixes it.
type hintedError struct {
	err  error
	hint string
}

// Error returns the certificate error followed by the hint.
func (e *hintedError) Error() string { return e.err.Error() + "; " + e.hint }

// Unwrap returns the error the hint was added to.
func (e *hintedError) Unwrap() error { return e.err }
