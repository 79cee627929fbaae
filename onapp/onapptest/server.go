// Package onapptest is an in-memory, stateful OnApp backups API on
// loopback, for tests and demos of package onapp (and of anything built on
// it). It serves the backups of its virtual servers and disks, and lists
// those servers and disks (GET /virtual_machines, /virtual_machines/:id and
// /virtual_machines/:id/disks). It speaks root-wrapped JSON (or bare JSON,
// see WithBareJSON) and Rails XML, checks HTTP basic credentials, answers
// creates and restores
// with 201, deletes and note edits with 204, unknown ids with 404 and an
// error body, bad credentials with 401, and can inject faults.
//
//	srv, err := onapptest.NewServer()
//	if err != nil { … }
//	defer srv.Close()
//	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()))
//
// NewServer seeds deterministic demo data (see DemoVMRecent) unless
// WithoutDemoData is given; its times are relative to the server's clock
// (WithNow).
package onapptest

import (
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// Fault describes how the next requests are answered instead of normally:
// a status (with Retry-After and a body), a connection reset, or a delay.
type Fault = fakeserver.Fault

// Default credentials of a new server.
const (
	DefaultUser     = "admin"
	DefaultPassword = "changeme"
	DefaultAPIKey   = "0f3a6c1e9b2d4f5a7c8e0b1d3f5a7c9e1b3d5f7a"
)

// Backup types (the API's backup_type values).
const (
	// TypeNormal is a backup of one disk.
	TypeNormal = "normal"
	// TypeIncremental is an incremental backup of a virtual server.
	TypeIncremental = "incremental"
)

// VM is a virtual server of the fake.
type VM struct {
	// ID is assigned by AddVM when zero.
	ID int64
	// Label is the server's name (default "vm-<id>").
	Label string
	// Hostname is the server's host name (default the label).
	Hostname string
	// Identifier is generated when empty.
	Identifier string
	// UserID and TemplateID are rendered as the server's and its backups'
	// user_id and template_id (0 is null).
	UserID     int64
	TemplateID int64
	// OperatingSystem (default "linux") and OperatingSystemDistro
	// (default "ubuntu") are rendered in the server and its backups.
	OperatingSystem       string
	OperatingSystemDistro string
	// MemoryMB is the server's memory and its backups' min_memory_size
	// (default 1024).
	MemoryMB int64
	// CPUs is the number of virtual CPUs (default 1).
	CPUs int64
	// PoweredOff renders booted false; servers are booted by default.
	PoweredOff bool
	// Locked and Suspended are rendered as locked and suspended.
	Locked    bool
	Suspended bool
	// CreatedAt defaults to the server's clock; it is also updated_at.
	CreatedAt time.Time
}

// Disk is a disk of a virtual server of the fake.
type Disk struct {
	// ID is assigned by AddDisk when zero.
	ID int64
	// VMID is the virtual server the disk belongs to (required).
	VMID int64
	// Label is the disk's name (default "disk-<id>").
	Label string
	// Identifier is generated when empty.
	Identifier string
	// DataStoreType is "lvm" (default), "vmware" or "solidfire" (its
	// backups then carry an iqn).
	DataStoreType string
	// DataStoreID is the data store holding the disk (default 1).
	DataStoreID int64
	// SizeGB is the disk's disk_size and its backups' min_disk_size
	// (default 10); the server's total_disk_size is the sum over its
	// disks.
	SizeGB int64
	// Primary marks the disk the server boots from.
	Primary bool
	// Swap marks a swap disk (is_swap, file_system "swap").
	Swap bool
	// MountPoint is rendered as mount_point; "" is null.
	MountPoint string
	// CreatedAt defaults to the virtual server's; it is also updated_at.
	CreatedAt time.Time
}

// Backup is a backup held by the fake. Zero times and ids are rendered as
// nulls, an empty Note as a null note.
type Backup struct {
	// ID is assigned by AddBackup when zero.
	ID int64
	// Type is TypeNormal (of DiskID) or TypeIncremental (of VMID).
	Type string
	// VMID is the backed-up virtual server: required for incremental
	// backups, filled from the disk for normal ones.
	VMID int64
	// DiskID is the backed-up disk of a normal backup.
	DiskID int64
	// Identifier is generated when empty.
	Identifier string
	// Built tells a taken backup from a scheduled (or failed) one;
	// BuiltAt defaults to CreatedAt when Built, and is null otherwise.
	Built   bool
	BuiltAt time.Time
	// CreatedAt defaults to the server's clock; UpdatedAt to BuiltAt,
	// else CreatedAt.
	CreatedAt time.Time
	UpdatedAt time.Time
	// SizeKB is the backup_size.
	SizeKB int64
	// BackupServerID is the backup server holding it; 0 is null.
	BackupServerID int64
	// Initiated is "manual" (default), "days", "weeks", "months" or
	// "years".
	Initiated string
	// Note is the backup's note; "" is rendered as null.
	Note string
	// Locked backups cannot be deleted (422).
	Locked bool
	// MarkedForDelete is rendered as marked_for_delete.
	MarkedForDelete bool
}

// Template is an image template made from a backup by a conversion.
type Template struct {
	// ID is the template's id (from 5001).
	ID int64
	// BackupID is the backup it was converted from.
	BackupID int64
	// Label is the name the conversion asked for.
	Label string
	// FileName is the backup's identifier + ".tar.gz".
	FileName string
	// State is "active".
	State string
	// MinDiskSize (GB) and MinMemorySize (MB) are as asked, else the
	// backup's.
	MinDiskSize   int64
	MinMemorySize int64
	// CreatedAt is the server's clock at the conversion.
	CreatedAt time.Time
}

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	fs       *fakeserver.Server
	hc       *http.Client
	user     string
	password string
	apiKey   string
	now      func() time.Time
	bareJSON bool
	// emptyCreates answers creates 201 without a body.
	emptyCreates bool
	// buildAfter is WithBuildAfterReads' n; buildIn counts down the reads
	// (GET /backups/:id) left before each created backup is built.
	buildAfter int
	buildIn    map[int64]int

	logins    atomic.Int64
	requestID atomic.Int64

	mu         sync.Mutex
	vms        map[int64]*VM
	disks      map[int64]*Disk
	backups    map[int64]*Backup
	templates  map[int64]*Template
	restores   []int64
	nextVM     int64
	nextDisk   int64
	nextBackup int64
	nextTmpl   int64
}

