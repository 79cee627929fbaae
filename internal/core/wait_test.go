package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

func TestBackoffs(t *testing.T) {
	t.Parallel()
	e := core.ExponentialBackoff(2*time.Second, 30*time.Second)
	assert.Equal(t, []time.Duration{2 * time.Second, 3 * time.Second, 4500 * time.Millisecond}, []time.Duration{e(1), e(2), e(3)})
	assert.Equal(t, 30*time.Second, e(50))
	s := core.ScheduleBackoff(time.Second, 3*time.Second, 6*time.Second)
	assert.Equal(t, []time.Duration{time.Second, 3 * time.Second, 6 * time.Second, 6 * time.Second}, []time.Duration{s(1), s(2), s(3), s(9)})
	assert.Zero(t, core.ScheduleBackoff()(1))
}

func TestWaitPollsUntilDoneAndReportsProgress(t *testing.T) {
	t.Parallel()
	var seen []core.Progress
	var asked []int
	cfg := core.WaitConfig{Backoff: func(n int) time.Duration { asked = append(asked, n); return time.Millisecond }}.
		Apply([]core.WaitOption{core.WaitProgress(func(p core.Progress) { seen = append(seen, p) })})
	polls := 0
	err := core.Wait(context.Background(), cfg, "task t1", func(context.Context) (core.Poll, error) {
		polls++
		return core.Poll{State: "running", Done: polls == 3}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3}, asked)
	require.Len(t, seen, 3)
	assert.Equal(t, 3, seen[2].Poll)
	assert.True(t, seen[2].Done)
	assert.False(t, seen[1].Done)
	assert.Equal(t, "running", seen[0].State)
}

// A per-call backoff replaces the client's.
func TestWaitOptionReplacesTheDefault(t *testing.T) {
	t.Parallel()
	clientDefault := core.WaitConfig{Backoff: func(int) time.Duration { return time.Hour }}
	cfg := clientDefault.Apply([]core.WaitOption{core.WaitBackoff(core.ScheduleBackoff(time.Millisecond)), nil})
	err := core.Wait(context.Background(), cfg, "x", func(context.Context) (core.Poll, error) { return core.Poll{Done: true}, nil })
	require.NoError(t, err)
}

// The context is honoured at once, not after the current backoff.
func TestWaitStopsAtOnceWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := core.WaitConfig{Backoff: core.ScheduleBackoff(time.Hour)}
	done := make(chan error, 1)
	go func() {
		done <- core.Wait(ctx, cfg, "task t1", func(context.Context) (core.Poll, error) { return core.Poll{}, nil })
	}()
	cancel()
	err := <-done
	require.ErrorIs(t, err, core.ErrWaitStopped)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "task t1")
}

func TestWaitReturnsThePollError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	err := core.Wait(context.Background(), core.WaitConfig{Backoff: core.ScheduleBackoff()}, "x",
		func(context.Context) (core.Poll, error) { return core.Poll{}, boom })
	assert.ErrorIs(t, err, boom)
	//lint:ignore SA1012 a nil context is what is tested
	err = core.Wait(nil, core.WaitConfig{}, "x", func(context.Context) (core.Poll, error) { return core.Poll{Done: true}, nil }) //nolint:staticcheck
	assert.ErrorIs(t, err, core.ErrNilContext)
}
