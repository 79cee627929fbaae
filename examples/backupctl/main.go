package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// main wires the signals and the process environment to run; everything
// else happens in run, which the tests drive directly.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
