package chaos

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fault is what the proxy does with one request.
type fault int

const (
	pass        fault = iota // forwarded, answered as the fake answered
	resetBefore              // forwarded, then the connection is reset before any byte of the answer
	resetAfter               // forwarded, the headers and half the body sent, then a reset
	badGateway               // forwarded, the fake's answer replaced by a 502
	unavailable              // not forwarded: 503
	throttled                // not forwarded: 429 with a Retry-After
	slowBody                 // forwarded, the body sent in pieces with pauses
	stallHead                // not forwarded: no answer until the client gives up
	stallBody                // forwarded, headers and half the body, then nothing until the client gives up
	redirect                 // not forwarded: 307 to the other host
	truncated                // forwarded, Content-Length longer than the body sent, then the connection closes
	numFaults
)

var faultNames = [numFaults]string{"pass", "reset-before-headers", "reset-after-headers", "502-after-forward",
	"503", "429", "slow-body", "stall-before-headers", "stall-in-body", "307-other-host", "truncated"}

func (f fault) String() string { return faultNames[f] }

// forwards reports whether the fake sees the request under f.
func (f fault) forwards() bool {
	switch f {
	case unavailable, throttled, stallHead, redirect:
		return false
	}
	return true
}

// Headers the soak's transport adds to every request, so that the proxy
// can tell the attempts of one call from those of another.
const (
	headerCall = "X-Chaos-Call" // the call's unique id
	headerKind = "X-Chaos-Kind" // "write" for a call that changes state
)

// maxStall bounds a stall in case a client never gives up; it is far
// beyond every call's deadline, so a stall that lasts this long shows as
// a call past its deadline or a connection left open.
const maxStall = time.Minute

// attempt is one arrival of a write request at the proxy.
type attempt struct {
	fault    fault
	upstream int // the fake's status, 0 when not forwarded or the fake did not answer
}

// didNoWork reports whether the attempt certainly left the fake's state
// as it was: the request never reached it (a 429 from the proxy), or the
// fake refused its credentials (the client then renews and repeats the
// call, which is allowed). An attempt answered 503 or redirected was not
// forwarded either, but the client cannot know that; it must not repeat a
// write after one.
func (a attempt) didNoWork() bool {
	if a.fault == throttled {
		return true
	}
	return a.fault.forwards() && (a.upstream == http.StatusUnauthorized || a.upstream == http.StatusForbidden)
}

// proxy is a fault-injecting HTTP/1.1 reverse proxy on loopback, in front
// of one fake server. It speaks HTTP on the raw connections it accepts,
// so that it can reset them, cut answers short and stall at any byte.
type proxy struct {
	name     string
	ln       net.Listener
	upstream string // the fake's base URL
	fwd      *http.Client
	other    string   // base URL of the redirect target
	logins   []string // paths of login requests, reads whatever their method
	choose   func(r *http.Request) fault
	quit     chan struct{}
	wg       sync.WaitGroup

	mu       sync.Mutex
	open     map[net.Conn]struct{}
	accepted int
	writes   map[string][]attempt
	faults   [numFaults]int
	creds    map[string]bool // credential header values seen, to look for at the other host
}

func newProxy(t *testing.T, name, upstream, other string, logins []string, choose func(*http.Request) fault) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
	p := &proxy{
		name: name, ln: ln, upstream: upstream, other: other, logins: logins, choose: choose,
		fwd:    &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		quit:   make(chan struct{}),
		open:   map[net.Conn]struct{}{},
		writes: map[string][]attempt{},
		creds:  map[string]bool{},
	}
	p.wg.Add(1)
	go p.serve()
	return p
}

// URL is the proxy's base URL.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops accepting, ends stalls, closes every connection and waits
// for the proxy's goroutines.
func (p *proxy) Close() {
	close(p.quit)
	_ = p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.fwd.CloseIdleConnections()
}

// openConns is how many client connections the proxy holds open.
func (p *proxy) openConns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.open)
}

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.open[c] = struct{}{}
		p.accepted++
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serveConn(c)
	}
}

func (p *proxy) serveConn(c net.Conn) {
	defer p.wg.Done()
	defer func() {
		_ = c.Close()
		p.mu.Lock()
		delete(p.open, c)
		p.mu.Unlock()
	}()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		if !p.handle(c, br, req, body) || req.Close {
			return
		}
	}
}

