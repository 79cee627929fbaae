package unitrends

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// APIError is the error of every call the appliance answered with a
// failure: a non-2xx status, or an error body inside a 2xx answer (then
// StatusCode is the status the body states, such as {"status": 401, …}, or
// the HTTP status when it states none). It keeps the call's method and URL
// and every message of the body, whatever its shape:
// {"result": [{"message": …, "code": …}]}, {"status": …, "message": …},
// {"error": …, "message": …}. Get at it with errors.As(err, &apiErr).
type APIError = core.APIError

// DecodeError reports a success answer whose body is not what the call
// expected (malformed JSON, an HTML page, a list under an unknown member).
// It names the status, the content type and the start of the body, and
// wraps the decoder's error, which says where the body went wrong.
type DecodeError = core.DecodeError

// LimitError is wrapped by a *DecodeError for an answer beyond a bound on
// its shape, which keeps decoding within a small multiple of the body's
// size: nesting deeper than 10 000 levels, more than 100 000 items in one
// array or object, more arrays and objects than the body's size allows,
// or a list longer than the page asked for. Bound and Max name the bound,
// Path where in the body it was passed.
type LimitError = core.LimitError

// TransportError reports a call that got no usable answer: the connection
// failed, the appliance's certificate was refused, or the body could not be
// read. It wraps the cause, so errors.Is(err, context.DeadlineExceeded) and
// errors.As(err, &x509.UnknownAuthorityError{}) work.
type TransportError = core.TransportError

// RetryPolicy says how often and how patiently calls are repeated; see
// WithRetryPolicy.
type RetryPolicy = core.RetryPolicy

// DefaultRetryPolicy is 4 retries, waiting from 500 ms up to 30 s, with
// Retry-After honored up to the maximum wait.
func DefaultRetryPolicy() RetryPolicy { return core.DefaultRetryPolicy() }

// Secret holds a credential or session token; every printed form of it
// (fmt, slog, JSON) shows REDACTED. Reveal returns the text.
type Secret = core.Secret

// IsNotFound reports whether err is a 404 answer (an unknown backup).
func IsNotFound(err error) bool { return core.IsNotFound(err) }

// IsUnauthorized reports whether err is a 401 answer: wrong credentials at
// login, or a session token the appliance no longer accepts.
func IsUnauthorized(err error) bool { return core.IsUnauthorized(err) }

// IsForbidden reports whether err is a 403 answer (the user lacks the
// right, or an older appliance's way of saying the session expired).
func IsForbidden(err error) bool { return core.IsForbidden(err) }

// HasStatus reports whether err is an *APIError with one of the statuses.
func HasStatus(err error, codes ...int) bool { return core.HasStatus(err, codes...) }

// IsRateLimited reports whether err is a 429 answer (the appliance, or a
// proxy in front of it, asks the caller to slow down). Reads were already
// repeated after it as the RetryPolicy allows.
func IsRateLimited(err error) bool { return core.IsRateLimited(err) }

// IsConflict reports whether err is a 409 answer. No Unitrends document
// names one; it is here so that code written for the SDK's other packages
// reads the same.
func IsConflict(err error) bool { return core.IsConflict(err) }

// IsValidation reports whether err is the appliance refusing the request's
// content: a 400 Bad Request or a 422 answer, also when the status is
// stated inside a 2xx body ({"status": 400, …}). Unlike the SDK's other
// APIs, the appliance's error bodies ({"result": [{"message", "code"}]},
// {"status", "message"}, {"error", "message"}) never name the fields they
// refused, so a 400 counts without them: the API uses 400 for nothing but
// input it cannot take (a filter of the wrong type, an unknown parameter,
// a day not written as mm/dd/yyyy). Filters no appliance can mean
// (negative ids, a start after its end) are refused before anything is
// sent, with a plain error, not an *APIError.
func IsValidation(err error) bool {
	return core.IsValidation(err) || core.HasStatus(err, http.StatusBadRequest, http.StatusUnprocessableEntity)
}

