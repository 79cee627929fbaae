package cloudbackup

import (
	"context"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// Backoff says how long a wait waits before poll number n (n counts from
// 1, the first poll after the call that started the work). It is the one
// backoff type of every Wait in the SDK.
type Backoff = core.Backoff

// WaitOption tunes one Wait: WaitBackoff, WaitProgress.
type WaitOption = core.WaitOption

// Progress is what a Wait reports after each poll (see WaitProgress): the
// poll's number, the time since the wait started, the task's state as
// CBR names it ("running", "protecting", ...), its progress in percent
// when CBR tells it, and whether it has ended.
type Progress = core.Progress

// ErrWaitStopped is wrapped (with the context's error) by the error of a
// Wait whose context ended first: the work goes on on the server.
var ErrWaitStopped = core.ErrWaitStopped

// ExponentialBackoff waits first before the first poll and grows by half
// each poll, up to max.
func ExponentialBackoff(first, max time.Duration) Backoff { return core.ExponentialBackoff(first, max) }

// ScheduleBackoff waits the durations in turn; the last one repeats.
func ScheduleBackoff(waits ...time.Duration) Backoff { return core.ScheduleBackoff(waits...) }

// DefaultWaitBackoff is the waits' default: 2 s before the first poll,
// growing by half each poll, capped at 30 s.
func DefaultWaitBackoff() Backoff { return core.ExponentialBackoff(2*time.Second, 30*time.Second) }

// WaitBackoff makes one Wait poll on b's schedule instead of the client's
// (WithWaitBackoff).
func WaitBackoff(b Backoff) WaitOption { return core.WaitBackoff(b) }

// WaitProgress makes one Wait call fn after every poll, the last included.
func WaitProgress(fn func(Progress)) WaitOption { return core.WaitProgress(fn) }

// ResponseInfo is what a call's last answer said about itself: its
// status, CBR's request id (X-Request-Id, for a support ticket), headers
// and attempts. Ask for it with WithResponseInfo.
type ResponseInfo = core.ResponseInfo

// WithResponseInfo returns a context that makes every call it is passed to
// fill info with its last answer, success or not. Give each call its own
// info: it is written while the call runs.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return core.WithResponseInfo(ctx, info)
}

// RawJSON is a JSON value kept as CBR sent it (an unknown member, a raw
// extra_info). It marshals as that value with encoding/json and
// encoding/json/v2 alike; String returns the JSON text.
type RawJSON = codec.RawJSON

// waitConfig is the config of one wait: the client's backoff, changed by
// the call's options.
func (c *Client) waitConfig(opts []WaitOption) core.WaitConfig {
	return core.WaitConfig{Backoff: c.waitBackoff}.Apply(opts)
}
