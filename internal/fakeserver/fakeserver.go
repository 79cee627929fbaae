// Package fakeserver is the common base of the in-memory API fakes
// (onapptest, erigonestest, unitrendstest, cloudbackuptest): a loopback HTTP
// server that can inject faults, count requests and calls in flight, and
// write JSON and XML answers through the SDK's codec.
package fakeserver

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// Fault describes how the next requests are answered instead of normally.
type Fault struct {
	// Status answers with this status (with Body, if any).
	Status int
	// RetryAfter sets a Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Body is sent with Status.
	Body string
	// ContentType of Body (default application/json).
	ContentType string
	// Reset closes the connection without answering.
	Reset bool
	// Delay waits this long before answering (or before the fault).
	Delay time.Duration
}

// Server is a loopback HTTP server around a fake API handler.
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	faults []Fault

	requests    atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	callsMu sync.Mutex
	calls   []Call
}

// Call is one request a fake received, as it arrived, with the status it
// was answered with. The fakes' Calls methods return these.
type Call struct {
	// Method and Path (escaped, such as /api/vm/web01/backup/) name the
	// call; RawQuery is its query as sent.
	Method   string
	Path     string
	RawQuery string
	// Header holds the request's headers.
	Header http.Header
	// Body is the request's body (its first 64 KiB).
	Body string
	// Status is the status the fake answered with; 0 for a dropped
	// connection.
	Status int
	// Fault reports whether an injected fault answered instead of the API.
	Fault bool
}

// MaxCalls bounds the call log: Calls returns the last MaxCalls requests.
const MaxCalls = 1000

// maxCallBody bounds the body a Call keeps.
const maxCallBody = 64 << 10

// Options configure Start.
type Options struct {
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1.
	TLS bool
	// Addr listens on this loopback address ("127.0.0.1:0" by default).
	Addr string
}

// Start serves h on loopback until Close.
func Start(h http.Handler, opts Options) (*Server, error) {
	s := &Server{}
	srv := httptest.NewUnstartedServer(s.wrap(h))
	// Clients that refuse the self-signed certificate (on purpose, in
	// tests) make the server log handshake errors; they are not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return nil, err
		}
		_ = srv.Listener.Close()
		srv.Listener = l
	}
	if opts.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	s.srv = srv
	return s, nil
}

// URL returns the server's base URL, such as http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down and waits for calls in flight.
func (s *Server) Close() { s.srv.Close() }

// Certificate returns the TLS certificate (nil without TLS).
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// CertPool returns a pool trusting the server's certificate (nil without TLS).
func (s *Server) CertPool() *x509.CertPool {
	if s.srv.TLS == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.srv.Certificate())
	return p
}

// CertPEM returns the server's certificate in PEM form (nil without TLS).
func (s *Server) CertPEM() []byte {
	if s.srv.TLS == nil {
		return nil
	}
	return pemEncode(s.srv.Certificate().Raw)
}

// TLSConfig returns the server's TLS configuration (nil without TLS).
func (s *Server) TLSConfig() *tls.Config { return s.srv.TLS }

// InjectFault makes the next n requests answer with f.
func (s *Server) InjectFault(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// ClearFaults drops faults that have not been used yet.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Calls returns the last requests the server received (up to MaxCalls),
// oldest first.
func (s *Server) Calls() []Call {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		c.Header = c.Header.Clone()
		out[i] = c
	}
	return out
}

func (s *Server) record(c Call) {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	if len(s.calls) == MaxCalls {
		s.calls = append(s.calls[:0], s.calls[1:]...)
	}
	s.calls = append(s.calls, c)
}

// HTTPClient returns a client with its own transport that trusts the
// server's certificate (with TLS).
func (s *Server) HTTPClient() *http.Client {
	tr, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		tr = tr.Clone()
	} else {
		tr = &http.Transport{}
	}
	if pool := s.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}
}

// Requests returns how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// MaxInFlight returns the most requests the server was handling at once.
func (s *Server) MaxInFlight() int64 { return s.maxInFlight.Load() }

func (s *Server) nextFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

func (s *Server) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w0 http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		call := Call{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone()}
		if r.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(r.Body, maxCallBody+1))
			rest := r.Body
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), rest), rest}
			call.Body = string(body[:min(len(body), maxCallBody)])
		}
		w := &statusWriter{ResponseWriter: w0}
		recorded := false
		finish := func() {
			if recorded {
				return
			}
			recorded = true
			call.Status = w.status
			if call.Status == 0 && !w.hijacked {
				call.Status = http.StatusOK
			}
			s.record(call)
		}
		defer finish()
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxInFlight.Load()
			if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		f, ok := s.nextFault()
		call.Fault = ok
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case f.Reset:
			// Recorded before the connection drops: the client sees the
			// drop at once, and the call must be in Calls by then.
			reset(w, finish)
		case f.Status != 0:
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			ct := f.ContentType
			if ct == "" {
				ct = "application/json"
			}
			w.Header().Set("Content-Type", ct)
			w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
			w.WriteHeader(f.Status)
			_, _ = w.Write([]byte(f.Body))
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// statusWriter remembers the status written; Unwrap lets
// http.ResponseController reach the connection (to reset it).
type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// reset drops the connection without an answer, with a TCP RST where it
// can; beforeClose runs once the connection is taken, before it drops. A
// writer that cannot hand over its connection gets a 502 instead.
func reset(w http.ResponseWriter, beforeClose func()) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "fakeserver: cannot reset this connection: "+err.Error(), http.StatusBadGateway)
		return
	}
	if sw, ok := w.(*statusWriter); ok {
		sw.hijacked = true
	}
	beforeClose()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// WriteJSON answers with status and v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := codec.MarshalJSON(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteXML answers with status and v encoded as an XML document.
func WriteXML(w http.ResponseWriter, status int, v any) {
	b, err := codec.MarshalXML(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ReadJSON decodes a request body into v.
func ReadJSON(r *http.Request, v any) error {
	return codec.DecodeJSON(http.MaxBytesReader(nil, r.Body, 16<<20), v)
}
