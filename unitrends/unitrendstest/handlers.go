package unitrendstest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// dayLayout is how the appliance writes days: mm/dd/yyyy.
const dayLayout = "01/02/2006"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/login", s.handleLogin)
	mux.HandleFunc("POST /api/logout", s.handleLogout)
	mux.HandleFunc("POST /api/backups", s.authed(s.handleQuery))
	mux.HandleFunc("GET /api/backups/{$}", s.authed(s.handleStatus))
	mux.HandleFunc("GET /api/backups/{ids}/{$}", s.authed(s.handleGet))
	mux.HandleFunc("GET /api/backups/{ids}", s.authed(s.handleGet))
	mux.HandleFunc("DELETE /api/backups/{ids}/{$}", s.authed(s.handleDelete))
	mux.HandleFunc("DELETE /api/backups/{ids}", s.authed(s.handleDelete))
	mux.HandleFunc("GET /api/systems", s.authed(s.handleSystems))
	mux.HandleFunc("GET /api/systems/{$}", s.authed(s.handleSystems))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeResult(w, http.StatusNotFound, fmt.Sprintf("No API at %s %s.", r.Method, r.URL.Path), 404)
	})
	return mux
}

// writeResult answers with the appliance's {"result": [{"message", "code"}]}.
func writeResult(w http.ResponseWriter, status int, msg string, code int) {
	type item struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}
	fakeserver.WriteJSON(w, status, struct {
		Result []item `json:"result"`
	}{[]item{{Message: msg, Code: code}}})
}

// authed checks the AuthToken header before h runs.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.touch(r.Header.Get("AuthToken")) {
			s.writeExpired(w)
			return
		}
		h(w, r)
	}
}

// writeExpired answers a call whose session expired, in the shape of the
// configured status.
func (s *Server) writeExpired(w http.ResponseWriter) {
	type statusBody struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	switch s.status {
	case http.StatusForbidden:
		writeResult(w, http.StatusForbidden, ExpiredMessage, 403)
	case http.StatusInternalServerError:
		fakeserver.WriteJSON(w, http.StatusInternalServerError, struct {
			Error   int    `json:"error"`
			Message string `json:"message"`
		}{500, ExpiredMessage})
	case http.StatusOK:
		fakeserver.WriteJSON(w, http.StatusOK, statusBody{401, ExpiredMessage})
	default:
		fakeserver.WriteJSON(w, http.StatusUnauthorized, statusBody{401, ExpiredMessage})
	}
}

// readObject reads a JSON object body into members.
func readObject(r *http.Request) (map[string]jsontext.Value, []byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("reading body: %w", err)
	}
	m := map[string]jsontext.Value{}
	if len(strings.TrimSpace(string(body))) == 0 {
		return m, body, nil
	}
	if err := codec.UnmarshalJSON(body, &m); err != nil {
		return nil, body, fmt.Errorf("body is not a JSON object: %w", err)
	}
	return m, body, nil
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	m, _, err := readObject(r)
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	var user, password string
	_ = codec.UnmarshalJSON(m["username"], &user)
	_ = codec.UnmarshalJSON(m["password"], &password)
	if user != s.user || password != s.password {
		writeResult(w, http.StatusUnauthorized, "Authentication failed: invalid username or password.", 401)
		return
	}
	s.mu.Lock()
	tok := s.newSessionLocked()
	s.logins++
	idle := s.idle
	s.mu.Unlock()
	fakeserver.WriteJSON(w, http.StatusCreated, struct {
		AuthToken string `json:"auth_token"`
		Timeout   int64  `json:"timeout"`
		Superuser bool   `json:"superuser"`
		Username  string `json:"username"`
	}{tok, int64(idle / time.Second), true, user})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	m, _, err := readObject(r)
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	var tok string
	_ = codec.UnmarshalJSON(m["cookie"], &tok)
	if tok == "" {
		tok = r.Header.Get("AuthToken")
	}
	s.mu.Lock()
	_, ok := s.sessions[tok]
	delete(s.sessions, tok)
	if ok {
		s.logouts++
	}
	s.mu.Unlock()
	if !ok {
		s.writeExpired(w)
		return
	}
	writeResult(w, http.StatusOK, "Logged out.", 0)
}

