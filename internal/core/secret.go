package core

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted is what every printed form of a Secret shows.
const redacted = "REDACTED"

// Secret holds a credential (password, API key, token, secret key). Every way
// of printing it (fmt verbs including %+v and %#v, slog, JSON, text) shows
// REDACTED. The value sits behind a pointer so that reflection-based printing
// of a struct that holds a Secret in an unexported field shows an address,
// never the text.
type Secret struct {
	p *string
}

// NewSecret wraps s. An empty s gives a Secret that is not set.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the credential itself, for putting it on the wire.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsSet reports whether the Secret holds a non-empty value.
func (s Secret) IsSet() bool { return s.p != nil }

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb prints REDACTED.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (and so JSON and XML).
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
