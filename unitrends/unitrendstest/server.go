// Package unitrendstest is an in-memory Unitrends Backup appliance for
// tests: a loopback HTTP (or HTTPS) server that speaks the API package
// unitrends uses — login and logout with session tokens that expire after
// an idle time or on demand, the backups query honoring every documented
// filter, single backups, deletion, the status view and the systems list —
// in a selectable dialect (list under "backups", "data" or bare; durations
// and statuses as text or integers), with fault injection and deterministic
// demo data.
//
// The fake is stricter than an appliance where that catches client bugs: it
// rejects unknown filter members and query parameters, filters of the
// wrong JSON type, and days not written as mm/dd/yyyy, with 400.
//
// Its surface is the one every backupsdk fake has: NewServer and
// NewTestServer (which closes itself when the test ends), URL, Close,
// HTTPClient, InjectFault and ClearFaults, Calls (every request as it
// arrived, with its answer's status), Logins, and AddBackup returning the
// new backup's id. WithPassword sets the credentials it accepts, as
// unitrends.WithPassword gives them.
package unitrendstest

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// Fault describes how the next requests are answered instead of normally:
// a status with a body, a Retry-After, a dropped connection or a delay.
type Fault = fakeserver.Fault

// Default credentials of the fake appliance.
const (
	DefaultUser     = "root"
	DefaultPassword = "unitrends1"
)

// ExpiredMessage is the message of the fake's answer to an expired or
// unknown session token, as appliances word it.
const ExpiredMessage = "Your session has expired or is invalid. Please log in again."

// ListShape selects where list answers put their rows.
type ListShape int

const (
	// ListBackups wraps lists as the API documentation does:
	// {"backups": […]} (and {"appliance": […]} for systems).
	ListBackups ListShape = iota
	// ListData wraps lists as newer appliances do: {"data": […]}.
	ListData
	// ListBare sends lists as bare arrays.
	ListBare
)

// Dialect selects how the fake writes its answers, to cover the shapes
// different appliance versions send. The zero Dialect is the documented
// one.
type Dialect struct {
	// List is where list answers put their rows.
	List ListShape
	// IntDurations writes duration as integer seconds instead of "00:00:28".
	IntDurations bool
	// AltSpellings writes "Successful" and "Failed" for the backup status
	// (the spellings of the notes, of Unitrends' MSP API and of the
	// PowerShell toolkit's checks)
	// and "Success" for a successful verification (as the documented
	// sample does).
	AltSpellings bool
	// SecondsInTimes writes start_date_time as m/d/Y h:i:s a instead of
	// m/d/Y h:i a.
	SecondsInTimes bool
	// EpochTimes adds start_time and complete_time as epoch seconds.
	EpochTimes bool
	// SampleTemplateSpelling writes the template flag as
	// "vm_ware_template", as the documented sample does, instead of
	// "vmware_template".
	SampleTemplateSpelling bool
	// GroupStatusBySystem answers the status view with an object keyed by
	// system name instead of {"BackupStatus": […]}.
	GroupStatusBySystem bool
}

// System is a system (appliance) the fake knows.
type System struct {
	ID      int64  // the sid; 0 in AddSystem picks the next free one
	Name    string // the name, also the key of the grouped status view
	Host    string // host name or address
	Role    string // "Managed", "Replication Target", …
	Version string // software version
	Local   bool   // true for the appliance answering
}

// Client is a protected machine. A client without backups shows in the
// backups query as a row without a backup id and with status None.
type Client struct {
	ID       int64  // the client id; 0 in AddClient picks the next free one
	SystemID int64  // the system protecting it
	Name     string // its name (client_name)
}

