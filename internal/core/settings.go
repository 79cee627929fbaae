package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// Settings holds what every provider client accepts besides its
// credentials. Provider packages embed it in their options and implement
// WithHTTPClient, WithRetryPolicy, WithLogger, WithUserAgent and (where
// they wait) WithWaitBackoff with its setters, so the four validate and
// fail the same way everywhere.
type Settings struct {
	HTTPClient *http.Client
	Retry      *RetryPolicy
	Logger     *slog.Logger
	UserAgent  string
	// WaitBackoff spaces the polls of the client's waits; nil means the
	// package's default.
	WaitBackoff Backoff
}

// SetHTTPClient sets the *http.Client; nil is an error.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("WithHTTPClient: client is nil")
	}
	s.HTTPClient = hc
	return nil
}

// SetRetryPolicy sets the retry policy after validating it.
func (s *Settings) SetRetryPolicy(p RetryPolicy) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("WithRetryPolicy: %w", err)
	}
	s.Retry = &p
	return nil
}

// SetLogger sets the logger; nil is an error (leave the option out for
// silence).
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("WithLogger: logger is nil")
	}
	s.Logger = l
	return nil
}

// SetUserAgent sets the User-Agent suffix; line breaks are an error.
func (s *Settings) SetUserAgent(ua string) error {
	if strings.ContainsAny(ua, "\r\n") {
		return errors.New("WithUserAgent: must not contain line breaks")
	}
	s.UserAgent = ua
	return nil
}

// SetWaitBackoff sets the client's default wait backoff; nil is an error.
func (s *Settings) SetWaitBackoff(b Backoff) error {
	if b == nil {
		return errors.New("WithWaitBackoff: backoff is nil")
	}
	s.WaitBackoff = b
	return nil
}
