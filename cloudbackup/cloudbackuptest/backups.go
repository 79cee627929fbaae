package cloudbackuptest

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// listQuery is a parsed and validated backup list request.
type listQuery struct {
	checkpointID, enterpriseProject, name, parentID  string
	resourceAZ, resourceID, resourceName, vaultID    string
	imageType, memberStatus, ownType, resourceType   string
	statuses                                         []string
	start, end                                       time.Time
	dec, incremental                                 *bool
	showReplication                                  bool
	usedPercent                                      int
	limit, offset                                    int
	marker                                           string
	sort                                             []sortKey
	filtered                                         bool // any filter beyond paging and sorting
	vaultUsed                                        map[string]float64
	ownTypeShared, ownTypePrivate, ownTypeAllGranted bool
}

type sortKey struct {
	key  string
	desc bool
}

func parseBool(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fmt.Errorf("%s must be true or false", name)
	}
	return &b, nil
}

func oneOf(q url.Values, name string, allowed ...string) (string, error) {
	v := q.Get(name)
	if v != "" && !slices.Contains(allowed, v) {
		return "", fmt.Errorf("%s %q is not one of %s", name, v, strings.Join(allowed, ", "))
	}
	return v, nil
}

// parseListQuery validates a backup list request as CBR does.
func parseListQuery(q url.Values) (*listQuery, error) {
	lq := &listQuery{
		checkpointID:      q.Get("checkpoint_id"),
		enterpriseProject: q.Get("enterprise_project_id"),
		name:              q.Get("name"),
		parentID:          q.Get("parent_id"),
		resourceAZ:        q.Get("resource_az"),
		resourceID:        q.Get("resource_id"),
		resourceName:      q.Get("resource_name"),
		vaultID:           q.Get("vault_id"),
		marker:            q.Get("marker"),
		limit:             1000,
	}
	var err error
	if lq.imageType, err = oneOf(q, "image_type", "backup", "replication"); err != nil {
		return nil, err
	}
	// The page's spellings and those of Huawei's SDK
	// (services/cbr/v1/model/model_list_backups_request.go).
	if lq.memberStatus, err = oneOf(q, "member_status", "pending", "accept", "reject", "accepted", "rejected"); err != nil {
		return nil, err
	}
	if lq.ownType, err = oneOf(q, "own_type", "all_granted", "private", "shared"); err != nil {
		return nil, err
	}
	if lq.resourceType, err = oneOf(q, "resource_type", "OS::Cinder::Volume", "OS::Nova::Server", "OS::Workspace::DesktopV2"); err != nil {
		return nil, err
	}
	for _, st := range q["status"] {
		if !cloudbackup.BackupStatus(st).Known() {
			return nil, fmt.Errorf("status %q is not a backup status", st)
		}
		lq.statuses = append(lq.statuses, st)
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"start_time", &lq.start}, {"end_time", &lq.end}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(cloudbackup.TimeLayout, v)
			if err != nil {
				return nil, fmt.Errorf("%s %q is not in the format %%YYYY-%%mm-%%ddT%%HH:%%MM:%%SSZ", p.name, v)
			}
			*p.dst = t
		}
	}
	if lq.dec, err = parseBool(q, "dec"); err != nil {
		return nil, err
	}
	if lq.incremental, err = parseBool(q, "incremental"); err != nil {
		return nil, err
	}
	show, err := parseBool(q, "show_replication")
	if err != nil {
		return nil, err
	}
	lq.showReplication = show != nil && *show
	if v := q.Get("used_percent"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, fmt.Errorf("used_percent %q must be an integer from 1 to 100", v)
		}
		lq.usedPercent = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("limit %q must be an integer from 1 to 1000", v)
		}
		lq.limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("offset %q must be a non-negative integer", v)
		}
		lq.offset = n
	}
	if v := q.Get("sort"); v != "" {
		if len(v) > 255 {
			return nil, fmt.Errorf("sort is longer than 255 characters")
		}
		for _, part := range strings.Split(v, ",") {
			key, dir, hasDir := strings.Cut(strings.TrimSpace(part), ":")
			if !cloudbackup.SortKey(key).Known() {
				return nil, fmt.Errorf("sort key %q is not one of created_at, updated_at, name, status, protected_at, id", key)
			}
			if hasDir && dir != "asc" && dir != "desc" {
				return nil, fmt.Errorf("sort direction %q must be asc or desc", dir)
			}
			lq.sort = append(lq.sort, sortKey{key: key, desc: dir != "asc"})
		}
	}
	switch lq.ownType {
	case "", "private":
		lq.ownTypePrivate = true
	case "shared":
		lq.ownTypeShared = true
	case "all_granted":
		lq.ownTypeAllGranted = true
	}
	lq.filtered = lq.checkpointID != "" || (lq.enterpriseProject != "" && lq.enterpriseProject != cloudbackup.AllGrantedEnterpriseProjects) ||
		lq.name != "" || lq.parentID != "" || lq.resourceAZ != "" || lq.resourceID != "" || lq.resourceName != "" ||
		lq.vaultID != "" || lq.imageType != "" || lq.memberStatus != "" || lq.resourceType != "" || len(lq.statuses) > 0 ||
		!lq.start.IsZero() || !lq.end.IsZero() || lq.dec != nil || lq.incremental != nil || lq.usedPercent > 0 || !lq.ownTypePrivate
	return lq, nil
}

