package onapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// Backoff says how long a wait sleeps before poll number n (from 1). It is
// the one backoff type of every Wait in the SDK; see WithWaitBackoff and
// WaitBackoff.
type Backoff = core.Backoff

// WaitOption tunes one wait: WaitBackoff, WaitProgress.
type WaitOption = core.WaitOption

// Progress is what a wait reports after each poll (see WaitProgress). For
// a backup being built, State is "built: false" until the poll that finds
// it built; OnApp tells no percentage, so Percent is absent.
type Progress = core.Progress

// ErrWaitStopped is wrapped by the error of a wait whose context ended
// before the work did: the work goes on in the control panel.
var ErrWaitStopped = core.ErrWaitStopped

// ExponentialBackoff waits first before the first poll and half as long
// again before each next one, up to max.
func ExponentialBackoff(first, max time.Duration) Backoff {
	return core.ExponentialBackoff(first, max)
}

// ScheduleBackoff waits the durations in turn, repeating the last; with
// none it polls without waiting.
func ScheduleBackoff(waits ...time.Duration) Backoff { return core.ScheduleBackoff(waits...) }

// WaitBackoff makes one wait poll on b's schedule instead of the client's
// (WithWaitBackoff).
func WaitBackoff(b Backoff) WaitOption { return core.WaitBackoff(b) }

// WaitProgress makes one wait call fn after every poll, the last included.
func WaitProgress(fn func(Progress)) WaitOption { return core.WaitProgress(fn) }

// defaultWaitBackoff spaces the polls of a wait when the client was given
// no WithWaitBackoff: a backup takes minutes to build, so polling faster
// than every few seconds only loads the control panel.
var defaultWaitBackoff = ExponentialBackoff(5*time.Second, time.Minute)

// ResponseInfo is what a call's last answer said about itself: its status,
// the control panel's request id (X-Request-Id, sent by Rails), headers and
// attempts, for a support ticket. Ask for it with WithResponseInfo.
type ResponseInfo = core.ResponseInfo

// WithResponseInfo returns a context that makes each call it is passed to
// fill info from its last answer. Give each call its own info.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return core.WithResponseInfo(ctx, info)
}

// RawJSON is a JSON value kept as the control panel sent it. It marshals
// as that value with encoding/json and encoding/json/v2 alike. No type of
// this package keeps one yet; it is the type any raw value will have.
type RawJSON = codec.RawJSON

// errNoBackupID is why a CreateResult cannot be waited for.
var errNoBackupID = errors.New("the answer did not tell the new backup's id: find it with Backups.List (see CreateResult), do not create again")

// Wait polls Backups.Get until the new backup is built and returns it as
// that last poll read it. The polls follow the client's WithWaitBackoff
// unless opts give WaitBackoff; WaitProgress reports each poll.
//
// OnApp has no failed state: a backup whose transaction failed stays
// unbuilt, so give ctx a deadline. A context that ends stops the wait at
// once with an error wrapping ErrWaitStopped (the backup is still
// scheduled). A result without the backup's id (a 201 without a body) is
// an error at once, as is a backup that is gone (IsNotFound: deleted, or
// removed after its transaction failed).
func (r *CreateResult) Wait(ctx context.Context, opts ...WaitOption) (*Backup, error) {
	const op = "CreateResult.Wait"
	if r == nil || r.client == nil {
		return nil, fmt.Errorf("%s: %s: not a result of Backups.CreateNormal or CreateIncremental", providerName, op)
	}
	id, ok := r.ID()
	if !ok {
		return nil, fmt.Errorf("%s: %s: %w", providerName, op, errNoBackupID)
	}
	c := r.client
	cfg := core.WaitConfig{Backoff: c.waitBackoff}.Apply(opts)
	var last *Backup
	err := core.Wait(ctx, cfg, fmt.Sprintf("backup %d", id), func(ctx context.Context) (core.Poll, error) {
		b, err := c.Backups.Get(ctx, id)
		if err != nil {
			return core.Poll{}, fmt.Errorf("waiting for backup %d: %w", id, err)
		}
		last = b
		return core.Poll{State: "built: " + b.Built.String(), Done: b.IsBuilt()}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", providerName, op, err)
	}
	return last, nil
}
