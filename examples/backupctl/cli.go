package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/erigones"
)

// Output formats of the -o flag.
const (
	formatText = "text"
	formatJSON = "json"
)

// defaultTimeout is the default of -timeout.
const defaultTimeout = 60 * time.Second

// action runs a command once its flags are parsed.
type action func(ctx context.Context, s *session) error

// command is one level of the command tree: a group of subcommands (subs)
// or a leaf that defines its flags and runs (setup).
type command struct {
	// name is the word on the command line.
	name string
	// args is the rest of the usage line of a leaf: "[-vm ID] [-xml]".
	args string
	// summary is the one line the parent's usage lists.
	summary string
	// about explains the command in its -h text.
	about string
	// subs are the subcommands of a group.
	subs []*command
	// setup defines a leaf's flags on fs and returns what runs it.
	setup func(fs *flag.FlagSet) action
	// noTimeout exempts the command from -timeout (fakes serves until
	// interrupted).
	noTimeout bool
}

// sub returns the subcommand called name, or nil.
func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// rootCommand is the whole command tree of backupctl.
func rootCommand() *command {
	return &command{
		name:  "backupctl",
		about: rootAbout,
		subs: []*command{
			inventoryCommand(),
			freshnessCommand(),
			onappCommand(),
			erigonesCommand(),
			unitrendsCommand(),
			cloudbackupCommand(),
			fakesCommand(),
			versionCommand(),
		},
	}
}

const rootAbout = `backupctl lists and manages the backups of virtual machines and servers on
four platforms: OnApp clouds, Erigones (Danube Cloud), Unitrends Backup
appliances and Huawei Cloud Backup and Recovery (CBR). It is built on the
backupsdk Go packages.

Without any settings it talks to built-in fakes with demo data, so that
'backupctl inventory' and 'backupctl freshness' work offline; set a
provider's variables (see Environment) to point it at a real server, or
list many accounts in a file given with -config (see Accounts file). Once
one provider is configured, the fakes answer only with -demo: a report
never mixes demo data with real data.`

const globalFlagsHelp = `Global flags (before or after the command):
  -o text|json
        output format (default text): aligned tables with sizes in KiB/MiB/GiB
        and times in RFC 3339 (UTC), or a JSON array on stdout
  -timeout duration
        give up on the requests and listings of the command after this long
        (default 60s; 0: never); for large -config fleets raise it (accounts
        not done by then fail). It does not end waits: see -wait-timeout
  -no-wait
        actions that start work on the server (create, restore, delete)
        return once it is accepted, instead of waiting for it to end
  -wait-timeout duration
        stop waiting after this long (default 0: no limit; Ctrl-C stops
        waiting too); the work goes on on the server, backupctl says how to
        follow it and exits 4
  -config FILE
        the accounts to work on, from a JSON file (see Accounts file) instead
        of the environment
  -account NAME[,NAME...]
        with -config: the account of a provider command (needed when the file
        has several of that provider), or the accounts inventory and
        freshness walk (default all)
  -parallel N
        inventory and freshness query at most N accounts at once (default 4);
        each account makes up to 4 requests at once on its own
  -demo
        use the four built-in fakes with demo data, whatever the environment
        says (every JSON row of inventory and freshness has "demo": true)
  -version
        print the version, as 'backupctl version' does`

const providerFlagsHelp = `Provider flags (the same name for the same thing everywhere):
  flag      onapp               erigones             unitrends   cloudbackup
  -vm       virtual server id   VM host name/uuid    -           server id (restore to)
  -id       backup id           backup name          backup ids  backup id
  -disk     disk id             disk number (1..)    -           volume id (restore to)
  -define   -                   backup definition    -           -
  -yes      confirms a restore or a delete, everywhere
  (older names still work: erigones -name for -id; cloudbackup -server, -volume)`

const environmentHelp = `Environment:
  OnApp        ONAPP_URL, ONAPP_USER, ONAPP_PASSWORD (or ONAPP_API_KEY)
  Erigones     ERIGONES_URL, ERIGONES_API_KEY (or ERIGONES_USER and
               ERIGONES_PASSWORD), ERIGONES_DC (optional virtual datacenter)
  Unitrends    UNITRENDS_URL, UNITRENDS_USER, UNITRENDS_PASSWORD,
               UNITRENDS_CA_FILE (the appliance's self-signed certificate),
               UNITRENDS_INSECURE=1 (skip certificate checks: lab only),
               UNITRENDS_TZ (the appliance's time zone, such as America/New_York)
  CBR          CBR_ENDPOINT, CBR_PROJECT_ID and one of: CBR_TOKEN; CBR_AK and
               CBR_SK; CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN
When no provider's URL (CBR: endpoint) variable is set, backupctl starts the
built-in fakes with demo data for the run and says so on stderr. Once one is
set, the providers left unset are left out of inventory and freshness (one
note on stderr) and their commands fail: no fake answers unless -demo is
given. A URL without its credentials is an error. With -config the
environment's provider settings are not used (and no fake is started).`