// match reports whether a stored backup passes every filter.
func (q *listQuery) match(r *record) bool {
	b := &r.b
	switch {
	case q.ownTypePrivate && r.shared, q.ownTypeShared && !r.shared:
		return false
	case q.memberStatus != "" && (!r.shared || !r.memberStatus.Same(cloudbackup.MemberStatus(q.memberStatus))):
		return false
	case q.checkpointID != "" && b.CheckpointID != q.checkpointID:
		return false
	case q.enterpriseProject != "" && q.enterpriseProject != cloudbackup.AllGrantedEnterpriseProjects &&
		b.EnterpriseProjectID.Or("0") != q.enterpriseProject:
		return false
	case q.name != "" && !strings.Contains(b.Name, q.name):
		return false
	case q.parentID != "" && b.ParentID != q.parentID:
		return false
	case q.resourceAZ != "" && b.ResourceAZ != q.resourceAZ:
		return false
	case q.resourceID != "" && b.ResourceID != q.resourceID:
		return false
	case q.resourceName != "" && !strings.Contains(b.ResourceName, q.resourceName):
		return false
	case q.vaultID != "" && b.VaultID != q.vaultID:
		return false
	case q.imageType != "" && string(b.ImageType) != q.imageType:
		return false
	case q.resourceType != "" && string(b.ResourceType) != q.resourceType:
		return false
	case len(q.statuses) > 0 && !slices.Contains(q.statuses, string(b.Status)):
		return false
	case !q.start.IsZero() && b.CreatedAt.Time.Before(q.start):
		return false
	case !q.end.IsZero() && b.CreatedAt.Time.After(q.end):
		return false
	case q.dec != nil && r.dec != *q.dec:
		return false
	case q.incremental != nil && incremental(b) != *q.incremental:
		return false
	case q.usedPercent > 0 && q.vaultUsed[b.VaultID] < float64(q.usedPercent):
		return false
	}
	return true
}

func incremental(b *cloudbackup.Backup) bool {
	if v, ok := b.Incremental.Get(); ok {
		return v
	}
	return b.ExtendInfo.Incremental.Or(false)
}

