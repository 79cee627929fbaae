package erigonestest

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"
)

// state is everything the fake knows; Server.mu guards it.
type state struct {
	seq    uint64
	dcs    []*dcRec
	nodes  []*nodeRec
	vms    []*vmRec
	defs   []*defRec
	bkps   []*bkpRec
	nextID int

	tasks     map[string]*taskRec
	taskOrder []string
	failQueue []string

	workersDown map[string]bool // backup nodes whose task queue worker does not answer

	tokens map[string]time.Time // token → created
	logins int

	log []logRec
}

func newState() *state {
	return &state{tasks: map[string]*taskRec{}, tokens: map[string]time.Time{}, workersDown: map[string]bool{}}
}

type dcRec struct {
	id   int
	name string
}

type nodeRec struct{ Node }

type vmRec struct{ VM }

type defRec struct {
	id          int
	vm          *vmRec
	name        string
	diskID      int
	typ         int
	node        string
	zpool       string
	desc        string
	bwlimit     *int64
	active      bool
	schedule    string
	retention   int
	compression int
	fsfreeze    bool
}

type bkpRec struct {
	id         int
	dc         string
	vm         *vmRec // nil when the VM was deleted
	vmHostname string
	vmUUID     string
	brand      string
	diskSize   int
	diskID     int
	define     *defRec // nil when the definition was deleted
	name       string
	typ        int
	node       string
	zpool      string
	created    time.Time
	status     int
	size       *int64
	time       *int64
	filePath   string
	note       string
}

// Backup states.
const (
	bkpOK      = 1
	bkpPending = 2
	bkpRestore = 3
	bkpLost    = 4
)

