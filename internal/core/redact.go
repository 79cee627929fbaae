package core

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// credentialFields are the parts of field names whose values a login or
// token exchange may answer with; matched case-insensitively anywhere in
// the name ("auth_token", "X-Subject-Token", "secretKey", "access_key").
var credentialFields = []string{"token", "password", "passwd", "pwd", "secret", "key", "cookie", "session", "credential", "signature", "authorization", "auth"}

// isCredentialField reports whether a field of this name may hold a
// credential.
func isCredentialField(name string) bool {
	name = strings.ToLower(name)
	for _, f := range credentialFields {
		if strings.Contains(name, f) {
			return true
		}
	}
	return false
}

// fieldPatterns find "name": value pairs in the body shapes the APIs use.
// Group 1 is the name, group 2 the value. Values may be cut off at the end
// of the text (a body cut at a bound, truncated JSON).
var fieldPatterns = []*regexp.Regexp{
	// JSON (or JSON-ish) members: "name": "value" or a bare scalar.
	regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.?)*"?|[^\s,\]}"\[{]+)`),
	// XML elements: <name attr="…">value
	regexp.MustCompile(`<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]+)`),
	// XML attributes: name="value"
	regexp.MustCompile(`\b([A-Za-z_][\w.:-]*)\s*=\s*("[^"]*"?|'[^']*'?)`),
	// Form and query pairs: name=value
	regexp.MustCompile(`(?:^|[&?;\s])([A-Za-z_][\w.\[\]-]*)=([^&\s"'<>]*)`),
}

// maxRedacted bounds how much of a sensitive error body is kept (and
// searched): a login's error answer is a short message.
const maxRedacted = 64 << 10

// redactFields returns body with the value of every field named like a
// credential (see credentialFields) replaced by REDACTED, in JSON members,
// XML elements and attributes, and form pairs. JSON stays JSON. Only the
// first 64 KiB of body are kept.
func redactFields(body []byte) []byte {
	if len(body) > maxRedacted {
		body = body[:maxRedacted]
	}
	out := body
	for i, re := range fieldPatterns {
		out = replaceValues(out, re, i == 0)
	}
	return out
}

func replaceValues(text []byte, re *regexp.Regexp, jsonValue bool) []byte {
	matches := re.FindAllSubmatchIndex(text, -1)
	if matches == nil {
		return text
	}
	var b []byte
	last := 0
	for _, m := range matches {
		name := string(text[m[2]:m[3]])
		if !isCredentialField(name) {
			continue
		}
		vs, ve := m[4], m[5]
		b = append(b, text[last:vs]...)
		v := text[vs:ve]
		switch {
		case jsonValue || (len(v) > 0 && v[0] == '"'):
			b = append(b, `"`+redacted+`"`...)
		case len(v) > 0 && v[0] == '\'':
			b = append(b, `'`+redacted+`'`...)
		default:
			b = append(b, redacted...)
		}
		last = ve
	}
	if b == nil {
		return text
	}
	return append(b, text[last:]...)
}

// sensitive reports whether errors about r must not show its answer.
func (r *Request) sensitive() bool { return r.Sensitive || r.NoAuth }

// withheldDecodeError is a decoder's error about a sensitive answer: its
// text keeps the decoder's words and JSON pointers but no quoted value
// ("cannot read "<token>" as an integer" names a value of the body).
// Unwrap still gives the decoder's error to errors.As.
type withheldDecodeError struct{ err error }

var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

func (e withheldDecodeError) Error() string {
	msg := e.err.Error()
	return quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		if strings.HasPrefix(q, `"/`) || q == `""` {
			return q // a JSON pointer names fields, not values
		}
		return `"…"`
	})
}

func (e withheldDecodeError) Unwrap() error { return e.err }

// urlShown is what errors about a base URL say of it: the scheme and host
// only, never user info, path, query or fragment.
func urlShown(u *url.URL) string {
	switch {
	case u.Host != "":
		return u.Scheme + "://" + u.Host
	case u.Scheme != "":
		return fmt.Sprintf("with scheme %q", u.Scheme)
	}
	return "without scheme or host"
}

// parseErrorText is the reason url.Parse gave, without the quoted URL
// (which may hold a password or an API key in its query) and without other
// quoted parts of it (an escape or a port cut from the user info).
func parseErrorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var host url.InvalidHostError
	if errors.As(err, &host) {
		return err.Error() // names a character of the host
	}
	return quotedRE.ReplaceAllString(err.Error(), "(…)")
}
