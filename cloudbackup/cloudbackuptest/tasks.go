package cloudbackuptest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

// OperationSpec describes a task for AddOperation. Zero fields take
// defaults: a backup task that succeeds after the server's task polls.
type OperationSpec struct {
	// Type is the task type (default backup).
	Type cloudbackup.OperationType
	// Final is the state the task ends in (default success).
	Final cloudbackup.OperationStatus
	// Polls is how many polls it takes to end (default: WithTaskPolls).
	Polls int
	// ErrorCode and ErrorMessage fill error_info when Final is not success.
	ErrorCode    string
	ErrorMessage string // see ErrorCode
	// ResourceID, ResourceName and ResourceType name the resource the task
	// works on; VaultID and CheckpointID its vault and restore point.
	ResourceID   string
	ResourceName string                   // see ResourceID
	ResourceType cloudbackup.ResourceType // see ResourceID
	VaultID      string                   // see ResourceID
	CheckpointID string                   // see ResourceID
	// BackupID and BackupName describe the backup a backup task makes.
	BackupID   string
	BackupName string // see BackupID
}

// opRec is a stored task.
type opRec struct {
	log         cloudbackup.OperationLog
	polls       int
	finishAfter int
	final       cloudbackup.OperationStatus
	errCode     string
	errMsg      string
	onDone      func(cloudbackup.OperationStatus) // runs with s.mu held
}

// checkpointRec is a stored checkpoint and its backup tasks.
type checkpointRec struct {
	cp  cloudbackup.Checkpoint
	ops []*opRec
}

// AddOperation stores a task that runs for spec.Polls polls and ends in
// spec.Final, and returns its ID.
func (s *Server) AddOperation(spec OperationSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addOpLocked(spec).log.ID
}

// OperationLog returns a task's current state without polling it.
func (s *Server) OperationLog(id string) (cloudbackup.OperationLog, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	op, ok := s.opByID[id]
	if !ok {
		return cloudbackup.OperationLog{}, false
	}
	return op.log, true
}

func providerFor(t cloudbackup.ResourceType) string {
	if t == cloudbackup.ResourceTypeVolume {
		return cloudbackup.ProviderVolume
	}
	return cloudbackup.ProviderServer
}

func (s *Server) addOpLocked(spec OperationSpec) *opRec {
	now := cbrTime(s.now())
	s.seq++
	id := uuidFor(fmt.Sprintf("op-%d", s.seq))
	op := &opRec{
		finishAfter: cmp.Or(spec.Polls, s.taskPolls),
		final:       cmp.Or(spec.Final, cloudbackup.OperationStatusSuccess),
		errCode:     spec.ErrorCode,
		errMsg:      spec.ErrorMessage,
	}
	l := &op.log
	l.ID = id
	l.Status = cloudbackup.OperationStatusWaiting
	l.OperationType = cmp.Or(spec.Type, cloudbackup.OperationTypeBackup)
	l.CheckpointID = spec.CheckpointID
	l.ProjectID = s.projectID
	l.ProviderID = providerFor(spec.ResourceType)
	l.VaultID = spec.VaultID
	if v := s.vaultLocked(spec.VaultID); v != nil {
		l.VaultName = v.Name
	}
	l.CreatedAt, l.StartedAt, l.UpdatedAt = now, now, now
	l.ExtraInfo.Common = cloudbackup.OperationCommon{Progress: codec.NewInt(0), RequestID: "req-" + id[:8], TaskID: uuidFor("task-" + id)}
	l.ExtraInfo.Resource = cloudbackup.OperationResource{ID: spec.ResourceID, Name: spec.ResourceName, Type: spec.ResourceType}
	if l.OperationType == cloudbackup.OperationTypeBackup && (spec.BackupID != "" || spec.BackupName != "") {
		l.ExtraInfo.Backup = &cloudbackup.OperationBackup{BackupID: spec.BackupID, BackupName: spec.BackupName}
	}
	s.ops = append(s.ops, op)
	s.opByID[id] = op
	return op
}

// pollLocked advances a task by one poll.
func (s *Server) pollLocked(op *opRec) {
	if op.log.Status.Done() {
		return
	}
	op.polls++
	now := cbrTime(s.now())
	op.log.UpdatedAt = now
	if op.polls < op.finishAfter {
		op.log.Status = cloudbackup.OperationStatusRunning
		op.log.ExtraInfo.Common.Progress = codec.NewInt(int64(op.polls * 100 / op.finishAfter))
		return
	}
	op.log.Status = op.final
	op.log.EndedAt = now
	if op.final == cloudbackup.OperationStatusSuccess {
		op.log.ExtraInfo.Common.Progress = codec.NewInt(100)
	} else {
		op.log.ErrorInfo = cloudbackup.OperationErrorInfo{
			Code:    cmp.Or(op.errCode, "BackupService.9999"),
			Message: cmp.Or(op.errMsg, "The task ended "+string(op.final)),
		}
	}
	if op.onDone != nil {
		op.onDone(op.final)
	}
}

