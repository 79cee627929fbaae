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

// drain walks seq to its end and returns the items and the errors yielded.
func drain[T any](seq func(func(T, error) bool)) (items []T, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

// pagingError asserts that errs is one *core.PagingError and returns it.
func pagingError(t *testing.T, errs []error) *core.PagingError {
	t.Helper()
	require.Len(t, errs, 1, "one error, yielded once")
	var pe *core.PagingError
	require.ErrorAs(t, errs[0], &pe)
	assert.Equal(t, "test", pe.Provider)
	assert.Equal(t, "items", pe.List)
	assert.Contains(t, pe.Error(), "test: listing items, page ")
	return pe
}

// TestOffsetServerIgnoresOffset: the same full page for every offset is a
// repeat, not a list of 10 000 items.
func TestOffsetServerIgnoresOffset(t *testing.T) {
	t.Parallel()
	for _, total := range []bool{false, true} {
		calls := 0
		fetch := func(context.Context, int, int) (core.Page[string], error) {
			calls++
			if calls > 100 {
				return core.Page[string]{}, errors.New("walked on")
			}
			return core.Page[string]{Items: list(4), Total: 10000, HasTotal: total}, nil
		}
		items, errs := drain(core.Offset(context.Background(), strs(4), 0, fetch))
		pe := pagingError(t, errs)
		assert.Equal(t, core.FaultRepeatedItems, pe.Fault)
		assert.Equal(t, 2, pe.Page)
		assert.Equal(t, "offset 4", pe.Cursor)
		assert.EqualError(t, pe, "test: listing items, page 2 (offset 4): repeated items: all 4 items were on page 1 already")
		assert.Equal(t, list(4), items, "each item once")
		assert.Equal(t, 2, calls)
	}
}

// TestWalkRepeatedItemsAnywhereOnThePage: an item of the page before in
// the middle of a page, or twice on one page, is a fault.
func TestWalkRepeatedItemsAnywhereOnThePage(t *testing.T) {
	t.Parallel()
	pages := map[string][][]string{
		"middle of an offset page": {{"a", "b", "c"}, {"d", "b", "e"}},
		"start of a marker page":   {{"a", "b", "c"}, {"c", "d", "e"}},
		"twice on one page":        {{"a", "b", "a"}},
	}
	for name, pp := range pages {
		byOffset := name == "middle of an offset page"
		fetch := func(_ context.Context, c int, _ int) (core.WalkPage[string, int], error) {
			return core.WalkPage[string, int]{Page: core.Page[string]{Items: pp[c]}, Next: c + 1, Pos: -1, ByOffset: byOffset}, nil
		}
		items, errs := drain(core.Walk(context.Background(), strs(3), 0, fetch))
		pe := pagingError(t, errs)
		assert.Equal(t, core.FaultRepeatedItems, pe.Fault, name)
		assert.Equal(t, len(pp), pe.Page, name)
		if len(pp) > 1 {
			assert.Equal(t, pp[0], items, "%s: the faulty page yields nothing", name)
			assert.Contains(t, pe.Detail, "was on page 1 already", name)
		} else {
			assert.Empty(t, items, name)
		}
	}
}

// TestMarkerRepeatedMarker: pages that lead back to a marker fetched
// before go round in a circle; the walk stops at the repeat.
func TestMarkerRepeatedMarker(t *testing.T) {
	t.Parallel()
	pages := map[string][]string{
		"":  {"a", "b"},
		"b": {"c", "d"},
		"d": {"e", "b"}, // b was two pages ago: the next marker is b again
	}
	calls := 0
	fetch := func(_ context.Context, marker string, _ int) (core.Page[string], error) {
		calls++
		return core.Page[string]{Items: pages[marker]}, nil
	}
	items, errs := drain(core.Marker(context.Background(), strs(2), "", fetch))
	pe := pagingError(t, errs)
	assert.Equal(t, core.FaultRepeatedCursor, pe.Fault)
	assert.Equal(t, 3, pe.Page)
	assert.Equal(t, `marker "d"`, pe.Cursor)
	assert.Contains(t, pe.Detail, `marker "b"`)
	assert.Equal(t, 3, calls)
	assert.Equal(t, []string{"a", "b", "c", "d", "e", "b"}, items)
}

// TestWalkFullPageSameCursor: a full page that names its own cursor as the
// next makes no progress.
func TestWalkFullPageSameCursor(t *testing.T) {
	t.Parallel()
	n := 0
	fetch := func(_ context.Context, c string, _ int) (core.WalkPage[string, string], error) {
		n++
		items := []string{"x" + strconv.Itoa(n), "y" + strconv.Itoa(n)}
		return core.WalkPage[string, string]{Page: core.Page[string]{Items: items}, Next: c, Pos: -1}, nil
	}
	_, errs := drain(core.Walk(context.Background(), strs(2), "c1", fetch))
	pe := pagingError(t, errs)
	assert.Equal(t, core.FaultNoProgress, pe.Fault)
	assert.Equal(t, 1, pe.Page)
	assert.Equal(t, "c1", pe.Cursor)

	// A marker page whose last item has no key cannot be paged after.
	fetchM := func(context.Context, string, int) (core.Page[string], error) {
		return core.Page[string]{Items: []string{"a", ""}}, nil
	}
	items, errs := drain(core.Marker(context.Background(), strs(2), "", fetchM))
	assert.Equal(t, []string{"a", ""}, items)
	assert.Equal(t, core.FaultNoProgress, pagingError(t, errs).Fault)
}

// TestMarkerFarPastCount: a server that makes up new items for ever
// while its count says 4 is stopped soon after the count.
func TestMarkerFarPastCount(t *testing.T) {
	t.Parallel()
	calls := 0
	fetch := func(_ context.Context, _ string, limit int) (core.Page[string], error) {
		calls++
		if calls > 100 {
			return core.Page[string]{}, errors.New("walked on")
		}
		items := make([]string, limit)
		for i := range items {
			items[i] = "id-" + strconv.Itoa(calls) + "-" + strconv.Itoa(i)
		}
		return core.Page[string]{Items: items, Total: 4, HasTotal: true}, nil
	}
	// After a caller's marker the position is unknown: the count cannot
	// end the walk, only bound it.
	items, errs := drain(core.Marker(context.Background(), strs(2), "m", fetch))
	pe := pagingError(t, errs)
	assert.Equal(t, core.FaultPastCount, pe.Fault)
	assert.LessOrEqual(t, len(items), 8)
	assert.Equal(t, 4, calls)
}

// TestWalkShortPagesWhileCountSaysMore: a server that serves fewer items
// than asked for is walked on until the count is reached.
func TestWalkShortPagesWhileCountSaysMore(t *testing.T) {
	t.Parallel()
	items := list(25)
	calls := 0
	fetchO := func(_ context.Context, offset, _ int) (core.Page[string], error) {
		calls++
		return core.Page[string]{Items: items[offset:min(offset+3, len(items))], Total: 25, HasTotal: true}, nil
	}
	got, errs := drain(core.Offset(context.Background(), strs(10), 0, fetchO))
	assert.Empty(t, errs)
	assert.Equal(t, items, got)
	assert.Equal(t, 9, calls, "3 a page, and no empty page at the end")

	calls = 0
	fetchM := func(_ context.Context, marker string, _ int) (core.Page[string], error) {
		calls++
		start := 0
		for i, v := range items {
			if v == marker {
				start = i + 1
			}
		}
		return core.Page[string]{Items: items[start:min(start+3, len(items))], Total: 25, HasTotal: true}, nil
	}
	got, errs = drain(core.Marker(context.Background(), strs(10), "", fetchM))
	assert.Empty(t, errs)
	assert.Equal(t, items, got)
	assert.Equal(t, 9, calls)
}

// TestWalkCountMissing: without a count a full page goes on and a short
// or empty page ends the walk.
func TestWalkCountMissing(t *testing.T) {
	t.Parallel()
	for _, n := range []int{20, 25} {
		items := list(n)
		calls := 0
		fetch := func(_ context.Context, offset, limit int) (core.Page[string], error) {
			calls++
			return core.Page[string]{Items: items[min(offset, n):min(offset+limit, n)]}, nil
		}
		got, errs := drain(core.Offset(context.Background(), strs(10), 0, fetch))
		assert.Empty(t, errs)
		assert.Equal(t, items, got)
		assert.Equal(t, 3, calls, "%d items: two full pages, then a short or empty one", n)
	}
}

// TestOffsetEmptyPageBeforeCount: an empty page where the count says
// items remain is a fault, not the end.
func TestOffsetEmptyPageBeforeCount(t *testing.T) {
	t.Parallel()
	fetch := func(_ context.Context, offset, limit int) (core.Page[string], error) {
		if offset >= 10 {
			return core.Page[string]{Items: nil, Total: 25, HasTotal: true}, nil
		}
		return core.Page[string]{Items: list(25)[offset : offset+limit], Total: 25, HasTotal: true}, nil
	}
	got, errs := drain(core.Offset(context.Background(), strs(10), 0, fetch))
	pe := pagingError(t, errs)
	assert.Equal(t, core.FaultEndsBeforeCount, pe.Fault)
	assert.Equal(t, "offset 10", pe.Cursor)
	assert.Len(t, got, 10)
}

// TestOffsetListGrowsAtItsHead: items added at the start of the list while
// it is walked by offset push the items of one page onto the next; those
// are skipped, not yielded twice.
func TestOffsetListGrowsAtItsHead(t *testing.T) {
	t.Parallel()
	items := list(25)
	calls := 0
	fetch := func(_ context.Context, offset, limit int) (core.Page[string], error) {
		calls++
		if calls == 2 {
			items = append([]string{"new-1", "new-2"}, items...)
		}
		return core.Page[string]{Items: items[offset:min(offset+limit, len(items))], Total: len(items), HasTotal: true}, nil
	}
	got, errs := drain(core.Offset(context.Background(), strs(10), 0, fetch))
	assert.Empty(t, errs)
	assert.Equal(t, list(25), got, "every item once, in order")
}

func TestWalkNilContext(t *testing.T) {
	t.Parallel()
	calls := 0
	fetch := func(context.Context, int, int) (core.Page[string], error) {
		calls++
		return core.Page[string]{}, nil
	}
	//nolint:staticcheck // a nil context is what is tested
	_, errs := drain(core.Offset(nil, strs(10), 0, fetch))
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], "nil context")
	assert.Zero(t, calls)
}

