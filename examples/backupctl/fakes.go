package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// fake is a running in-process fake of one provider, with demo data, and
// the account that reaches it.
type fake struct {
	// title names the API for people ("OnApp").
	title string
	// url is where the fake listens.
	url string
	// acct is the account that logs in to the fake.
	acct account
	// exports are the environment variables that point backupctl (or curl,
	// or a vendor's own client) at the fake, in the order to print them.
	exports [][2]string
	// close stops the fake.
	close func()
}

// startFake starts provider's fake on addr (a loopback host:port; port 0
// picks a free one) with demo data laid out relative to now.
func startFake(provider, addr string, now func() time.Time) (*fake, error) {
	switch provider {
	case providerOnApp:
		// A backup created here is built on its third read, so that
		// "onapp backup create -wait" ends.
		srv, err := onapptest.NewServer(onapptest.WithAddr(addr), onapptest.WithNow(now), onapptest.WithBuildAfterReads(3))
		if err != nil {
			return nil, err
		}
		return &fake{
			title: "OnApp", url: srv.URL(), close: srv.Close,
			acct: account{Provider: provider, Demo: true, URL: srv.URL(), User: srv.User(), Password: secret(srv.Password())},
			exports: [][2]string{
				{"ONAPP_URL", srv.URL()}, {"ONAPP_USER", srv.User()}, {"ONAPP_PASSWORD", srv.Password()},
			},
		}, nil
	case providerErigones:
		srv, err := erigonestest.NewServer(erigonestest.WithAddr(addr), erigonestest.WithNow(now))
		if err != nil {
			return nil, err
		}
		return &fake{
			title: "Erigones (Danube Cloud)", url: srv.URL(), close: srv.Close,
			acct: account{Provider: provider, Demo: true, URL: srv.URL(), APIKey: secret(srv.APIKey())},
			exports: [][2]string{
				{"ERIGONES_URL", srv.URL()}, {"ERIGONES_API_KEY", srv.APIKey()}, {"ERIGONES_DC", erigonestest.DemoDC},
			},
		}, nil
	case providerUnitrends:
		srv, err := unitrendstest.NewServer(unitrendstest.WithAddr(addr), unitrendstest.WithNow(now))
		if err != nil {
			return nil, err
		}
		return &fake{
			title: "Unitrends", url: srv.URL(), close: srv.Close,
			acct: account{Provider: provider, Demo: true, URL: srv.URL(), User: srv.User(), Password: secret(srv.Password())},
			exports: [][2]string{
				{"UNITRENDS_URL", srv.URL()}, {"UNITRENDS_USER", srv.User()}, {"UNITRENDS_PASSWORD", srv.Password()},
			},
		}, nil
	case providerCloudBackup:
		srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithAddr(addr), cloudbackuptest.WithNow(now))
		if err != nil {
			return nil, err
		}
		return &fake{
			title: "Huawei Cloud CBR", url: srv.URL(), close: srv.Close,
			acct: account{Provider: provider, Demo: true, URL: srv.URL(), ProjectID: srv.ProjectID(), Token: secret(srv.Token())},
			exports: [][2]string{
				{"CBR_ENDPOINT", srv.URL()}, {"CBR_PROJECT_ID", srv.ProjectID()}, {"CBR_TOKEN", srv.Token()},
			},
		}, nil
	}
	return nil, fmt.Errorf("unknown provider %q", provider)
}

// fakeAddrs gives each provider its listen address from the -addr of the
// fakes command: the same host, and with a base port N the ports N, N+1,
// N+2 and N+3 in the order of providers, or a free port each with port 0.
func fakeAddrs(addr string) ([]string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: want host:port, such as 127.0.0.1:0 or 127.0.0.1:8000", addr)
	}
	base, err := strconv.Atoi(port)
	if err != nil || base < 0 || base+len(providers)-1 > 65535 {
		return nil, fmt.Errorf("-addr %q: the port must be 0 or a number up to %d", addr, 65535-len(providers)+1)
	}
	addrs := make([]string, len(providers))
	for i := range providers {
		p := 0
		if base != 0 {
			p = base + i
		}
		addrs[i] = net.JoinHostPort(host, strconv.Itoa(p))
	}
	return addrs, nil
}

