// Package cloudbackuptest is an in-memory fake of Huawei Cloud CBR v3 and
// the IAM token endpoint, on loopback, for tests, examples and benchmarks
// of package cloudbackup.
//
// It lists backups with every documented filter, count as the total,
// offset and marker paging (limit 1–1000, 400 outside), sorting and
// repeated status; it gets, deletes and restores backups, creates and
// reads checkpoints, lists and reads vaults, and serves operation logs
// whose tasks finish after a set number of polls. It accepts a static
// token, tokens from its IAM endpoint (POST /v3/auth/tokens on the same
// server) and AK/SK-signed requests, with a permanent access key or with a
// temporary one and its security token (X-Security-Token). When asked to,
// it verifies signatures as Huawei's gateway does: over the headers that
// SignedHeaders names (x-sdk-date among them; host need not be) and the
// query as it came, read by RFC 3986, so that requests signed by Huawei's
// own SDK pass and a space sent as "+" fails. Its answers follow that SDK's
// models (services/cbr/v1/model) where they differ from the API page:
// replication records' extra_info is an object, list answers carry offset
// and limit, checkpoint resource sizes and counts are strings; it accepts
// both spellings of member_status and the SDK's request members (restore
// details, checkpoint resource_details and policy_id). Faults (429 with
// Retry-After, 503, connection resets, delays) can be injected, and
// GenerateBackups builds large data sets for benchmarks.
//
// NewServer seeds deterministic demo data with times relative to now
// (WithNow pins it): see Demo.
package cloudbackuptest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// Fault describes how the next requests are answered instead of normally
// (see Server.InjectFault): a status with a body and Retry-After, a
// connection reset, or a delay.
type Fault = fakeserver.Fault

// Default credentials and project of a Server.
const (
	DefaultProjectID = "0605767b5780d5762fc5c0118072a564"
	DefaultToken     = "fake-cbr-static-token"
	DefaultDomain    = "example-account"
	DefaultUser      = "backup-operator"
	DefaultPassword  = "fake-password-123"
	DefaultAccessKey = "FAKEACCESSKEY0000001"
	DefaultSecretKey = "fakeSecretKey0000000000000000000000000001"
	// DefaultTemporaryAccessKey, DefaultTemporarySecretKey and
	// DefaultSecurityToken are a temporary access key, as IAM gives them to
	// an agency: signed requests with it must carry the token in
	// X-Security-Token.
	DefaultTemporaryAccessKey = "FAKETEMPACCESSKEY001"
	DefaultTemporarySecretKey = "fakeTemporarySecretKey000000000000000001"
	DefaultSecurityToken      = "fake-security-token-gQpJb2tlbi1mb3ItYS10ZW1wb3Jhcnkta2V5"
	// DefaultTaskPolls is how many polls a task takes to finish.
	DefaultTaskPolls = 3
	// DefaultTokenTTL is how long IAM tokens live, as on the real service.
	DefaultTokenTTL = 24 * time.Hour
)

// Server is the fake. It is safe for concurrent use.
type Server struct {
	fs *fakeserver.Server

	projectID string
	token     string
	domain    string
	user      string
	password  string
	accessKey string
	secretKey string
	tempKey   temporaryKey
	tokenTTL  time.Duration
	taskPolls int
	now       func() time.Time

	verifySignatures atomic.Bool
	logins           atomic.Int64
	requestSeq       atomic.Int64
	bufs             sync.Pool // *bytes.Buffer for list answers

	mu          sync.Mutex
	backups     []record
	byID        map[string]int
	sharedCount int            // backups shared by other projects
	order       []int          // cached default order (newest first); nil when stale
	orderPos    map[string]int // backup ID → position in order
	vaults      []cloudbackup.Vault
	checkpoints map[string]*checkpointRec
	ops         []*opRec
	opByID      map[string]*opRec
	tokens      map[string]time.Time // issued IAM tokens → expiry
	seq         int
	demo        Demo
}

// record is a stored backup with what only the server knows of it.
type record struct {
	b            cloudbackup.Backup
	shared       bool // shared with this project by another one
	memberStatus cloudbackup.MemberStatus
	dec          bool // in a dedicated cloud
}

type config struct {
	addr      string
	tls       bool
	projectID string
	token     string
	domain    string
	user      string
	password  string
	accessKey string
	secretKey string
	tempKey   temporaryKey
	tokenTTL  time.Duration
	taskPolls int
	now       func() time.Time
	noDemo    bool
	verify    bool
}

// Option configures NewServer.
type Option func(*config) error

// WithAddr listens on addr (default "127.0.0.1:0", a free loopback port).
func WithAddr(addr string) Option {
	return func(c *config) error { c.addr = addr; return nil }
}

// WithTLS serves HTTPS with a self-signed certificate (see CertPool).
func WithTLS() Option {
	return func(c *config) error { c.tls = true; return nil }
}