type config struct {
	addr     string
	tls      bool
	user     string
	password string
	apiKey   string
	now      func() time.Time
	demo     bool
	bareJSON bool

	emptyCreates bool
	buildAfter   int
}

// Option configures NewServer.
type Option func(*config) error

// WithAddr listens on addr, a loopback address such as "127.0.0.1:8080"
// (default "127.0.0.1:0", a free port).
func WithAddr(addr string) Option {
	return func(c *config) error {
		if strings.TrimSpace(addr) == "" {
			return errors.New("onapptest: WithAddr: address is empty")
		}
		c.addr = addr
		return nil
	}
}

// WithTLS serves HTTPS with a self-signed certificate (see CertPool).
func WithTLS() Option {
	return func(c *config) error { c.tls = true; return nil }
}

// WithPassword sets the user and password the server accepts (default
// DefaultUser and DefaultPassword), as onapp.WithPassword gives them.
func WithPassword(user, password string) Option {
	return func(c *config) error {
		if user == "" || password == "" {
			return errors.New("onapptest: WithPassword: user and password must not be empty")
		}
		c.user, c.password = user, password
		return nil
	}
}

// WithAPIKey sets the API key the server accepts in place of the password
// (default DefaultAPIKey); a client gives it as onapp.WithPassword(user,
// key).
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("onapptest: WithAPIKey: key is empty")
		}
		c.apiKey = key
		return nil
	}
}

