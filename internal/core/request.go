package core

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-querystring/query"
)

// Format selects how a request body is encoded and a response body decoded.
type Format int

const (
	// JSON encodes and decodes application/json (the default).
	JSON Format = iota
	// XML encodes and decodes application/xml.
	XML
)

func (f Format) String() string {
	if f == XML {
		return "xml"
	}
	return "json"
}

func (f Format) mediaType() string {
	if f == XML {
		return "application/xml"
	}
	return "application/json"
}

// Kind says what a call does to the server's state, and so whether it may
// be sent again after it may have reached the server. Every Request
// declares one where the call is made: the zero Kind is refused by Do
// before any I/O, so that no call's retry safety is guessed from its HTTP
// method.
type Kind int

const (
	// Read marks a call that changes nothing on the server: a GET, or a
	// query or a login sent as POST. It is repeated after a 429, a 500, 502,
	// 503 or 504, or a connection error.
	Read Kind = iota + 1
	// Write marks a call that creates, restores, deletes or otherwise
	// changes state. It is sent once: it is repeated only when the server
	// certainly did no work (a 429 answer, or a connection that could not be
	// made), never after a 5xx answer or a connection that broke once the
	// request may have reached the server.
	Write
)

// String returns "read", "write" or "undeclared".
func (k Kind) String() string {
	switch k {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return "undeclared"
}

// ErrUndeclaredKind is wrapped by the error Do returns, before any I/O, for
// a Request whose Kind is neither Read nor Write.
var ErrUndeclaredKind = errors.New("request declares neither core.Read nor core.Write")

// ErrNilContext is wrapped by the error of every call given a nil
// context.Context.
var ErrNilContext = errors.New("nil context")

// Request describes one API call. Path is relative to the client's base URL
// and may hold {name} placeholders that PathParams fill in order, each
// escaped with url.PathEscape.
type Request struct {
	Method     string
	Path       string
	PathParams []string
	// Query is sent as EncodeQueryString renders it (a space as %20).
	Query url.Values
	// Body is encoded as JSON or XML according to Format; a []byte is sent
	// as it is. Nil sends no body.
	Body   any
	Format Format
	// Header adds headers to the request (after the defaults, before auth).
	Header http.Header
	// Kind declares the call a Read or a Write; it is required.
	Kind Kind
	// NoAuth sends the request without credentials (a login call).
	NoAuth bool
	// Sensitive marks a call whose answer may hold credentials (a login, a
	// token exchange): its DecodeErrors withhold the body and its APIErrors
	// redact credential fields. NoAuth calls (logins, logouts that send the
	// token themselves) are always treated as Sensitive.
	Sensitive bool
	// List bounds the list of a list call's answer, so that a page longer
	// than asked for is a *DecodeError (wrapping a *LimitError) before any
	// item is decoded. The zero value bounds nothing beyond the codec's
	// defaults.
	List ListBound
}

// ListBound names the list of an answer and the most items it may hold.
type ListBound struct {
	// Member is the member of the top-level object that holds the list,
	// "" for a top-level array (XML: the children of the root element).
	Member string
	// Max is the most items the list may hold: the page size (limit) the
	// call sent, or the API's largest page when it sent none. 0: no bound.
	Max int
}

// ErrInvalidPathParam is wrapped by errors for path parameters that would
// change the route: empty, ".", "..", or a count that does not match the
// template.
var ErrInvalidPathParam = errors.New("invalid path parameter")

// ExpandPath fills the {name} placeholders of tmpl with params, in order,
// each escaped so that "/", "?" or "#" cannot change the route.
func ExpandPath(tmpl string, params ...string) (string, error) {
	var b strings.Builder
	b.Grow(len(tmpl) + 16*len(params))
	n := 0
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w: unclosed placeholder in %q", ErrInvalidPathParam, tmpl)
		}
		name := tmpl[open+1 : open+end]
		if n >= len(params) {
			return "", fmt.Errorf("%w: no value for {%s}", ErrInvalidPathParam, name)
		}
		p := params[n]
		switch strings.TrimSpace(p) {
		case "":
			return "", fmt.Errorf("%w: %s is empty", ErrInvalidPathParam, name)
		case ".", "..":
			return "", fmt.Errorf("%w: %s is %q", ErrInvalidPathParam, name, p)
		}
		b.WriteString(tmpl[:open])
		b.WriteString(url.PathEscape(p))
		tmpl = tmpl[open+end+1:]
		n++
	}
	if n != len(params) {
		return "", fmt.Errorf("%w: %d values for %d placeholders", ErrInvalidPathParam, len(params), n)
	}
	return b.String(), nil
}

// EncodeQueryString renders q as the query of a request URL: names sorted,
// the values of a name in their order, each name and value escaped as RFC
// 3986 says for a query (every byte but the unreserved A–Z a–z 0–9 - . _ ~
// as %XX, upper-case hex). A space is "%20", never "+": a server that reads
// the query by RFC 3986, as signature checks do (Huawei's API gateway), takes
// "+" for a plus sign, and form decoders read "%20" as a space all the same.
// Every request the core sends carries its query in this form.
func EncodeQueryString(q url.Values) string {
	// url.QueryEscape leaves only the unreserved bytes unescaped, writes a
	// literal "+" as "%2B" and a space as "+": every "+" left is a space.
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// EncodeQuery turns an options struct tagged `url:"name,omitempty"` into
// query values with go-querystring: slices become repeated keys, time.Time
// fields use their `layout:"…"` tag, and a nil pointer gives no values.
func EncodeQuery(opts any) (url.Values, error) {
	if opts == nil {
		return url.Values{}, nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return nil, fmt.Errorf("encoding query: %w", err)
	}
	return v, nil
}
