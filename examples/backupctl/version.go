package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/backupsdk/backupsdk/internal/core"
)

// versionInfo is what "backupctl version" prints; with -o json it is
// written as {"version", "go", "user_agent"}.
type versionInfo struct {
	// Version is the module version of the binary, from its build
	// information: a tag such as v1.2.0, a pseudo-version, or "(devel)".
	Version string `json:"version"`
	// Go is the Go version it was built with.
	Go string `json:"go"`
	// UserAgent is the User-Agent header backupctl sends, with PROVIDER
	// standing for onapp, erigones, unitrends or cloudbackup.
	UserAgent string `json:"user_agent"`
}

// moduleVersion is the binary's module version from debug.ReadBuildInfo,
// "(devel)" when it has none (go run, a test binary).
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// userAgent is what backupctl adds to the SDK's User-Agent: its name, and
// its version when it is a released one (a product token holds no
// parentheses), so that a server's logs tell which build called.
func userAgent() string {
	if v := moduleVersion(); v != "(devel)" && !strings.ContainsAny(v, " ()") {
		return "backupctl/" + v
	}
	return "backupctl"
}

// currentVersion gathers the versionInfo of this binary.
func currentVersion() versionInfo {
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok && bi.GoVersion != "" {
		goVersion = bi.GoVersion
	}
	return versionInfo{
		Version: moduleVersion(),
		Go:      goVersion,
		// The SDK builds it as "backupsdk/<version> <provider> <ours>"
		// (internal/core.NewClient).
		UserAgent: "backupsdk/" + core.Version + " PROVIDER " + userAgent(),
	}
}

// writeVersion prints the versionInfo: three lines, or with -o json an
// object.
func (s *session) writeVersion() error {
	v := currentVersion()
	if s.format == formatJSON {
		return writeJSON(s.stdout, v)
	}
	_, err := fmt.Fprintf(s.stdout, "backupctl %s\ngo: %s\nuser-agent: %s\n", v.Version, v.Go, v.UserAgent)
	return err
}

// printVersion is "backupctl -version", wherever the flag is.
func (s *session) printVersion() int {
	if msg := s.checkGlobals(); msg != "" {
		return s.usageFailure([]*command{rootCommand()}, msg)
	}
	if err := s.writeVersion(); err != nil {
		s.warnf("%v", err)
		return exitError
	}
	return exitOK
}

// versionCommand is "backupctl version".
func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "the version of backupctl, its Go and the User-Agent it sends",
		about: `version prints the module version of this backupctl binary (from its build
information: a tag, a pseudo-version, or (devel) for go run), the Go version
it was built with, and the User-Agent header it sends, where PROVIDER is
onapp, erigones, unitrends or cloudbackup. With -o json: {"version", "go",
"user_agent"}. 'backupctl -version' prints the same.`,
		noTimeout: true,
		setup: func(*flag.FlagSet) action {
			return func(_ context.Context, s *session) error { return s.writeVersion() }
		},
	}
}