// defaultOrderLocked returns backup indexes newest first (ties by ID),
// cached until the data changes.
func (s *Server) defaultOrderLocked() []int {
	if s.order != nil {
		return s.order
	}
	order := make([]int, len(s.backups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := &s.backups[a].b, &s.backups[b].b
		if c := y.CreatedAt.Time.Compare(x.CreatedAt.Time); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	s.order = order
	s.orderPos = make(map[string]int, len(order))
	for pos, i := range order {
		s.orderPos[s.backups[i].b.ID] = pos
	}
	return order
}

// invalidateLocked drops caches after a change of the backups.
func (s *Server) invalidateLocked() {
	s.order, s.orderPos = nil, nil
}

func sortValue(b *cloudbackup.Backup, key string) (string, time.Time) {
	switch key {
	case "created_at":
		return "", b.CreatedAt.Time
	case "updated_at":
		return "", b.UpdatedAt.Time
	case "protected_at":
		return "", b.ProtectedAt.Time
	case "name":
		return b.Name, time.Time{}
	case "status":
		return string(b.Status), time.Time{}
	}
	return b.ID, time.Time{}
}

// orderLocked returns the indexes in the requested order.
func (s *Server) orderLocked(keys []sortKey) []int {
	def := s.defaultOrderLocked()
	if len(keys) == 0 {
		return def
	}
	order := slices.Clone(def)
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := &s.backups[a].b, &s.backups[b].b
		for _, k := range keys {
			xs, xt := sortValue(x, k.key)
			ys, yt := sortValue(y, k.key)
			c := cmp.Or(strings.Compare(xs, ys), xt.Compare(yt))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return order
}

// handleListBackups is GET /v3/{project}/backups.
func (s *Server) handleListBackups(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: "+err.Error())
		return
	}
	buf := s.bufs.Get().(*bytes.Buffer)
	defer s.bufs.Put(buf)
	buf.Reset()
	if msg := s.listBackups(q, buf); msg != "" {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", msg)
		return
	}
	writeJSONBytes(w, http.StatusOK, buf.Bytes())
}

// listBackups writes the page for q into buf, or returns why it cannot.
func (s *Server) listBackups(q *listQuery, buf *bytes.Buffer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.usedPercent > 0 {
		q.vaultUsed = map[string]float64{}
		for _, v := range s.vaults {
			q.vaultUsed[v.ID] = v.Billing.UsedPercent()
		}
	}
	if q.parentID != "" {
		return s.listChildrenLocked(q, buf)
	}
	order := s.orderLocked(q.sort)
	page := make([]int, 0, min(q.limit, len(order)))
	total := 0
	if !q.filtered && len(q.sort) == 0 && s.sharedCount == 0 {
		// Fast path for the unfiltered default order: no scan.
		total = len(order)
		start := 0
		if q.marker != "" {
			pos, ok := s.orderPos[q.marker]
			if !ok {
				return "Invalid parameter: marker " + q.marker + " is not a backup"
			}
			start = pos + 1
		}
		start = min(start+q.offset, len(order))
		page = append(page, order[start:min(start+q.limit, len(order))]...)
	} else {
		collecting := q.marker == ""
		skip := q.offset
		for _, i := range order {
			rec := &s.backups[i]
			m := q.match(rec)
			if m {
				total++
			}
			if !collecting {
				collecting = rec.b.ID == q.marker
				continue
			}
			if !m {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(page) < q.limit {
				page = append(page, i)
			}
		}
		if !collecting {
			return "Invalid parameter: marker " + q.marker + " is not a backup"
		}
	}
	b := appendPageHead(buf.AvailableBuffer(), total, q)
	for n, i := range page {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendBackup(b, &s.backups[i].b, q.showReplication)
	}
	b = append(b, "]}"...)
	buf.Write(b)
	return ""
}

// appendPageHead starts a list answer: the total count, the page's offset
// and limit (Huawei's SDK models both in ListBackupsResponse,
// services/cbr/v1/model/model_list_backups_response.go), and the opening of
// the backups list.
func appendPageHead(b []byte, total int, q *listQuery) []byte {
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(q.offset), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(q.limit), 10)
	return append(b, `,"backups":[`...)
}

// listChildrenLocked answers a parent_id query: the per-disk backups of
// that backup, filtered and paged like the rest (by offset and marker).
func (s *Server) listChildrenLocked(q *listQuery, buf *bytes.Buffer) string {
	var children []cloudbackup.Backup
	if i, ok := s.byID[q.parentID]; ok {
		parent := &s.backups[i]
		for _, c := range parent.b.Children {
			r := record{b: c, shared: parent.shared, memberStatus: parent.memberStatus, dec: parent.dec}
			if q.match(&r) {
				children = append(children, c)
			}
		}
	}
	total := len(children)
	if q.marker != "" {
		i := slices.IndexFunc(children, func(c cloudbackup.Backup) bool { return c.ID == q.marker })
		if i < 0 {
			return "Invalid parameter: marker " + q.marker + " is not a backup"
		}
		children = children[i+1:]
	}
	children = children[min(q.offset, len(children)):]
	children = children[:min(q.limit, len(children))]
	b := appendPageHead(buf.AvailableBuffer(), total, q)
	for n := range children {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendBackup(b, &children[n], q.showReplication)
	}
	b = append(b, "]}"...)
	buf.Write(b)
	return ""
}

func (s *Server) backupLocked(w http.ResponseWriter, r *http.Request) (*record, bool) {
	id := r.PathValue("id")
	i, ok := s.byID[id]
	if !ok {
		writeError(w, r, http.StatusNotFound, "BackupService.0003", "The backup "+id+" does not exist")
		return nil, false
	}
	return &s.backups[i], true
}

// handleGetBackup is GET /v3/{project}/backups/{id}.
func (s *Server) handleGetBackup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.backupLocked(w, r)
	var body []byte
	if ok {
		body = append([]byte(`{"backup":`), appendBackup(nil, &rec.b, true)...)
		body = append(body, '}')
	}
	s.mu.Unlock()
	if ok {
		writeJSONBytes(w, http.StatusOK, body)
	}
}

// handleDeleteBackup is DELETE /v3/{project}/backups/{id}: 204.
func (s *Server) handleDeleteBackup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.backupLocked(w, r)
	if !ok {
		return
	}
	if rec.b.Status == cloudbackup.BackupStatusRestoring {
		writeError(w, r, http.StatusBadRequest, "BackupService.6302", "The backup is being restored and cannot be deleted")
		return
	}
	s.deleteLocked(rec.b.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteLocked(id string) {
	i, ok := s.byID[id]
	if !ok {
		return
	}
	if s.backups[i].shared {
		s.sharedCount--
	}
	s.backups = slices.Delete(s.backups, i, i+1)
	delete(s.byID, id)
	for j := i; j < len(s.backups); j++ {
		s.byID[s.backups[j].b.ID] = j
	}
	s.invalidateLocked()
}

// restoreRequest is the body of a restore.
type restoreRequest struct {
	Restore *struct {
		ServerID string `json:"server_id"`
		VolumeID string `json:"volume_id"`
		Mappings []struct {
			BackupID string `json:"backup_id"`
			VolumeID string `json:"volume_id"`
		} `json:"mappings"`
		PowerOn    *bool  `json:"power_on"`
		ResourceID string `json:"resource_id"`
		// Details is in Huawei's SDK
		// (services/cbr/v1/model/model_backup_restore.go).
		Details *struct {
			DestinationPath string `json:"destination_path"`
		} `json:"details"`
	} `json:"restore"`
}

// handleRestore is POST /v3/{project}/backups/{id}/restore: 202 with the
// restore task's ID as job_id.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	var req restoreRequest
	if err := fakeserver.ReadJSON(r, &req); err != nil || req.Restore == nil {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: the body must be {\"restore\": {...}}")
		return
	}
	rs := req.Restore
	target := cmp.Or(rs.ServerID, rs.VolumeID, rs.ResourceID)
	switch {
	case target == "":
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: server_id, volume_id or resource_id is required")
		return
	case rs.ServerID != "" && len(rs.Mappings) == 0:
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: mappings are required to restore a server")
		return
	case rs.Details != nil && rs.Details.DestinationPath == "":
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: details.destination_path is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.backupLocked(w, r)
	if !ok {
		return
	}
	b := &rec.b
	switch {
	case b.Status != cloudbackup.BackupStatusAvailable:
		writeError(w, r, http.StatusBadRequest, "BackupService.6300", "The backup is "+string(b.Status)+" and cannot be restored")
		return
	case rs.ServerID != "" && b.ResourceType != cloudbackup.ResourceTypeServer,
		rs.VolumeID != "" && b.ResourceType != cloudbackup.ResourceTypeVolume:
		writeError(w, r, http.StatusBadRequest, "BackupService.6301", "The restore target does not match the backup's resource type "+string(b.ResourceType))
		return
	}
	b.Status = cloudbackup.BackupStatusRestoring
	id := b.ID
	op := s.addOpLocked(OperationSpec{
		Type:         cloudbackup.OperationTypeRestore,
		ResourceID:   b.ResourceID,
		ResourceName: b.ResourceName,
		ResourceType: b.ResourceType,
		VaultID:      b.VaultID,
		CheckpointID: b.CheckpointID,
	})
	op.log.ExtraInfo.Restore = &cloudbackup.OperationRestore{BackupID: id, BackupName: b.Name, TargetResourceID: target}
	op.onDone = func(status cloudbackup.OperationStatus) {
		if i, ok := s.byID[id]; ok {
			s.backups[i].b.Status = cloudbackup.BackupStatusAvailable
		}
	}
	fakeserver.WriteJSON(w, http.StatusAccepted, map[string]string{"job_id": op.log.ID})
}
