package core

import (
	"context"
	"fmt"
	"iter"
	"strconv"
)

// Paging describes a paged list to the walker: who is listed, what, the
// page size asked for, and how items are told apart. The walker uses it to
// check every page, so that a walk yields each item once and ends exactly
// where the list does, or fails with a *PagingError.
type Paging[T any] struct {
	// Provider names the API in errors ("cloudbackup").
	Provider string
	// List names what is listed, in errors ("backups").
	List string
	// Limit is the page size asked for; 0 lets the server choose (then only
	// an empty page or the total ends a walk).
	Limit int
	// Key identifies an item (its ID). Items with the same key on one page
	// or on a page and the one before are a repeat; "" is never compared.
	// nil disables the check (Marker needs it for its cursor).
	Key func(*T) string
}

// Page is one page of a list as the server answered it.
type Page[T any] struct {
	Items []T
	// Total is the number of items in the whole list, when the answer
	// states it (HasTotal). It is a snapshot taken with the page.
	Total    int
	HasTotal bool
}

// OffsetPage is the page an offset walk's fetch returns.
type OffsetPage[T any] = Page[T]

// WalkPage is one page as Walk's fetch returns it: the page, where it
// stands in the list and the cursor of the next one.
type WalkPage[T any, C comparable] struct {
	Page[T]
	// Next is the cursor of the page after this one.
	Next C
	// Pos is the index in the whole list of the page's first item, or
	// negative when unknown (a walk that started after a marker). With
	// Total it tells the walker whether items remain after a short page.
	Pos int
	// ByOffset says the page was addressed by its position (an offset), so
	// that an empty page before Total is a fault and a leading overlap with
	// the previous page means the list grew at its head during the walk.
	ByOffset bool
}

// PagingFault says what was wrong with a page.
type PagingFault int

const (
	// FaultRepeatedItems: the page holds an item twice, or items of the
	// page before it (a server that ignores the marker or offset).
	FaultRepeatedItems PagingFault = iota + 1
	// FaultRepeatedCursor: the page leads to a cursor the walk has already
	// fetched, so the walk would go round in a circle.
	FaultRepeatedCursor
	// FaultNoProgress: a full page leads to its own cursor again.
	FaultNoProgress
	// FaultPastCount: the walk got far more items than the list's count.
	FaultPastCount
	// FaultEndsBeforeCount: an empty page at an offset the count says
	// still holds items.
	FaultEndsBeforeCount
)

func (f PagingFault) String() string {
	switch f {
	case FaultRepeatedItems:
		return "repeated items"
	case FaultRepeatedCursor:
		return "repeated cursor"
	case FaultNoProgress:
		return "no progress"
	case FaultPastCount:
		return "past count"
	case FaultEndsBeforeCount:
		return "ends before count"
	}
	return "fault " + strconv.Itoa(int(f))
}

// PagingError reports a walk the server paged inconsistently: a page that
// repeats items or a cursor, that makes no progress, or a list that goes
// on far past or ends short of its own count. The walk yields it once,
// after the items it could vouch for, and stops. Use errors.As.
type PagingError struct {
	// Provider and List name the API and the list ("cloudbackup", "backups").
	Provider string
	List     string
	// Page is the number of the faulty page in the walk, from 1.
	Page int
	// Cursor is where that page started: "the start", "offset 2000" or
	// `marker "b09"`.
	Cursor string
	// Fault is what was wrong; Detail says more (such as the repeated key).
	Fault  PagingFault
	Detail string
}

// Error reads like "cloudbackup: listing backups, page 2 (offset 1000):
// repeated items: "b1" was on page 1 already".
func (e *PagingError) Error() string {
	return fmt.Sprintf("%s: listing %s, page %d (%s): %s: %s", e.Provider, e.List, e.Page, e.Cursor, e.Fault, e.Detail)
}

// maxCursors bounds how many fetched cursors a walk remembers to detect a
// circle; older ones are forgotten (a circle that long also repeats the
// count many times over, which FaultPastCount catches when there is one).
const maxCursors = 4096