// filter is a parsed backups query.
type filter struct {
	systemID, clientID, instanceID int64
	types                          []string
	startTime, endTime             *time.Time
	startDay, endDay               *time.Time // midnight in the appliance zone
	finishStart, finishEnd         *time.Time
	startHours, endHours           int64
	backupIDs                      []int64
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	m, body, err := readObject(r)
	s.mu.Lock()
	s.lastBody = body
	s.mu.Unlock()
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	f, err := s.parseFilter(m)
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	s.writeRows(w, "backups", s.rows(f, true))
}

// parseFilter reads the documented filters strictly.
func (s *Server) parseFilter(m map[string]jsontext.Value) (filter, error) {
	var f filter
	for name, v := range m {
		var err error
		switch name {
		case "system_id":
			f.systemID, err = jsonInt(v)
		case "client_id":
			f.clientID, err = jsonInt(v)
		case "instance_id":
			f.instanceID, err = jsonInt(v)
		case "type":
			f.types, err = jsonStrings(v)
		case "start_time":
			f.startTime, err = jsonEpoch(v)
		case "end_time":
			f.endTime, err = jsonEpoch(v)
		case "start_day":
			f.startDay, err = s.jsonDay(v)
		case "end_day":
			f.endDay, err = s.jsonDay(v)
		case "finish_interval_start":
			f.finishStart, err = jsonEpoch(v)
		case "finish_interval_end":
			f.finishEnd, err = jsonEpoch(v)
		case "start_hours":
			f.startHours, err = jsonInt(v)
		case "end_hours":
			f.endHours, err = jsonInt(v)
		case "backup_ids":
			f.backupIDs, err = jsonInts(v)
		default:
			err = fmt.Errorf("unknown filter")
		}
		if err != nil {
			return f, fmt.Errorf("filter %q: %w", name, err)
		}
	}
	return f, nil
}

func jsonInt(v jsontext.Value) (int64, error) {
	if kindOf(v) != '0' {
		return 0, fmt.Errorf("want a number, got %s", v)
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %s", v)
	}
	return n, nil
}