// WithNow makes the server's clock (demo data times, token expiry, task
// times, signature dates) follow now.
func WithNow(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("cloudbackuptest: WithNow: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithProjectID serves project id instead of DefaultProjectID.
func WithProjectID(id string) Option {
	return func(c *config) error { c.projectID = id; return nil }
}

// WithToken accepts token as a static X-Auth-Token (default DefaultToken).
func WithToken(token string) Option {
	return func(c *config) error { c.token = token; return nil }
}

// WithPassword sets the IAM user and password the token endpoint accepts
// (default DefaultUser, DefaultPassword), as cloudbackup.WithPassword
// gives them.
func WithPassword(user, password string) Option {
	return func(c *config) error { c.user, c.password = user, password; return nil }
}

// WithDomain sets the IAM account (domain) of the WithPassword user
// (default DefaultDomain), as cloudbackup.WithDomain gives it.
func WithDomain(name string) Option {
	return func(c *config) error { c.domain = name; return nil }
}

// WithAccessKey sets the access key and secret key of signed requests.
func WithAccessKey(accessKey, secretKey string) Option {
	return func(c *config) error { c.accessKey, c.secretKey = accessKey, secretKey; return nil }
}

// WithTemporaryAccessKey sets the temporary access key, secret key and
// security token the server accepts, besides the permanent pair of
// WithAccessKey: a request signed with the temporary key must carry the
// token in X-Security-Token (signed with the other headers when
// signatures are checked).
func WithTemporaryAccessKey(accessKey, secretKey, securityToken string) Option {
	return func(c *config) error {
		c.tempKey = temporaryKey{accessKey: accessKey, secretKey: secretKey, securityToken: securityToken}
		return nil
	}
}

// WithTokenTTL sets how long IAM tokens live (default 24 h).
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) error { c.tokenTTL = d; return nil }
}

// WithTaskPolls sets how many polls (GETs of the operation log or its
// checkpoint) a task takes to finish (default 3; 1 finishes on the first).
func WithTaskPolls(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("cloudbackuptest: WithTaskPolls: %d, want 1 or more", n)
		}
		c.taskPolls = n
		return nil
	}
}

// WithoutDemoData starts with no vaults, backups or tasks.
func WithoutDemoData() Option {
	return func(c *config) error { c.noDemo = true; return nil }
}

// WithSignatureCheck verifies AK/SK signatures from the start (see
// SetSignatureCheck).
func WithSignatureCheck() Option {
	return func(c *config) error { c.verify = true; return nil }
}

// NewTestServer starts a fake on loopback for the test t and closes it in
// t.Cleanup; a server that cannot start fails t.
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.ForTest(t, func() (*Server, error) { return NewServer(opts...) })
}