// Walk turns a page fetcher into an iterator over every item. fetch gets
// the cursor of the page to fetch and the number of items the walk has
// yielded so far; it returns the page with its position and the next
// cursor. Pages are fetched lazily, only when the consumer wants more;
// breaking out of the loop stops fetching; an error is yielded once and
// ends the walk. It holds the current page, the keys of the page before
// and up to maxCursors cursors, whatever the length of the list.
//
// A page ends the walk when it is empty; when its position is known and
// the count it states has been reached (a short page with items left goes
// on); otherwise when it is shorter than p.Limit. Every page is checked
// first: a repeat of items or of a cursor, a full page that leads nowhere,
// a walk far past the count, or an empty page at an offset the count says
// holds items is a *PagingError. A page by offset that starts with items
// of the page before (the list grew at its head while it was walked) has
// those items skipped rather than yielded twice.
func Walk[T any, C comparable](ctx context.Context, p Paging[T], start C, fetch func(ctx context.Context, cursor C, walked int) (WalkPage[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, fmt.Errorf("%s: listing %s: %w", p.Provider, p.List, ErrNilContext))
			return
		}
		w := walker[T, C]{p: p, cursor: start}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			pg, err := fetch(ctx, w.cursor, w.walked)
			if err != nil {
				yield(zero, err)
				return
			}
			w.page++
			skip, err := w.checkItems(&pg)
			if err != nil {
				yield(zero, err)
				return
			}
			for i := skip; i < len(pg.Items); i++ {
				if !yield(pg.Items[i], nil) {
					return
				}
			}
			w.walked += len(pg.Items) - skip
			more, err := w.more(&pg)
			if err != nil {
				yield(zero, err)
				return
			}
			if !more {
				return
			}
			w.remember(w.cursor)
			w.cursor = pg.Next
		}
	}
}

// walker is the state of one walk.
type walker[T any, C comparable] struct {
	p        Paging[T]
	cursor   C
	page     int // pages fetched
	walked   int // items yielded
	maxTotal int // the largest count any page stated

	prev, cur map[string]int // key → page it was on, for the last two pages

	cursors map[C]struct{}
	ring    []C // cursors in the order fetched, to forget the oldest
}

func (w *walker[T, C]) fault(f PagingFault, format string, args ...any) *PagingError {
	return &PagingError{
		Provider: w.p.Provider,
		List:     w.p.List,
		Page:     w.page,
		Cursor:   describeCursor(w.cursor),
		Fault:    f,
		Detail:   fmt.Sprintf(format, args...),
	}
}

func describeCursor(c any) string {
	if s, ok := c.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(c)
}

// checkItems finds repeated items on the page; it returns how many
// leading items to skip (an offset page's overlap with the page before).
func (w *walker[T, C]) checkItems(pg *WalkPage[T, C]) (int, error) {
	if w.p.Key == nil {
		return 0, nil
	}
	if w.cur == nil {
		w.prev, w.cur = make(map[string]int, len(pg.Items)), make(map[string]int, len(pg.Items))
	}
	clear(w.cur)
	skip := 0
	for i := range pg.Items {
		k := w.p.Key(&pg.Items[i])
		if k == "" {
			continue
		}
		if _, dup := w.cur[k]; dup {
			return 0, w.fault(FaultRepeatedItems, "%q is on the page twice", k)
		}
		if on, old := w.prev[k]; old {
			if pg.ByOffset && i == skip {
				skip++
				continue
			}
			return 0, w.fault(FaultRepeatedItems, "%q was on page %d already", k, on)
		}
		w.cur[k] = w.page
	}
	if skip > 0 && skip == len(pg.Items) {
		return 0, w.fault(FaultRepeatedItems, "all %d %s were on page %d already", skip, w.p.List, w.page-1)
	}
	w.prev, w.cur = w.cur, w.prev
	return skip, nil
}

