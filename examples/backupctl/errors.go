package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
		apiErr      *onapp.APIError // the one APIError type all four packages share
	)
	var msg string
	switch {
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