func jsonInts(v jsontext.Value) ([]int64, error) {
	var raw []jsontext.Value
	if kindOf(v) != '[' || codec.UnmarshalJSON(v, &raw) != nil {
		return nil, fmt.Errorf("want an array of numbers, got %s", v)
	}
	out := make([]int64, 0, len(raw))
	for _, x := range raw {
		n, err := jsonInt(x)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func jsonStrings(v jsontext.Value) ([]string, error) {
	if kindOf(v) == '"' {
		var s string
		if err := codec.UnmarshalJSON(v, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var out []string
	if kindOf(v) != '[' || codec.UnmarshalJSON(v, &out) != nil {
		return nil, fmt.Errorf("want an array of strings, got %s", v)
	}
	return out, nil
}

func jsonEpoch(v jsontext.Value) (*time.Time, error) {
	n, err := jsonInt(v)
	if err != nil {
		return nil, fmt.Errorf("want epoch seconds: %w", err)
	}
	t := time.Unix(n, 0)
	return &t, nil
}

func (s *Server) jsonDay(v jsontext.Value) (*time.Time, error) {
	var str string
	if kindOf(v) != '"' || codec.UnmarshalJSON(v, &str) != nil {
		return nil, fmt.Errorf("want a mm/dd/yyyy string, got %s", v)
	}
	return s.parseDay(str)
}

func (s *Server) parseDay(str string) (*time.Time, error) {
	t, err := time.ParseInLocation(dayLayout, str, s.loc)
	if err != nil || t.Format(dayLayout) != str {
		return nil, fmt.Errorf("want mm/dd/yyyy, got %q", str)
	}
	return &t, nil
}

func kindOf(v jsontext.Value) byte {
	v = jsontext.Value(strings.TrimSpace(string(v)))
	if len(v) == 0 {
		return 0
	}
	if c := v[0]; c == '-' || (c >= '0' && c <= '9') {
		return '0'
	}
	return v[0]
}

// row is one backup, or a client without backups (b.ID == 0).
type row struct {
	b      Backup
	client Client
	system System
	last   bool
}

// rows returns the rows f selects, oldest first, clients without backups
// last (when withEmpty and no filter excludes them).
func (s *Server) rows(f filter, withEmpty bool) []row {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []row
	has := map[int64]bool{}
	for _, b := range s.backups {
		has[b.ClientID] = true
		c := s.clientLocked(b.ClientID)
		if c == nil {
			continue
		}
		if !f.matches(b, *c, now, s.loc) {
			continue
		}
		rw := row{b: b, client: *c, last: lastOf(s.backups, b)}
		if sys := s.systemLocked(c.SystemID); sys != nil {
			rw.system = *sys
		}
		out = append(out, rw)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].b.Start.Equal(out[j].b.Start) {
			return out[i].b.Start.Before(out[j].b.Start)
		}
		return out[i].b.ID < out[j].b.ID
	})
	if withEmpty && f.allowsEmptyRows() {
		for _, c := range s.clients {
			if has[c.ID] || (f.systemID != 0 && c.SystemID != f.systemID) || (f.clientID != 0 && c.ID != f.clientID) {
				continue
			}
			rw := row{b: Backup{ClientID: c.ID, Status: "None"}, client: c}
			if sys := s.systemLocked(c.SystemID); sys != nil {
				rw.system = *sys
			}
			out = append(out, rw)
		}
	}
	return out
}

// allowsEmptyRows reports whether rows without a backup can match: only
// system and client filters apply to them.
func (f filter) allowsEmptyRows() bool {
	return f.instanceID == 0 && len(f.types) == 0 && f.startTime == nil && f.endTime == nil &&
		f.startDay == nil && f.endDay == nil && f.finishStart == nil && f.finishEnd == nil &&
		f.startHours == 0 && f.endHours == 0 && len(f.backupIDs) == 0
}

func (f filter) matches(b Backup, c Client, now time.Time, loc *time.Location) bool {
	finish := b.Finish()
	switch {
	case f.systemID != 0 && c.SystemID != f.systemID,
		f.clientID != 0 && b.ClientID != f.clientID,
		f.instanceID != 0 && b.InstanceID != f.instanceID,
		len(f.types) > 0 && !slices.ContainsFunc(f.types, func(t string) bool { return strings.EqualFold(t, b.Type) }),
		f.startTime != nil && b.Start.Before(*f.startTime),
		f.endTime != nil && b.Start.After(*f.endTime),
		f.finishStart != nil && finish.Before(*f.finishStart),
		f.finishEnd != nil && finish.After(*f.finishEnd),
		f.startHours > 0 && b.Start.Before(now.Add(-time.Duration(f.startHours)*time.Hour)),
		f.endHours > 0 && finish.Before(now.Add(-time.Duration(f.endHours)*time.Hour)),
		len(f.backupIDs) > 0 && !slices.Contains(f.backupIDs, b.ID):
		return false
	}
	if f.startDay != nil || f.endDay != nil {
		y, m, d := b.Start.In(loc).Date()
		startDay := time.Date(y, m, d, 0, 0, 0, 0, loc)
		if f.startDay != nil && startDay.Before(*f.startDay) {
			return false
		}
		if f.endDay != nil && startDay.After(*f.endDay) {
			return false
		}
	}
	return true
}

// wireBackup is a backup as the appliance writes it, in its member order.
type wireBackup struct {
	ID                *int64 `json:"id,omitempty"`
	Type              string `json:"type"`
	ClientID          int64  `json:"client_id"`
	ClientName        string `json:"client_name"`
	InstanceID        *int64 `json:"instance_id,omitempty"`
	InstanceName      string `json:"instance_name,omitempty"`
	StartDateTime     string `json:"start_date_time"`
	Duration          any    `json:"duration"`
	Complete          bool   `json:"complete"`
	Status            any    `json:"status"`
	Size              int64  `json:"size"`
	Files             *int64 `json:"files,omitempty"`
	Encrypted         bool   `json:"encrypted"`
	ReplicationStatus string `json:"replication_status"`
	Verified          bool   `json:"verified"`
	VerifyStatus      string `json:"verify_status"`
	ServerName        string `json:"server_name,omitempty"`
	VMName            string `json:"vm_name,omitempty"`
	DatabaseName      string `json:"database_name,omitempty"`
	AppID             *int64 `json:"app_id,omitempty"`
	AppName           string `json:"app_name,omitempty"`
	Synthesized       bool   `json:"synthesized"`
	SynthCapable      bool   `json:"synth_capable"`
	DiskMetadata      bool   `json:"disk_metadata"`
	ClientConfig      bool   `json:"client_config"`
	Replicated        bool   `json:"replicated"`
	VMwareTemplate    *bool  `json:"vmware_template,omitempty"`
	VMWareTemplate    *bool  `json:"vm_ware_template,omitempty"`
	Certified         bool   `json:"certified"`
	Storage           string `json:"storage"`
	Output            string `json:"output"`
	Purgeable         bool   `json:"purgeable"`
	Last              bool   `json:"last"`
	LegalHold         bool   `json:"legalhold"`
	GFSRPType         string `json:"gfs_rp_type"`
	SystemID          int64  `json:"system_id"`
	SystemName        string `json:"system_name"`
	StartTime         *int64 `json:"start_time,omitempty"`
	CompleteTime      *int64 `json:"complete_time,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func (s *Server) render(rw row, d Dialect) wireBackup {
	b := rw.b
	w := wireBackup{
		Type:              b.Type,
		ClientID:          rw.client.ID,
		ClientName:        rw.client.Name,
		InstanceName:      b.InstanceName,
		Complete:          b.ID != 0 && b.Status != "None",
		Status:            statusValue(b.Status, b.StatusCode, d),
		Size:              b.SizeMB,
		Encrypted:         b.Encrypted,
		ReplicationStatus: orNA(b.ReplicationStatus),
		Verified:          b.Verified,
		VerifyStatus:      verifyValue(b.VerifyStatus, d),
		ServerName:        b.ServerName,
		VMName:            b.VMName,
		AppName:           b.AppName,
		SynthCapable:      b.ID != 0,
		DiskMetadata:      b.ID != 0 && b.VMName == "" && b.AppName == "",
		Certified:         b.Certified,
		Storage:           b.Storage,
		Output:            b.Output,
		Purgeable:         b.ID != 0 && !rw.last && !b.LegalHold,
		Last:              rw.last,
		LegalHold:         b.LegalHold,
		SystemID:          rw.system.ID,
		SystemName:        rw.system.Name,
	}
	if b.ID == 0 { // a client without backups
		w.Type = "N/A"
		w.StartDateTime = "N/A"
		w.Duration = "N/A"
		w.Storage = "N/A"
		return w
	}
	w.ID = ptr(b.ID)
	if b.InstanceID != 0 {
		w.InstanceID = ptr(b.InstanceID)
	}
	if b.Files != 0 {
		w.Files = ptr(b.Files)
	}
	if b.AppID != 0 {
		w.AppID = ptr(b.AppID)
	}
	if b.VMName != "" {
		w.DatabaseName = b.VMName
	}
	layout := "01/02/2006 03:04 pm"
	if d.SecondsInTimes {
		layout = "01/02/2006 03:04:05 pm"
	}
	w.StartDateTime = b.Start.In(s.loc).Format(layout)
	if d.IntDurations {
		w.Duration = int64(b.Duration / time.Second)
	} else {
		secs := int64(b.Duration / time.Second)
		w.Duration = fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	}
	if d.SampleTemplateSpelling {
		w.VMWareTemplate = ptr(b.VMwareTemplate)
	} else {
		w.VMwareTemplate = ptr(b.VMwareTemplate)
	}
	if d.EpochTimes {
		w.StartTime = ptr(b.Start.Unix())
		w.CompleteTime = ptr(b.Finish().Unix())
	}
	return w
}

// writeRows answers a list in the dialect's shape; key names the member of
// the documented shape ("backups").
func (s *Server) writeRows(w http.ResponseWriter, key string, rows []row) {
	s.mu.Lock()
	d := s.dialect
	s.mu.Unlock()
	list := make([]wireBackup, 0, len(rows))
	for _, rw := range rows {
		list = append(list, s.render(rw, d))
	}
	writeList(w, d.List, key, list)
}

func writeList[T any](w http.ResponseWriter, shape ListShape, key string, list []T) {
	switch shape {
	case ListData:
		fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"data": list})
	case ListBare:
		fakeserver.WriteJSON(w, http.StatusOK, list)
	default:
		fakeserver.WriteJSON(w, http.StatusOK, map[string]any{key: list})
	}
}

// statusParams are the query parameters of the status view.
var statusParams = []string{"sid", "cid", "iid", "bid", "start_date", "end_date"}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	f, err := s.statusFilter(r.URL.Query())
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	rows := s.rows(f, true)
	s.mu.Lock()
	d := s.dialect
	s.mu.Unlock()
	if !d.GroupStatusBySystem {
		list := make([]wireBackup, 0, len(rows))
		for _, rw := range rows {
			list = append(list, s.render(rw, d))
		}
		fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"BackupStatus": list})
		return
	}
	groups := map[string][]wireBackup{}
	for _, rw := range rows {
		groups[rw.system.Name] = append(groups[rw.system.Name], s.render(rw, d))
	}
	fakeserver.WriteJSON(w, http.StatusOK, groups)
}

func (s *Server) statusFilter(q url.Values) (filter, error) {
	var f filter
	for name := range q {
		if !slices.Contains(statusParams, name) {
			return f, fmt.Errorf("unknown parameter %q", name)
		}
	}
	ints := []struct {
		name string
		dst  *int64
	}{{"sid", &f.systemID}, {"cid", &f.clientID}, {"iid", &f.instanceID}}
	for _, p := range ints {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return f, fmt.Errorf("parameter %s: want an integer, got %q", p.name, v)
			}
			*p.dst = n
		}
	}
	if v := q.Get("bid"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, fmt.Errorf("parameter bid: want an integer, got %q", v)
		}
		f.backupIDs = []int64{n}
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"start_date", &f.startDay}, {"end_date", &f.endDay}} {
		if v := q.Get(p.name); v != "" {
			t, err := s.parseDay(v)
			if err != nil {
				return f, fmt.Errorf("parameter %s: %w", p.name, err)
			}
			*p.dst = t
		}
	}
	return f, nil
}

// sidOf reads the optional ?sid= of a call on given backups.
func sidOf(r *http.Request) (int64, error) {
	for name := range r.URL.Query() {
		if name != "sid" {
			return 0, fmt.Errorf("unknown parameter %q", name)
		}
	}
	v := r.URL.Query().Get("sid")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parameter sid: want an integer, got %q", v)
	}
	return n, nil
}

func parseIDs(s string) ([]int64, error) {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a backup id", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	sid, err := sidOf(r)
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	ids, err := parseIDs(r.PathValue("ids"))
	if err != nil || len(ids) != 1 {
		writeResult(w, http.StatusBadRequest, fmt.Sprintf("want one backup id, got %q", r.PathValue("ids")), 400)
		return
	}
	rows := s.rows(filter{systemID: sid, backupIDs: ids}, false)
	if len(rows) == 0 {
		writeResult(w, http.StatusNotFound, fmt.Sprintf("Backup %d was not found.", ids[0]), 404)
		return
	}
	s.writeRows(w, "backups", rows)
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	sid, err := sidOf(r)
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	ids, err := parseIDs(r.PathValue("ids"))
	if err != nil {
		writeResult(w, http.StatusBadRequest, err.Error(), 400)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		i := slices.IndexFunc(s.backups, func(b Backup) bool { return b.ID == id })
		if i < 0 {
			writeResult(w, http.StatusNotFound, fmt.Sprintf("Backup %d was not found; nothing was deleted.", id), 404)
			return
		}
		if c := s.clientLocked(s.backups[i].ClientID); sid != 0 && (c == nil || c.SystemID != sid) {
			writeResult(w, http.StatusNotFound, fmt.Sprintf("Backup %d is not on system %d; nothing was deleted.", id, sid), 404)
			return
		}
	}
	s.backups = slices.DeleteFunc(s.backups, func(b Backup) bool { return slices.Contains(ids, b.ID) })
	writeResult(w, http.StatusOK, fmt.Sprintf("Deleted %d backup(s).", len(ids)), 0)
}

// wireSystem is a system as the appliance writes it.
type wireSystem struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Host        string `json:"host"`
	Role        string `json:"role"`
	Version     string `json:"version"`
	Local       bool   `json:"local"`
	Online      bool   `json:"online"`
	Status      string `json:"status"`
	AssetTag    string `json:"asset_tag"`
	TotalMBSize int64  `json:"total_mb_size"`
	TotalMBFree int64  `json:"total_mb_free"`
	IsPending   bool   `json:"is_pending"`
}

func (s *Server) handleSystems(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	d := s.dialect
	list := make([]wireSystem, 0, len(s.systems))
	for _, sys := range s.systems {
		list = append(list, wireSystem{
			ID: sys.ID, Name: sys.Name, Host: sys.Host, Role: sys.Role, Version: sys.Version,
			Local: sys.Local, Online: true, Status: "OK", AssetTag: fmt.Sprintf("UEB-%04d", sys.ID),
			TotalMBSize: 4 << 20, TotalMBFree: 3 << 20,
		})
	}
	s.mu.Unlock()
	writeList(w, d.List, "appliance", list)
}