// more decides whether the walk goes on after pg, or fails.
func (w *walker[T, C]) more(pg *WalkPage[T, C]) (bool, error) {
	n, limit := len(pg.Items), w.p.Limit
	if pg.HasTotal {
		w.maxTotal = max(w.maxTotal, pg.Total)
	}
	if n == 0 {
		if pg.ByOffset && pg.Pos >= 0 && pg.HasTotal && pg.Pos < pg.Total {
			return false, w.fault(FaultEndsBeforeCount, "the page is empty but the count is %d", pg.Total)
		}
		return false, nil
	}
	var more bool
	switch {
	case pg.HasTotal && pg.Pos >= 0:
		// The count says whether items remain, even after a short page
		// (a server that serves fewer than asked for).
		more = pg.Pos+n < pg.Total
	default:
		more = limit <= 0 || n >= limit
		if more && pg.HasTotal && w.walked > w.maxTotal+max(limit, n) {
			return false, w.fault(FaultPastCount, "%d %s walked but the count is %d", w.walked, w.p.List, w.maxTotal)
		}
	}
	if !more {
		return false, nil
	}
	if pg.Next == w.cursor {
		return false, w.fault(FaultNoProgress, "a page of %d %s leads to the same cursor again", n, w.p.List)
	}
	if _, seen := w.cursors[pg.Next]; seen {
		return false, w.fault(FaultRepeatedCursor, "the next page, %s, was fetched already", describeCursor(pg.Next))
	}
	return true, nil
}

// remember records a fetched cursor, forgetting the oldest beyond maxCursors.
func (w *walker[T, C]) remember(c C) {
	if w.cursors == nil {
		w.cursors = make(map[C]struct{})
	}
	if len(w.ring) == maxCursors {
		delete(w.cursors, w.ring[0])
		w.ring = append(w.ring[:0], w.ring[1:]...)
	}
	w.cursors[c] = struct{}{}
	w.ring = append(w.ring, c)
}

// offsetCursor is an offset walk's cursor.
type offsetCursor int

func (c offsetCursor) String() string { return "offset " + strconv.Itoa(int(c)) }

// Offset walks a list paged by offset and p.Limit, starting at offset (the
// index of the first item wanted). fetch returns the page at offset; see
// Walk for when the walk ends and what it checks.
func Offset[T any](ctx context.Context, p Paging[T], offset int, fetch func(ctx context.Context, offset, limit int) (Page[T], error)) iter.Seq2[T, error] {
	return Walk(ctx, p, offsetCursor(offset), func(ctx context.Context, c offsetCursor, _ int) (WalkPage[T, offsetCursor], error) {
		page, err := fetch(ctx, int(c), p.Limit)
		if err != nil {
			return WalkPage[T, offsetCursor]{}, err
		}
		return WalkPage[T, offsetCursor]{Page: page, Next: c + offsetCursor(len(page.Items)), Pos: int(c), ByOffset: true}, nil
	})
}

// markerCursor is a marker walk's cursor.
type markerCursor string

func (c markerCursor) String() string {
	if c == "" {
		return "the start"
	}
	return "marker " + strconv.Quote(string(c))
}

// Marker walks a list paged by marker: each page starts after the item
// whose key (p.Key, required) is the marker; "" starts at the beginning,
// where the count, if the server gives one, tells when the list is done.
// An item without a key cannot be paged after: a full page that ends with
// one is a *PagingError (FaultNoProgress). See Walk for the rest.
func Marker[T any](ctx context.Context, p Paging[T], marker string, fetch func(ctx context.Context, marker string, limit int) (Page[T], error)) iter.Seq2[T, error] {
	fromStart := marker == ""
	return Walk(ctx, p, markerCursor(marker), func(ctx context.Context, c markerCursor, walked int) (WalkPage[T, markerCursor], error) {
		page, err := fetch(ctx, string(c), p.Limit)
		if err != nil {
			return WalkPage[T, markerCursor]{}, err
		}
		wp := WalkPage[T, markerCursor]{Page: page, Next: c, Pos: -1}
		if fromStart {
			wp.Pos = walked
		}
		if n := len(page.Items); n > 0 && p.Key != nil {
			if last := p.Key(&page.Items[n-1]); last != "" {
				wp.Next = markerCursor(last)
			}
		}
		return wp, nil
	})
}
