package onapptest

import "time"

// The demo data NewServer seeds (unless WithoutDemoData), relative to the
// server's clock. Each virtual server shows one verdict of a backup
// freshness report:
//
//   - DemoVMRecent (101, "web-01", disks 1001 and 1002, swap disk 1003):
//     newest successful backup 2 hours old (incremental), normal backups
//     6 and 30 hours old.
//   - DemoVMStale (102, "db-01", disk 1011): newest successful backup
//     5 days old, older ones 12 days old.
//   - DemoVMFailing (103, "mail-01", disk 1021): a normal backup built
//     8 days ago, then three attempts (1 and 2 days ago, and an incremental
//     one 20 hours ago) that were never built. OnApp has no failed state:
//     a backup whose transaction failed stays built=false, built_at null.
//   - DemoVMNever (104, "build-01", disk 1031, powered off): no backups at
//     all.
//
// The servers' host names are "<label>.demo.example"; they were created
// 180, 365, 60 and 10 days before the clock, their disks with them. Backup
// ids start at 1, in the order above; their identifiers, sizes and times
// are deterministic for a given clock.
const (
	// DemoVMRecent's newest successful backup is 2 hours old.
	DemoVMRecent int64 = 101
	// DemoVMStale's newest successful backup is 5 days old.
	DemoVMStale int64 = 102
	// DemoVMFailing's newest backup attempts were never built.
	DemoVMFailing int64 = 103
	// DemoVMNever has no backups.
	DemoVMNever int64 = 104
)

// Demo disks, one primary disk per virtual server (DemoVMRecent also has
// a data disk, DemoDiskRecentData, and a swap disk, DemoDiskRecentSwap).
const (
	// DemoDiskRecent is DemoVMRecent's system disk (20 GB, lvm).
	DemoDiskRecent int64 = 1001
	// DemoDiskRecentData is DemoVMRecent's data disk (50 GB, lvm, mounted
	// on /srv).
	DemoDiskRecentData int64 = 1002
	// DemoDiskRecentSwap is DemoVMRecent's swap disk (2 GB, lvm), never
	// backed up.
	DemoDiskRecentSwap int64 = 1003
	// DemoDiskStale is DemoVMStale's disk (40 GB, lvm).
	DemoDiskStale int64 = 1011
	// DemoDiskFailing is DemoVMFailing's disk (15 GB, solidfire).
	DemoDiskFailing int64 = 1021
	// DemoDiskNever is DemoVMNever's disk (10 GB, lvm), never backed up.
	DemoDiskNever int64 = 1031
)

func (s *Server) seed() error {
	now := s.clock()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	const day = 24 * time.Hour

	vms := []VM{
		{ID: DemoVMRecent, Label: "web-01", Hostname: "web-01.demo.example", UserID: 8, TemplateID: 6,
			OperatingSystem: "linux", OperatingSystemDistro: "ubuntu", MemoryMB: 2048, CPUs: 2, CreatedAt: ago(180 * day)},
		{ID: DemoVMStale, Label: "db-01", Hostname: "db-01.demo.example", UserID: 8, TemplateID: 6,
			OperatingSystem: "linux", OperatingSystemDistro: "centos", MemoryMB: 4096, CPUs: 4, CreatedAt: ago(365 * day)},
		{ID: DemoVMFailing, Label: "mail-01", Hostname: "mail-01.demo.example", UserID: 12, TemplateID: 897,
			OperatingSystem: "linux", OperatingSystemDistro: "debian", MemoryMB: 1024, CPUs: 1, CreatedAt: ago(60 * day)},
		{ID: DemoVMNever, Label: "build-01", Hostname: "build-01.demo.example", UserID: 12, TemplateID: 897,
			OperatingSystem: "linux", OperatingSystemDistro: "ubuntu", MemoryMB: 1024, CPUs: 2, PoweredOff: true, CreatedAt: ago(10 * day)},
	}
	disks := []Disk{
		{ID: DemoDiskRecent, VMID: DemoVMRecent, Label: "web-01 system", SizeGB: 20, Primary: true},
		{ID: DemoDiskRecentData, VMID: DemoVMRecent, Label: "web-01 data", SizeGB: 50, MountPoint: "/srv", DataStoreID: 2},
		{ID: DemoDiskRecentSwap, VMID: DemoVMRecent, Label: "web-01 swap", SizeGB: 2, Swap: true},
		{ID: DemoDiskStale, VMID: DemoVMStale, Label: "db-01 system", SizeGB: 40, Primary: true},
		{ID: DemoDiskFailing, VMID: DemoVMFailing, Label: "mail-01 system", SizeGB: 15, Primary: true, DataStoreType: "solidfire", DataStoreID: 3},
		{ID: DemoDiskNever, VMID: DemoVMNever, Label: "build-01 system", SizeGB: 10, Primary: true},
	}
	built := func(typ string, vm, disk int64, createdAgo, took time.Duration, sizeKB int64, initiated, note string) Backup {
		return Backup{Type: typ, VMID: vm, DiskID: disk, Built: true, CreatedAt: ago(createdAgo),
			BuiltAt: ago(createdAgo - took), SizeKB: sizeKB, BackupServerID: 1, Initiated: initiated, Note: note}
	}
	failed := func(typ string, vm, disk int64, createdAgo time.Duration, initiated string) Backup {
		return Backup{Type: typ, VMID: vm, DiskID: disk, CreatedAt: ago(createdAgo), Initiated: initiated}
	}
	backups := []Backup{
		built(TypeIncremental, DemoVMRecent, 0, 26*time.Hour, 3*time.Minute, 1121652, "days", ""),
		built(TypeIncremental, DemoVMRecent, 0, 2*time.Hour, 2*time.Minute, 215044, "days", ""),
		built(TypeNormal, DemoVMRecent, DemoDiskRecent, 6*time.Hour, 4*time.Minute, 310896, "days", ""),
		built(TypeNormal, DemoVMRecent, DemoDiskRecentData, 30*time.Hour, 9*time.Minute, 5242880, "weeks", "before upgrade"),
		built(TypeNormal, DemoVMStale, DemoDiskStale, 12*day, 7*time.Minute, 2097152, "weeks", ""),
		built(TypeIncremental, DemoVMStale, 0, 12*day+time.Hour, 5*time.Minute, 1048576, "weeks", ""),
		built(TypeNormal, DemoVMStale, DemoDiskStale, 5*day, 8*time.Minute, 2162688, "weeks", ""),
		built(TypeIncremental, DemoVMStale, 0, 5*day+time.Hour, 3*time.Minute, 98304, "weeks", "Stuarts backup"),
		built(TypeNormal, DemoVMFailing, DemoDiskFailing, 8*day, 6*time.Minute, 786432, "days", ""),
		failed(TypeNormal, DemoVMFailing, DemoDiskFailing, 2*day, "days"),
		failed(TypeNormal, DemoVMFailing, DemoDiskFailing, day, "days"),
		failed(TypeIncremental, DemoVMFailing, 0, 20*time.Hour, "manual"),
	}

	// The server is not serving yet: nothing runs concurrently.
	for _, vm := range vms {
		if _, err := s.AddVM(vm); err != nil {
			return err
		}
	}
	for _, d := range disks {
		if _, err := s.AddDisk(d); err != nil {
			return err
		}
	}
	for _, b := range backups {
		if _, err := s.AddBackup(b); err != nil {
			return err
		}
	}
	return nil
}