const exitHelp = `Exit status: 0 success; 1 a provider, an account or the network failed (one
line per failure on stderr); 2 a usage error or a bad -config file;
3 (freshness only) something is stale, failing or has no backup, and every
account answered (1 wins when both happen: the report is incomplete);
4 a wait was stopped (-wait-timeout, Ctrl-C) and the work goes on.`

// globalFlags defines the global flags on fs, bound to s. Every level of
// the command line gets them, so that they may come before the command or
// after it (backupctl inventory -o json), as with kubectl, aws and restic.
// Each definition starts from the value an earlier level parsed, and a
// command's own flag of the same name wins.
func (s *session) globalFlags(fs *flag.FlagSet) {
	def := func(name string, f func()) {
		if fs.Lookup(name) == nil {
			f()
		}
	}
	def("o", func() { fs.StringVar(&s.format, "o", s.format, "output format: text or json") })
	def("timeout", func() { fs.DurationVar(&s.timeout, "timeout", s.timeout, "deadline of each request or listing") })
	def("wait-timeout", func() { fs.DurationVar(&s.waitTimeout, "wait-timeout", s.waitTimeout, "deadline of a wait") })
	def("no-wait", func() { fs.BoolVar(&s.noWait, "no-wait", s.noWait, "return once the work is started") })
	def("config", func() { fs.StringVar(&s.configPath, "config", s.configPath, "the accounts file") })
	def("account", func() {
		fs.StringVar(&s.accountName, "account", s.accountName, "the account(s) of the -config file to use")
	})
	def("parallel", func() { fs.IntVar(&s.parallel, "parallel", s.parallel, "accounts queried at once") })
	def("demo", func() { fs.BoolVar(&s.demo, "demo", s.demo, "use the built-in fakes") })
	def("version", func() { fs.BoolVar(&s.version, "version", s.version, "print the version") })
}

// checkGlobals rejects global flag values that cannot work together; it
// runs once the whole command line is parsed.
func (s *session) checkGlobals() string {
	switch {
	case s.format != formatText && s.format != formatJSON:
		return fmt.Sprintf("-o %q: want text or json", s.format)
	case s.timeout < 0:
		return "-timeout must not be negative"
	case s.waitTimeout < 0:
		return "-wait-timeout must not be negative"
	case s.parallel < 1:
		return fmt.Sprintf("-parallel %d: want 1 or more accounts at once", s.parallel)
	case s.accountName != "" && s.configPath == "":
		return "-account goes with -config FILE (the environment has one account per provider)"
	case s.demo && s.configPath != "":
		return "-demo and -config do not go together: -demo uses the built-in fakes only"
	}
	return ""
}

// run parses the global flags, finds the command and runs it.
func (e *env) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s := &session{env: e, stdout: stdout, stderr: stderr, format: formatText, timeout: defaultTimeout, parallel: defaultParallel}
	defer s.close()
	root := rootCommand()

	fs := flag.NewFlagSet("backupctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s.globalFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(stdout, []*command{root})
			return exitOK
		}
		return s.usageFailure([]*command{root}, err.Error())
	}
	rest := fs.Args()
	switch {
	case s.version:
		return s.printVersion()
	case len(rest) == 0:
		// Bare backupctl: what it can do, briefly, as git and kubectl do.
		writeShortUsage(stderr, root)
		return exitUsage
	case rest[0] == "help":
		return s.help(root, rest[1:])
	}
	return s.dispatch(ctx, []*command{root}, rest)
}

