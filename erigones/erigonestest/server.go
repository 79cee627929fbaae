// Package erigonestest is an in-memory fake of the Danube Cloud (Erigones)
// API's backup views for tests: the same routes (with their trailing
// slashes), the {"status", "result", "task_id"} envelope, the status codes
// and {"detail": …} errors of the real server, API-key and token
// authentication (login and logout at /api/accounts/login/ and
// /api/accounts/logout/), virtual datacenters (dc), backup definitions and
// backups, and asynchronous tasks at /api/task/<id>/status/, done/ and
// cancel/, their details at /api/task/<id>/ and the task log at
// /api/task/log/. Creating, restoring and deleting backups run as tasks
// that stay PENDING (then STARTED) until they have been polled a
// configurable number of times, then end in SUCCESS, or in FAILURE when
// asked to.
//
// It follows the real server's source (GitHub erigones/esdc-ce; each
// behaviour cites its file): a task that cannot take its lock or reach its
// worker is a 400 FAILURE (que/tasks.py), task results name no backup
// (api/vm/backup/tasks.py), backup views check only disk_id > 0 and read
// an unknown VM, or the "hostname" parameter, as the backups' original
// hostname (api/vm/backup/vm_backup_list.py, vm_backup.py).
//
// It is faithful enough for the official es command-line client: GET
// parameters come from the query (a flag is true when its value is
// non-empty), others from a JSON body whose numbers and booleans may be
// strings. The ES-STREAM header is ignored: answers never block.
//
// The server is safe for concurrent use and deterministic: ids, tokens and
// the demo data depend only on the order of calls and on the clock given
// with WithNow.
package erigonestest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// Fault describes how the next requests are answered instead of normally
// (a status and body, a reset connection, a delay).
type Fault = fakeserver.Fault

// Demo data, present unless WithoutDemoData is given. Times are relative to
// the server's clock (WithNow) at NewServer.
const (
	// DemoDC is the default virtual datacenter (the user's current one).
	DemoDC = "main"
	// LabDC is a second datacenter, reached with dc=lab.
	LabDC = "lab"
	// DemoComputeNode is the compute node every demo VM runs on.
	DemoComputeNode = "node01.example.com"
	// DemoBackupNode is the backup node with zpools "zones" and "backups".
	DemoBackupNode = "node99.example.com"

	// FreshVM has definitions "daily" (disk 1, dataset) and "hourly" (disk
	// 2, gzip file); its newest backups are 1 and 2 hours old, all OK.
	FreshVM = "web01.example.com"
	// StaleVM (stopped) has definition "daily" (xz file); its newest
	// successful backup is 5 days old.
	StaleVM = "db01.example.com"
	// FailedVM has definition "daily"; its two newest backups (3 and 27
	// hours old) are LOST (status 4), the newest OK one is 8 days old.
	FailedVM = "app01.example.com"
	// UnprotectedVM has definition "weekly" but no backups at all.
	UnprotectedVM = "mail01.example.com"
	// LabVM lives in LabDC, with definition "daily" and one backup 4 hours old.
	LabVM = "test01.lab.example.com"

	// DefaultAPIKey, DefaultUser and DefaultPassword are the credentials
	// unless WithAPIKey or WithPassword change them.
	DefaultAPIKey   = "erigonestest-api-key"
	DefaultUser     = "admin"
	DefaultPassword = "erigonestest-password"
)

// Option configures NewServer.
type Option func(*config) error

type config struct {
	addr      string
	tls       bool
	now       func() time.Time
	apiKey    string
	user      string
	password  string
	taskPolls int
	tokenTTL  time.Duration
	demo      bool
}

// WithAddr listens on addr (default "127.0.0.1:0"); it must be loopback.
func WithAddr(addr string) Option {
	return func(c *config) error {
		host := addr
		if i := strings.LastIndexByte(addr, ':'); i >= 0 {
			host = addr[:i]
		}
		host = strings.Trim(host, "[]")
		if host != "127.0.0.1" && host != "localhost" && host != "::1" {
			return fmt.Errorf("erigonestest: WithAddr %q: not a loopback address", addr)
		}
		c.addr = addr
		return nil
	}
}

