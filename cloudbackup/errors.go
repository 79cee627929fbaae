package cloudbackup

import (
	"fmt"
	"net/http"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// APIError is returned for every answer CBR or IAM marks as failed. It
// carries the HTTP status, the API's error_code (Code, such as
// "BackupService.0001" or "APIGW.0308"), error_msg (Message), the request
// id (RequestID, from X-Request-Id or the body's request_id) and how many
// attempts were made. Get at it with errors.As from any call.
type APIError = core.APIError

// DecodeError reports a response body that could not be read as the call
// expected (an HTML page from a proxy, truncated JSON, a value of the wrong
// kind). It names the status, the content type and the start of the body.
type DecodeError = core.DecodeError

// LimitError is wrapped by a *DecodeError for an answer beyond a bound on
// its shape, which keeps decoding within a small multiple of the body's
// size: nesting deeper than 10 000 levels, more than 100 000 items in one
// array or object, more arrays and objects than the body's size allows,
// or a list longer than the page asked for. Bound and Max name the bound,
// Path where in the body it was passed.
type LimitError = core.LimitError

// FieldErrors lists the members of a success answer that could not be
// read into their fields; they are left absent and the rest of the result
// is kept. A result's BodyErr wraps it in a *DecodeError (errors.As gets
// at both). Each FieldError names where (a JSON Pointer such as
// "/checkpoint/vault/resources/0/resource_size") and why.
type FieldErrors = codec.FieldErrors

// FieldError is one entry of FieldErrors.
type FieldError = codec.FieldError

// TransportError reports a call that got no usable answer (connection
// refused or reset, timeout, unreadable body) after the retries allowed.
type TransportError = core.TransportError

// RetryPolicy says how often and how patiently calls are repeated (a 429,
// APIGW.0308 throttling, is repeated for every call); see WithRetryPolicy.
type RetryPolicy = core.RetryPolicy

// DefaultRetryPolicy is 4 retries, waiting from 500 ms up to 30 s.
func DefaultRetryPolicy() RetryPolicy { return core.DefaultRetryPolicy() }

// Int is an integer the API may send as a number or a numeric string;
// Valid is false when it was absent or null.
type Int = codec.Int

// Bool is a boolean the API may send as true/false, "true"/"false" or 1/0;
// Valid is false when it was absent or null.
type Bool = codec.Bool

// Time is a point in time the API may send with or without fractions or a
// zone (CBR sends "2020-02-05T10:38:34.209782", read as UTC); Valid is
// false when it was absent, null or "".
type Time = codec.Time

// String is text the API may send as a string or a number (such as
// enterprise_project_id "0" or 0); Valid is false when it was absent or null.
type String = codec.String

// Error codes worth testing for with HasCode.
const (
	// CodeThrottled is the API gateway's "too many requests" (HTTP 429);
	// calls are retried with backoff before it reaches the caller.
	CodeThrottled = "APIGW.0308"
	// CodeTokenExpired and CodeAuthFailed are the gateway's answers to an
	// expired token and to bad credentials (HTTP 401).
	CodeTokenExpired = "APIGW.0307"
	CodeAuthFailed   = "APIGW.0301"
)

// IsNotFound reports whether err is an API answer of 404 Not Found.
func IsNotFound(err error) bool { return core.IsNotFound(err) }

// IsUnauthorized reports whether err is an API answer of 401 Unauthorized
// (bad or expired credentials that a renewal could not fix).
func IsUnauthorized(err error) bool { return core.IsUnauthorized(err) }

// IsForbidden reports whether err is an API answer of 403 Forbidden.
func IsForbidden(err error) bool { return core.IsForbidden(err) }

// IsRateLimited reports whether err is an API answer of 429 (throttled)
// that was still throttled after every retry.
func IsRateLimited(err error) bool { return core.IsRateLimited(err) }

// IsConflict reports whether err is an API answer of 409 Conflict. CBR
// itself reports a request that conflicts with a resource's state (a
// backup being restored already) as a 400: see IsValidation.
func IsConflict(err error) bool { return core.IsConflict(err) }

// IsValidation reports whether err is CBR refusing the request: a 400 Bad
// Request or a 422. CBR answers every request it will not do with 400 and
// a BackupService error_code, whether a parameter is invalid (a filter
// value, a limit) or the resource's state does not allow it (a backup
// being restored, a failed backup); it names no fields, so HasCode tells
// the cases apart.
func IsValidation(err error) bool {
	return core.HasStatus(err, http.StatusBadRequest, http.StatusUnprocessableEntity)
}

// HasStatus reports whether err is an API answer with one of the statuses.
func HasStatus(err error, codes ...int) bool { return core.HasStatus(err, codes...) }

// HasCode reports whether err is an API answer with the error_code code,
// such as CodeThrottled.
func HasCode(err error, code string) bool { return core.HasCode(err, code) }

// OperationError is returned by a Wait (RestoreResult.Wait,
// Operation.Wait) when a task
// ended in any state but success: failed, timeout or skipped. Log is the
// final operation log; Code and Message come from its error_info.
type OperationError struct {
	Log     *OperationLog   // the final state of the task
	Status  OperationStatus // failed, timeout or skipped
	Code    string          // error_info.code
	Message string          // error_info.message
}

// Error reads like "cloudbackup: operation <id> (backup) ended failed
// [BackupService.6401]: <message>".
func (e *OperationError) Error() string {
	s := fmt.Sprintf("%s: operation %s", providerName, e.Log.ID)
	if e.Log.OperationType != "" {
		s += " (" + string(e.Log.OperationType) + ")"
	}
	s += " ended " + string(e.Status)
	if e.Code != "" {
		s += " [" + e.Code + "]"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}
