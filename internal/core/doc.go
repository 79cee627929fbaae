// Package core is the request executor every backupsdk provider package
// builds on: base URL and path escaping, query and body encoding, the
// retrying transport (go-retryablehttp with a policy that never resends a
// write, as every Request declares itself, that may have reached the
// server), credentials that
// decorate each attempt and renew once, response decoding into typed values,
// the one *APIError type, lazy pagination as iter.Seq2, and redacted secrets.
//
// Provider packages hold only what is specific to their API: routes, types,
// the shape of their envelopes and errors, and their auth flows.
package core

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"