// WithTLS serves HTTPS with a self-signed certificate (see HTTPClient).
func WithTLS() Option {
	return func(c *config) error { c.tls = true; return nil }
}

// WithNow replaces the clock: demo data, backup names, created times and
// token expiry follow it.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("erigonestest: WithNow: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithAPIKey sets the API key accepted in the ES-API-KEY header.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("erigonestest: WithAPIKey: empty key")
		}
		c.apiKey = key
		return nil
	}
}

// WithPassword sets the username and password accepted by the login view.
func WithPassword(user, password string) Option {
	return func(c *config) error {
		if user == "" || password == "" {
			return errors.New("erigonestest: WithPassword: empty user or password")
		}
		c.user, c.password = user, password
		return nil
	}
}

// WithTaskPolls sets how many polls of a task (status or done) it takes to
// end: the n-th poll sees it finished (default 2: the first poll answers
// STARTED, the second SUCCESS).
func WithTaskPolls(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("erigonestest: WithTaskPolls(%d): want 1 or more", n)
		}
		c.taskPolls = n
		return nil
	}
}

// WithTokenTTL sets how long a login token stays valid (default 1 hour);
// an expired token is answered 403 "Authentication credentials were not
// provided.", as the real server does.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("erigonestest: WithTokenTTL: want a positive duration")
		}
		c.tokenTTL = d
		return nil
	}
}

// WithoutDemoData starts with the datacenters and nodes only: no VMs,
// definitions or backups.
func WithoutDemoData() Option {
	return func(c *config) error { c.demo = false; return nil }
}

// Server is a running fake. Close it when done.
type Server struct {
	fs  *fakeserver.Server
	cfg config

	mu sync.Mutex
	st *state
}

// NewTestServer starts a fake on loopback for the test t and closes it
// when the test ends; an option that fails ends the test (t.Fatal).
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.ForTest(t, func() (*Server, error) { return NewServer(opts...) })
}

// NewServer starts a fake on loopback. Close it when done (NewTestServer
// does that for a test).
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		now:       time.Now,
		apiKey:    DefaultAPIKey,
		user:      DefaultUser,
		password:  DefaultPassword,
		taskPolls: 2,
		tokenTTL:  time.Hour,
		demo:      true,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, st: newState()}
	s.st.addDC(DemoDC)
	s.st.addDC(LabDC)
	s.st.nodes = append(s.st.nodes,
		&nodeRec{Node{Hostname: DemoComputeNode, Status: NodeOnline, Zpools: []string{"zones"}}},
		&nodeRec{Node{Hostname: DemoBackupNode, Backup: true, Status: NodeOnline, Zpools: []string{"zones", "backups"}}},
	)
	if cfg.demo {
		if err := s.seedDemo(); err != nil {
			return nil, err
		}
	}
	fs, err := fakeserver.Start(http.HandlerFunc(s.serveHTTP), fakeserver.Options{TLS: cfg.tls, Addr: cfg.addr})
	if err != nil {
		return nil, fmt.Errorf("erigonestest: %w", err)
	}
	s.fs = fs
	return s, nil
}

// URL returns the server root, such as http://127.0.0.1:41234; the API is
// under URL()+"/api/" (pass URL() to erigones.NewClient).
func (s *Server) URL() string { return s.fs.URL() }

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// HTTPClient returns a client that trusts the server's certificate (with
// WithTLS) and has its own transport.
func (s *Server) HTTPClient() *http.Client { return s.fs.HTTPClient() }

// APIKey returns the accepted API key.
func (s *Server) APIKey() string { return s.cfg.apiKey }

// User returns the accepted username.
func (s *Server) User() string { return s.cfg.user }

