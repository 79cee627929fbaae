package cloudbackup

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// A write's success answer (a 2xx to a create, restore or delete) is never
// turned into an error: by the time it arrives the server has done the
// work, and an error would invite the caller to do it again. What could
// not be read of it goes into the result's BodyErr, next to what could
// (the ID and status); only a body in CBR's error shape, the server
// reporting a failure with a success status, is an error.

// errMissing is the reason of a FieldError for an identifying member the
// answer does not have.
var errMissing = errors.New("missing from the answer")

// bodyUnread reports whether err came after a write's success status
// arrived, when only reading the body failed (the connection closed
// part-way): the write was accepted.
func bodyUnread(resp *core.Response, err error) bool {
	var te *core.TransportError
	return resp != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 && errors.As(err, &te)
}

// decodeAccepted reads a write's success answer into out (a pointer),
// leniently: members that do not fit their fields are left out. It returns
// what could not be read as a *DecodeError (wrapping FieldErrors when only
// some members were left out; nil when all was read or the body is empty),
// or, as apiErr, an *APIError when the body is CBR's error shape.
func (c *Client) decodeAccepted(resp *core.Response, out any) (bodyErr, apiErr error) {
	data := bytes.TrimSpace(resp.Body)
	if len(data) == 0 {
		return nil, nil
	}
	var shape errorShape
	if codec.UnmarshalJSON(data, &shape) == nil && (shape.Code != nil || shape.Msg != nil) {
		return nil, c.core.APIError(resp, resp.StatusCode)
	}
	fields, err := codec.UnmarshalJSONLenient(data, out, codec.Limits{})
	switch {
	case err != nil:
		return c.core.DecodeError(resp, err), nil
	case len(fields) > 0:
		return c.core.DecodeError(resp, fields), nil
	}
	return nil, nil
}

// withMissing adds a FieldError for each identifying member (path) the
// answer lacks to bodyErr, making one if there is none.
func (c *Client) withMissing(resp *core.Response, bodyErr error, paths ...string) error {
	if len(paths) == 0 {
		return bodyErr
	}
	var de *core.DecodeError
	if bodyErr != nil && !errors.As(bodyErr, &de) {
		return bodyErr
	}
	var fields FieldErrors
	if de != nil {
		if !errors.As(de.Err, &fields) {
			return bodyErr // the body could not be read at all: that says it
		}
	}
	known := fields.Paths()
	for _, p := range paths {
		if !slices.ContainsFunc(known, func(k string) bool { return p == k || strings.HasPrefix(p, k+"/") }) {
			fields = append(fields, FieldError{Path: p, Err: errMissing})
		}
	}
	if de != nil {
		de.Err = fields
		return de
	}
	return c.core.DecodeError(resp, fields)
}
