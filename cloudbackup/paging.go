package cloudbackup

import (
	"fmt"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// checkLimit checks a list's Limit against the API's range, 1 to 1000
// (0 asks for the server's default, 1000). The API page
// (../apidocs/cloudbackup-list-backups.txt) says only "a positive
// integer"; the range is the one the notes on real servers give for every
// CBR list.
func checkLimit(options string, limit int) error {
	if limit < 0 || limit > maxPageSize {
		return fmt.Errorf("%s.Limit is %d, want 1 to %d (0: the server's default, %d)", options, limit, maxPageSize, maxPageSize)
	}
	return nil
}

// pageSize is the limit a walk asks for: the caller's, or the largest page.
func pageSize(limit int) int {
	if limit <= 0 {
		return maxPageSize
	}
	return limit
}

// listOf decodes the list member of a list answer and records that the
// answer had one, so that a 200 without its list is told from an empty
// list. A null list counts as an empty one.
type listOf[T any] struct {
	items   []T
	present bool
}

// UnmarshalJSONFrom decodes the list (encoding/json/v2 calls it, for null
// too).
func (l *listOf[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	l.present = true
	return json.UnmarshalDecode(dec, &l.items)
}

// errorShape is the CBR error body: {"error_code": ..., "error_msg": ...}.
type errorShape struct {
	Code jsontext.Value `json:"error_code"`
	Msg  jsontext.Value `json:"error_msg"`
}

// listMissing reports whether a list answer lacks its list: it has no list
// member, and no count of 0 that says the list is empty. Huawei's own SDK
// models the list members as omitempty, so an empty list may come as
// {"count": 0}; {"count": 5} or {} without the list is a broken answer.
func listMissing(present, hasCount bool, count int64) bool {
	return !present && !(hasCount && count == 0)
}

// noList is the error for a 2xx list answer without its list member. When
// the body is the API's error shape (error_code, error_msg), the server
// reported a failure with a 200: that is an *APIError with the status the
// answer had (CBR's codes name no HTTP status) and the code and message of
// the body. Anything else is a *DecodeError naming the missing member.
func (c *Client) noList(resp *core.Response, member string) error {
	var shape errorShape
	if codec.UnmarshalJSON(resp.Body, &shape) == nil && (shape.Code != nil || shape.Msg != nil) {
		return c.core.APIError(resp, resp.StatusCode)
	}
	return c.core.DecodeError(resp, fmt.Errorf("the answer has no %q list", member))
}

// total returns the page's count for the walker.
func total(n Int) (int, bool) {
	v, ok := n.Get()
	if !ok {
		return 0, false
	}
	return int(max(min(v, 1<<31-1), 0)), true
}

// backupCursor is where a walk of Backups.All stands: after a marker, or
// at an offset (from the start, or from the caller's marker).
type backupCursor struct {
	marker   string // next page starts after this ID (marker mode)
	offset   int    // next page starts here (offset mode)
	byOffset bool
}

func (c backupCursor) String() string {
	switch {
	case c.byOffset:
		return "offset " + strconv.Itoa(c.offset)
	case c.marker == "":
		return "the start"
	}
	return "marker " + strconv.Quote(c.marker)
}

// PagingError is what a walk (All) yields when the server pages
// inconsistently: a page that repeats items or a cursor, a full page that
// leads nowhere, a list that runs far past its count or ends short of it.
// It names the page and where it started; Fault says what was wrong. Get
// at it with errors.As.
type PagingError = core.PagingError

// PagingFault says what was wrong with a page (PagingError.Fault).
type PagingFault = core.PagingFault

// The faults a walk can report.
const (
	FaultRepeatedItems   = core.FaultRepeatedItems   // items of this page or the one before again
	FaultRepeatedCursor  = core.FaultRepeatedCursor  // a marker fetched before
	FaultNoProgress      = core.FaultNoProgress      // a full page that leads to its own cursor
	FaultPastCount       = core.FaultPastCount       // far more items than count
	FaultEndsBeforeCount = core.FaultEndsBeforeCount // an empty page before count
)