// Password returns the accepted password.
func (s *Server) Password() string { return s.cfg.password }

// InjectFault makes the next n requests answer with f.
func (s *Server) InjectFault(n int, f Fault) { s.fs.InjectFault(n, f) }

// ClearFaults drops injected faults not used yet.
func (s *Server) ClearFaults() { s.fs.ClearFaults() }

// Requests returns how many requests the server received (faults included).
func (s *Server) Requests() int64 { return s.fs.Requests() }

// MaxInFlight returns the most requests the server handled at once.
func (s *Server) MaxInFlight() int64 { return s.fs.MaxInFlight() }

// Call is one request the server received, as it arrived, with the
// status it was answered with (Fault true when an injected fault answered).
type Call = fakeserver.Call

// Calls returns the last requests received (up to 1000), oldest first,
// faulted ones included.
func (s *Server) Calls() []Call { return s.fs.Calls() }

// FailNextTasks makes the next n tasks started end in FAILURE, with
// message as the command's stderr: the result's "message" is message and
// its "detail" "Got bad return code (1). Error: <message>", as
// api/vm/backup/tasks.py and que/exceptions.py leave them. Their effects
// are undone: a new backup disappears, a backup being deleted or restored
// goes back to OK.
func (s *Server) FailNextTasks(n int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.st.failQueue = append(s.st.failQueue, message)
	}
}

// FinishTasks ends every pending task now, as if polled enough.
func (s *Server) FinishTasks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.st.taskOrder {
		if t := s.st.tasks[id]; t.state == statePending || t.state == stateStarted {
			s.finishTask(t)
		}
	}
}

// PendingTasks returns the ids of the tasks not finished yet, oldest first.
func (s *Server) PendingTasks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.st.taskOrder {
		if t := s.st.tasks[id]; t.state == statePending || t.state == stateStarted {
			out = append(out, id)
		}
	}
	return out
}

// RevokeTokens invalidates every login token: the next call with one gets
// 401 "Invalid token.".
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.tokens)
}

// Logins returns how many successful logins the server answered.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.logins
}

// VM states of the fake; backups can be created of running, stopped and
// stopping VMs, and restored only into stopped ones.
const (
	VMRunning  = "running"
	VMStopped  = "stopped"
	VMStopping = "stopping"
	VMNotReady = "notready"
)

// Node states.
const (
	NodeOnline      = "online"
	NodeMaintenance = "maintenance"
)

// VM describes a server to add with AddVM.
type VM struct {
	Hostname string
	// UUID defaults to one derived from the hostname.
	UUID string
	// DC defaults to DemoDC.
	DC string
	// Node defaults to DemoComputeNode.
	Node string
	// Brand is "kvm" (default), "bhyve" or "os".
	Brand string
	// Status defaults to VMRunning.
	Status string
	// Disks lists the disk sizes in MiB; default one disk of 10240.
	Disks []int
}

// Node describes a compute or backup node to add with AddNode.
type Node struct {
	Hostname string
	// Backup marks a backup node (definitions can target only those).
	Backup bool
	// Status defaults to NodeOnline.
	Status string
	// Zpools lists the node's storage pools; default "zones".
	Zpools []string
}

// Definition describes a backup definition to add with AddDefinition.
type Definition struct {
	VM   string
	Name string
	// DiskID defaults to 1.
	DiskID int
	// Type is 1 dataset (default) or 2 file.
	Type int
	// Node defaults to DemoBackupNode, Zpool to "zones".
	Node  string
	Zpool string
	Desc  string
	// Bwlimit in bytes per second; nil means none.
	Bwlimit  *int
	Active   bool
	Schedule string
	// Retention defaults to 30.
	Retention int
	// Compression is 0 none, 1 gzip, 2 bzip2, 3 xz.
	Compression int
	Fsfreeze    bool
}

