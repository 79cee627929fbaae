package cloudbackuptest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
)

// uuidFor derives a stable UUID-shaped ID from name.
func uuidFor(name string) string {
	sum := sha1.Sum([]byte("cloudbackuptest:" + name))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// BackupOption marks a backup added with AddBackup.
type BackupOption func(*record)

// Shared makes the backup one that another project shares with this one,
// in the given sharing state: it is listed with own_type shared or
// all_granted, and matched by member_status.
func Shared(status cloudbackup.MemberStatus) BackupOption {
	return func(r *record) { r.shared, r.memberStatus = true, status }
}

// Dedicated places the backup in a dedicated cloud (matched by dec=true).
func Dedicated() BackupOption {
	return func(r *record) { r.dec = true }
}

// AddBackup stores b, replacing a backup with the same ID, and returns its
// ID. Empty fields get defaults: a new ID, the server's project, status
// available, image type backup, a server resource with its provider ID,
// and created/updated now. An ID that no request path can name (".",
// "..", or with "/", "?" or "#") is an error.
func (s *Server) AddBackup(b cloudbackup.Backup, opts ...BackupOption) (string, error) {
	if b.ID == "." || b.ID == ".." || strings.ContainsAny(b.ID, "/?#") {
		return "", fmt.Errorf("cloudbackuptest: AddBackup: ID %q cannot be named in a path", b.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := record{b: b}
	for _, o := range opts {
		if o != nil {
			o(&r)
		}
	}
	s.defaultsLocked(&r.b)
	s.putLocked(r)
	return r.b.ID, nil
}

func (s *Server) defaultsLocked(b *cloudbackup.Backup) {
	if b.ID == "" {
		s.seq++
		b.ID = uuidFor(fmt.Sprintf("backup-%d", s.seq))
	}
	if b.ProjectID == "" {
		b.ProjectID = s.projectID
	}
	if b.Status == "" {
		b.Status = cloudbackup.BackupStatusAvailable
	}
	if b.ImageType == "" {
		b.ImageType = cloudbackup.ImageTypeBackup
	}
	if b.ResourceType == "" {
		b.ResourceType = cloudbackup.ResourceTypeServer
	}
	if b.ProviderID == "" {
		b.ProviderID = providerFor(b.ResourceType)
	}
	if !b.CreatedAt.Valid {
		b.CreatedAt = cbrTime(s.now())
	}
	if !b.UpdatedAt.Valid {
		b.UpdatedAt = b.CreatedAt
	}
}

// putLocked stores a record, replacing one with the same ID.
func (s *Server) putLocked(r record) {
	if i, ok := s.byID[r.b.ID]; ok {
		if s.backups[i].shared {
			s.sharedCount--
		}
		s.backups[i] = r
	} else {
		s.byID[r.b.ID] = len(s.backups)
		s.backups = append(s.backups, r)
	}
	if r.shared {
		s.sharedCount++
	}
	s.invalidateLocked()
}

// Backup returns a stored backup as the server holds it.
func (s *Server) Backup(id string) (cloudbackup.Backup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.byID[id]
	if !ok {
		return cloudbackup.Backup{}, false
	}
	return s.backups[i].b, true
}

// Backups returns every stored backup, shared ones included, in the
// server's default order (newest first).
func (s *Server) Backups() []cloudbackup.Backup {
	s.mu.Lock()
	defer s.mu.Unlock()
	order := s.defaultOrderLocked()
	out := make([]cloudbackup.Backup, len(order))
	for n, i := range order {
		out[n] = s.backups[i].b
	}
	return out
}

// BackupCount returns how many backups are stored.
func (s *Server) BackupCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.backups)
}

// AddVault stores v, replacing a vault with the same ID, and returns its
// ID. An empty ID, project or provider gets a default.
func (s *Server) AddVault(v cloudbackup.Vault) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addVaultLocked(v)
}

func (s *Server) addVaultLocked(v cloudbackup.Vault) string {
	if v.ID == "" {
		s.seq++
		v.ID = uuidFor(fmt.Sprintf("vault-%d", s.seq))
	}
	if v.ProjectID == "" {
		v.ProjectID = s.projectID
	}
	if v.ProviderID == "" {
		v.ProviderID = cloudbackup.ProviderServer
	}
	if old := s.vaultLocked(v.ID); old != nil {
		*old = v
	} else {
		s.vaults = append(s.vaults, v)
	}
	return v.ID
}

