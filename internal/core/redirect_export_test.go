package core

import "net/url"

// SameOrigin exposes the redirect guard's origin comparison to the tests.
func SameOrigin(a, b *url.URL) bool { return origin(a) == origin(b) }
