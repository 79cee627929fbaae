package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// Backoff says how long to wait before poll number n of a wait (n counts
// from 1, the first poll after the call that started the work). It is the
// one backoff type of every Wait in the SDK.
type Backoff func(n int) time.Duration

// ExponentialBackoff waits first before the first poll and grows by half
// each poll, up to max.
func ExponentialBackoff(first, max time.Duration) Backoff {
	return func(n int) time.Duration {
		d := first
		for i := 1; i < n && d < max; i++ {
			d += d / 2
		}
		return min(d, max)
	}
}

// ScheduleBackoff waits the durations in turn; the last one repeats. With
// none it polls without waiting.
func ScheduleBackoff(waits ...time.Duration) Backoff {
	waits = append([]time.Duration(nil), waits...)
	return func(n int) time.Duration {
		if len(waits) == 0 {
			return 0
		}
		return waits[min(max(n, 1), len(waits))-1]
	}
}

// Progress is what a wait reports after each poll.
type Progress struct {
	// Poll counts the polls of this wait, from 1.
	Poll int
	// Elapsed is the time since the wait started.
	Elapsed time.Duration
	// State is the work's state as the API names it ("PENDING",
	// "running", "built: false" ...).
	State string
	// Percent is how far the work is, when the API tells it (Valid false
	// otherwise).
	Percent codec.Int
	// Done reports whether this poll found the work ended.
	Done bool
}

// WaitOption tunes one wait.
type WaitOption func(*WaitConfig)

// WaitConfig is what a wait runs with: the client's defaults, changed by
// the call's WaitOptions.
type WaitConfig struct {
	// Backoff spaces the polls; nil means the package's default.
	Backoff Backoff
	// Progress, if set, is called after every poll, the last included.
	Progress func(Progress)
}

// WaitBackoff makes a wait poll on b's schedule instead of the client's.
func WaitBackoff(b Backoff) WaitOption { return func(c *WaitConfig) { c.Backoff = b } }

// WaitProgress makes a wait call fn after every poll.
func WaitProgress(fn func(Progress)) WaitOption { return func(c *WaitConfig) { c.Progress = fn } }

// Apply returns c changed by opts (nil options are skipped).
func (c WaitConfig) Apply(opts []WaitOption) WaitConfig {
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// Poll is one look at the work: its state, whether it has ended, and how
// far it is (Percent, when the API tells it).
type Poll struct {
	State   string
	Done    bool
	Percent codec.Int
}

// ErrWaitStopped is wrapped by the error of a wait whose context ended
// first: the work goes on on the server.
var ErrWaitStopped = errors.New("stopped waiting; the work goes on on the server")

// Wait polls until poll reports the work done, poll fails, or ctx ends.
// The first poll comes after cfg.Backoff(1). A context that ends stops the
// wait at once, with an error wrapping ErrWaitStopped and ctx.Err();
// what names the work in that error ("task 1d1d1-…").
func Wait(ctx context.Context, cfg WaitConfig, what string, poll func(context.Context) (Poll, error)) error {
	if ctx == nil {
		return fmt.Errorf("waiting for %s: %w", what, ErrNilContext)
	}
	backoff := cfg.Backoff
	if backoff == nil {
		backoff = ScheduleBackoff(time.Second)
	}
	start := time.Now()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for n := 1; ; n++ {
		timer.Reset(max(backoff(n), 0))
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w: %w", what, ErrWaitStopped, ctx.Err())
		case <-timer.C:
		}
		p, err := poll(ctx)
		if err != nil {
			return err
		}
		if cfg.Progress != nil {
			cfg.Progress(Progress{Poll: n, Elapsed: time.Since(start), State: p.State, Percent: p.Percent, Done: p.Done})
		}
		if p.Done {
			return nil
		}
	}
}
