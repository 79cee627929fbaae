package erigones

import (
	"context"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// The names every package of the SDK shares: waiting, request ids and raw
// JSON are the same types in all four.

// Backoff says how long a wait sleeps before poll number n (from 1). It is
// the one backoff type of every Wait in the SDK; see WithWaitBackoff and
// WaitBackoff.
type Backoff = core.Backoff

// WaitOption tunes one Task.Wait or CreateAndWait: WaitBackoff,
// WaitProgress.
type WaitOption = core.WaitOption

// Progress is what a wait reports after each status poll (WaitProgress):
// the poll's number, the time since the wait began, and State, the task's
// status as the server spells it ("PENDING", "STARTED", "SUCCESS",
// "FAILURE", "REVOKED"). The API tells no percentage, so Percent is never
// valid here.
type Progress = core.Progress

// ErrWaitStopped is wrapped, with the context's error, by the error of a
// wait whose context ended first: the task goes on on the server.
var ErrWaitStopped = core.ErrWaitStopped

// ExponentialBackoff sleeps first before the first poll and half as long
// again before each next one, up to max.
func ExponentialBackoff(first, max time.Duration) Backoff { return core.ExponentialBackoff(first, max) }

// ScheduleBackoff sleeps the durations in turn before the polls; the last
// one repeats.
func ScheduleBackoff(waits ...time.Duration) Backoff { return core.ScheduleBackoff(waits...) }

// WaitBackoff makes one wait poll on b's schedule instead of the client's
// (WithWaitBackoff).
func WaitBackoff(b Backoff) WaitOption { return core.WaitBackoff(b) }

// WaitProgress makes one wait call fn after every status poll, the last
// included, from the waiting goroutine.
func WaitProgress(fn func(Progress)) WaitOption { return core.WaitProgress(fn) }

// defaultWaitBackoff is the es client's poll schedule (esdc-ce bin/es):
// 1, 3, 6, 12 and 30 seconds, then 30 for ever.
func defaultWaitBackoff() Backoff {
	return core.ScheduleBackoff(1*time.Second, 3*time.Second, 6*time.Second, 12*time.Second, 30*time.Second)
}

// ResponseInfo is what a call's last answer said about itself: its status,
// headers, the request id its headers carry (RequestID; "" when none does)
// and how often it was sent. Ask for it with WithResponseInfo. A task's id
// is not a request id: it is Task.ID and TaskResult.TaskID.
type ResponseInfo = core.ResponseInfo

// WithResponseInfo returns a context that makes every call it is given to
// fill info with its last answer, for support tickets or to see the status
// of a successful call. Give each call its own info. A Task.Wait fills it
// from its last status poll.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return core.WithResponseInfo(ctx, info)
}

// RawJSON is a JSON value kept as the server sent it, such as a task's
// result. It marshals as that value with encoding/json and
// encoding/json/v2 alike; String returns the JSON text.
type RawJSON = codec.RawJSON
