package core

import (
	"context"
	"net/http"
)

// ResponseInfo is what a call's last answer said about itself, for callers
// who need the server's request id in a support ticket or the status of a
// successful call. Ask for it with WithResponseInfo.
type ResponseInfo struct {
	// StatusCode is the last answer's HTTP status (0 when none arrived).
	StatusCode int
	// RequestID is the server's id of the last request, from its response
	// headers (X-Request-Id, X-Openstack-Request-Id, Request-Id, …); ""
	// when the server sent none.
	RequestID string
	// Header holds the last answer's headers.
	Header http.Header
	// Attempts is how many times the last request was sent.
	Attempts int
	// Requests counts the HTTP requests the call made (a call that logs in
	// or walks pages makes several).
	Requests int
}

type respInfoKey struct{}

// WithResponseInfo returns a context that makes every call it is passed to
// fill info with its last answer. Give each call its own info (or fill
// them one call at a time): info is written while the call runs.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return context.WithValue(ctx, respInfoKey{}, info)
}

// recordResponse fills the ResponseInfo of ctx, if any, from an answer.
func recordResponse(ctx context.Context, resp *Response) {
	info, _ := ctx.Value(respInfoKey{}).(*ResponseInfo)
	if info == nil {
		return
	}
	info.Requests++
	if resp == nil {
		*info = ResponseInfo{Requests: info.Requests}
		return
	}
	info.StatusCode = resp.StatusCode
	info.Header = resp.Header
	info.Attempts = resp.Attempts
	info.RequestID = requestIDOf(resp.Header)
}

// requestIDOf returns the first request id header of h.
func requestIDOf(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}
