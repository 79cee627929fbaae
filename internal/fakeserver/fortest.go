package fakeserver

import "testing"

// ForTest starts a fake with start for the test t and closes it when the
// test ends; a fake that cannot start fails t with start's error (which
// names the fake). It is the body of every fake's NewTestServer. It
// returns the zero S when t.Fatal returns (a testing.TB that does not stop
// the test).
func ForTest[S interface{ Close() }](t testing.TB, start func() (S, error)) S {
	t.Helper()
	s, err := start()
	if err != nil {
		t.Fatal(err)
		var zero S
		return zero
	}
	t.Cleanup(s.Close)
	return s
}
