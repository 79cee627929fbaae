// Package crosstest holds tests that run one check over every provider
// package and every way each authenticates, so that a promise of the core
// (no credential leaves the configured host, no secret in an error) is
// proven where callers meet it. It has no code of its own.
package crosstest