// TestMarkerBreakStopsFetching: breaking out of a marker walk fetches no
// further page.
func TestMarkerBreakStopsFetching(t *testing.T) {
	t.Parallel()
	items := list(50)
	calls := 0
	fetch := func(_ context.Context, marker string, limit int) (core.Page[string], error) {
		calls++
		start := 0
		for i, v := range items {
			if v == marker {
				start = i + 1
			}
		}
		return core.Page[string]{Items: items[start:min(start+limit, len(items))], Total: 50, HasTotal: true}, nil
	}
	n := 0
	for _, err := range core.Marker(context.Background(), strs(10), "", fetch) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	assert.Equal(t, 2, calls)
}

// TestWalkCursorMemoryIsBounded: a long walk remembers a bounded number of
// cursors and still ends.
func TestWalkCursorMemoryIsBounded(t *testing.T) {
	t.Parallel()
	const pages = 5000
	fetch := func(_ context.Context, offset, _ int) (core.Page[string], error) {
		if offset >= pages {
			return core.Page[string]{}, nil
		}
		return core.Page[string]{Items: []string{"id-" + strconv.Itoa(offset)}}, nil
	}
	got, errs := drain(core.Offset(context.Background(), strs(1), 0, fetch))
	assert.Empty(t, errs)
	assert.Len(t, got, pages)
}
