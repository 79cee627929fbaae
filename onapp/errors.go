package onapp

import (
	"net/http"
	"slices"
	"strings"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// APIError is the error of every call the control panel answered with a
// failure status. It keeps the status, the call's method and URL
// (credentials removed) and every message of the body, whatever its shape:
// {"errors":["…"]}, {"errors":{"field":["…"]}} (also in Fields),
// {"error":"…"}, <errors><error>…</error></errors> or an HTML error page.
// Get at it with errors.As(err, &apiErr).
type APIError = core.APIError

// DecodeError reports a success answer whose body is not what the call
// expected (an HTML page, truncated JSON, a wrong content type). It names
// the status, the content type and the start of the body.
type DecodeError = core.DecodeError

// LimitError is wrapped by a *DecodeError for an answer beyond a bound on
// its shape, which keeps decoding within a small multiple of the body's
// size: nesting deeper than 10 000 levels, more than 100 000 items in one
// array or object, more arrays and objects than the body's size allows,
// or a list longer than the page asked for. Bound and Max name the bound,
// Path where in the body it was passed.
type LimitError = core.LimitError

// FieldErrors is wrapped by the BodyErr of a write's result when members
// of the success answer did not fit their fields (a size that is not a
// number): those fields are left absent, the rest of the result is kept,
// and the write is done. Each FieldError names its member by JSON
// Pointer.
type FieldErrors = core.FieldErrors

// FieldError is one member of FieldErrors.
type FieldError = core.FieldError

// TransportError reports a call that got no usable answer: the connection
// failed or the body could not be read. It wraps the cause, so
// errors.Is(err, context.DeadlineExceeded) works.
type TransportError = core.TransportError

// RetryPolicy says how often and how patiently calls are repeated; see
// WithRetryPolicy.
type RetryPolicy = core.RetryPolicy

// DefaultRetryPolicy is 4 retries, waiting from 500 ms up to 30 s, with
// Retry-After honored up to the maximum wait.
func DefaultRetryPolicy() RetryPolicy { return core.DefaultRetryPolicy() }

// IsNotFound reports whether err is a 404 answer (unknown backup, VM or
// disk).
func IsNotFound(err error) bool { return core.IsNotFound(err) }

// IsUnauthorized reports whether err is a 401 answer (bad user, password or
// API key).
func IsUnauthorized(err error) bool { return core.IsUnauthorized(err) }

// IsForbidden reports whether err is a 403 answer (the user lacks the
// permission).
func IsForbidden(err error) bool { return core.IsForbidden(err) }

// IsConflict reports whether err is a 409 answer. OnApp's pages name none;
// it is here so that the same predicates classify every package's errors.
func IsConflict(err error) bool { return core.IsConflict(err) }

// IsRateLimited reports whether err is a 429 answer (after the retries the
// RetryPolicy allows).
func IsRateLimited(err error) bool { return core.IsRateLimited(err) }

// IsValidation reports whether err is a 422 answer: Rails refused the
// request's content (see APIError.Fields and Messages). Unlike some other
// APIs, OnApp's 400 answers are not validation errors, so only 422 counts.
func IsValidation(err error) bool { return core.HasStatus(err, http.StatusUnprocessableEntity) }

// HasStatus reports whether err is an *APIError with one of the statuses.
func HasStatus(err error, codes ...int) bool { return core.HasStatus(err, codes...) }

// Int is an integer the control panel may send as a number, a numeric
// string or null; Valid is false when it was absent or null.
type Int = codec.Int

// Bool is a boolean the control panel may send as true/false, "true",
// 1/0 or null; Valid is false when it was absent or null.
type Bool = codec.Bool

// Time is a point in time; Valid is false when the control panel sent
// none, null or "" (a backup not built yet has no built_at).
type Time = codec.Time

// String is text that may be null (as a note that was never set); Valid is
// false when it was absent or null, while "" is kept as text.
type String = codec.String

// Text is text of a named type, such as BackupType or TargetType, that
// may be null; Valid is false when it was absent, null or nil="true",
// while "" is kept as text. Value holds it.
type Text[T ~string] = codec.Text[T]

// refineError adapts the core's generic error parsing to Rails: errors on
// "base" belong to the whole record, so their messages are kept without a
// "base: " prefix (Fields["base"] still holds them).
func refineError(e *APIError, _ []byte) {
	base, ok := e.Fields["base"]
	if !ok {
		return
	}
	msgs := make([]string, 0, len(e.Messages))
	for _, m := range e.Messages {
		if rest, found := strings.CutPrefix(m, "base: "); found && slices.Contains(base, rest) {
			m = rest
		}
		if !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	e.Messages = msgs
	e.Message = strings.Join(e.Messages, "; ")
}
