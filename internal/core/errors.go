package core

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// maxErrorBody is how much of an error response APIError keeps.
const maxErrorBody = 4 << 10

// maxSnippet is how much of an undecodable body DecodeError shows.
const maxSnippet = 256

// APIError is the error every provider returns for an answer the API marks
// as failed: a non-2xx status, or an error body inside a 2xx answer. Use
// errors.As to get at it from any call of any package.
type APIError struct {
	// Provider names the package that made the call ("onapp", "erigones",
	// "unitrends", "cloudbackup").
	Provider string
	// StatusCode is the HTTP status (for an error inside a 2xx answer, the
	// status the body states when it states one).
	StatusCode int
	// Status is the status line, such as "404 Not Found".
	Status string
	// Method and URL identify the call; URL has credentials removed.
	Method string
	URL    string
	// Code is the API's own error code, such as "BackupService.0001" or
	// "APIGW.0308", when the body carries one.
	Code string
	// Message is every message of the body joined by "; ".
	Message string
	// Messages holds each message of the body, in order.
	Messages []string
	// Fields holds validation messages per field name, when the API gives them.
	Fields map[string][]string
	// RequestID is the server's request id, from the response headers or body.
	RequestID string
	// Body is the start of the response body (at most 4 KiB). For a login
	// or token exchange, values of fields named like credentials (token,
	// password, secret, ...) are REDACTED; a redirect keeps no body.
	Body string
	// Attempts is how many times the request was sent.
	Attempts int
	// Location is where a 3xx answer pointed, with credentials removed. The
	// SDK's own HTTP client follows no redirect, and no client sends
	// credentials or a request body to another host (see WithHTTPClient).
	Location string
}

// Error reads like "onapp: GET /backups/7.json: 404 Not Found: Backup not found".
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(urlPath(e.URL))
		b.WriteString(": ")
	}
	if e.Status != "" {
		b.WriteString(e.Status)
	} else {
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteByte(']')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return raw
	}
	return u.EscapedPath()
}

// DecodeError reports a response body that is not what the call expected:
// an HTML error page, truncated JSON, the wrong content type. It names the
// status, the content type and the start of the body, and wraps the
// decoder's error.
type DecodeError struct {
	Provider    string
	Method      string
	URL         string
	StatusCode  int
	ContentType string
	// Snippet is the start of the body (at most 256 bytes); empty when
	// Withheld.
	Snippet string
	// Withheld reports that the body is not shown because the call was a
	// login or token exchange, whose answer may hold credentials.
	Withheld bool
	Err      error
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	body := fmt.Sprintf("body starts %q", e.Snippet)
	if e.Withheld {
		body = "body withheld: it may hold credentials"
	}
	return fmt.Sprintf("%s: %s %s: cannot decode %d response (content type %s, %s): %v",
		e.Provider, e.Method, urlPath(e.URL), e.StatusCode, ct, body, e.Err)
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.Err }

func snippet(body []byte, n int) string {
	body = bytes.TrimSpace(body)
	if len(body) > n {
		return string(body[:n]) + "…"
	}
	return string(body)
}

// LimitError is wrapped by a *DecodeError (and stops an error body's
// parsing) for a body beyond a bound on its shape: nesting depth, items of
// one array or object, arrays and objects for its size, or a list longer
// than the page asked for. Bound and Max name the bound, Path where in the
// body it was passed.
type LimitError = codec.LimitError

// FieldError is one member of a write's success answer that did not fit
// its field and was left absent; see FieldErrors.
type FieldError = codec.FieldError

// FieldErrors lists the members of a write's success answer that were
// left absent because their values did not fit: the write succeeded and
// its result is kept, so the caller must not send it again.
type FieldErrors = codec.FieldErrors

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// HasStatus reports whether err is an *APIError with one of the given statuses.
func HasStatus(err error, codes ...int) bool {
	e, ok := AsAPIError(err)
	return ok && slices.Contains(codes, e.StatusCode)
}

// HasCode reports whether err is an *APIError with the API error code code.
func HasCode(err error, code string) bool {
	e, ok := AsAPIError(err)
	return ok && e.Code == code
}