// ResponseInfo is what a call's last answer said about itself: its
// status, headers, request id (when the appliance or a proxy sends one)
// and attempts, for support tickets. Ask for it with WithResponseInfo.
type ResponseInfo = core.ResponseInfo

// WithResponseInfo returns a context that makes every call it is passed
// to fill info with its last answer (a call that logs in first counts the
// login among info.Requests). Give each call its own info: it is written
// while the call runs.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return core.WithResponseInfo(ctx, info)
}

// RawJSON is a JSON value kept as the appliance sent it, such as a member
// Backup or System does not know (their Extra). It marshals as that value
// with encoding/json and encoding/json/v2 alike; String returns the text.
type RawJSON = codec.RawJSON

// IsSessionExpired reports whether err is the appliance saying the session
// token is no longer valid: a 401, or a 403, 500 or 200 answer whose
// message says the session expired or is invalid. A client with
// credentials has already logged in again once when it returns such an
// error; with a ready token alone (WithToken) it cannot. A refused login
// (wrong credentials) is not an expired session.
func IsSessionExpired(err error) bool {
	e, ok := core.AsAPIError(err)
	return ok && sessionExpired(e) && !isLoginCall(e)
}

// isLoginCall reports whether e answers POST /api/login.
func isLoginCall(e *core.APIError) bool {
	u, err := url.Parse(e.URL)
	return err == nil && e.Method == http.MethodPost && strings.HasSuffix(strings.TrimRight(u.Path, "/"), pathLogin)
}

// Int is an integer the appliance may send as a number, a numeric string,
// "n/a" or null; Valid is false when it was absent.
type Int = codec.Int

// Bool is a boolean the appliance may send as true/false, 1/0, "true",
// "n/a" or null; Valid is false when it was absent.
type Bool = codec.Bool

// Time is an instant the appliance sends as epoch seconds or a dated text
// with a zone (start_time, complete_time); Valid is false when absent.
type Time = codec.Time

// String is text that may be absent; Valid is false when the appliance
// sent none, null or a placeholder ("n/a").
type String = codec.String

// refineError drops an error "code" that only repeats the HTTP status, as
// in {"error": 500, "message": …} or {"result": [{"code": 403, …}]}, so
// that errors read "500 Internal Server Error: msg", not "… [500]: msg".
func refineError(e *APIError, _ []byte) {
	if e.Code == strconv.Itoa(e.StatusCode) {
		e.Code = ""
	}
}

// sessionExpired is the TokenAuth Expired rule: a 401, or any answer whose
// message says the session or token expired or is invalid (appliances
// answer 401, some versions 403 or 500, "Your session has expired or is
// invalid").
func sessionExpired(e *core.APIError) bool {
	if e.StatusCode == http.StatusUnauthorized {
		return true
	}
	return isExpiryMessage(e.Message)
}

func isExpiryMessage(msg string) bool {
	m := strings.ToLower(msg)
	subject := strings.Contains(m, "session") || strings.Contains(m, "token") ||
		strings.Contains(m, "not logged in") || strings.Contains(m, "login again") || strings.Contains(m, "log in again")
	if !subject {
		return false
	}
	for _, w := range []string{"expired", "invalid", "not valid", "timed out", "timeout", "not logged in", "log in again", "login again"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// bodyError returns the *APIError for an error inside a 2xx answer, or nil.
func (c *Client) bodyError(resp *core.Response) *core.APIError {
	status, ok := errorInBody(resp.Body)
	if !ok {
		return nil
	}
	if status == 0 {
		status = resp.StatusCode
	}
	return c.core.APIError(resp, status)
}

// errorBody holds the members of an object that can report an error.
type errorBody struct {
	Result  jsontext.Value `json:"result"`
	Status  jsontext.Value `json:"status"`
	Error   jsontext.Value `json:"error"`
	Message jsontext.Value `json:"message"`
}

// mayReportError reports whether a member name is one errorInBody reads
// (errorBody's fields, matched as the codec matches names: ignoring case,
// '_' and '-'), or a non-ASCII name, whose matching is left to the codec.
func mayReportError(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return true
		}
	}
	switch foldName(name) {
	case "result", "status", "error", "message":
		return true
	}
	return false
}