// Backup is a backup the fake holds. Statuses use the documented words:
// Status "Success", "Warning", "Failure" or "None"; ReplicationStatus and
// VerifyStatus "" for N/A or a documented value.
//
// Some appliances send the status as an integer (shared/notes/unitrends.md),
// but no document says which number stands for which outcome, so the fake
// has no table to turn Status into one: set StatusCode to send a number
// verbatim, as such an appliance would. Status still drives what the fake
// derives from it (complete).
type Backup struct {
	ID                int64         // the backup id; 0 in AddBackup picks the next free one
	ClientID          int64         // the client backed up (must exist)
	InstanceID        int64         // the protected instance, 0 for none
	InstanceName      string        // its name ("file-level", a database, a VM)
	Type              string        // "Full" (the default), "Differential", "Incremental", …
	Start             time.Time     // when it started
	Duration          time.Duration // how long it ran
	Status            string        // "Success" (the default), "Warning", "Failure" or "None"
	StatusCode        *int          // when set, sent as the status instead of Status (see below)
	SizeMB            int64         // size in MB
	Files             int64         // files backed up, 0 to leave out
	Encrypted         bool          // encrypted
	ReplicationStatus string        // "" (N/A), "Not Applicable", "Needed", "Completed", "In Progress", "Waiting"
	Verified          bool          // verified
	VerifyStatus      string        // "" (N/A), "Not Applicable", "Successful", "Failed"
	AppID             int64         // application id, 0 for none
	AppName           string        // application name
	ServerName        string        // vCenter or ESX host, for VM backups
	VMName            string        // for VM backups
	VMwareTemplate    bool          // a VMware template rather than a VM
	Certified         bool          // certified as a recovery point
	LegalHold         bool          // on legal hold (never purgeable)
	Storage           string        // where it is stored
	Output            string        // the backup's output text
}

// Finish is when the backup ended.
func (b Backup) Finish() time.Time { return b.Start.Add(b.Duration) }

// config collects the options.
type config struct {
	addr         string
	tls          bool
	now          func() time.Time
	user         string
	password     string
	idle         time.Duration
	expiryStatus int
	dialect      Dialect
	loc          *time.Location
	demo         bool
}

// Option configures NewServer.
type Option func(*config) error

// WithAddr listens on addr, a loopback address ("127.0.0.1:0" by default).
func WithAddr(addr string) Option {
	return func(c *config) error {
		c.addr = addr
		return nil
	}
}

// WithTLS serves HTTPS with a self-signed certificate, as appliances do;
// CertPEM and CertPool give it to the client under test.
func WithTLS() Option {
	return func(c *config) error {
		c.tls = true
		return nil
	}
}

// WithNow replaces the clock: the demo data is laid out relative to now()
// at NewServer, and session idle times and the start_hours/end_hours
// filters use it.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("unitrendstest: WithNow: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithPassword sets the user and password the fake accepts (default
// DefaultUser and DefaultPassword), as unitrends.WithPassword gives them.
func WithPassword(user, password string) Option {
	return func(c *config) error {
		if user == "" || password == "" {
			return errors.New("unitrendstest: WithPassword: empty user or password")
		}
		c.user, c.password = user, password
		return nil
	}
}

// WithIdleTimeout expires a session that has not been used for d (default
// 30 minutes, by the fake's clock); 0 never expires sessions on their own.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("unitrendstest: WithIdleTimeout: negative duration")
		}
		c.idle = d
		return nil
	}
}

// WithExpiryStatus answers calls with an expired or unknown session with
// this status, as different appliance versions do: 401 (the default,
// {"status": 401, "message": …}), 403 ({"result": [{"message": …}]}), 500
// ({"error": 500, "message": …}) or 200 (the 401 body inside a 200 answer).
func WithExpiryStatus(code int) Option {
	return func(c *config) error {
		switch code {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusInternalServerError, http.StatusOK:
			c.expiryStatus = code
			return nil
		}
		return fmt.Errorf("unitrendstest: WithExpiryStatus: %d is not 401, 403, 500 or 200", code)
	}
}

// WithDialect selects the shape of the answers (see Dialect); SetDialect
// changes it later.
func WithDialect(d Dialect) Option {
	return func(c *config) error {
		c.dialect = d
		return nil
	}
}

// WithTimeZone is the appliance's zone: start_date_time is written, and
// start_day/end_day are read, in it (default UTC), without saying which
// zone it is, as appliances do. Like them, the fake has no call that tells
// the zone: no source (the API wiki, the community clients) shows one. Only
// the EpochTimes dialect's start_time gives the instant.
func WithTimeZone(loc *time.Location) Option {
	return func(c *config) error {
		if loc == nil {
			return errors.New("unitrendstest: WithTimeZone: nil location")
		}
		c.loc = loc
		return nil
	}
}

// WithoutDemoData starts the fake empty.
func WithoutDemoData() Option {
	return func(c *config) error {
		c.demo = false
		return nil
	}
}

// Server is the fake appliance. It is safe for concurrent use.
type Server struct {
	base     *fakeserver.Server
	now      func() time.Time
	user     string
	password string
	loc      *time.Location
	status   int

	mu       sync.Mutex
	idle     time.Duration
	dialect  Dialect
	sessions map[string]time.Time // token → last use
	tokenSeq int
	logins   int
	logouts  int
	lastBody []byte
	systems  []System
	clients  []Client
	backups  []Backup
	nextID   int64
}