// NewServer starts a fake on loopback. Close it when done.
func NewServer(opts ...Option) (*Server, error) {
	c := config{
		projectID: DefaultProjectID,
		token:     DefaultToken,
		domain:    DefaultDomain,
		user:      DefaultUser,
		password:  DefaultPassword,
		accessKey: DefaultAccessKey,
		secretKey: DefaultSecretKey,
		tempKey:   temporaryKey{accessKey: DefaultTemporaryAccessKey, secretKey: DefaultTemporarySecretKey, securityToken: DefaultSecurityToken},
		tokenTTL:  DefaultTokenTTL,
		taskPolls: DefaultTaskPolls,
		now:       time.Now,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.projectID == "" || strings.ContainsAny(c.projectID, "/?#") {
		return nil, fmt.Errorf("cloudbackuptest: invalid project ID %q", c.projectID)
	}
	s := &Server{
		projectID:   c.projectID,
		token:       c.token,
		domain:      c.domain,
		user:        c.user,
		password:    c.password,
		accessKey:   c.accessKey,
		secretKey:   c.secretKey,
		tempKey:     c.tempKey,
		tokenTTL:    c.tokenTTL,
		taskPolls:   c.taskPolls,
		now:         c.now,
		byID:        map[string]int{},
		checkpoints: map[string]*checkpointRec{},
		opByID:      map[string]*opRec{},
		tokens:      map[string]time.Time{},
		bufs:        sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	s.verifySignatures.Store(c.verify)
	if !c.noDemo {
		s.seedDemo()
	}
	fs, err := fakeserver.Start(s.handler(), fakeserver.Options{TLS: c.tls, Addr: c.addr})
	if err != nil {
		return nil, fmt.Errorf("cloudbackuptest: %w", err)
	}
	s.fs = fs
	return s, nil
}

// URL returns the CBR endpoint, such as http://127.0.0.1:41234.
func (s *Server) URL() string { return s.fs.URL() }

// IAMEndpoint returns the IAM endpoint for cloudbackup.WithIAMEndpoint
// (the same server): a loopback URL names no region to derive it from.
func (s *Server) IAMEndpoint() string { return s.fs.URL() }

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// HTTPClient returns an *http.Client with its own transport that trusts
// the server's certificate (with WithTLS).
func (s *Server) HTTPClient() *http.Client { return s.fs.HTTPClient() }

// Call is one request the server received, as it arrived, with the status
// it was answered with.
type Call = fakeserver.Call

// Calls returns the last requests the server received (up to 1000, IAM
// logins included), oldest first.
func (s *Server) Calls() []Call { return s.fs.Calls() }

// ProjectID returns the project the server serves.
func (s *Server) ProjectID() string { return s.projectID }

// Token returns the static token the server accepts.
func (s *Server) Token() string { return s.token }

// Domain returns the IAM account (domain) name the token endpoint accepts.
func (s *Server) Domain() string { return s.domain }

// User returns the IAM user name the token endpoint accepts.
func (s *Server) User() string { return s.user }

// Password returns the IAM password the token endpoint accepts.
func (s *Server) Password() string { return s.password }

// AccessKey returns the access key of signed requests.
func (s *Server) AccessKey() string { return s.accessKey }

// SecretKey returns the secret key of signed requests.
func (s *Server) SecretKey() string { return s.secretKey }

// TemporaryAccessKey returns the temporary access key the server accepts.
func (s *Server) TemporaryAccessKey() string { return s.tempKey.accessKey }

// TemporarySecretKey returns the secret key of the temporary access key.
func (s *Server) TemporarySecretKey() string { return s.tempKey.secretKey }

// SecurityToken returns the security token of the temporary access key.
func (s *Server) SecurityToken() string { return s.tempKey.securityToken }

// Now returns the server's current time.
func (s *Server) Now() time.Time { return s.now() }

// InjectFault makes the next n requests answer with f.
func (s *Server) InjectFault(n int, f Fault) { s.fs.InjectFault(n, f) }

// ClearFaults drops faults not used yet.
func (s *Server) ClearFaults() { s.fs.ClearFaults() }

// Requests returns how many requests the server has received (IAM logins
// included).
func (s *Server) Requests() int64 { return s.fs.Requests() }

// MaxInFlight returns the most requests the server handled at once.
func (s *Server) MaxInFlight() int64 { return s.fs.MaxInFlight() }

// Logins returns how many successful IAM logins the server has answered.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// SetSignatureCheck turns verification of AK/SK signatures (and of
// X-Sdk-Date being within 15 minutes of the server's clock) on or off.
// When off, a signed request only needs the right access key.
func (s *Server) SetSignatureCheck(on bool) { s.verifySignatures.Store(on) }

// ExpireTokens makes every IAM token issued so far invalid, as if it had
// expired: the next call with one gets a 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// handler routes requests, stamps X-Request-Id and checks credentials.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/auth/tokens", s.handleLogin)
	api := http.NewServeMux()
	api.HandleFunc("GET /v3/{project}/backups", s.handleListBackups)
	api.HandleFunc("GET /v3/{project}/backups/{id}", s.handleGetBackup)
	api.HandleFunc("DELETE /v3/{project}/backups/{id}", s.handleDeleteBackup)
	api.HandleFunc("POST /v3/{project}/backups/{id}/restore", s.handleRestore)
	api.HandleFunc("POST /v3/{project}/checkpoints", s.handleCreateCheckpoint)
	api.HandleFunc("GET /v3/{project}/checkpoints/{id}", s.handleGetCheckpoint)
	api.HandleFunc("GET /v3/{project}/vaults", s.handleListVaults)
	api.HandleFunc("GET /v3/{project}/vaults/{id}", s.handleGetVault)
	api.HandleFunc("GET /v3/{project}/operation-logs", s.handleListOps)
	api.HandleFunc("GET /v3/{project}/operation-logs/{id}", s.handleGetOp)
	mux.Handle("/v3/", s.authenticate(api))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := fmt.Sprintf("req-%012d", s.requestSeq.Add(1))
		w.Header().Set("X-Request-Id", id)
		mux.ServeHTTP(w, r)
	})
}

// authenticate admits requests with a valid token or signature for the
// server's project.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "BackupService.0001", "cannot read the request body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if tok := r.Header.Get("X-Auth-Token"); tok != "" {
			if !s.tokenValid(tok) {
				writeError(w, r, http.StatusUnauthorized, "APIGW.0307", "The token must be updated.")
				return
			}
		} else if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, signAlgorithm+" ") {
			if msg := s.checkSignature(r, auth, body); msg != "" {
				writeError(w, r, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+msg)
				return
			}
		} else {
			writeError(w, r, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: no token or signature")
			return
		}
		if p := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/v3/"), "/", 2)[0]; p != s.projectID {
			writeError(w, r, http.StatusForbidden, "APIGW.0305", "The project "+p+" does not match the credentials")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) tokenValid(tok string) bool {
	if tok == s.token && s.token != "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.now().Before(exp)
}

// errorBody is CBR's error shape.
type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitzero"`
}

func writeError(w http.ResponseWriter, _ *http.Request, status int, code, msg string) {
	fakeserver.WriteJSON(w, status, errorBody{ErrorCode: code, ErrorMsg: msg, RequestID: w.Header().Get("X-Request-Id")})
}

// writeJSONBytes answers with a ready JSON body.
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