// runFakes is the fakes command: it starts the four fakes on real loopback
// ports, prints the export lines that point clients at them and serves
// until ctx is cancelled (Ctrl-C or SIGTERM), then stops them.
func runFakes(ctx context.Context, s *session, addr string) error {
	addrs, err := fakeAddrs(addr)
	if err != nil {
		return usageError{err.Error()}
	}
	var started []*fake
	defer func() {
		for _, f := range started {
			f.close()
		}
	}()
	for i, p := range providers {
		f, err := startFake(p, addrs[i], s.env.now)
		if err != nil {
			return fmt.Errorf("%s: starting the fake on %s: %w", p, addrs[i], err)
		}
		started = append(started, f)
	}
	if err := writeFakes(s, started); err != nil {
		return err
	}
	s.warnf("serving the four fakes with demo data; paste the export lines above into a shell, stop with Ctrl-C")
	<-ctx.Done() // Ctrl-C, SIGTERM, or the caller's cancel: a clean stop
	s.warnf("stopping the fakes")
	return nil
}

// fakeInfo is a running fake as "-o json fakes" describes it.
type fakeInfo struct {
	// Provider is onapp, erigones, unitrends or cloudbackup.
	Provider string `json:"provider"`
	// URL is where the fake listens.
	URL string `json:"url"`
	// Env holds the variables that point backupctl at it.
	Env map[string]string `json:"env"`
}

// writeFakes prints how to reach the fakes: a comment and an export line
// each, or with -o json an array of fakeInfo.
func writeFakes(s *session, fakes []*fake) error {
	if s.format == formatJSON {
		infos := make([]fakeInfo, len(fakes))
		for i, f := range fakes {
			infos[i] = fakeInfo{Provider: f.acct.Provider, URL: f.url, Env: map[string]string{}}
			for _, kv := range f.exports {
				infos[i].Env[kv[0]] = kv[1]
			}
		}
		return writeJSON(s.stdout, infos)
	}
	var b strings.Builder
	for _, f := range fakes {
		fmt.Fprintf(&b, "# %s\nexport", f.title)
		for _, kv := range f.exports {
			fmt.Fprintf(&b, " %s=%s", kv[0], shellQuote(kv[1]))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(s.stdout, b.String())
	return err
}

// shellQuote quotes v for a POSIX shell when it holds anything but plain
// characters.
func shellQuote(v string) string {
	plain := v != "" && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0
	if plain {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// fakesCommand is "backupctl fakes".
func fakesCommand() *command {
	return &command{
		name:      "fakes",
		args:      "[-addr 127.0.0.1:0]",
		summary:   "serve the four built-in fakes on loopback, for other tools",
		noTimeout: true,
		about: `fakes starts the in-process fakes of the four APIs (the packages onapptest,
erigonestest, unitrendstest and cloudbackuptest) as real HTTP servers on
loopback, with demo data, and prints for each the export line that points
backupctl, curl, scripts or a vendor's own client at it: paste them into
another shell (with -o json: [{"provider", "url", "env"}]). It serves until
interrupted (Ctrl-C or SIGTERM), then shuts down cleanly; -timeout does not
apply. Each fake gets its own port: with -addr HOST:0 a free one each, with
-addr HOST:N the ports N to N+3 (OnApp, Erigones, Unitrends, CBR).`,
		setup: func(fs *flag.FlagSet) action {
			addr := fs.String("addr", "127.0.0.1:0", "listen on this loopback `HOST:PORT`; port 0 picks free ports, N uses N to N+3")
			return func(ctx context.Context, s *session) error { return runFakes(ctx, s, *addr) }
		},
	}
}