// IsNotFound reports whether err is an API answer of 404 Not Found.
func IsNotFound(err error) bool { return HasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is an API answer of 401 Unauthorized.
func IsUnauthorized(err error) bool { return HasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is an API answer of 403 Forbidden.
func IsForbidden(err error) bool { return HasStatus(err, http.StatusForbidden) }

// IsConflict reports whether err is an API answer of 409 Conflict.
func IsConflict(err error) bool { return HasStatus(err, http.StatusConflict) }

// IsRateLimited reports whether err is an API answer of 429 Too Many Requests.
func IsRateLimited(err error) bool { return HasStatus(err, http.StatusTooManyRequests) }

// IsValidation reports whether err is the API refusing the request's
// content: a 422 Unprocessable Entity, or a 400 Bad Request that names the
// fields it refused (APIError.Fields). Packages whose API says more (an
// error code) document their own rule.
func IsValidation(err error) bool {
	e, ok := AsAPIError(err)
	if !ok {
		return false
	}
	return e.StatusCode == http.StatusUnprocessableEntity || (e.StatusCode == http.StatusBadRequest && len(e.Fields) > 0)
}

// requestIDHeaders are read in order for APIError.RequestID.
var requestIDHeaders = []string{"X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid"}

// NewAPIError builds the error for a failed answer: status, request id and
// the messages, code and field errors found in the body (see ParseErrorBody).
func NewAPIError(provider, method, rawURL string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{
		Provider:   provider,
		StatusCode: status,
		Status:     statusLine(status),
		Method:     method,
		URL:        RedactURLString(rawURL),
		Body:       snippet(body, maxErrorBody),
	}
	e.RequestID = requestIDOf(header)
	ParseErrorBody(e, body)
	return e
}

func statusLine(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// ParseErrorBody fills e's Code, Messages, Message, Fields and RequestID from
// an error body in any of the shapes the four APIs use:
//
//	{"errors": ["msg", …]}            {"errors": {"field": ["msg"]}}
//	{"error": "msg"}                  {"error": {"code": …, "message": …}}
//	{"error": 500, "message": "msg"}  {"status": 401, "message": "msg"}
//	{"detail": "msg"}                 {"result": {"field": ["msg"]}}
//	{"result": [{"message": "msg", "code": 1}]}
//	{"error_code": "X.1", "error_msg": "msg", "request_id": "…"}
//	["msg", …]                         <errors><error>msg</error></errors>
//
// an HTML page (its <title> or first heading) or short plain text. Nothing
// it finds is dropped; it never fails. It reads at most the first 64 KiB of
// body, and of a longer JSON body at most 256 items per array or object, so
// that a huge error body costs no more than a small one.
func ParseErrorBody(e *APIError, body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	cut := len(body) > maxErrorParse
	if cut {
		body = body[:maxErrorParse]
		if i := bytes.LastIndexByte(body, '<'); i > 0 && body[0] == '<' {
			body = body[:i] // end at a tag, not inside a text
		}
	}
	p := errorParser{e: e}
	switch body[0] {
	case '{', '[':
		if cut {
			// Not a whole document: read what the prefix holds.
			if v, ok := boundedJSON(body); ok {
				p.walk("", v, 0)
				break
			}
		} else {
			var v any
			if codec.UnmarshalJSON(body, &v) == nil {
				p.walk("", v, 0)
				break
			}
		}
		p.text(body)
	case '<':
		if !p.xml(body) {
			p.html(body)
		}
	default:
		p.text(body)
	}
	e.Message = strings.Join(e.Messages, "; ")
}

const (
	// maxErrorParse bounds how much of an error body is parsed: messages
	// come first, and a body of 40 MB of numbers decoded whole took 1 GiB.
	maxErrorParse = 64 << 10
	// maxErrorItems bounds the items kept of one array or object of an
	// error body read from its prefix, and maxErrorDepth their nesting
	// (the walk reads 8 levels).
	maxErrorItems = 256
	maxErrorDepth = 16
	// maxErrorMessages bounds the messages one error collects.
	maxErrorMessages = 256
)

// errorPrefix is the start of an error body that the parsers read.
func errorPrefix(body []byte) []byte {
	if len(body) > maxErrorParse {
		return body[:maxErrorParse]
	}
	return body
}

// boundedJSON reads the JSON value at the start of prefix, which may be
// cut off, as UnmarshalJSON into an any would, keeping at most
// maxErrorItems items per array or object and maxErrorDepth levels. ok is
// false when not even the first token reads.
func boundedJSON(prefix []byte) (any, bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(prefix), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	v, err := boundedValue(dec, 0)
	return v, err == nil || v != nil
}

// boundedValue reads one value of dec; on an error (the prefix ended) it
// returns what it read so far.
func boundedValue(dec *jsontext.Decoder, depth int) (any, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 't', 'f':
		return tok.Bool(), nil
	case '"':
		return tok.String(), nil
	case '0':
		f, _ := tok.Float() // out of range: ±Inf, as good as any for a code
		return f, nil
	case '{':
		m := map[string]any{}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return m, err
			}
			if len(m) >= maxErrorItems || depth >= maxErrorDepth {
				if err := dec.SkipValue(); err != nil {
					return m, err
				}
				continue
			}
			name := tok.String() // before the next read voids the token
			v, err := boundedValue(dec, depth+1)
			if err != nil {
				if v != nil {
					m[name] = v
				}
				return m, err
			}
			m[name] = v
		}
		_, err := dec.ReadToken()
		return m, err
	case '[':
		a := []any{}
		for dec.PeekKind() != ']' {
			if len(a) >= maxErrorItems || depth >= maxErrorDepth {
				if err := dec.SkipValue(); err != nil {
					return a, err
				}
				continue
			}
			v, err := boundedValue(dec, depth+1)
			if err != nil {
				if v != nil {
					a = append(a, v)
				}
				return a, err
			}
			a = append(a, v)
		}
		_, err := dec.ReadToken()
		return a, err
	}
	return nil, nil // null
}

type errorParser struct {
	e *APIError
}