// Vaults returns the stored vaults.
func (s *Server) Vaults() []cloudbackup.Vault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cloudbackup.Vault(nil), s.vaults...)
}

// GenerateBackups adds n available server backups (every 97th failed)
// shaped like the documented sample, spread over n/10 servers bound to a
// new vault, created a quarter of an hour apart going back from now. It is
// deterministic and fast enough for 100 000 backups, and returns the new
// vault's ID.
func (s *Server) GenerateBackups(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	batch := s.seq
	nres := max(n/10, 1)
	v := cloudbackup.Vault{
		ID:         uuidFor(fmt.Sprintf("generated-vault-%d", batch)),
		Name:       fmt.Sprintf("vault-generated-%d", batch),
		ProviderID: cloudbackup.ProviderServer,
		Billing: cloudbackup.VaultBilling{
			Size: codec.NewInt(int64(max(n/10, 1)) * 40), Used: codec.NewInt(int64(n) * 1024), Status: "available",
			ObjectType: "server", ProtectType: "backup", CloudType: "public", ChargingMode: "post_paid",
			ConsistentLevel: "crash_consistent", SpecCode: "vault.backup.server.normal",
		},
		EnterpriseProjectID: codec.NewString("0"),
		CreatedAt:           cbrTime(s.now().Add(-365 * 24 * time.Hour)),
		Resources:           make([]cloudbackup.VaultResource, nres),
	}
	for i := range v.Resources {
		v.Resources[i] = cloudbackup.VaultResource{
			ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", batch, i), Name: fmt.Sprintf("gen-srv-%05d", i),
			Type: cloudbackup.ResourceTypeServer, ProtectStatus: cloudbackup.ProtectStatusAvailable, Size: codec.NewInt(40),
		}
	}
	s.addVaultLocked(v)
	zones := [...]string{"fake-region-1a", "fake-region-1b", "fake-region-1c"}
	base := s.now().Add(-time.Minute)
	s.backups = append(make([]record, 0, len(s.backups)+n), s.backups...)
	for i := range n {
		res := &v.Resources[i%nres]
		created := cbrTime(base.Add(-time.Duration(i) * 15 * time.Minute))
		status := cloudbackup.BackupStatusAvailable
		if i%97 == 96 {
			status = cloudbackup.BackupStatusError
		}
		b := cloudbackup.Backup{
			ID:                  fmt.Sprintf("%08x-%04x-4%03x-8000-%012x", batch, (i>>24)&0xffff, (i>>12)&0xfff, i),
			Name:                fmt.Sprintf("autobk_%04x", i&0xffff),
			Status:              status,
			ImageType:           cloudbackup.ImageTypeBackup,
			CheckpointID:        fmt.Sprintf("%08x-0000-4000-9000-%012x", batch, i),
			ProjectID:           s.projectID,
			VaultID:             v.ID,
			ProviderID:          cloudbackup.ProviderServer,
			EnterpriseProjectID: codec.NewString("0"),
			ResourceID:          res.ID,
			ResourceName:        res.Name,
			ResourceType:        cloudbackup.ResourceTypeServer,
			ResourceAZ:          zones[i%len(zones)],
			ResourceSize:        codec.NewInt(40),
			CreatedAt:           created,
			UpdatedAt:           cbrTime(created.Time.Add(6 * time.Minute)),
			ExpiredAt:           cbrTime(created.Time.Add(90 * 24 * time.Hour)),
			ExtendInfo: cloudbackup.BackupExtendInfo{
				AutoTrigger:          codec.NewBool(true),
				SupportedRestoreMode: cloudbackup.RestoreModeBackup,
				ContainSystemDisk:    codec.NewBool(true),
				SupportLLD:           codec.NewBool(true),
				Architecture:         "x86_64",
				SystemDisk:           codec.NewBool(false),
				AppConsistency: cloudbackup.AppConsistency{
					AppConsistency: "0", AppConsistencyStatus: "0", AppConsistencyErrorCode: "0",
				},
			},
		}
		s.byID[b.ID] = len(s.backups)
		s.backups = append(s.backups, record{b: b})
	}
	s.invalidateLocked()
	return v.ID
}