// NewServer starts a fake appliance on loopback. Close it when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		now:          time.Now,
		user:         DefaultUser,
		password:     DefaultPassword,
		idle:         30 * time.Minute,
		expiryStatus: http.StatusUnauthorized,
		loc:          time.UTC,
		demo:         true,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Server{
		now:      cfg.now,
		user:     cfg.user,
		password: cfg.password,
		loc:      cfg.loc,
		status:   cfg.expiryStatus,
		idle:     cfg.idle,
		dialect:  cfg.dialect,
		sessions: map[string]time.Time{},
		nextID:   1,
	}
	if cfg.demo {
		s.seedDemo(cfg.now())
	}
	base, err := fakeserver.Start(s.routes(), fakeserver.Options{TLS: cfg.tls, Addr: cfg.addr})
	if err != nil {
		return nil, fmt.Errorf("unitrendstest: %w", err)
	}
	s.base = base
	return s, nil
}

// NewTestServer is NewServer for a test: it fails t at once when the fake
// cannot start, and closes it when the test ends (t.Cleanup).
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.ForTest(t, func() (*Server, error) { return NewServer(opts...) })
}

// URL returns the appliance root to give unitrends.NewClient, such as
// https://127.0.0.1:41234.
func (s *Server) URL() string { return s.base.URL() }

// Close shuts the server down.
func (s *Server) Close() { s.base.Close() }

// InjectFault makes the next n requests answer with f.
func (s *Server) InjectFault(n int, f Fault) { s.base.InjectFault(n, f) }

// ClearFaults drops faults not used yet.
func (s *Server) ClearFaults() { s.base.ClearFaults() }

// Requests returns how many requests the server received, faults included.
func (s *Server) Requests() int64 { return s.base.Requests() }

// MaxInFlight returns the most requests the server handled at once.
func (s *Server) MaxInFlight() int64 { return s.base.MaxInFlight() }

// Certificate returns the TLS certificate (nil without WithTLS).
func (s *Server) Certificate() *x509.Certificate { return s.base.Certificate() }

// CertPool returns a pool trusting the TLS certificate (nil without WithTLS).
func (s *Server) CertPool() *x509.CertPool { return s.base.CertPool() }

// CertPEM returns the self-signed TLS certificate in PEM form, what a user
// would download from the appliance (nil without WithTLS).
func (s *Server) CertPEM() []byte { return s.base.CertPEM() }

// User returns the user name the fake accepts.
func (s *Server) User() string { return s.user }

// Password returns the password the fake accepts.
func (s *Server) Password() string { return s.password }

// Now returns the fake's current time.
func (s *Server) Now() time.Time { return s.now() }

// TimeZone returns the appliance's zone (see WithTimeZone).
func (s *Server) TimeZone() *time.Location { return s.loc }

// SetDialect changes the shape of later answers.
func (s *Server) SetDialect(d Dialect) {
	s.mu.Lock()
	s.dialect = d
	s.mu.Unlock()
}

// SetIdleTimeout changes how long an unused session lives (0: forever).
func (s *Server) SetIdleTimeout(d time.Duration) {
	s.mu.Lock()
	s.idle = d
	s.mu.Unlock()
}

// Logins returns how many logins succeeded.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// Logouts returns how many sessions were ended by a logout.
func (s *Server) Logouts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logouts
}

// Call is one request the fake received: method, path, query, headers,
// body, the status it was answered with, and whether an injected fault
// answered it.
type Call = fakeserver.Call

// Calls returns the requests the fake received (the last
// fakeserver.MaxCalls of them), oldest first, those answered by an
// injected fault included (Call.Fault).
func (s *Server) Calls() []Call { return s.base.Calls() }

// HTTPClient returns an HTTP client with its own transport that trusts the
// fake's certificate (with WithTLS), for unitrends.WithHTTPClient.
func (s *Server) HTTPClient() *http.Client { return s.base.HTTPClient() }

// LastQuery returns the body of the last backups query, as received.
func (s *Server) LastQuery() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.lastBody)
}

// Sessions returns how many sessions are open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// IssueToken opens a session without a login and returns its token, for a
// client given the token with unitrends.WithToken.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newSessionLocked()
}

// ExpireSessions ends every session now, as an idle timeout would.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	clear(s.sessions)
	s.mu.Unlock()
}

// ExpireSession ends the session of token and reports whether it was open.
func (s *Server) ExpireSession(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.sessions[token]
	delete(s.sessions, token)
	return ok
}