// WithNow replaces the server's clock: demo data is placed relative to it
// and new backups are stamped with it. Pin it for deterministic output.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("onapptest: WithNow: clock is nil")
		}
		c.now = now
		return nil
	}
}

// WithoutDemoData starts the server empty.
func WithoutDemoData() Option {
	return func(c *config) error { c.demo = false; return nil }
}

// WithBareJSON answers JSON without the Rails root wrapper ([{…}] instead
// of [{"backup":{…}}]), as some installs and proxies do.
func WithBareJSON() Option {
	return func(c *config) error { c.bareJSON = true; return nil }
}

// WithEmptyCreateAnswers answers a create (POST /settings/disks/:id/backups,
// POST /virtual_machines/:id/backups) with 201 and no body, after
// scheduling the backup as usual. The control panel answers a restore that
// way (shared/notes/onapp.md), HTTP allows a 201 without content (RFC 9110,
// section 15.3.2), and creates answered so have been reported (issue 15);
// the API pages show no create answer at all. A client must take such an
// answer as a scheduled backup whose id it does not know yet.
func WithEmptyCreateAnswers() Option {
	return func(c *config) error { c.emptyCreates = true; return nil }
}

// WithBuildAfterReads builds each backup created through the API on the
// n-th read of it (GET /backups/:id), with a size of 2048 kB, as if its
// transaction ran meanwhile: what onapp's CreateResult.Wait polls for,
// without a test or demo having to call MarkBuilt. Without it a created
// backup stays unbuilt until MarkBuilt.
func WithBuildAfterReads(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("onapptest: WithBuildAfterReads: %d reads: want at least 1", n)
		}
		c.buildAfter = n
		return nil
	}
}

// builtSizeKB is the size of a backup WithBuildAfterReads builds.
const builtSizeKB = 2048

// NewTestServer starts a fake OnApp server for the test t, which fails at
// once if it cannot start; the server is closed when the test ends.
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.ForTest(t, func() (*Server, error) { return NewServer(opts...) })
}

// NewServer starts a fake OnApp server on loopback. Close it when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		addr:     "127.0.0.1:0",
		user:     DefaultUser,
		password: DefaultPassword,
		apiKey:   DefaultAPIKey,
		now:      time.Now,
		demo:     true,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Server{
		user:         cfg.user,
		password:     cfg.password,
		apiKey:       cfg.apiKey,
		now:          cfg.now,
		bareJSON:     cfg.bareJSON,
		emptyCreates: cfg.emptyCreates,
		buildAfter:   cfg.buildAfter,
		buildIn:      map[int64]int{},
		vms:          map[int64]*VM{},
		disks:        map[int64]*Disk{},
		backups:      map[int64]*Backup{},
		templates:    map[int64]*Template{},
		nextVM:       100,
		nextDisk:     1000,
		nextBackup:   0,
		nextTmpl:     5000,
	}
	if cfg.demo {
		if err := s.seed(); err != nil {
			return nil, err
		}
	}
	fs, err := fakeserver.Start(http.HandlerFunc(s.serveHTTP), fakeserver.Options{TLS: cfg.tls, Addr: cfg.addr})
	if err != nil {
		return nil, fmt.Errorf("onapptest: %w", err)
	}
	s.fs = fs
	s.hc = newHTTPClient(fs.CertPool())
	return s, nil
}

// URL returns the server's base URL, such as http://127.0.0.1:41234.
func (s *Server) URL() string { return s.fs.URL() }

// Close shuts the server down and waits for calls in flight.
func (s *Server) Close() {
	s.fs.Close()
	s.hc.CloseIdleConnections()
}

// User returns the user name the server accepts.
func (s *Server) User() string { return s.user }

// Password returns the password the server accepts.
func (s *Server) Password() string { return s.password }

// APIKey returns the API key the server accepts in place of the password.
func (s *Server) APIKey() string { return s.apiKey }

// Now returns the server's clock reading (see WithNow).
func (s *Server) Now() time.Time { return s.clock() }

// InjectFault makes the next n requests answer with f instead of normally.
func (s *Server) InjectFault(n int, f Fault) { s.fs.InjectFault(n, f) }