// Backup describes a backup to add with AddBackup.
type Backup struct {
	// VM is the original hostname; the VM must exist unless Deleted.
	VM string
	// Deleted makes a backup of a VM that no longer exists (vm null).
	Deleted bool
	// DC is needed only with Deleted (default DemoDC).
	DC string
	// DiskID defaults to 1.
	DiskID int
	// Define names the definition (on the same disk); "" for none.
	Define string
	// Name defaults to "<Define>-<Created as YYYYmmdd_HHMMSS>".
	Name string
	// Type defaults to the definition's type, else 1.
	Type int
	// Node and Zpool default to the definition's, else DemoBackupNode and "zones".
	Node  string
	Zpool string
	// Created defaults to now.
	Created time.Time
	// Status defaults to 1 (OK): 2 pending, 3 restore, 4 lost.
	Status int
	// Size in bytes and Time in seconds; 0 means unknown (null) unless Status is OK.
	Size     int64
	Time     int64
	FilePath string
	Note     string
}

// AddDC adds a virtual datacenter.
func (s *Server) AddDC(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" || s.st.dc(name) != nil {
		return fmt.Errorf("erigonestest: AddDC %q: empty or exists", name)
	}
	s.st.addDC(name)
	return nil
}

// AddNode adds a compute or backup node.
func (s *Server) AddNode(n Node) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n.Hostname == "" || s.st.node(n.Hostname) != nil {
		return fmt.Errorf("erigonestest: AddNode %q: empty or exists", n.Hostname)
	}
	if n.Status == "" {
		n.Status = NodeOnline
	}
	if len(n.Zpools) == 0 {
		n.Zpools = []string{"zones"}
	}
	n.Zpools = slices.Clone(n.Zpools)
	s.st.nodes = append(s.st.nodes, &nodeRec{n})
	return nil
}

// SetNodeStatus changes a node's status (NodeOnline, NodeMaintenance, …).
func (s *Server) SetNodeStatus(hostname, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.st.node(hostname)
	if n == nil {
		return fmt.Errorf("erigonestest: no node %q", hostname)
	}
	n.Status = status
	return nil
}

// AddVM adds a server.
func (s *Server) AddVM(v VM) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addVM(v)
}

// SetWorkerResponding makes the task queue worker of a backup node answer
// pings or not. While it does not, every backup task for that node is
// refused with 400 FAILURE "Task queue worker (backup@<node>) is not
// responding!", as que/tasks.py execute answers.
func (s *Server) SetWorkerResponding(hostname string, responding bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.node(hostname) == nil {
		return fmt.Errorf("erigonestest: no node %q", hostname)
	}
	s.st.workersDown[hostname] = !responding
	return nil
}

// SetVMStatus changes a VM's status (VMRunning, VMStopped, …).
func (s *Server) SetVMStatus(hostname, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.vmAny(hostname)
	if v == nil {
		return fmt.Errorf("erigonestest: no VM %q", hostname)
	}
	v.Status = status
	return nil
}

// DeleteVM removes a VM; its backups stay with vm null, its definitions go.
func (s *Server) DeleteVM(hostname string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.vmAny(hostname)
	if v == nil {
		return fmt.Errorf("erigonestest: no VM %q", hostname)
	}
	s.st.vms = slices.DeleteFunc(s.st.vms, func(x *vmRec) bool { return x == v })
	s.st.defs = slices.DeleteFunc(s.st.defs, func(d *defRec) bool { return d.vm == v })
	for _, b := range s.st.bkps {
		if b.vm == v {
			b.vm = nil
		}
		if b.define != nil && b.define.vm == v {
			b.define = nil
		}
	}
	return nil
}

// AddDefinition adds a backup definition.
func (s *Server) AddDefinition(d Definition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addDefinition(d)
}

// AddBackup adds a backup and returns its ID, which in this API is its
// name (such as "daily-20240301_100000").
func (s *Server) AddBackup(b Backup) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addBackup(b, s.cfg.now())
}