// dispatch runs the command at the end of path with args: a group picks
// its subcommand from args, a leaf parses its flags and runs.
func (s *session) dispatch(ctx context.Context, path []*command, args []string) int {
	cmd := path[len(path)-1]
	fs := flag.NewFlagSet(pathName(path), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var act action
	if cmd.setup != nil {
		act = cmd.setup(fs)
	}
	s.globalFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(s.stdout, path)
			return exitOK
		}
		return s.usageFailure(path, err.Error())
	}
	if s.version {
		return s.printVersion()
	}
	args = fs.Args()
	if cmd.setup == nil { // a group
		if len(args) == 0 {
			return s.usageFailure(path, "missing command")
		}
		next := cmd.sub(args[0])
		if next == nil {
			return s.usageFailure(path, fmt.Sprintf("unknown command %q", args[0]))
		}
		return s.dispatch(ctx, append(path, next), args[1:])
	}
	if len(args) > 0 {
		return s.usageFailure(path, fmt.Sprintf("unexpected argument %q (flags go before arguments; this command takes none)", args[0]))
	}
	if msg := s.checkGlobals(); msg != "" {
		return s.usageFailure(path, msg)
	}
	// Waits are bounded by -wait-timeout (or Ctrl-C) alone, not by
	// -timeout: a restore that takes an hour is not a failure.
	s.waitBase = ctx
	if s.timeout > 0 && !cmd.noTimeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	err := act(ctx, s)
	var (
		uerr    usageError
		cerr    configError
		werr    waitStoppedError
		invalid *erigones.ValidationError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		return s.usageFailure(path, uerr.msg)
	case errors.As(err, &invalid):
		// A flag value the SDK refused before sending: a usage error.
		return s.usageFailure(path, describe(pathProvider(path), err, s.timeout.String()))
	case errors.As(err, &cerr):
		s.warnf("%s", cerr.msg)
		return exitUsage
	case errors.As(err, &werr):
		s.warnf("%s", werr.msg)
		return exitWaitStopped
	case errors.Is(err, errReported):
		return exitError
	case errors.Is(err, errAttention):
		return exitAttention
	}
	s.warnf("%s", describe(pathProvider(path), err, s.timeout.String()))
	return exitError
}

// help is "backupctl help [command...]": the usage of that command on
// stdout.
func (s *session) help(root *command, names []string) int {
	path := []*command{root}
	for _, n := range names {
		next := path[len(path)-1].sub(n)
		if next == nil {
			return s.usageFailure(path, fmt.Sprintf("help: unknown command %q", n))
		}
		path = append(path, next)
	}
	writeUsage(s.stdout, path)
	return exitOK
}

// usageFailure reports a usage error: the message and how to get help, on
// stderr; the exit status is 2.
func (s *session) usageFailure(path []*command, msg string) int {
	s.warnf("%s", msg)
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.stderr, "usage: %s\nRun '%s -h' for help.\n", usageLine(path), pathName(path))
	return exitUsage
}

// pathName is the command path as typed: "backupctl onapp backups".
func pathName(path []*command) string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = c.name
	}
	return strings.Join(names, " ")
}

// pathProvider is the provider a command path belongs to ("onapp" for
// "backupctl onapp backup create"), or "" for inventory and fakes.
func pathProvider(path []*command) string {
	if len(path) > 1 {
		for _, p := range providers {
			if path[1].name == p {
				return p
			}
		}
	}
	return ""
}

// usageLine is the synopsis of the command at the end of path.
func usageLine(path []*command) string {
	cmd := path[len(path)-1]
	line := "backupctl [-o text|json] [-timeout 60s]"
	if len(path) == 1 {
		return line + " <command> [flags]"
	}
	line += " " + strings.TrimPrefix(pathName(path), "backupctl ")
	switch {
	case cmd.setup == nil:
		line += " <command> [flags]"
	case cmd.args != "":
		line += " " + cmd.args
	}
	return line
}

// writeShortUsage writes what bare "backupctl" prints: the synopsis, the
// commands and where the rest is.
func writeShortUsage(w io.Writer, root *command) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage:\n  %s\n\nCommands:\n", usageLine([]*command{root}))
	writeCommands(&b, root)
	b.WriteString("\nRun 'backupctl -h' for the global flags, the environment and the exit\nstatuses; 'backupctl <command> -h' for a command's flags.\n")
	_, _ = w.Write(b.Bytes())
}

// writeCommands lists the subcommands of a group, one line each.
func writeCommands(b *bytes.Buffer, cmd *command) {
	width := 0
	for _, c := range cmd.subs {
		width = max(width, len(c.name))
	}
	for _, c := range cmd.subs {
		fmt.Fprintf(b, "  %-*s  %s\n", width, c.name, c.summary)
	}
}

// writeUsage writes the -h text of the command at the end of path.
func writeUsage(w io.Writer, path []*command) {
	cmd := path[len(path)-1]
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage:\n  %s\n\n%s\n", usageLine(path), strings.TrimSpace(cmd.about))
	if cmd.setup == nil {
		b.WriteString("\nCommands:\n")
		writeCommands(&b, cmd)
	} else {
		fs := flag.NewFlagSet(pathName(path), flag.ContinueOnError)
		cmd.setup(fs)
		var flags bytes.Buffer
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		if flags.Len() > 0 {
			b.WriteString("\nFlags:\n")
			b.Write(flags.Bytes())
		}
	}
	if len(path) == 1 {
		fmt.Fprintf(&b, "\n%s\n\n%s\n\n%s\n\n%s\n\n%s\n", globalFlagsHelp, providerFlagsHelp, environmentHelp, configHelp, exitHelp)
	}
	if cmd.setup == nil {
		fmt.Fprintf(&b, "\nRun '%s <command> -h' for a command's flags.\n", pathName(path))
	}
	_, _ = w.Write(b.Bytes())
}
