package core

import (
	"context"
	"iter"
)

// Walk turns a page fetcher into an iterator over every item. fetch gets the
// cursor of the page to fetch and returns its items, the cursor of the next
// page, and whether there is one. Pages are fetched lazily, only when the
// consumer wants more; breaking out of the loop stops fetching; an error is
// yielded once and ends the walk. Only the current page is held.
func Walk[T, C any](ctx context.Context, start C, fetch func(ctx context.Context, cursor C) (items []T, next C, more bool, err error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := start
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, next, more, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for i := range items {
				if !yield(items[i], nil) {
					return
				}
			}
			if !more || len(items) == 0 {
				return
			}
			cursor = next
		}
	}
}

// OffsetPage is one page of an offset-paged list.
type OffsetPage[T any] struct {
	Items []T
	// Total is the number of items in the whole list, when the API says
	// (HasTotal); it ends the walk without an extra empty request.
	Total    int
	HasTotal bool
}

// Offset walks a list paged by offset and limit, starting at offset. A page
// shorter than limit, an empty page, or reaching Total ends the walk. limit
// 0 lets the server choose the page size (then only an empty page or Total
// ends the walk).
func Offset[T any](ctx context.Context, offset, limit int, fetch func(ctx context.Context, offset, limit int) (OffsetPage[T], error)) iter.Seq2[T, error] {
	return Walk(ctx, offset, func(ctx context.Context, off int) ([]T, int, bool, error) {
		page, err := fetch(ctx, off, limit)
		if err != nil {
			return nil, 0, false, err
		}
		n := len(page.Items)
		next := off + n
		more := n > 0 && (limit <= 0 || n >= limit) && (!page.HasTotal || next < page.Total)
		return page.Items, next, more, nil
	})
}

// Marker walks a list paged by marker: each page starts after the item whose
// key is the marker. A page shorter than limit, an empty page, or a last
// item whose key is empty or equal to the marker (no progress) ends the walk.
func Marker[T any](ctx context.Context, marker string, limit int, key func(T) string, fetch func(ctx context.Context, marker string, limit int) ([]T, error)) iter.Seq2[T, error] {
	return Walk(ctx, marker, func(ctx context.Context, m string) ([]T, string, bool, error) {
		items, err := fetch(ctx, m, limit)
		if err != nil || len(items) == 0 {
			return items, "", false, err
		}
		next := key(items[len(items)-1])
		more := (limit <= 0 || len(items) >= limit) && next != "" && next != m
		return items, next, more, nil
	})
}