// AddSystem adds a system and returns its id (given, or the next free one).
func (s *Server) AddSystem(sys System) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sys.ID == 0 {
		sys.ID = int64(len(s.systems) + 1)
		for s.systemLocked(sys.ID) != nil {
			sys.ID++
		}
	}
	s.systems = append(s.systems, sys)
	return sys.ID
}

// AddClient adds a protected machine and returns its id (given, or the
// next free one). Its system must exist.
func (s *Server) AddClient(c Client) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.systemLocked(c.SystemID) == nil {
		return 0, fmt.Errorf("unitrendstest: AddClient %q: no system %d", c.Name, c.SystemID)
	}
	if c.ID == 0 {
		c.ID = int64(len(s.clients) + 1)
		for s.clientLocked(c.ID) != nil {
			c.ID++
		}
	} else if s.clientLocked(c.ID) != nil {
		return 0, fmt.Errorf("unitrendstest: AddClient %q: client %d exists", c.Name, c.ID)
	}
	s.clients = append(s.clients, c)
	return c.ID, nil
}

// AddBackup adds a backup and returns its id (given, or the next free
// one). Its client must exist; Status defaults to "Success" and Type to
// "Full".
func (s *Server) AddBackup(b Backup) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addBackupLocked(b)
}

func (s *Server) addBackupLocked(b Backup) (int64, error) {
	if s.clientLocked(b.ClientID) == nil {
		return 0, fmt.Errorf("unitrendstest: AddBackup: no client %d", b.ClientID)
	}
	switch b.Status {
	case "":
		b.Status = "Success"
	case "Success", "Warning", "Failure", "None":
	default:
		return 0, fmt.Errorf("unitrendstest: AddBackup: status %q is not Success, Warning, Failure or None", b.Status)
	}
	if b.Type == "" {
		b.Type = "Full"
	}
	if b.ID == 0 {
		b.ID = s.nextID
	}
	for _, x := range s.backups {
		if x.ID == b.ID {
			return 0, fmt.Errorf("unitrendstest: AddBackup: backup %d exists", b.ID)
		}
	}
	if b.ID >= s.nextID {
		s.nextID = b.ID + 1
	}
	s.backups = append(s.backups, b)
	return b.ID, nil
}

// Backups returns a copy of the backups the fake holds, by id.
func (s *Server) Backups() []Backup {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.backups)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Clients returns a copy of the protected machines.
func (s *Server) Clients() []Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.clients)
}

// Systems returns a copy of the systems.
func (s *Server) Systems() []System {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.systems)
}

func (s *Server) systemLocked(id int64) *System {
	for i := range s.systems {
		if s.systems[i].ID == id {
			return &s.systems[i]
		}
	}
	return nil
}

func (s *Server) clientLocked(id int64) *Client {
	for i := range s.clients {
		if s.clients[i].ID == id {
			return &s.clients[i]
		}
	}
	return nil
}

func (s *Server) newSessionLocked() string {
	s.tokenSeq++
	tok := fmt.Sprintf("fake-%04d-%08x", s.tokenSeq, uint32(s.tokenSeq)*2654435761)
	s.sessions[tok] = s.now()
	return tok
}

// touch reports whether token names a live session and marks it used.
func (s *Server) touch(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.sessions[token]
	if !ok {
		return false
	}
	now := s.now()
	if s.idle > 0 && now.Sub(last) > s.idle {
		delete(s.sessions, token)
		return false
	}
	s.sessions[token] = now
	return true
}