func (p *errorParser) add(msg string) {
	msg = strings.TrimSpace(msg)
	if msg == "" || len(p.e.Messages) >= maxErrorMessages || slices.Contains(p.e.Messages, msg) {
		return
	}
	p.e.Messages = append(p.e.Messages, msg)
}

func (p *errorParser) field(name, msg string) {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return
	}
	if p.e.Fields == nil {
		p.e.Fields = map[string][]string{}
	}
	p.e.Fields[name] = append(p.e.Fields[name], msg)
	p.add(name + ": " + msg)
}

func (p *errorParser) code(v any) {
	if p.e.Code != "" {
		return
	}
	switch c := v.(type) {
	case string:
		p.e.Code = strings.TrimSpace(c)
	case float64:
		p.e.Code = strconv.FormatFloat(c, 'f', -1, 64)
	}
}

// messageKeys hold a human message; codeKeys an API error code.
var (
	messageKeys = []string{"message", "msg", "error_msg", "error_message", "detail", "error_description", "description", "reason"}
	codeKeys    = []string{"error_code", "code", "errorCode"}
)

// walk reads one decoded JSON value. key is the member it came from; depth
// bounds recursion on hostile input.
func (p *errorParser) walk(key string, v any, depth int) {
	if depth > 8 {
		return
	}
	switch t := v.(type) {
	case string:
		if key != "" && !isMessageKey(key) && key != "error" && key != "errors" && key != "result" {
			p.field(key, t)
			return
		}
		p.add(t)
	case []any:
		for _, item := range t {
			if key != "" && key != "errors" && key != "result" && key != "error" {
				// {"field": ["msg", …]}: a list of messages for a field.
				if s, ok := item.(string); ok {
					p.field(key, s)
					continue
				}
			}
			p.walk("", item, depth+1)
		}
	case map[string]any:
		p.object(key, t, depth)
	}
}

func isMessageKey(k string) bool { return slices.Contains(messageKeys, k) }

func (p *errorParser) object(parent string, m map[string]any, depth int) {
	if id, ok := m["request_id"].(string); ok && p.e.RequestID == "" {
		p.e.RequestID = id
	}
	for _, k := range codeKeys {
		if c, ok := m[k]; ok {
			p.code(c)
		}
	}
	known := false
	for _, k := range messageKeys {
		if v, ok := m[k]; ok {
			known = true
			if fm, isMap := v.(map[string]any); isMap {
				// {"detail": {"username": ["This field is required."]}}
				p.fieldMap(fm, depth+1)
				continue
			}
			p.walk("", v, depth+1)
		}
	}
	if v, ok := m["error"]; ok {
		known = true
		if n, isNum := v.(float64); isNum {
			p.code(n)
		} else {
			p.walk("error", v, depth+1)
		}
	}
	for _, k := range []string{"errors", "result", "error_info"} {
		if v, ok := m[k]; ok {
			known = true
			if fm, isMap := v.(map[string]any); isMap {
				p.fieldMap(fm, depth+1)
			} else {
				p.walk(k, v, depth+1)
			}
		}
	}
	if !known && parent == "" && depth == 0 {
		// A bare field map at the top: {"name": ["is too long"]}.
		p.fieldMap(m, depth+1)
	}
}

// fieldMap reads {"field": ["msg"], "detail": "msg"} where keys other than
// the message keys name fields.
func (p *errorParser) fieldMap(m map[string]any, depth int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m[k]
		switch {
		case isMessageKey(k):
			p.walk("", v, depth+1)
		case slices.Contains(codeKeys, k):
			p.code(v)
		case k == "request_id" || k == "status":
		default:
			switch t := v.(type) {
			case string:
				p.field(k, t)
			case []any:
				p.walk(k, t, depth+1)
			case map[string]any:
				p.object(k, t, depth+1)
			}
		}
	}
}

// xml reads <errors><error>msg</error>…</errors> or <error>msg</error>,
// collecting the text of every element named error or message.
func (p *errorParser) xml(body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	found, sawRoot := false, false
	var stack []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if !sawRoot {
				sawRoot = true
				if name == "html" || name == "!doctype" {
					return false
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				switch stack[len(stack)-1] {
				case "error", "message", "detail":
					p.add(string(t))
					found = true
				case "code", "error_code":
					p.code(strings.TrimSpace(string(t)))
				}
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.ToLower(t), []byte("doctype html")) {
				return false
			}
		}
	}
	return found || (sawRoot && len(p.e.Messages) > 0)
}

var (
	titleRE   = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	headingRE = regexp.MustCompile(`(?is)<h[1-3][^>]*>(.*?)</h[1-3]>`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
)

// html takes the title or first heading of an HTML error page.
func (p *errorParser) html(body []byte) {
	for _, re := range []*regexp.Regexp{titleRE, headingRE} {
		if m := re.FindSubmatch(body); m != nil {
			text := tagRE.ReplaceAllString(string(m[1]), "")
			p.add(strings.Join(strings.Fields(html.UnescapeString(text)), " "))
			if len(p.e.Messages) > 0 {
				return
			}
		}
	}
}

// text keeps a short plain-text body as the message.
func (p *errorParser) text(body []byte) {
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody] // far more than the 200 characters kept
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	p.add(s)
}
