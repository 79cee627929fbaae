// Package chaos holds a bounded soak test that runs one client of every
// provider package, shared by 64 goroutines, through a fault-injecting
// loopback proxy in front of the package's fake server: connections reset
// before and after the answer's headers, 5xx answers (some after the
// request reached the server), 429 with Retry-After, slow and stalled
// bodies, cut-off bodies, redirects to another host, and refused
// connections. It checks the promises of the core under all of them at
// once: no write is carried out twice, every call returns by its
// deadline, every error is typed, no credential or body reaches another
// host, and nothing leaks (goroutines, connections, memory). It has no
// code of its own.
package chaos
