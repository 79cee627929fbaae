package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/backupsdk/backupsdk/onapp"
)

// Exit statuses of backupctl.
const (
	exitOK    = 0 // everything worked
	exitError = 1 // a provider or the network failed; one line on stderr says why
	exitUsage = 2 // the command line or the -config file was wrong; stderr says how

	// exitAttention is freshness's "something needs attention": a protected
	// machine is stale, failing or has no backup, and every account
	// answered.
	exitAttention = 3

	// exitWaitStopped is an action whose wait was stopped (-wait-timeout or
	// Ctrl-C) before the work ended: the work goes on on the server.
	exitWaitStopped = 4
)

// env is everything run depends on besides its arguments: the process
// environment, the clock, how to tell a terminal, and the knobs tests turn
// (fast retries and task polls, a pinned clock for the built-in fakes).
// newEnv fills in what a real process uses.
type env struct {
	// getenv reads a setting, as os.Getenv does.
	getenv func(string) string
	// now is the clock: the built-in fakes lay out their demo data relative
	// to it, -since is counted back from it, and the inventory status of an
	// OnApp backup that is not built yet depends on its age.
	now func() time.Time
	// isTerminal reports whether w is a terminal, to decide whether to draw
	// progress lines on it.
	isTerminal func(w io.Writer) bool
	// retry is the retry policy of every client (the four packages share
	// one RetryPolicy type); nil keeps each package's default.
	retry *onapp.RetryPolicy
	// pollSchedule is how long to wait before each poll of an Erigones
	// task; the last value repeats. Empty means each package's default backoff.
	pollSchedule []time.Duration
}

// newEnv returns the environment of a real process reading getenv.
func newEnv(getenv func(string) string) *env {
	return &env{
		getenv:     getenv,
		now:        time.Now,
		isTerminal: isTerminal,
	}
}

// isTerminal reports whether w is an *os.File open on a character device (a
// terminal), the case where backupctl draws progress lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run is backupctl: it parses args, runs the command they name and returns
// the exit status (exitOK, exitError, exitUsage or exitAttention). Results go to stdout,
// errors and notices to stderr; settings are read with getenv.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return newEnv(getenv).run(ctx, args, stdout, stderr)
}