// handleGetOp is GET /v3/{project}/operation-logs/{id}: each call is a poll.
func (s *Server) handleGetOp(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	op, ok := s.opByID[r.PathValue("id")]
	var log cloudbackup.OperationLog
	if ok {
		s.pollLocked(op)
		log = op.log
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "BackupService.0010", "The operation log "+r.PathValue("id")+" does not exist")
		return
	}
	fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"operation_log": log})
}

// pageParams reads offset and limit (1–1000).
func pageParams(q url.Values) (offset, limit int, err error) {
	limit = 1000
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, fmt.Errorf("limit %q must be an integer from 1 to 1000", v)
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, fmt.Errorf("offset %q must be a non-negative integer", v)
		}
	}
	return offset, limit, nil
}

// handleListOps is GET /v3/{project}/operation-logs, newest first.
func (s *Server) handleListOps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, err := pageParams(q)
	var start, end time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"start_time", &start}, {"end_time", &end}} {
		if v := q.Get(p.name); v != "" && err == nil {
			if *p.dst, err = time.Parse(cloudbackup.TimeLayout, v); err != nil {
				err = fmt.Errorf("%s %q is not in the format %%YYYY-%%mm-%%ddT%%HH:%%MM:%%SSZ", p.name, v)
			}
		}
	}
	if v := q.Get("status"); v != "" && err == nil && !cloudbackup.OperationStatus(v).Known() {
		err = fmt.Errorf("status %q is not a task status", v)
	}
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: "+err.Error())
		return
	}
	s.mu.Lock()
	var match []cloudbackup.OperationLog
	for i := len(s.ops) - 1; i >= 0; i-- {
		l := &s.ops[i].log
		switch {
		case q.Get("operation_type") != "" && string(l.OperationType) != q.Get("operation_type"),
			q.Get("status") != "" && string(l.Status) != q.Get("status"),
			q.Get("vault_id") != "" && l.VaultID != q.Get("vault_id"),
			q.Get("vault_name") != "" && !strings.Contains(l.VaultName, q.Get("vault_name")),
			q.Get("provider_id") != "" && l.ProviderID != q.Get("provider_id"),
			q.Get("resource_id") != "" && l.ExtraInfo.Resource.ID != q.Get("resource_id"),
			q.Get("resource_name") != "" && !strings.Contains(l.ExtraInfo.Resource.Name, q.Get("resource_name")),
			!start.IsZero() && l.CreatedAt.Time.Before(start),
			!end.IsZero() && l.CreatedAt.Time.After(end):
			continue
		}
		match = append(match, *l)
	}
	s.mu.Unlock()
	page := match[min(offset, len(match)):min(offset+limit, len(match))]
	fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"operation_logs": nonNil(page), "count": len(match), "offset": offset, "limit": limit})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// createCheckpointRequest is the body of a checkpoint creation.
