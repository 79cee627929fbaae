package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/onapp"
)

// usageError is a mistake on the command line found after the flags were
// parsed (a bad flag value, a missing required flag); backupctl exits 2.
type usageError struct{ msg string }

// Error returns the message.
func (e usageError) Error() string { return e.msg }

// usagef returns a usageError.
func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errReported says the command already reported its errors on stderr
// (inventory, one line per failed provider); backupctl exits 1.
var errReported = errors.New("errors were reported")

// errAttention says freshness found something stale, failing or without a
// backup (and reached every account); backupctl exits 3.
var errAttention = errors.New("something needs attention")

// describe renders err as the one line backupctl prints after
// "backupctl: ", naming the provider first: "onapp: 401 Unauthorized:
// Invalid credentials". An API's refusal is its status, error code and
// messages (the request's method and URL are left out: they are in the
// command line); a failed Erigones task or CBR operation says which and
// why; a deadline says which flag to raise. Nothing the SDK prints holds a
// credential, and neither does this.
func describe(provider string, err error, timeout string) string {
	var (
		taskFailed  *erigones.TaskFailedError
		taskRevoked *erigones.TaskRevokedError
		opErr       *cloudbackup.OperationError
		apiErr      *onapp.APIError       // the one APIError type all four packages share
		transport   *onapp.TransportError // and the one TransportError
		invalid     *erigones.ValidationError
	)
	var msg string
	switch {
	case errors.As(err, &transport) && errors.Is(err, syscall.ECONNREFUSED):
		// Said once, with where and how often: the SDK's own text holds
		// the URL twice (its request and net/http's).
		msg = fmt.Sprintf("connection refused by %s (%s): is the URL right and the server up?",
			origin(transport.URL), attempts(transport.Attempts))
	case errors.As(err, &invalid):
		// Name the flag the value came from, not the API's field.
		msg = fmt.Sprintf("invalid %s %q: %s", flagOfField(invalid.Field), invalid.Value, invalid.Reason)
	case errors.As(err, &taskFailed), errors.As(err, &taskRevoked), errors.As(err, &opErr):
		msg = err.Error()
	case errors.As(err, &apiErr):
		msg = apiErrorText(apiErr)
		if p := apiErr.Provider; p != "" {
			provider = p
		}
	case errors.Is(err, context.DeadlineExceeded):
		msg = err.Error() + " (the -timeout of " + timeout + " ran out; raise it)"
	case errors.Is(err, context.Canceled):
		msg = err.Error() + " (interrupted)"
	default:
		msg = err.Error()
	}
	msg = oneLine(msg)
	if provider != "" && !strings.HasPrefix(msg, provider+":") && !strings.HasPrefix(msg, provider+" (") {
		msg = provider + ": " + msg
	}
	return msg
}

// origin is the scheme and host of a URL, the server a request went to,
// without its path and query (which may carry ids, never credentials).
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the server"
	}
	return u.Scheme + "://" + u.Host
}

// attempts says how many attempts were made: "1 attempt", "5 attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(max(n, 1)) + " attempts"
}

// fieldFlags maps the API parameters the SDK checks before sending to the
// backupctl flags they come from, so that an error names what the user
// typed (-define), not the API's field (bkpdef).
var fieldFlags = map[string]string{
	"bkpdef":  "-define",
	"bkpname": "-id",
	"note":    "-note",
	"disk_id": "-disk",
}

// flagOfField is the flag an API field comes from, or the field itself
// when no flag sets it.
func flagOfField(field string) string {
	if f, ok := fieldFlags[field]; ok {
		return f
	}
	return field
}

// apiErrorText is an API error as "401 Unauthorized [code]: message".
func apiErrorText(e *onapp.APIError) string {
	status := e.Status
	if status == "" {
		status = strconv.Itoa(e.StatusCode)
		if t := http.StatusText(e.StatusCode); t != "" {
			status += " " + t
		}
	}
	var b strings.Builder
	b.WriteString(status)
	if e.Code != "" {
		b.WriteString(" [" + e.Code + "]")
	}
	msg := e.Message
	if msg == "" && len(e.Fields) > 0 {
		var parts []string
		for f, ms := range e.Fields {
			parts = append(parts, f+": "+strings.Join(ms, ", "))
		}
		slices.Sort(parts)
		msg = strings.Join(parts, "; ")
	}
	if msg != "" {
		b.WriteString(": " + msg)
	}
	return b.String()
}