// ClearFaults drops faults that have not been used yet.
func (s *Server) ClearFaults() { s.fs.ClearFaults() }

// Call is one request the server received, with the status it answered.
type Call = fakeserver.Call

// Calls returns the last requests the server received (up to 1000),
// oldest first, faults and refused credentials included.
func (s *Server) Calls() []Call { return s.fs.Calls() }

// Logins returns how many requests presented credentials the server
// accepted. OnApp has no login call: every request carries its HTTP basic
// credentials, so this counts authenticated requests.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// Requests returns how many requests the server has received, faults and
// refused credentials included.
func (s *Server) Requests() int64 { return s.fs.Requests() }

// MaxInFlight returns the most requests the server was handling at once.
func (s *Server) MaxInFlight() int64 { return s.fs.MaxInFlight() }

// HTTPClient returns an *http.Client for the server, with its own
// connection pool, that trusts the server's certificate (with WithTLS).
// Every call returns the same client.
func (s *Server) HTTPClient() *http.Client { return s.hc }

func newHTTPClient(pool *x509.CertPool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if pool != nil {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	return &http.Client{Transport: tr}
}

func (s *Server) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// AddVM adds a virtual server and returns it with its id and defaults.
func (s *Server) AddVM(vm VM) (VM, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vm.ID < 0 {
		return VM{}, fmt.Errorf("onapptest: AddVM: id %d is negative", vm.ID)
	}
	if vm.ID == 0 {
		s.nextVM++
		for s.vms[s.nextVM] != nil {
			s.nextVM++
		}
		vm.ID = s.nextVM
	} else if s.vms[vm.ID] != nil {
		return VM{}, fmt.Errorf("onapptest: AddVM: virtual server %d exists", vm.ID)
	}
	if vm.Label == "" {
		vm.Label = "vm-" + strconv.FormatInt(vm.ID, 10)
	}
	if vm.Hostname == "" {
		vm.Hostname = vm.Label
	}
	if vm.CPUs == 0 {
		vm.CPUs = 1
	}
	if vm.CreatedAt.IsZero() {
		vm.CreatedAt = s.clock()
	}
	if vm.Identifier == "" {
		vm.Identifier = identifier("v", vm.ID)
	}
	if vm.OperatingSystem == "" {
		vm.OperatingSystem = "linux"
	}
	if vm.OperatingSystemDistro == "" {
		vm.OperatingSystemDistro = "ubuntu"
	}
	if vm.MemoryMB == 0 {
		vm.MemoryMB = 1024
	}
	v := vm
	s.vms[vm.ID] = &v
	return vm, nil
}

// AddDisk adds a disk to an existing virtual server.
func (s *Server) AddDisk(d Disk) (Disk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vm := s.vms[d.VMID]
	if vm == nil {
		return Disk{}, fmt.Errorf("onapptest: AddDisk: no virtual server %d", d.VMID)
	}
	if d.ID < 0 {
		return Disk{}, fmt.Errorf("onapptest: AddDisk: id %d is negative", d.ID)
	}
	if d.ID == 0 {
		s.nextDisk++
		for s.disks[s.nextDisk] != nil {
			s.nextDisk++
		}
		d.ID = s.nextDisk
	} else if s.disks[d.ID] != nil {
		return Disk{}, fmt.Errorf("onapptest: AddDisk: disk %d exists", d.ID)
	}
	if d.Label == "" {
		d.Label = "disk-" + strconv.FormatInt(d.ID, 10)
	}
	if d.Identifier == "" {
		d.Identifier = identifier("d", d.ID)
	}
	if d.DataStoreType == "" {
		d.DataStoreType = "lvm"
	}
	if d.SizeGB == 0 {
		d.SizeGB = 10
	}
	if d.DataStoreID == 0 {
		d.DataStoreID = 1
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = vm.CreatedAt
	}
	v := d
	s.disks[d.ID] = &v
	return d, nil
}

// AddBackup adds a backup: a normal one of an existing disk, or an
// incremental one of an existing virtual server. It returns the new
// backup's id; Backup(id) returns it with its defaults filled in.
func (s *Server) AddBackup(b Backup) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	added, err := s.addBackupLocked(b)
	return added.ID, err
}

