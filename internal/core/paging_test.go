package core_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// strs describes a list of strings, each its own key, paged by limit.
func strs(limit int) core.Paging[string] {
	return core.Paging[string]{Provider: "test", List: "items", Limit: limit, Key: func(s *string) string { return *s }}
}

// list is a server-side list of n items for the pager tests.
func list(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "id-" + strconv.Itoa(i)
	}
	return out
}

func TestOffsetWalksLazily(t *testing.T) {
	t.Parallel()
	items := list(2500)
	var calls []int
	fetch := func(_ context.Context, offset, limit int) (core.OffsetPage[string], error) {
		calls = append(calls, offset)
		end := min(offset+limit, len(items))
		return core.OffsetPage[string]{Items: items[offset:end], Total: len(items), HasTotal: true}, nil
	}
	var got []string
	for v, err := range core.Offset(context.Background(), strs(1000), 0, fetch) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, items, got)
	assert.Equal(t, []int{0, 1000, 2000}, calls, "2500 items with limit 1000: exactly 3 requests")

	calls = nil
	n := 0
	for _, err := range core.Offset(context.Background(), strs(1000), 0, fetch) {
		require.NoError(t, err)
		if n++; n == 10 {
			break
		}
	}
	assert.Equal(t, []int{0}, calls, "break after 10 items: 1 request")

	// An exact multiple of the page size with a total needs no empty page.
	calls = nil
	items = list(2000)
	for _, err := range core.Offset(context.Background(), strs(1000), 0, fetch) {
		require.NoError(t, err)
	}
	assert.Equal(t, []int{0, 1000}, calls)
}

func TestOffsetWithoutTotalStopsOnShortPage(t *testing.T) {
	t.Parallel()
	items := list(25)
	calls := 0
	fetch := func(_ context.Context, offset, limit int) (core.OffsetPage[string], error) {
		calls++
		return core.OffsetPage[string]{Items: items[offset:min(offset+limit, len(items))]}, nil
	}
	n := 0
	for _, err := range core.Offset(context.Background(), strs(10), 0, fetch) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 25, n)
	assert.Equal(t, 3, calls)
}

func TestWalkErrorYieldedOnceAfterFirstPage(t *testing.T) {
	t.Parallel()
	boom := errors.New("page 2 failed")
	calls := 0
	fetch := func(_ context.Context, offset, limit int) (core.OffsetPage[string], error) {
		calls++
		if offset > 0 {
			return core.OffsetPage[string]{}, boom
		}
		return core.OffsetPage[string]{Items: list(limit)}, nil
	}
	var items, errs int
	for v, err := range core.Offset(context.Background(), strs(5), 0, fetch) {
		if err != nil {
			assert.ErrorIs(t, err, boom)
			assert.Empty(t, v)
			errs++
			continue
		}
		items++
	}
	assert.Equal(t, 5, items, "page 1's items come first")
	assert.Equal(t, 1, errs, "the error is yielded once")
	assert.Equal(t, 2, calls, "and ends the walk")
}

func TestMarkerWalk(t *testing.T) {
	t.Parallel()
	items := list(23)
	var markers []string
	fetch := func(_ context.Context, marker string, limit int) (core.Page[string], error) {
		markers = append(markers, marker)
		start := 0
		if marker != "" {
			for i, v := range items {
				if v == marker {
					start = i + 1
				}
			}
		}
		return core.Page[string]{Items: items[start:min(start+limit, len(items))]}, nil
	}
	var got []string
	for v, err := range core.Marker(context.Background(), strs(10), "", fetch) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, items, got)
	assert.Equal(t, []string{"", "id-9", "id-19"}, markers)
}

func TestMarkerStopsWhenTheServerMakesNoProgress(t *testing.T) {
	t.Parallel()
	calls := 0
	// A server that ignores the marker returns the same full page forever.
	fetch := func(context.Context, string, int) (core.Page[string], error) {
		calls++
		return core.Page[string]{Items: list(3)}, nil
	}
	n := 0
	var errs []error
	for _, err := range core.Marker(context.Background(), strs(3), "", fetch) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 2, calls, "the second page repeats the first: stop rather than loop")
	assert.Equal(t, 3, n, "and its items are not yielded again")
	require.Len(t, errs, 1)
	var pe *core.PagingError
	require.ErrorAs(t, errs[0], &pe)
	assert.Equal(t, core.FaultRepeatedItems, pe.Fault)
	assert.Equal(t, 2, pe.Page)
	assert.Equal(t, `marker "id-2"`, pe.Cursor)
}

func TestWalkHonorsCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	fetch := func(context.Context, int, int) (core.OffsetPage[string], error) {
		calls++
		cancel()
		return core.OffsetPage[string]{Items: list(2)}, nil
	}
	var errs []error
	for _, err := range core.Offset(ctx, strs(2), 0, fetch) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	assert.Equal(t, 1, calls)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}
