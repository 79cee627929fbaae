package erigonestest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// handler serves one request; the server's lock is held throughout.
type handler struct {
	s     *Server
	st    *state
	w     http.ResponseWriter
	r     *http.Request
	now   time.Time
	p     params
	dc    *dcRec
	token string // the token that authenticated the request, if any
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		fakeserver.WriteJSON(w, http.StatusBadRequest, detail{"Malformed request"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &handler{s: s, st: s.st, w: w, r: r, now: s.cfg.now().UTC()}
	// The server's clock is the fake's clock, in the Date header too.
	w.Header().Set("Date", h.now.Format(http.TimeFormat))
	h.serve(body)
}

// detail is the body of every error that is not a FAILURE envelope.
type detail struct {
	Detail any `json:"detail"`
}

// envelopeOut is the answer envelope, in the order the real server prints it.
type envelopeOut struct {
	Status string `json:"status"`
	Result any    `json:"result"`
	TaskID string `json:"task_id"`
}

func (h *handler) detail(code int, msg any) { fakeserver.WriteJSON(h.w, code, detail{msg}) }

func (h *handler) envelope(code int, status string, result any, taskID string) {
	h.w.Header()["es_task_id"] = []string{taskID}
	fakeserver.WriteJSON(h.w, code, envelopeOut{Status: status, Result: result, TaskID: taskID})
}

// success answers a synchronous call, with a dummy task id as the real server does.
func (h *handler) success(code int, result any) {
	h.envelope(code, stateSuccess, result, h.s.taskID('d', h.dcID()))
}

// fieldErrors collects validation messages per field.
type fieldErrors map[string][]string

func (f fieldErrors) add(field, msg string) { f[field] = append(f[field], msg) }

// failure answers 400 FAILURE with field messages.
func (h *handler) failure(errs fieldErrors) {
	h.envelope(http.StatusBadRequest, stateFailure, map[string][]string(errs), h.s.taskID('d', h.dcID()))
}

func (h *handler) dcID() int {
	if h.dc != nil {
		return h.dc.id
	}
	return 1
}

func (h *handler) serve(body []byte) {
	esc := h.r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(esc, "/api/")
	if !ok {
		h.detail(http.StatusNotFound, "Not found")
		return
	}
	if !strings.HasSuffix(rest, "/") && rest != "" {
		// Django's APPEND_SLASH: GETs are redirected, other methods are lost.
		if h.r.Method == http.MethodGet || h.r.Method == http.MethodHead {
			loc := esc + "/"
			if h.r.URL.RawQuery != "" {
				loc += "?" + h.r.URL.RawQuery
			}
			h.w.Header().Set("Location", loc)
			h.w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		h.detail(http.StatusNotFound, "Not found")
		return
	}
	var segs []string
	for part := range strings.SplitSeq(strings.TrimSuffix(rest, "/"), "/") {
		seg, err := url.PathUnescape(part)
		if err != nil {
			h.detail(http.StatusNotFound, "Not found")
			return
		}
		segs = append(segs, seg)
	}
	rt := match(segs)
	if rt.view == nil {
		h.detail(http.StatusNotFound, "Not found")
		return
	}
	if h.r.Method == http.MethodOptions {
		fakeserver.WriteJSON(h.w, http.StatusOK, map[string]any{
			"name": rt.name, "description": rt.name + " (" + strings.Join(rt.methods, ", ") + ")",
			"renders": []string{"application/json"}, "parses": []string{"application/json"},
		})
		return
	}
	if !slices.Contains(rt.methods, h.r.Method) {
		h.detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %q not allowed.", h.r.Method))
		return
	}
	if !h.parseParams(body) {
		return
	}
	if !rt.noAuth && !h.authenticate() {
		return
	}
	if !rt.noDC && !h.pickDC() {
		return
	}
	if h.dc == nil {
		h.dc = h.st.dc(DemoDC)
	}
	rt.view(h)
}

// route is one view of the URL table.
type route struct {
	name    string
	methods []string
	noAuth  bool
	noDC    bool // not DC-bound: the dc parameter is ignored
	view    func(*handler)
}

// match is the URL table of the real server's api/urls.py, in its order.
func match(s []string) route {
	get := []string{http.MethodGet}
	all := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	is := func(pattern ...string) bool {
		if len(s) != len(pattern) {
			return false
		}
		for i, p := range pattern {
			switch p {
			case "*":
				if !validSlug(s[i]) {
					return false
				}
			case "#":
				if !validTaskID(s[i]) {
					return false
				}
			default:
				if s[i] != p {
					return false
				}
			}
		}
		return true
	}
	switch {
	case is("accounts", "login"):
		return route{name: "api_login", methods: []string{http.MethodPost}, noAuth: true, noDC: true, view: (*handler).login}
	case is("accounts", "logout"):
		return route{name: "api_logout", methods: get, noDC: true, view: (*handler).logout}
	case is("vm", "define", "backup"):
		return route{name: "vm_define_backup_list_all", methods: get, view: (*handler).defListAll}
	case is("vm", "*", "backup"):
		return route{name: "vm_backup_list", methods: []string{http.MethodGet, http.MethodDelete},
			view: func(h *handler) { h.bkpList(s[1]) }}
	case is("vm", "*", "backup", "*"):
		return route{name: "vm_backup", methods: all, view: func(h *handler) { h.bkp(s[1], s[3]) }}
	case is("vm", "*", "define", "backup"):
		return route{name: "vm_define_backup_list", methods: get, view: func(h *handler) { h.defList(s[1]) }}
	case is("vm", "*", "define", "backup", "*"):
		return route{name: "vm_define_backup", methods: all, view: func(h *handler) { h.def(s[1], s[4]) }}
	case is("node", "*", "backup"):
		return route{name: "node_vm_backup_list", methods: get, noDC: true, view: func(h *handler) { h.nodeBackups(s[1]) }}
	case is("node", "*", "define", "backup"):
		return route{name: "node_vm_define_backup_list", methods: get, noDC: true, view: func(h *handler) { h.nodeDefs(s[1]) }}
	case is("task"):
		return route{name: "task_list", methods: get, view: (*handler).taskList}
	case is("task", "log"): // before task_details, as in api/task/urls.py
		return route{name: "api_task_log", methods: get, view: (*handler).taskLog}
	case is("task", "#"):
		return route{name: "api_task_details", methods: get, view: func(h *handler) { h.taskDetails(s[1]) }}
	case is("task", "#", "status"), is("task", "#", "state"):
		return route{name: "task_status", methods: get, noDC: true, view: func(h *handler) { h.taskStatus(s[1]) }}
	case is("task", "#", "done"):
		return route{name: "task_done", methods: get, noDC: true, view: func(h *handler) { h.taskDone(s[1]) }}
	case is("task", "#", "cancel"):
		return route{name: "task_cancel", methods: []string{http.MethodPut}, view: func(h *handler) { h.taskCancel(s[1]) }}
	}
	return route{}
}

// validSlug is the server's [A-Za-z0-9\._-]+ for hostnames and names.
func validSlug(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validTaskID is the server's [A-Za-z0-9-]+.
func validTaskID(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	})
}

// authenticate checks ES-API-KEY, then Authorization: Token, as the real
// server's authentication classes do.
func (h *handler) authenticate() bool {
	if key := h.r.Header.Get("ES-API-KEY"); key != "" {
		if key != h.s.cfg.apiKey {
			h.detail(http.StatusUnauthorized, "Invalid API key")
			return false
		}
		return true
	}
	if auth := h.r.Header.Get("Authorization"); auth != "" {
		scheme, tok, _ := strings.Cut(strings.TrimSpace(auth), " ")
		if strings.EqualFold(scheme, "Token") {
			tok = strings.TrimSpace(tok)
			created, ok := h.st.tokens[tok]
			if !ok {
				h.detail(http.StatusUnauthorized, "Invalid token.")
				return false
			}
			if h.now.Sub(created) <= h.s.cfg.tokenTTL {
				h.token = tok
				return true
			}
			// An expired token authenticates nobody.
		}
	}
	h.detail(http.StatusForbidden, "Authentication credentials were not provided.")
	return false
}

// pickDC applies the dc parameter.
func (h *handler) pickDC() bool {
	name, ok := h.p.str("dc")
	if !ok || name == "" {
		h.dc = h.st.dc(DemoDC)
		return true
	}
	h.dc = h.st.dc(name)
	if h.dc == nil {
		h.detail(http.StatusNotFound, "Datacenter not found")
		return false
	}
	return true
}

// params are the request's data: the query for GET, the JSON body otherwise.
type params struct {
	get  bool
	q    url.Values
	body map[string]jsontext.Value
}

func (h *handler) parseParams(body []byte) bool {
	h.p = params{get: h.r.Method == http.MethodGet || h.r.Method == http.MethodHead, q: h.r.URL.Query()}
	if h.p.get {
		return true
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return true
	}
	if body[0] != '{' {
		h.detail(http.StatusBadRequest, "Malformed request")
		return false
	}
	if err := codec.UnmarshalJSON(body, &h.p.body); err != nil {
		h.detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		return false
	}
	return true
}

func (p params) has(k string) bool {
	if p.get {
		_, ok := p.q[k]
		return ok
	}
	_, ok := p.body[k]
	return ok
}

// str returns a parameter as text (numbers and booleans as their JSON text).
// A JSON null is present but empty.
func (p params) str(k string) (string, bool) {
	if p.get {
		if !p.has(k) {
			return "", false
		}
		return p.q.Get(k), true
	}
	v, ok := p.body[k]
	if !ok {
		return "", false
	}
	var s codec.String
	if err := codec.UnmarshalJSON(v, &s); err != nil {
		return v.String(), true
	}
	return s.Value, true
}

// flag reads a boolean switch such as full or extended: in a query any
// non-empty value is true (as on the real server); in a body, JSON true or
// a string the server reads as true.
func (p params) flag(k string) bool {
	if p.get {
		return p.q.Get(k) != ""
	}
	b, _, ok := p.boolean(k)
	return ok && b
}

// boolean reads a body boolean field.
func (p params) boolean(k string) (v, present, ok bool) {
	s, present := p.str(k)
	if !present {
		return false, false, true
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true, true
	case "false", "0", "":
		return false, true, true
	}
	return false, true, false
}

// integer reads an integer field, also when sent as a string.
func (p params) integer(k string) (v int, present, ok bool) {
	s, present := p.str(k)
	if !present {
		return 0, false, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, true, false
	}
	return n, true, true
}

// isNull reports whether a body field is a JSON null.
func (p params) isNull(k string) bool {
	if p.get {
		return false
	}
	v, ok := p.body[k]
	return ok && v.Kind() == 'n'
}

// strings reads a list of strings: a JSON array, or repeated query keys.
func (p params) strings(k string) ([]string, bool) {
	if p.get {
		v, ok := p.q[k]
		return v, ok && len(v) > 0
	}
	v, ok := p.body[k]
	if !ok {
		return nil, false
	}
	var out []string
	if err := codec.UnmarshalJSON(v, &out); err != nil {
		return nil, false
	}
	return out, len(out) > 0
}

// taskID makes a task id as the real server does: <user><type><owner><group><dc>-<8>-<4>-<4>-<4>,
// type 'e' for executed tasks and 'd' for dummy ones (synchronous answers).
func (s *Server) taskID(typ byte, dcID int) string {
	a, b := s.st.next(), s.st.next()
	return fmt.Sprintf("1%c1d%d-%08x-%04x-%04x-%04x", typ, dcID, uint32(a), uint16(a>>32), uint16(a>>48)&0x0fff|0x4000, uint16(b))
}

// isDummyTask reports whether id names a synchronous answer, not a task.
func isDummyTask(id string) bool {
	prefix, _, _ := strings.Cut(id, "-")
	i := strings.IndexFunc(prefix, func(r rune) bool { return r < '0' || r > '9' })
	return i > 0 && prefix[i] == 'd'
}