// handle answers one request and reports whether the connection may carry
// another.
func (p *proxy) handle(c net.Conn, br *bufio.Reader, req *http.Request, body []byte) bool {
	f := p.choose(req)
	p.noteCredentials(req.Header)
	var ans *answer
	if f.forwards() {
		ans = p.forward(req, body)
	}
	p.record(req, body, f, ans)

	w := bufio.NewWriter(c)
	switch f {
	case pass:
		writeAnswer(w, ans.status, ans.header, ans.body, len(ans.body))
		return w.Flush() == nil
	case resetBefore:
		reset(c)
		return false
	case resetAfter:
		writeAnswer(w, ans.status, ans.header, ans.body[:len(ans.body)/2], len(ans.body))
		_ = w.Flush()
		reset(c)
		return false
	case badGateway:
		writeJSON(w, http.StatusBadGateway, nil, `{"message":"chaos proxy: the upstream answer was lost"}`)
		return w.Flush() == nil
	case unavailable:
		writeJSON(w, http.StatusServiceUnavailable, nil, `{"message":"chaos proxy: unavailable"}`)
		return w.Flush() == nil
	case throttled:
		writeJSON(w, http.StatusTooManyRequests, http.Header{"Retry-After": {retryAfterValue()}}, `{"message":"chaos proxy: too many requests"}`)
		return w.Flush() == nil
	case slowBody:
		writeHead(w, ans.status, ans.header, len(ans.body))
		for piece := range slices.Chunk(ans.body, max(len(ans.body)/4, 1)) {
			_, _ = w.Write(piece)
			if w.Flush() != nil {
				return false
			}
			if !p.pause(time.Millisecond) {
				return false
			}
		}
		return w.Flush() == nil
	case stallHead:
		p.stall(c, br)
		return false
	case stallBody:
		writeAnswer(w, ans.status, ans.header, ans.body[:len(ans.body)/2], len(ans.body))
		_ = w.Flush()
		p.stall(c, br)
		return false
	case redirect:
		h := http.Header{"Location": {p.other + req.URL.RequestURI()}}
		writeJSON(w, http.StatusTemporaryRedirect, h, "")
		return w.Flush() == nil
	case truncated:
		writeAnswer(w, ans.status, ans.header, ans.body, len(ans.body)+64)
		_ = w.Flush()
		return false
	}
	return false
}

// answer is the fake's answer to a forwarded request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// forward sends the request to the fake. When the fake cannot be reached
// the answer is a 502 (the request may have reached it: it counts as
// forwarded).
func (p *proxy) forward(req *http.Request, body []byte) *answer {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-p.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	out, err := http.NewRequestWithContext(ctx, req.Method, p.upstream+req.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return gatewayError(err)
	}
	out.Header = req.Header.Clone()
	for _, h := range []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Accept-Encoding"} {
		out.Header.Del(h)
	}
	resp, err := p.fwd.Do(out)
	if err != nil {
		return gatewayError(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return gatewayError(err)
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func gatewayError(err error) *answer {
	return &answer{status: http.StatusBadGateway, header: http.Header{"Content-Type": {"application/json"}},
		body: []byte(fmt.Sprintf(`{"message":%q}`, "chaos proxy: "+err.Error()))}
}

// record notes a write's attempt under its identity: the call that made
// it, its method, URL and body.
func (p *proxy) record(req *http.Request, body []byte, f fault, ans *answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[f]++
	if req.Header.Get(headerKind) != "write" || req.Method == http.MethodGet || slices.Contains(p.logins, req.URL.Path) {
		return
	}
	sum := sha256.Sum256(body)
	key := strings.Join([]string{req.Header.Get(headerCall), req.Method, req.URL.RequestURI(), hex.EncodeToString(sum[:8])}, " ")
	a := attempt{fault: f}
	if ans != nil {
		a.upstream = ans.status
	}
	p.writes[key] = append(p.writes[key], a)
}

// credentialHeaders are the headers that carry a credential in one of the
// providers' auth modes.
var credentialHeaders = []string{"Authorization", "Es-Api-Key", "Authtoken", "X-Auth-Token"}

func (p *proxy) noteCredentials(h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range credentialHeaders {
		for _, v := range h.Values(k) {
			if len(v) >= 8 {
				p.creds[v] = true
				if _, rest, ok := strings.Cut(v, " "); ok && len(rest) >= 8 {
					p.creds[rest] = true // "Token xyz", "Basic xyz"
				}
			}
		}
	}
}

// repeatedWrites returns a description of every write that reached the
// proxy again after an attempt that may have done work.
func (p *proxy) repeatedWrites() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var bad []string
	for key, as := range p.writes {
		for i := 1; i < len(as); i++ {
			if !as[i-1].didNoWork() {
				var seq []string
				for _, a := range as {
					seq = append(seq, fmt.Sprintf("%s(upstream %d)", a.fault, a.upstream))
				}
				bad = append(bad, fmt.Sprintf("%s: %s: %s", p.name, key, strings.Join(seq, " then ")))
				break
			}
		}
	}
	slices.Sort(bad)
	return bad
}

func (p *proxy) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for f, n := range p.faults {
		parts = append(parts, fmt.Sprintf("%s=%d", fault(f), n))
	}
	return fmt.Sprintf("%s: %d connections, %d writes; %s", p.name, p.accepted, len(p.writes), strings.Join(parts, " "))
}