// next returns a deterministic pseudo-random number (splitmix64 of a counter).
func (st *state) next() uint64 {
	st.seq++
	z := st.seq * 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (st *state) id() int {
	st.nextID++
	return st.nextID
}

func (st *state) addDC(name string) {
	st.dcs = append(st.dcs, &dcRec{id: len(st.dcs) + 1, name: name})
}

func (st *state) dc(name string) *dcRec {
	for _, d := range st.dcs {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (st *state) node(hostname string) *nodeRec {
	for _, n := range st.nodes {
		if n.Hostname == hostname {
			return n
		}
	}
	return nil
}

// vm finds a VM of dc by hostname or uuid.
func (st *state) vm(dc, hostOrUUID string) *vmRec {
	for _, v := range st.vms {
		if v.DC == dc && (v.Hostname == hostOrUUID || v.UUID == hostOrUUID) {
			return v
		}
	}
	return nil
}

// vmAny finds a VM of any dc by hostname.
func (st *state) vmAny(hostname string) *vmRec {
	for _, v := range st.vms {
		if v.Hostname == hostname {
			return v
		}
	}
	return nil
}

// uuidFor derives a stable uuid from a hostname.
func uuidFor(host string) string {
	h := fnv.New128a()
	_, _ = h.Write([]byte(host))
	b := h.Sum(nil)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (st *state) addVM(v VM) error {
	if v.Hostname == "" {
		return fmt.Errorf("erigonestest: AddVM: empty hostname")
	}
	if st.vmAny(v.Hostname) != nil {
		return fmt.Errorf("erigonestest: AddVM %q: exists", v.Hostname)
	}
	if v.UUID == "" {
		v.UUID = uuidFor(v.Hostname)
	}
	if v.DC == "" {
		v.DC = DemoDC
	}
	if st.dc(v.DC) == nil {
		return fmt.Errorf("erigonestest: AddVM %q: no datacenter %q", v.Hostname, v.DC)
	}
	if v.Node == "" {
		v.Node = DemoComputeNode
	}
	if v.Brand == "" {
		v.Brand = "kvm"
	}
	if v.Status == "" {
		v.Status = VMRunning
	}
	if len(v.Disks) == 0 {
		v.Disks = []int{10240}
	}
	v.Disks = slices.Clone(v.Disks)
	st.vms = append(st.vms, &vmRec{v})
	return nil
}

func (st *state) definition(v *vmRec, name string, diskID int) *defRec {
	for _, d := range st.defs {
		if d.vm == v && d.name == name && d.diskID == diskID {
			return d
		}
	}
	return nil
}

func (st *state) addDefinition(d Definition) error {
	v := st.vmAny(d.VM)
	if v == nil {
		return fmt.Errorf("erigonestest: AddDefinition: no VM %q", d.VM)
	}
	if d.DiskID == 0 {
		d.DiskID = 1
	}
	if d.DiskID < 1 || d.DiskID > len(v.Disks) {
		return fmt.Errorf("erigonestest: AddDefinition: VM %q has no disk %d", d.VM, d.DiskID)
	}
	if msg := nameError(d.Name, 8); msg != "" {
		return fmt.Errorf("erigonestest: AddDefinition: name %q: %s", d.Name, msg)
	}
	if st.definition(v, d.Name, d.DiskID) != nil {
		return fmt.Errorf("erigonestest: AddDefinition: %s/%s disk %d exists", d.VM, d.Name, d.DiskID)
	}
	if d.Type == 0 {
		d.Type = 1
	}
	if d.Node == "" {
		d.Node = DemoBackupNode
	}
	if d.Zpool == "" {
		d.Zpool = "zones"
	}
	if d.Retention == 0 {
		d.Retention = 30
	}
	if d.Schedule == "" {
		d.Schedule = "0 4 * * *"
	}
	rec := &defRec{
		id: st.id(), vm: v, name: d.Name, diskID: d.DiskID, typ: d.Type, node: d.Node, zpool: d.Zpool,
		desc: d.Desc, active: d.Active, schedule: d.Schedule, retention: d.Retention,
		compression: d.Compression, fsfreeze: d.Fsfreeze,
	}
	if d.Bwlimit != nil {
		bw := int64(*d.Bwlimit)
		rec.bwlimit = &bw
	}
	st.defs = append(st.defs, rec)
	return nil
}

// backupNameTime is the timestamp layout of generated backup names.
const backupNameTime = "20060102_150405"

func (st *state) backup(match func(*bkpRec) bool) *bkpRec {
	for _, b := range st.bkps {
		if match(b) {
			return b
		}
	}
	return nil
}

func (st *state) addBackup(b Backup, now time.Time) (string, error) {
	if b.DiskID == 0 {
		b.DiskID = 1
	}
	if b.Created.IsZero() {
		b.Created = now
	}
	b.Created = b.Created.UTC().Truncate(time.Millisecond)
	rec := &bkpRec{id: st.id(), vmHostname: b.VM, diskID: b.DiskID, created: b.Created, note: b.Note, filePath: b.FilePath}
	if b.Deleted {
		rec.dc = b.DC
		if rec.dc == "" {
			rec.dc = DemoDC
		}
		rec.vmUUID = uuidFor(b.VM)
		rec.brand = "kvm"
		rec.diskSize = 10240
	} else {
		v := st.vmAny(b.VM)
		if v == nil {
			return "", fmt.Errorf("erigonestest: AddBackup: no VM %q", b.VM)
		}
		if b.DiskID < 1 || b.DiskID > len(v.Disks) {
			return "", fmt.Errorf("erigonestest: AddBackup: VM %q has no disk %d", b.VM, b.DiskID)
		}
		rec.vm, rec.dc, rec.vmUUID, rec.brand, rec.diskSize = v, v.DC, v.UUID, v.Brand, v.Disks[b.DiskID-1]
		if b.Define != "" {
			rec.define = st.definition(v, b.Define, b.DiskID)
			if rec.define == nil {
				return "", fmt.Errorf("erigonestest: AddBackup: no definition %q on %s disk %d", b.Define, b.VM, b.DiskID)
			}
		}
	}
	rec.typ, rec.node, rec.zpool = 1, DemoBackupNode, "zones"
	if d := rec.define; d != nil {
		rec.typ, rec.node, rec.zpool = d.typ, d.node, d.zpool
	}
	if b.Type != 0 {
		rec.typ = b.Type
	}
	if b.Node != "" {
		rec.node = b.Node
	}
	if b.Zpool != "" {
		rec.zpool = b.Zpool
	}
	rec.name = b.Name
	if rec.name == "" {
		if b.Define == "" {
			return "", fmt.Errorf("erigonestest: AddBackup: need Name or Define")
		}
		rec.name = b.Define + "-" + b.Created.Format(backupNameTime)
	}
	if msg := nameError(rec.name, 24); msg != "" {
		return "", fmt.Errorf("erigonestest: AddBackup: name %q: %s", rec.name, msg)
	}
	if st.backup(func(x *bkpRec) bool {
		return x.vmHostname == rec.vmHostname && x.diskID == rec.diskID && x.name == rec.name
	}) != nil {
		return "", fmt.Errorf("erigonestest: AddBackup: %s disk %d backup %q exists", b.VM, b.DiskID, rec.name)
	}
	rec.status = b.Status
	if rec.status == 0 {
		rec.status = bkpOK
	}
	if b.Size != 0 || rec.status == bkpOK {
		size := b.Size
		if size == 0 {
			size = int64(rec.diskSize)*1024*1024/10 + int64(rec.id)*4096
		}
		rec.size = &size
	}
	if b.Time != 0 || rec.status == bkpOK {
		t := b.Time
		if t == 0 {
			t = 60 + int64(rec.id)
		}
		rec.time = &t
	}
	if rec.filePath == "" {
		rec.filePath = backupPath(rec)
	}
	st.bkps = append(st.bkps, rec)
	return rec.name, nil
}

// fileSuffix is the file name suffix by compression.
func fileSuffix(compression int) string {
	switch compression {
	case 1:
		return "zfs.gz"
	case 2:
		return "zfs.bz2"
	case 3:
		return "zfs.xz"
	}
	return "zfs"
}

// backupPath is where the real server would keep the backup.
func backupPath(b *bkpRec) string {
	if b.typ == 2 {
		suffix := fileSuffix(0)
		if b.define != nil {
			suffix = fileSuffix(b.define.compression)
		}
		return fmt.Sprintf("/%s/backups/file/%s/disk%d/%s-full.%s", b.zpool, b.vmUUID, b.diskID-1, b.name, suffix)
	}
	return fmt.Sprintf("%s/backups/ds/%s-disk%d@is-%d", b.zpool, b.vmUUID, b.diskID-1, b.id)
}

// nameError checks a definition or backup name as the server's RegexField does.
func nameError(name string, maxLen int) string {
	if name == "" {
		return "This field is required."
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || (c != '.' && c != '_' && c != '-')) {
			return "Enter a valid value."
		}
	}
	if n := len([]rune(name)); n > maxLen {
		return fmt.Sprintf("Ensure this value has at most %d characters (it has %d).", maxLen, n)
	}
	return ""
}

// seedDemo adds the demo VMs, definitions and backups (see the Demo constants).
func (s *Server) seedDemo() error {
	st := s.st
	now := s.cfg.now().UTC()
	h := time.Hour
	day := 24 * h
	gzip, xz := 1, 3
	bw := 10 << 20
	steps := []func() error{
		func() error { return st.addVM(VM{Hostname: FreshVM, Disks: []int{10240, 51200}}) },
		func() error {
			return st.addVM(VM{Hostname: StaleVM, Status: VMStopped, Disks: []int{20480}})
		},
		func() error { return st.addVM(VM{Hostname: FailedVM}) },
		func() error { return st.addVM(VM{Hostname: UnprotectedVM}) },
		func() error { return st.addVM(VM{Hostname: LabVM, DC: LabDC}) },
		func() error {
			return st.addDefinition(Definition{VM: FreshVM, Name: "daily", Active: true, Schedule: "0 4 * * *",
				Retention: 30, Desc: "Nightly dataset backup"})
		},
		func() error {
			return st.addDefinition(Definition{VM: FreshVM, Name: "hourly", DiskID: 2, Type: 2, Zpool: "backups",
				Active: true, Schedule: "0 * * * *", Retention: 24, Compression: gzip, Bwlimit: &bw})
		},
		func() error {
			return st.addDefinition(Definition{VM: StaleVM, Name: "daily", Type: 2, Active: true,
				Schedule: "30 2 * * *", Retention: 14, Compression: xz, Desc: "Database dump disk"})
		},
		func() error {
			return st.addDefinition(Definition{VM: FailedVM, Name: "daily", Active: true, Schedule: "15 3 * * *", Retention: 7})
		},
		func() error {
			return st.addDefinition(Definition{VM: UnprotectedVM, Name: "weekly", Active: true, Schedule: "0 5 * * 0", Retention: 4})
		},
		func() error {
			return st.addDefinition(Definition{VM: LabVM, Name: "daily", Active: true, Schedule: "0 1 * * *", Retention: 3})
		},
	}
	backups := []Backup{
		// Oldest first, so that ids follow creation as on a real server.
		{VM: FailedVM, Define: "daily", Created: now.Add(-8*day + 13*time.Minute)},
		{VM: StaleVM, Define: "daily", Created: now.Add(-6*day - 2*h)},
		{VM: StaleVM, Define: "daily", Created: now.Add(-5*day - 2*h), Note: "before upgrade"},
		{VM: FreshVM, Define: "daily", Created: now.Add(-50 * h)},
		{VM: FailedVM, Define: "daily", Created: now.Add(-27 * h), Status: bkpLost, Size: 1 << 30, Time: 95},
		{VM: FreshVM, Define: "daily", Created: now.Add(-26 * h)},
		{VM: LabVM, Define: "daily", Created: now.Add(-4 * h)},
		{VM: FailedVM, Define: "daily", Created: now.Add(-3 * h), Status: bkpLost, Size: 1 << 30, Time: 97},
		{VM: FreshVM, Define: "daily", Created: now.Add(-2 * h)},
		{VM: FreshVM, Define: "hourly", DiskID: 2, Created: now.Add(-1 * h)},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, b := range backups {
		if _, err := st.addBackup(b, now); err != nil {
			return err
		}
	}
	return nil
}