type createCheckpointRequest struct {
	Checkpoint *struct {
		VaultID    string `json:"vault_id"`
		Parameters struct {
			Name        string   `json:"name"`
			Description string   `json:"description"`
			Incremental *bool    `json:"incremental"`
			AutoTrigger bool     `json:"auto_trigger"`
			Resources   []string `json:"resources"`
			// ResourceDetails and PolicyID are in Huawei's SDK
			// (services/cbr/v1/model/model_checkpoint_param.go).
			ResourceDetails []struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"resource_details"`
			PolicyID string `json:"policy_id"`
		} `json:"parameters"`
	} `json:"checkpoint"`
}

// checkpointJSON is a checkpoint as Huawei's SDK models the answer
// (services/cbr/v1/model/model_checkpoint_create.go,
// model_checkpoint_plan_create.go, model_checkpoint_resource_resp.go): the
// resources' sizes and count are strings.
type checkpointJSON struct {
	ID        string           `json:"id"`
	ProjectID string           `json:"project_id"`
	Status    string           `json:"status"`
	CreatedAt cloudbackup.Time `json:"created_at"`
	Vault     struct {
		ID               string                        `json:"id"`
		Name             string                        `json:"name"`
		Resources        []checkpointResourceJSON      `json:"resources"`
		SkippedResources []cloudbackup.SkippedResource `json:"skipped_resources,omitzero"`
	} `json:"vault"`
	ExtraInfo cloudbackup.CheckpointExtraInfo `json:"extra_info"`
}

type checkpointResourceJSON struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	ProtectStatus string `json:"protect_status,omitzero"`
	ResourceSize  string `json:"resource_size,omitzero"`
	BackupSize    string `json:"backup_size,omitzero"`
	BackupCount   string `json:"backup_count,omitzero"`
}

func intText(i cloudbackup.Int) string {
	if v, ok := i.Get(); ok {
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// checkpointAnswer is the body of a checkpoint answer.
func checkpointAnswer(cp *cloudbackup.Checkpoint) map[string]any {
	out := checkpointJSON{ID: cp.ID, ProjectID: cp.ProjectID, Status: string(cp.Status), CreatedAt: cp.CreatedAt, ExtraInfo: cp.ExtraInfo}
	out.Vault.ID, out.Vault.Name, out.Vault.SkippedResources = cp.Vault.ID, cp.Vault.Name, cp.Vault.SkippedResources
	out.Vault.Resources = []checkpointResourceJSON{}
	for _, r := range cp.Vault.Resources {
		out.Vault.Resources = append(out.Vault.Resources, checkpointResourceJSON{
			ID: r.ID, Name: r.Name, Type: string(r.Type), ProtectStatus: string(r.ProtectStatus),
			ResourceSize: intText(r.ResourceSize), BackupSize: intText(r.BackupSize), BackupCount: intText(r.BackupCount),
		})
	}
	return map[string]any{"checkpoint": out}
}

// handleCreateCheckpoint is POST /v3/{project}/checkpoints: it starts a
// backup of each requested resource of the vault, skipping those already
// being backed up.
func (s *Server) handleCreateCheckpoint(w http.ResponseWriter, r *http.Request) {
	var req createCheckpointRequest
	if err := fakeserver.ReadJSON(r, &req); err != nil || req.Checkpoint == nil || req.Checkpoint.VaultID == "" {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: the body must be {\"checkpoint\": {\"vault_id\": ..., \"parameters\": {...}}}")
		return
	}
	p := req.Checkpoint.Parameters
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.vaultLocked(req.Checkpoint.VaultID)
	if v == nil {
		writeError(w, r, http.StatusNotFound, "BackupService.0007", "The vault "+req.Checkpoint.VaultID+" does not exist")
		return
	}
	if v.Billing.ProtectType == "replication" {
		writeError(w, r, http.StatusBadRequest, "BackupService.6100", "A replication vault cannot be backed up")
		return
	}
	ids := slices.Clone(p.Resources)
	for _, d := range p.ResourceDetails {
		if d.ID == "" || d.Type == "" {
			writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: resource_details need id and type")
			return
		}
		if !slices.Contains(ids, d.ID) {
			ids = append(ids, d.ID)
		}
	}
	var targets []cloudbackup.VaultResource
	if len(ids) == 0 {
		targets = v.Resources
	}
	for _, id := range ids {
		i := slices.IndexFunc(v.Resources, func(res cloudbackup.VaultResource) bool { return res.ID == id })
		if i < 0 {
			writeError(w, r, http.StatusBadRequest, "BackupService.6101", "The resource "+id+" is not bound to the vault")
			return
		}
		targets = append(targets, v.Resources[i])
	}
	if len(targets) == 0 {
		writeError(w, r, http.StatusBadRequest, "BackupService.6102", "The vault has no resources to back up")
		return
	}
	now := cbrTime(s.now())
	s.seq++
	cpID := uuidFor(fmt.Sprintf("checkpoint-%d", s.seq))
	rec := &checkpointRec{cp: cloudbackup.Checkpoint{
		ID:        cpID,
		ProjectID: s.projectID,
		Status:    cloudbackup.CheckpointStatusProtecting,
		CreatedAt: now,
		Vault:     cloudbackup.CheckpointVault{ID: v.ID, Name: v.Name},
		ExtraInfo: cloudbackup.CheckpointExtraInfo{Name: p.Name, Description: p.Description},
	}}
	for _, res := range targets {
		if s.busyLocked(res.ID) {
			rec.cp.Vault.SkippedResources = append(rec.cp.Vault.SkippedResources, cloudbackup.SkippedResource{
				ID: res.ID, Name: res.Name, Type: string(res.Type), Code: "BackupService.6324", Reason: "The resource is being backed up",
			})
			continue
		}
		rec.cp.Vault.Resources = append(rec.cp.Vault.Resources, cloudbackup.CheckpointResource{
			ID: res.ID, Name: res.Name, Type: res.Type, ProtectStatus: cloudbackup.ProtectStatusProtecting, ResourceSize: res.Size,
		})
		s.startBackupLocked(rec, v, res, p.Name, p.Description, p.Incremental, p.AutoTrigger, now)
	}
	if len(rec.ops) == 0 {
		rec.cp.Status = cloudbackup.CheckpointStatusError
	}
	s.checkpoints[cpID] = rec
	fakeserver.WriteJSON(w, http.StatusOK, checkpointAnswer(&rec.cp))
}

// busyLocked reports whether a resource has a backup being made.
func (s *Server) busyLocked(resourceID string) bool {
	for i := range s.backups {
		b := &s.backups[i].b
		if b.ResourceID == resourceID && (b.Status == cloudbackup.BackupStatusProtecting || b.Status == cloudbackup.BackupStatusWaitingProtect) {
			return true
		}
	}
	return false
}

// startBackupLocked adds a protecting backup of res and the task making it.
func (s *Server) startBackupLocked(cp *checkpointRec, v *cloudbackup.Vault, res cloudbackup.VaultResource, name, desc string, incr *bool, auto bool, now cloudbackup.Time) {
	s.seq++
	if name == "" {
		name = fmt.Sprintf("manualbk_%04x", s.seq&0xffff)
	}
	inc := s.hasBackupLocked(res.ID)
	if incr != nil {
		inc = *incr
	}
	b := cloudbackup.Backup{
		ID:                  uuidFor(fmt.Sprintf("backup-%d", s.seq)),
		Name:                name,
		Description:         desc,
		Status:              cloudbackup.BackupStatusProtecting,
		ImageType:           cloudbackup.ImageTypeBackup,
		CheckpointID:        cp.cp.ID,
		ProjectID:           s.projectID,
		VaultID:             v.ID,
		ProviderID:          v.ProviderID,
		EnterpriseProjectID: v.EnterpriseProjectID,
		ResourceID:          res.ID,
		ResourceName:        res.Name,
		ResourceType:        res.Type,
		ResourceAZ:          s.zoneLocked(res.ID),
		ResourceSize:        res.Size,
		CreatedAt:           now,
		UpdatedAt:           now,
		ExtendInfo: cloudbackup.BackupExtendInfo{
			AutoTrigger:          codec.NewBool(auto),
			Incremental:          codec.NewBool(inc),
			SupportLLD:           codec.NewBool(true),
			SupportedRestoreMode: cloudbackup.RestoreModeNA,
			Progress:             codec.NewInt(0),
		},
	}
	id := b.ID
	s.putLocked(record{b: b})
	op := s.addOpLocked(OperationSpec{
		Type: cloudbackup.OperationTypeBackup, ResourceID: res.ID, ResourceName: res.Name, ResourceType: res.Type,
		VaultID: v.ID, CheckpointID: cp.cp.ID, BackupID: id, BackupName: name,
	})
	op.onDone = func(status cloudbackup.OperationStatus) {
		at := cbrTime(s.now())
		if i, ok := s.byID[id]; ok {
			b := &s.backups[i].b
			b.UpdatedAt = at
			if status == cloudbackup.OperationStatusSuccess {
				b.Status = cloudbackup.BackupStatusAvailable
				b.ProtectedAt = at
				b.ExtendInfo.Progress = codec.NewInt(100)
				b.ExtendInfo.SupportedRestoreMode = cloudbackup.RestoreModeBackup
			} else {
				b.Status = cloudbackup.BackupStatusError
			}
		}
		s.settleCheckpointLocked(cp)
	}
	cp.ops = append(cp.ops, op)
}

// settleCheckpointLocked marks a checkpoint available (or error) once all
// its tasks ended.
func (s *Server) settleCheckpointLocked(cp *checkpointRec) {
	ok := false
	for _, op := range cp.ops {
		if !op.log.Status.Done() {
			return
		}
		ok = ok || op.log.Status == cloudbackup.OperationStatusSuccess
	}
	cp.cp.Status = cloudbackup.CheckpointStatusError
	if ok {
		cp.cp.Status = cloudbackup.CheckpointStatusAvailable
	}
	for i := range cp.cp.Vault.Resources {
		cp.cp.Vault.Resources[i].ProtectStatus = cloudbackup.ProtectStatusAvailable
	}
}

func (s *Server) hasBackupLocked(resourceID string) bool {
	for i := range s.backups {
		if b := &s.backups[i].b; b.ResourceID == resourceID && b.Status == cloudbackup.BackupStatusAvailable {
			return true
		}
	}
	return false
}

func (s *Server) zoneLocked(resourceID string) string {
	for i := range s.backups {
		if b := &s.backups[i].b; b.ResourceID == resourceID && b.ResourceAZ != "" {
			return b.ResourceAZ
		}
	}
	return "fake-region-1a"
}

// handleGetCheckpoint is GET /v3/{project}/checkpoints/{id}: each call
// polls the checkpoint's tasks once.
func (s *Server) handleGetCheckpoint(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.checkpoints[r.PathValue("id")]
	var cp cloudbackup.Checkpoint
	if ok {
		for _, op := range rec.ops {
			s.pollLocked(op)
		}
		cp = rec.cp
		// The answer is written after the lock is released: copy what
		// later polls change.
		cp.Vault.Resources = slices.Clone(cp.Vault.Resources)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "BackupService.0009", "The checkpoint "+r.PathValue("id")+" does not exist")
		return
	}
	fakeserver.WriteJSON(w, http.StatusOK, checkpointAnswer(&cp))
}

func (s *Server) vaultLocked(id string) *cloudbackup.Vault {
	for i := range s.vaults {
		if s.vaults[i].ID == id {
			return &s.vaults[i]
		}
	}
	return nil
}

// backupStats is the count and size of a resource's available backups.
type backupStats struct{ count, size int64 }

// statsLocked sums available backups per vault and resource, in one pass.
func (s *Server) statsLocked() map[[2]string]backupStats {
	out := map[[2]string]backupStats{}
	for i := range s.backups {
		b := &s.backups[i].b
		if b.Status != cloudbackup.BackupStatusAvailable {
			continue
		}
		k := [2]string{b.VaultID, b.ResourceID}
		st := out[k]
		st.count++
		st.size += b.ResourceSize.Or(0)
		out[k] = st
	}
	return out
}

// vaultView copies a vault with each resource's backup count and size.
func vaultView(v *cloudbackup.Vault, stats map[[2]string]backupStats) cloudbackup.Vault {
	out := *v
	out.Resources = slices.Clone(v.Resources)
	for i := range out.Resources {
		res := &out.Resources[i]
		st := stats[[2]string{v.ID, res.ID}]
		res.BackupCount, res.BackupSize = codec.NewInt(st.count), codec.NewInt(st.size)
	}
	return out
}

// handleListVaults is GET /v3/{project}/vaults.
func (s *Server) handleListVaults(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, err := pageParams(q)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "BackupService.0001", "Invalid parameter: "+err.Error())
		return
	}
	var ids []string
	if v := q.Get("resource_ids"); v != "" {
		ids = strings.Split(v, ",")
	}
	s.mu.Lock()
	stats := s.statsLocked()
	var match []cloudbackup.Vault
	for i := range s.vaults {
		v := &s.vaults[i]
		switch {
		case q.Get("id") != "" && v.ID != q.Get("id"),
			q.Get("name") != "" && !strings.Contains(v.Name, q.Get("name")),
			q.Get("object_type") != "" && v.Billing.ObjectType != q.Get("object_type"),
			q.Get("protect_type") != "" && v.Billing.ProtectType != q.Get("protect_type"),
			q.Get("cloud_type") != "" && v.Billing.CloudType != q.Get("cloud_type"),
			q.Get("status") != "" && v.Billing.Status != q.Get("status"),
			q.Get("enterprise_project_id") != "" && q.Get("enterprise_project_id") != cloudbackup.AllGrantedEnterpriseProjects &&
				v.EnterpriseProjectID.Or("0") != q.Get("enterprise_project_id"),
			len(ids) > 0 && !slices.ContainsFunc(v.Resources, func(res cloudbackup.VaultResource) bool { return slices.Contains(ids, res.ID) }):
			continue
		}
		match = append(match, vaultView(v, stats))
	}
	s.mu.Unlock()
	page := match[min(offset, len(match)):min(offset+limit, len(match))]
	fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"vaults": nonNil(page), "count": len(match), "offset": offset, "limit": limit})
}

// handleGetVault is GET /v3/{project}/vaults/{id}.
func (s *Server) handleGetVault(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v := s.vaultLocked(r.PathValue("id"))
	var out cloudbackup.Vault
	if v != nil {
		out = vaultView(v, s.statsLocked())
	}
	s.mu.Unlock()
	if v == nil {
		writeError(w, r, http.StatusNotFound, "BackupService.0007", "The vault "+r.PathValue("id")+" does not exist")
		return
	}
	fakeserver.WriteJSON(w, http.StatusOK, map[string]any{"vault": out})
}
