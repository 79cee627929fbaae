package core

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how patiently a call is repeated.
//
// Reads are repeated after a 429, a 500, 502, 503 or 504, or a connection
// error. A call that creates, restores, deletes or otherwise changes state
// is sent once: it is repeated only when the server certainly did no work
// (a 429 answer, or a connection that could not be made), never after a 5xx
// answer or a connection that broke once the request may have reached the
// server. Every other status is final. Retry-After, in seconds or as an
// HTTP date, is honored up to MaxWait. A write whose redirect the caller's
// client followed is not repeated at all: the API host answered it, and a
// 429 or a refused connection after the hop says nothing of that.
type RetryPolicy struct {
	// MaxRetries is how many times a call may be repeated after the first
	// attempt; 0 disables retries.
	MaxRetries int
	// MinWait is the first backoff; each retry doubles it, with jitter.
	MinWait time.Duration
	// MaxWait caps every wait, Retry-After included.
	MaxWait time.Duration
}

// DefaultRetryPolicy is 4 retries, waiting from 500 ms up to 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
}

// Validate reports a policy that cannot work.
func (p RetryPolicy) Validate() error {
	switch {
	case p.MaxRetries < 0:
		return fmt.Errorf("retry policy: MaxRetries is %d, want 0 or more", p.MaxRetries)
	case p.MaxRetries > 100:
		return fmt.Errorf("retry policy: MaxRetries is %d, want at most 100", p.MaxRetries)
	case p.MinWait < 0:
		return fmt.Errorf("retry policy: MinWait is %s, want 0 or more", p.MinWait)
	case p.MaxWait < p.MinWait:
		return fmt.Errorf("retry policy: MaxWait %s is less than MinWait %s", p.MaxWait, p.MinWait)
	}
	return nil
}

// shouldRetry decides one attempt's fate.
func shouldRetry(ctx context.Context, idempotent bool, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if !retryableTransportError(err) {
			return false, err
		}
		// A dial error means no byte reached the server: safe for any call.
		return idempotent || isDialError(err), err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent, nil
	}
	return false, nil
}

// retryableTransportError excludes errors that a retry cannot fix.
func retryableTransportError(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		recordErr tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid),
		errors.As(err, &verifyErr), errors.As(err, &recordErr):
		return false
	case strings.Contains(err.Error(), "unsupported protocol scheme"):
		return false
	}
	return true
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff returns how long to wait before retry number attempt (0-based):
// Retry-After when the server sent one, else exponential with jitter, both
// capped at p.MaxWait.
func (p RetryPolicy) backoff(attempt int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, p.MaxWait)
		}
	}
	if p.MinWait <= 0 {
		return 0
	}
	wait := p.MinWait
	for range min(attempt, 30) {
		wait *= 2
		if wait >= p.MaxWait {
			wait = p.MaxWait
			break
		}
	}
	wait = min(wait, p.MaxWait)
	// Jitter in [wait/2, wait] keeps many clients from retrying in step.
	half := wait / 2
	return half + rand.N(wait-half+1)
}

// retryAfter reads a Retry-After value in seconds or as an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const longest = 24 * time.Hour
	switch s, err := strconv.ParseInt(v, 10, 64); {
	case err == nil && s < 0:
		return 0, false
	case err == nil && s > int64(longest/time.Second):
		return longest, true
	case err == nil:
		return time.Duration(s) * time.Second, true
	case errors.Is(err, strconv.ErrRange) && v[0] != '-':
		// More seconds than int64 holds is still "later", not "now": wait
		// the longest (which the caller caps at MaxWait).
		return longest, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// maxRetryDrain bounds how much of a retried answer's body is read so that
// its connection can carry the next attempt. go-retryablehttp reads only
// 4 KiB, so an error page larger than that cost a new connection (and TLS
// handshake) per retry.
const maxRetryDrain = 256 << 10

// drainForRetry reads the body of an answer that is about to be retried,
// up to maxRetryDrain, so that go-retryablehttp's own drain finds it at its
// end and the connection is reused. The last answer is never drained: its
// body makes the final *APIError.
func drainForRetry(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRetryDrain))
}