func (p *proxy) credentials() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for v := range p.creds {
		out = append(out, v)
	}
	return out
}

// pause waits d unless the proxy is closing.
func (p *proxy) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.quit:
		return false
	}
}

// stall holds the connection, sending nothing more, until the client
// closes it (its call gave up), the proxy closes, or maxStall passes.
func (p *proxy) stall(c net.Conn, br *bufio.Reader) {
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		_, _ = br.ReadByte() // the client sends nothing more on a connection awaiting an answer
	}()
	t := time.NewTimer(maxStall)
	defer t.Stop()
	select {
	case <-gone:
	case <-p.quit:
	case <-t.C:
	}
	_ = c.Close()
	<-gone
}

// reset drops the connection with a TCP RST.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// retryAfterValue is a Retry-After of one of the forms servers send: a
// few seconds, an HTTP date, or a number too large for int64. The soak's
// retry policy caps every wait at a few milliseconds, so each costs little.
func retryAfterValue() string {
	switch rand.IntN(4) {
	case 0:
		return "0"
	case 1:
		return strconv.Itoa(1 + rand.IntN(3))
	case 2:
		return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	}
	return "99999999999999999999"
}

// hopHeaders are not copied from the fake's answer: the proxy writes its
// own framing.
var hopHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"}

// writeHead writes a status line and headers announcing length bytes.
func writeHead(w *bufio.Writer, status int, h http.Header, length int) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for k, vs := range h {
		if slices.Contains(hopHeaders, http.CanonicalHeaderKey(k)) {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(w, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", length)
}

func writeAnswer(w *bufio.Writer, status int, h http.Header, body []byte, length int) {
	writeHead(w, status, h, length)
	_, _ = w.Write(body)
}

func writeJSON(w *bufio.Writer, status int, h http.Header, body string) {
	all := http.Header{"Content-Type": {"application/json"}}
	for k, vs := range h {
		all[k] = vs
	}
	writeAnswer(w, status, all, []byte(body), len(body))
}

// otherHost is the target of the proxy's redirects: another origin on
// loopback, which records what reached it and answers 404.
type otherHost struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []seen
}

type seen struct {
	method, url string
	header      http.Header
	body        []byte
}

func newOtherHost(t *testing.T) *otherHost {
	t.Helper()
	o := &otherHost{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		o.mu.Lock()
		o.got = append(o.got, seen{method: r.Method, url: r.URL.String(), header: r.Header.Clone(), body: b})
		o.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"chaos other host: not here"}`)
	}))
	return o
}

// URL is the other host's base URL, by name ("localhost"), so that it is
// another origin than the proxies' 127.0.0.1 even on the same port.
func (o *otherHost) URL() string {
	u, _ := url.Parse(o.srv.URL)
	return "http://localhost:" + u.Port()
}

func (o *otherHost) requests() []seen {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.got)
}