func (s *Server) addBackupLocked(b Backup) (Backup, error) {
	switch b.Type {
	case TypeNormal:
		d := s.disks[b.DiskID]
		if d == nil {
			return Backup{}, fmt.Errorf("onapptest: AddBackup: no disk %d", b.DiskID)
		}
		b.VMID = d.VMID
	case TypeIncremental:
		if s.vms[b.VMID] == nil {
			return Backup{}, fmt.Errorf("onapptest: AddBackup: no virtual server %d", b.VMID)
		}
		b.DiskID = 0
	default:
		return Backup{}, fmt.Errorf("onapptest: AddBackup: type %q: want %q or %q", b.Type, TypeNormal, TypeIncremental)
	}
	if b.ID < 0 {
		return Backup{}, fmt.Errorf("onapptest: AddBackup: id %d is negative", b.ID)
	}
	if b.ID == 0 {
		s.nextBackup++
		for s.backups[s.nextBackup] != nil {
			s.nextBackup++
		}
		b.ID = s.nextBackup
	} else if s.backups[b.ID] != nil {
		return Backup{}, fmt.Errorf("onapptest: AddBackup: backup %d exists", b.ID)
	}
	if b.Identifier == "" {
		b.Identifier = identifier("b", b.ID)
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.clock()
	}
	if b.Built && b.BuiltAt.IsZero() {
		b.BuiltAt = b.CreatedAt
	}
	if b.UpdatedAt.IsZero() {
		b.UpdatedAt = b.CreatedAt
		if !b.BuiltAt.IsZero() {
			b.UpdatedAt = b.BuiltAt
		}
	}
	if b.Initiated == "" {
		b.Initiated = "manual"
	}
	v := b
	s.backups[b.ID] = &v
	return b, nil
}

// MarkBuilt completes a scheduled backup now, with the given size in kB,
// as the control panel does when the backup transaction has run.
func (s *Server) MarkBuilt(backupID, sizeKB int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.backups[backupID]
	if b == nil {
		return fmt.Errorf("onapptest: MarkBuilt: no backup %d", backupID)
	}
	now := s.clock()
	b.Built, b.BuiltAt, b.UpdatedAt, b.SizeKB = true, now, now, sizeKB
	return nil
}

// VMs returns the virtual servers, by id.
func (s *Server) VMs() []VM {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.vms, func(v *VM) int64 { return v.ID })
}

// Disks returns the disks, by id.
func (s *Server) Disks() []Disk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.disks, func(d *Disk) int64 { return d.ID })
}

// Backups returns the backups, by id.
func (s *Server) Backups() []Backup {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.backups, func(b *Backup) int64 { return b.ID })
}

// Backup returns one backup.
func (s *Server) Backup(id int64) (Backup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.backups[id]
	if b == nil {
		return Backup{}, false
	}
	return *b, true
}

// Templates returns the templates made by conversions, by id.
func (s *Server) Templates() []Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.templates, func(t *Template) int64 { return t.ID })
}

// Restores returns the ids of the backups whose restore was scheduled, in
// the order the requests came.
func (s *Server) Restores() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.restores)
}

func sortedValues[T any](m map[int64]*T, key func(*T) int64) []T {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}

// identifier derives a stable 14-character identifier from an id, in the
// style of OnApp's ("y5cc19dv7bsdrk").
func identifier(prefix string, id int64) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	x := uint64(id)*0x9E3779B97F4A7C15 + uint64(prefix[0])
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < 14 {
		x ^= x >> 29
		x *= 0xBF58476D1CE4E5B9
		x ^= x >> 32
		b.WriteByte(alphabet[x%uint64(len(alphabet))])
	}
	return b.String()
}

func checkSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
