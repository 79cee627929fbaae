package core

import "net/http"

// ReadBody exposes the body reader to the tests.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) { return readBody(resp, limit) }