// Resource names a protected server or disk of the demo data.
type Resource struct {
	ID   string // the resource_id of its backups
	Name string // the resource_name of its backups
}

// Demo names what NewServer seeds (unless WithoutDemoData), with times
// relative to the server's clock:
//
//   - FreshServer (web-01): newest successful backup 6 hours old, with
//     per-disk children and a replication to ReplicaVaultID; two older ones.
//   - StaleServer (db-01): newest successful backup 5 days old.
//   - FailingServer (app-02): its two newest backups (2 h and 26 h old)
//     failed (status error, with a failed operation log); the last success
//     is 4 days old.
//   - UnprotectedServer (cache-01): bound to the server vault, no backup.
//   - Volume (data-vol-01): disk backups 12 h and 36 h old in DiskVaultID
//     (85 % full), and one being made now (protecting, with a running task).
//   - Two backups shared by another project (own_type shared): one
//     accepted, one pending.
type Demo struct {
	ServerVaultID  string // vault-servers: the four servers, 60 % full
	DiskVaultID    string // vault-disks: the volume, 85 % full
	ReplicaVaultID string // vault-replica: the replicated copy

	FreshServer       Resource // web-01
	StaleServer       Resource // db-01
	FailingServer     Resource // app-02
	UnprotectedServer Resource // cache-01
	Volume            Resource // data-vol-01

	// FreshBackupID is FreshServer's newest backup (restorable, with children).
	FreshBackupID string
	// VolumeBackupID is Volume's newest available backup.
	VolumeBackupID string
	// InProgressBackupID is Volume's backup being made (protecting).
	InProgressBackupID string
	// ReplicaBackupID is the replicated copy of FreshBackupID.
	ReplicaBackupID string
	// SucceededOperationID, FailedOperationID and RunningOperationID are
	// the tasks of FreshBackupID, of FailingServer's newest backup and of
	// InProgressBackupID (it ends after the server's task polls).
	SucceededOperationID string
	FailedOperationID    string // see SucceededOperationID
	RunningOperationID   string // see SucceededOperationID
}

// Demo returns the names and IDs of the demo data (zero WithoutDemoData).
func (s *Server) Demo() Demo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.demo
}