// Demo data, laid out relative to now so that a freshness report shows
// every verdict:
//
//	web01     newest successful backup 2 hours old             (fresh)
//	db01      newest successful backup 5 days old              (stale)
//	file01    two newest attempts failed, last success 4 days  (failing)
//	vm-app01  newest backup a warning 6 hours ago              (fresh, with warnings)
//	legacy01  no backups at all: a row with status None        (never backed up)
func (s *Server) seedDemo(now time.Time) {
	now = now.Truncate(time.Minute)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	const h = time.Hour
	s.systems = []System{
		{ID: 1, Name: "ueb-primary", Host: "ueb-primary.example.test", Role: "Managed", Version: "10.7.6-1", Local: true},
		{ID: 2, Name: "ueb-dr", Host: "ueb-dr.example.test", Role: "Replication Target", Version: "10.7.6-1"},
	}
	s.clients = []Client{
		{ID: 1, SystemID: 1, Name: "web01"},
		{ID: 2, SystemID: 1, Name: "db01"},
		{ID: 3, SystemID: 2, Name: "file01"},
		{ID: 4, SystemID: 1, Name: "vm-app01"},
		{ID: 5, SystemID: 2, Name: "legacy01"},
	}
	demo := []Backup{
		{ClientID: 1, InstanceID: 11, InstanceName: "file-level", Type: "Full", Start: ago(50 * h), Duration: 42*time.Minute + 7*time.Second,
			Status: "Success", SizeMB: 20480, Files: 150233, ReplicationStatus: "Completed", Verified: true, VerifyStatus: "Successful", Certified: true, Storage: "internal"},
		{ClientID: 1, InstanceID: 11, InstanceName: "file-level", Type: "Incremental", Start: ago(26 * h), Duration: 3*time.Minute + 10*time.Second,
			Status: "Success", SizeMB: 512, Files: 1200, ReplicationStatus: "Completed", Storage: "internal"},
		{ClientID: 1, InstanceID: 11, InstanceName: "file-level", Type: "Incremental", Start: ago(2 * h), Duration: 2*time.Minute + 5*time.Second,
			Status: "Success", SizeMB: 498, Files: 1022, ReplicationStatus: "Needed", Storage: "internal"},
		{ClientID: 2, InstanceID: 21, InstanceName: "payroll", Type: "Full", Start: ago(9 * 24 * h), Duration: 15 * time.Minute,
			Status: "Success", SizeMB: 8192, AppID: 3, AppName: "SQL Server", Encrypted: true, ReplicationStatus: "Completed", Storage: "internal"},
		{ClientID: 2, InstanceID: 21, InstanceName: "payroll", Type: "Differential", Start: ago(5 * 24 * h), Duration: 4*time.Minute + 30*time.Second,
			Status: "Success", SizeMB: 1024, AppID: 3, AppName: "SQL Server", Encrypted: true, ReplicationStatus: "Completed", Storage: "internal", LegalHold: true},
		{ClientID: 3, InstanceID: 31, InstanceName: "file-level", Type: "Full", Start: ago(4 * 24 * h), Duration: time.Hour + 2*time.Minute,
			Status: "Success", SizeMB: 30720, Files: 402117, ReplicationStatus: "Completed", Storage: "internal"},
		{ClientID: 3, InstanceID: 31, InstanceName: "file-level", Type: "Incremental", Start: ago(27 * h), Duration: 28 * time.Second,
			Status: "Failure", Output: "Backup failed: the agent on file01 did not answer (connection timed out)."},
		{ClientID: 3, InstanceID: 31, InstanceName: "file-level", Type: "Incremental", Start: ago(3 * h), Duration: 31 * time.Second,
			Status: "Failure", Output: "Backup failed: the agent on file01 did not answer (connection timed out)."},
		{ClientID: 4, InstanceID: 41, InstanceName: "app01", Type: "Full", Start: ago(30 * h), Duration: 25 * time.Minute,
			Status: "Success", SizeMB: 40960, ServerName: "vcenter01.example.test", VMName: "app01", ReplicationStatus: "Completed", Verified: true, VerifyStatus: "Successful", Storage: "internal"},
		{ClientID: 4, InstanceID: 41, InstanceName: "app01", Type: "Incremental", Start: ago(6 * h), Duration: 6*time.Minute + 40*time.Second,
			Status: "Warning", SizeMB: 2048, ServerName: "vcenter01.example.test", VMName: "app01", ReplicationStatus: "In Progress", Storage: "internal",
			Output: "Changed block tracking was reset; the backup completed with warnings."},
	}
	for _, b := range demo {
		// The demo clients exist, so this cannot fail.
		_, _ = s.addBackupLocked(b)
	}
}

// lastOf reports whether b is the newest backup of its client and instance.
func lastOf(all []Backup, b Backup) bool {
	for _, x := range all {
		if x.ID != b.ID && x.ClientID == b.ClientID && x.InstanceID == b.InstanceID && x.Start.After(b.Start) {
			return false
		}
	}
	return true
}

// statusValue renders a backup status: the code when one is set, else
// the word in the dialect.
func statusValue(status string, code *int, d Dialect) any {
	if code != nil {
		return *code
	}
	if d.AltSpellings {
		switch status {
		case "Success":
			return "Successful"
		case "Failure":
			return "Failed"
		}
	}
	return status
}

func verifyValue(v string, d Dialect) string {
	switch {
	case v == "":
		return "N/A"
	case d.AltSpellings && v == "Successful":
		return "Success"
	}
	return v
}

func orNA(s string) string {
	if strings.TrimSpace(s) == "" {
		return "N/A"
	}
	return s
}