// errorInBody reports whether a 2xx body is one of the appliance's error
// shapes, and the status it states (0 when none):
//
//	{"error": "msg"} {"error": 500, "message": "msg"} {"error": {…}}
//	{"status": 401, "message": "msg"} {"status": "error", "message": "msg"}
//	{"result": [{"message": "msg", "code": 12}]} (an entry whose code is 0 is a success report)
//
// Lists, bare backups (whose "status" is a backup status) and anything that
// does not parse are not errors.
func errorInBody(body []byte) (int, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return 0, false
	}
	var e errorBody
	if codec.UnmarshalJSON(body, &e) != nil {
		return 0, false
	}
	hasMessage := nonEmptyText(e.Message)
	status, statusNum := httpStatus(e.Status)
	switch kind(e.Error) {
	case '0':
		if n, ok := httpStatus(e.Error); ok {
			return n, true
		}
		if f, ok := number(e.Error); ok && f != 0 {
			return statusOr(status, statusNum), true
		}
	case '"':
		if nonEmptyText(e.Error) {
			return statusOr(status, statusNum), true
		}
	case 't':
		return statusOr(status, statusNum), true
	case '{':
		if len(bytes.TrimSpace(e.Error)) > 2 {
			return statusOr(status, statusNum), true
		}
	}
	if statusNum && hasMessage {
		return status, true
	}
	if kind(e.Status) == '"' && hasMessage {
		var s string
		if codec.UnmarshalJSON(e.Status, &s) == nil {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "error", "failed", "failure", "fail":
				return 0, true
			}
		}
	}
	return resultError(e.Result)
}

// resultError reads {"result": [{"message": …, "code": …}]}: an entry with
// a non-zero code, or with a message and no code, is an error.
func resultError(v jsontext.Value) (int, bool) {
	var items []map[string]jsontext.Value
	switch kind(v) {
	case '[':
		if codec.UnmarshalJSON(v, &items) != nil {
			return 0, false
		}
	case '{':
		var item map[string]jsontext.Value
		if codec.UnmarshalJSON(v, &item) != nil {
			return 0, false
		}
		items = append(items, item)
	default:
		return 0, false
	}
	for _, item := range items {
		code, hasCode := lookupFold(item, "code")
		msg, _ := lookupFold(item, "message")
		f, isNum := number(code)
		switch {
		case hasCode && nonEmptyText(code) && !isNum && nonEmptyText(msg):
			return 0, true // a code such as "E_FAIL"
		case hasCode && isNum && f != 0:
			if n, ok := httpStatus(code); ok {
				return n, true
			}
			return 0, true
		case !hasCode && nonEmptyText(msg):
			return 0, true
		}
	}
	return 0, false
}

func statusOr(status int, ok bool) int {
	if ok {
		return status
	}
	return 0
}

// kind returns the first byte of a JSON value, with every number as '0'
// (and 0 for an absent value).
func kind(v jsontext.Value) byte {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	switch c := v[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return '0'
	default:
		return c
	}
}

// number reads a JSON number or numeric string.
func number(v jsontext.Value) (float64, bool) {
	var n Int
	if kind(v) == 0 || codec.UnmarshalJSON(v, &n) != nil || !n.Valid {
		return 0, false
	}
	return float64(n.Int64), true
}

// httpStatus reads a JSON number or numeric string between 400 and 599.
func httpStatus(v jsontext.Value) (int, bool) {
	f, ok := number(v)
	if !ok || f < 400 || f > 599 {
		return 0, false
	}
	return int(f), true
}

func nonEmptyText(v jsontext.Value) bool {
	if kind(v) != '"' {
		return false
	}
	var s string
	return codec.UnmarshalJSON(v, &s) == nil && strings.TrimSpace(s) != ""
}

// lookupFold finds key in m ignoring case.
func lookupFold(m map[string]jsontext.Value, key string) (jsontext.Value, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