func (s *Server) seedDemo() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ago := func(d time.Duration) cloudbackup.Time { return cbrTime(now.Add(-d)) }
	const h, day = time.Hour, 24 * time.Hour
	res := func(name string) Resource { return Resource{ID: uuidFor("resource-" + name), Name: name} }
	d := Demo{
		ServerVaultID:     uuidFor("vault-servers"),
		DiskVaultID:       uuidFor("vault-disks"),
		ReplicaVaultID:    uuidFor("vault-replica"),
		FreshServer:       res("web-01"),
		StaleServer:       res("db-01"),
		FailingServer:     res("app-02"),
		UnprotectedServer: res("cache-01"),
		Volume:            res("data-vol-01"),
	}
	financeEP := codec.NewString(uuidFor("enterprise-project-finance"))
	bind := func(r Resource, t cloudbackup.ResourceType, size int64) cloudbackup.VaultResource {
		return cloudbackup.VaultResource{ID: r.ID, Name: r.Name, Type: t, ProtectStatus: cloudbackup.ProtectStatusAvailable, Size: codec.NewInt(size)}
	}
	billing := func(sizeGB, usedPercent int64, object, protect, spec string) cloudbackup.VaultBilling {
		return cloudbackup.VaultBilling{
			Size: codec.NewInt(sizeGB), Used: codec.NewInt(sizeGB * 1024 * usedPercent / 100), Allocated: codec.NewInt(0),
			Status: "available", ChargingMode: "post_paid", CloudType: "public", ConsistentLevel: "crash_consistent",
			ObjectType: object, ProtectType: protect, SpecCode: spec,
		}
	}
	s.addVaultLocked(cloudbackup.Vault{
		ID: d.ServerVaultID, Name: "vault-servers", ProviderID: cloudbackup.ProviderServer,
		Billing: billing(500, 60, "server", "backup", "vault.backup.server.normal"),
		Resources: []cloudbackup.VaultResource{
			bind(d.FreshServer, cloudbackup.ResourceTypeServer, 40), bind(d.StaleServer, cloudbackup.ResourceTypeServer, 100),
			bind(d.FailingServer, cloudbackup.ResourceTypeServer, 40), bind(d.UnprotectedServer, cloudbackup.ResourceTypeServer, 20),
		},
		Tags:                []cloudbackup.Tag{{Key: "env", Value: "prod"}},
		EnterpriseProjectID: codec.NewString("0"),
		CreatedAt:           ago(90 * day),
	})
	s.addVaultLocked(cloudbackup.Vault{
		ID: d.DiskVaultID, Name: "vault-disks", ProviderID: cloudbackup.ProviderVolume,
		Billing:             billing(200, 85, "disk", "backup", "vault.backup.volume.normal"),
		Resources:           []cloudbackup.VaultResource{bind(d.Volume, cloudbackup.ResourceTypeVolume, 200)},
		EnterpriseProjectID: financeEP,
		CreatedAt:           ago(60 * day),
	})
	s.addVaultLocked(cloudbackup.Vault{
		ID: d.ReplicaVaultID, Name: "vault-replica", ProviderID: cloudbackup.ProviderServer,
		Billing:             billing(300, 10, "server", "replication", "vault.replication.server.normal"),
		EnterpriseProjectID: codec.NewString("0"),
		CreatedAt:           ago(60 * day),
	})

	n := 0
	server := func(r Resource, zone string, size int64, age time.Duration, status cloudbackup.BackupStatus, incr bool) cloudbackup.Backup {
		n++
		created := ago(age)
		b := cloudbackup.Backup{
			ID:                  uuidFor(fmt.Sprintf("demo-backup-%s-%d", r.Name, n)),
			Name:                fmt.Sprintf("autobk_%04x", (n*7919)&0xffff),
			Status:              status,
			ImageType:           cloudbackup.ImageTypeBackup,
			CheckpointID:        uuidFor(fmt.Sprintf("demo-checkpoint-%s-%d", r.Name, n)),
			ProjectID:           s.projectID,
			VaultID:             d.ServerVaultID,
			ProviderID:          cloudbackup.ProviderServer,
			EnterpriseProjectID: codec.NewString("0"),
			ResourceID:          r.ID,
			ResourceName:        r.Name,
			ResourceType:        cloudbackup.ResourceTypeServer,
			ResourceAZ:          zone,
			ResourceSize:        codec.NewInt(size),
			CreatedAt:           created,
			UpdatedAt:           cbrTime(created.Time.Add(7 * time.Minute)),
			ExpiredAt:           cbrTime(created.Time.Add(30 * day)),
			ExtendInfo: cloudbackup.BackupExtendInfo{
				AutoTrigger:          codec.NewBool(true),
				Incremental:          codec.NewBool(incr),
				SupportedRestoreMode: cloudbackup.RestoreModeBackup,
				ContainSystemDisk:    codec.NewBool(true),
				SupportLLD:           codec.NewBool(true),
				SystemDisk:           codec.NewBool(false),
				Architecture:         "x86_64",
				AppConsistency: cloudbackup.AppConsistency{
					AppConsistency: "0", AppConsistencyStatus: "0", AppConsistencyErrorCode: "0",
				},
			},
		}
		if status == cloudbackup.BackupStatusAvailable {
			b.ProtectedAt = cbrTime(created.Time.Add(2 * time.Minute))
		} else {
			b.ExtendInfo.SupportedRestoreMode = cloudbackup.RestoreModeNA
		}
		return b
	}
	child := func(parent *cloudbackup.Backup, disk string, size int64, system bool) cloudbackup.Backup {
		c := *parent
		c.ID = uuidFor(parent.ID + "-" + disk)
		c.ParentID = parent.ID
		c.ResourceID = uuidFor("disk-" + parent.ResourceName + "-" + disk)
		c.ResourceName = parent.ResourceName + "-" + disk
		c.ResourceType = cloudbackup.ResourceTypeVolume
		c.ProviderID = cloudbackup.ProviderVolume
		c.ResourceSize = codec.NewInt(size)
		c.Children, c.ReplicationRecords = nil, nil
		c.ExtendInfo = cloudbackup.BackupExtendInfo{
			AutoTrigger: codec.NewBool(true), Bootable: codec.NewBool(system), SystemDisk: codec.NewBool(system),
			SnapshotID: uuidFor("snapshot-" + c.ID), SupportLLD: codec.NewBool(true), Encrypted: codec.NewBool(false),
		}
		return c
	}

	// FreshServer: 6 h, 30 h and 54 h old; the newest with disks and a replica.
	fresh := server(d.FreshServer, "ap-southeast-1a", 40, 6*h, cloudbackup.BackupStatusAvailable, true)
	fresh.Children = []cloudbackup.Backup{child(&fresh, "sys", 40, true), child(&fresh, "data", 100, false)}
	replica := fresh
	replica.ID = uuidFor("demo-replica-" + fresh.ID)
	replica.ImageType = cloudbackup.ImageTypeReplication
	replica.VaultID = d.ReplicaVaultID
	replica.CheckpointID = uuidFor("demo-replica-checkpoint-" + fresh.ID)
	replica.CreatedAt = ago(5 * h)
	replica.UpdatedAt = ago(4*h + 50*time.Minute)
	replica.ProtectedAt = fresh.ProtectedAt
	replica.Children = nil
	fresh.ReplicationRecords = []cloudbackup.ReplicationRecord{{
		ID: uuidFor("demo-replication-" + fresh.ID), Status: cloudbackup.ReplicationStatusSuccess, CreatedAt: ago(5 * h),
		SourceRegion: "ap-southeast-1", SourceProjectID: s.projectID, SourceBackupID: fresh.ID, SourceCheckpointID: fresh.CheckpointID,
		DestinationRegion: "ap-southeast-3", DestinationProjectID: s.projectID, DestinationBackupID: replica.ID,
		DestinationCheckpointID: replica.CheckpointID, DestinationVaultID: d.ReplicaVaultID, VaultID: d.ServerVaultID,
		ExtraInfo: cloudbackup.ReplicationExtraInfo{
			Progress: codec.NewInt(100), AutoTrigger: codec.NewBool(true), DestinationVaultID: d.ReplicaVaultID,
		},
	}}
	d.FreshBackupID, d.ReplicaBackupID = fresh.ID, replica.ID
	s.putLocked(record{b: fresh})
	s.putLocked(record{b: replica})
	s.putLocked(record{b: server(d.FreshServer, "ap-southeast-1a", 40, 30*h, cloudbackup.BackupStatusAvailable, true)})
	full := server(d.FreshServer, "ap-southeast-1a", 40, 54*h, cloudbackup.BackupStatusAvailable, false)
	full.ExtendInfo.OSImagesData = []cloudbackup.ImageData{{ImageID: uuidFor("image-" + full.ID)}}
	s.putLocked(record{b: full})

	// StaleServer: 5, 6 and 7 days old.
	for _, age := range []time.Duration{5 * day, 6 * day, 7 * day} {
		s.putLocked(record{b: server(d.StaleServer, "ap-southeast-1b", 100, age, cloudbackup.BackupStatusAvailable, age != 7*day)})
	}

	// FailingServer: failed 2 h and 26 h ago, last success 4 days ago.
	failed := server(d.FailingServer, "ap-southeast-1a", 40, 2*h, cloudbackup.BackupStatusError, true)
	s.putLocked(record{b: failed})
	s.putLocked(record{b: server(d.FailingServer, "ap-southeast-1a", 40, 26*h, cloudbackup.BackupStatusError, true)})
	s.putLocked(record{b: server(d.FailingServer, "ap-southeast-1a", 40, 4*day, cloudbackup.BackupStatusAvailable, false)})

	// Volume: 12 h and 36 h old, and one being made.
	volume := func(age time.Duration, status cloudbackup.BackupStatus) cloudbackup.Backup {
		b := server(d.Volume, "ap-southeast-1b", 200, age, status, true)
		b.VaultID, b.ProviderID, b.ResourceType = d.DiskVaultID, cloudbackup.ProviderVolume, cloudbackup.ResourceTypeVolume
		b.EnterpriseProjectID = financeEP
		b.ExtendInfo = cloudbackup.BackupExtendInfo{
			AutoTrigger: codec.NewBool(true), Bootable: codec.NewBool(false), Incremental: codec.NewBool(true),
			SnapshotID: uuidFor("snapshot-" + b.ID), SupportLLD: codec.NewBool(true), Encrypted: codec.NewBool(true),
			SystemDisk: codec.NewBool(false), SupportedRestoreMode: cloudbackup.RestoreModeBackup,
		}
		return b
	}
	vol := volume(12*h, cloudbackup.BackupStatusAvailable)
	d.VolumeBackupID = vol.ID
	s.putLocked(record{b: vol})
	s.putLocked(record{b: volume(36*h, cloudbackup.BackupStatusAvailable)})
	making := volume(10*time.Minute, cloudbackup.BackupStatusProtecting)
	making.ExpiredAt, making.ProtectedAt = cloudbackup.Time{}, cloudbackup.Time{}
	making.ExtendInfo.Progress = codec.NewInt(40)
	making.ExtendInfo.SupportedRestoreMode = cloudbackup.RestoreModeNA
	d.InProgressBackupID = making.ID
	s.putLocked(record{b: making})

	// Shared by another project.
	other := uuidFor("partner-project")[:32]
	for _, sh := range []struct {
		name   string
		age    time.Duration
		status cloudbackup.MemberStatus
	}{{"partner-db", 20 * h, cloudbackup.MemberStatusAccept}, {"partner-web", 44 * h, cloudbackup.MemberStatusPending}} {
		b := server(Resource{ID: uuidFor("resource-" + sh.name), Name: sh.name}, "ap-southeast-1c", 60, sh.age, cloudbackup.BackupStatusAvailable, false)
		b.ProjectID, b.VaultID = other, uuidFor("partner-vault")
		s.putLocked(record{b: b, shared: true, memberStatus: sh.status})
	}

	// Tasks: the fresh backup's (done), the failed one's, the running one's.
	done := func(op *opRec, status cloudbackup.OperationStatus, started, ended cloudbackup.Time) {
		op.log.Status, op.log.CreatedAt, op.log.StartedAt, op.log.EndedAt, op.log.UpdatedAt = status, started, started, ended, ended
		op.polls = op.finishAfter
		if status == cloudbackup.OperationStatusSuccess {
			op.log.ExtraInfo.Common.Progress = codec.NewInt(100)
		}
	}
	op := s.addOpLocked(OperationSpec{
		ResourceID: d.FreshServer.ID, ResourceName: d.FreshServer.Name, ResourceType: cloudbackup.ResourceTypeServer,
		VaultID: d.ServerVaultID, CheckpointID: fresh.CheckpointID, BackupID: fresh.ID, BackupName: fresh.Name,
	})
	done(op, cloudbackup.OperationStatusSuccess, fresh.CreatedAt, fresh.UpdatedAt)
	d.SucceededOperationID = op.log.ID
	op = s.addOpLocked(OperationSpec{
		ResourceID: d.FailingServer.ID, ResourceName: d.FailingServer.Name, ResourceType: cloudbackup.ResourceTypeServer,
		VaultID: d.ServerVaultID, CheckpointID: failed.CheckpointID, BackupID: failed.ID, BackupName: failed.Name,
	})
	done(op, cloudbackup.OperationStatusFailed, failed.CreatedAt, failed.UpdatedAt)
	op.log.ErrorInfo = cloudbackup.OperationErrorInfo{Code: "BackupService.6401", Message: "Creating the snapshot of a disk of the server failed"}
	d.FailedOperationID = op.log.ID
	op = s.addOpLocked(OperationSpec{
		ResourceID: d.Volume.ID, ResourceName: d.Volume.Name, ResourceType: cloudbackup.ResourceTypeVolume,
		VaultID: d.DiskVaultID, CheckpointID: making.CheckpointID, BackupID: making.ID, BackupName: making.Name,
	})
	op.log.Status = cloudbackup.OperationStatusRunning
	op.log.CreatedAt, op.log.StartedAt = making.CreatedAt, making.CreatedAt
	op.log.ExtraInfo.Common.Progress = codec.NewInt(40)
	id := making.ID
	op.onDone = func(status cloudbackup.OperationStatus) {
		if i, ok := s.byID[id]; ok {
			b := &s.backups[i].b
			at := cbrTime(s.now())
			b.UpdatedAt = at
			if status == cloudbackup.OperationStatusSuccess {
				b.Status, b.ProtectedAt = cloudbackup.BackupStatusAvailable, at
				b.ExtendInfo.Progress = codec.NewInt(100)
				b.ExtendInfo.SupportedRestoreMode = cloudbackup.RestoreModeBackup
			} else {
				b.Status = cloudbackup.BackupStatusError
			}
		}
	}
	d.RunningOperationID = op.log.ID
	s.demo = d
}
