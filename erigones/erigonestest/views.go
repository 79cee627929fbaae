package erigonestest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

func writeJSON(w http.ResponseWriter, code int, v any) { fakeserver.WriteJSON(w, code, v) }

// login is POST /api/accounts/login/: a new token replaces the old one.
func (h *handler) login() {
	user, hasUser := h.p.str("username")
	pass, hasPass := h.p.str("password")
	if !hasUser || !hasPass || user == "" || pass == "" {
		errs := fieldErrors{}
		if !hasUser || user == "" {
			errs.add("username", "This field is required.")
		}
		if !hasPass || pass == "" {
			errs.add("password", "This field is required.")
		}
		h.detail(http.StatusBadRequest, map[string][]string(errs))
		return
	}
	if user != h.s.cfg.user || pass != h.s.cfg.password {
		h.detail(http.StatusBadRequest, "Unable to log in with provided credentials.")
		return
	}
	clear(h.st.tokens)
	a, b, c := h.st.next(), h.st.next(), h.st.next()
	tok := fmt.Sprintf("%016x%016x%08x", a, b, uint32(c))
	h.st.tokens[tok] = h.now
	h.st.logins++
	writeJSON(h.w, http.StatusOK, struct {
		Token   string `json:"token"`
		Expires string `json:"expires"`
		Detail  string `json:"detail"`
	}{tok, h.now.Add(h.s.cfg.tokenTTL).Format("2006-01-02T15:04:05.000000-07:00"), "Welcome to Danube Cloud API."})
}

// logout is GET /api/accounts/logout/.
func (h *handler) logout() {
	if h.token != "" {
		delete(h.st.tokens, h.token)
	}
	h.detail(http.StatusOK, "Bye.")
}

// defOut is a backup definition as the server prints it.
type defOut struct {
	Hostname    string `json:"hostname"`
	VMUUID      string `json:"vm_uuid"`
	DC          string `json:"dc"`
	Name        string `json:"name"`
	DiskID      int    `json:"disk_id"`
	Type        int    `json:"type"`
	Node        string `json:"node"`
	Zpool       string `json:"zpool"`
	Desc        string `json:"desc"`
	Bwlimit     *int64 `json:"bwlimit"`
	Active      bool   `json:"active"`
	Schedule    string `json:"schedule"`
	Retention   int    `json:"retention"`
	Compression int    `json:"compression"`
	Fsfreeze    bool   `json:"fsfreeze"`
	Backups     *int   `json:"backups,omitzero"`
}

func (h *handler) defOut(d *defRec, extended bool) defOut {
	o := defOut{
		Hostname: d.vm.Hostname, VMUUID: d.vm.UUID, DC: d.vm.DC, Name: d.name, DiskID: d.diskID, Type: d.typ,
		Node: d.node, Zpool: d.zpool, Desc: d.desc, Bwlimit: d.bwlimit, Active: d.active, Schedule: d.schedule,
		Retention: d.retention, Compression: d.compression, Fsfreeze: d.fsfreeze,
	}
	if extended {
		n := 0
		for _, b := range h.st.bkps {
			if b.define == d {
				n++
			}
		}
		o.Backups = &n
	}
	return o
}

// bkpOut is a backup as the server prints it; dc only in node views.
type bkpOut struct {
	Hostname string  `json:"hostname"`
	VMUUID   *string `json:"vm_uuid"`
	VM       *string `json:"vm"`
	DC       *string `json:"dc,omitzero"`
	Define   *string `json:"define"`
	Name     string  `json:"name"`
	DiskID   int     `json:"disk_id"`
	Type     int     `json:"type"`
	Node     string  `json:"node"`
	Zpool    string  `json:"zpool"`
	Created  string  `json:"created"`
	Status   int     `json:"status"`
	Size     *int64  `json:"size"`
	Time     *int64  `json:"time"`
	FilePath string  `json:"file_path"`
	Note     string  `json:"note"`
}

func bkpJSON(b *bkpRec, nodeView bool) bkpOut {
	o := bkpOut{
		Hostname: b.vmHostname, Name: b.name, DiskID: b.diskID, Type: b.typ, Node: b.node, Zpool: b.zpool,
		Created: b.created.UTC().Format("2006-01-02T15:04:05.000Z"), Status: b.status, Size: b.size, Time: b.time,
		FilePath: b.filePath, Note: b.note,
	}
	if b.vm != nil {
		uuid, host := b.vm.UUID, b.vm.Hostname
		o.VMUUID, o.VM = &uuid, &host
	}
	if b.define != nil {
		name := b.define.name
		o.Define = &name
	}
	if nodeView {
		dc := b.dc
		o.DC = &dc
	}
	return o
}

// orderField is a field a list can be sorted by, with its comparison.
type orderField[T any] struct {
	name string
	cmp  func(a, b T) int
}

// order sorts items by the order_by parameter (comma-separated fields, "-"
// for descending) or by def; an unknown field is a 412, as on the server.
func order[T any](h *handler, items []T, fields []orderField[T], def string) bool {
	spec := def
	if s, ok := h.p.str("order_by"); ok && strings.TrimSpace(s) != "" {
		spec = s
	}
	type key struct {
		cmp  func(a, b T) int
		desc bool
	}
	var keys []key
	for f := range strings.SplitSeq(spec, ",") {
		f = strings.TrimSpace(f)
		desc := false
		if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "+") {
			desc = f[0] == '-'
			f = f[1:]
		}
		i := slices.IndexFunc(fields, func(o orderField[T]) bool { return o.name == f })
		if i < 0 {
			names := make([]string, len(fields))
			for j, o := range fields {
				names[j] = o.name
			}
			h.detail(http.StatusPreconditionFailed, "Invalid order_by; Possible sort fields are: "+strings.Join(names, ", "))
			return false
		}
		keys = append(keys, key{fields[i].cmp, desc})
	}
	slices.SortStableFunc(items, func(a, b T) int {
		for _, k := range keys {
			if c := k.cmp(a, b); c != 0 {
				if k.desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	return true
}

func defOrderFields(withHostname bool) []orderField[*defRec] {
	f := []orderField[*defRec]{
		{"name", func(a, b *defRec) int { return cmp.Compare(a.name, b.name) }},
		{"disk_id", func(a, b *defRec) int { return cmp.Compare(a.diskID, b.diskID) }},
		{"created", func(a, b *defRec) int { return cmp.Compare(a.id, b.id) }},
	}
	if withHostname {
		f = append(f, orderField[*defRec]{"hostname", func(a, b *defRec) int { return cmp.Compare(a.vm.Hostname, b.vm.Hostname) }})
	}
	return f
}

func bkpOrderFields(withHostname bool) []orderField[*bkpRec] {
	opt := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	f := []orderField[*bkpRec]{
		{"name", func(a, b *bkpRec) int { return cmp.Compare(a.name, b.name) }},
		{"disk_id", func(a, b *bkpRec) int { return cmp.Compare(a.diskID, b.diskID) }},
		{"size", func(a, b *bkpRec) int { return cmp.Compare(opt(a.size), opt(b.size)) }},
		{"time", func(a, b *bkpRec) int { return cmp.Compare(opt(a.time), opt(b.time)) }},
		{"created", func(a, b *bkpRec) int {
			return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
		}},
	}
	if withHostname {
		f = append(f, orderField[*bkpRec]{"hostname", func(a, b *bkpRec) int { return cmp.Compare(a.vmHostname, b.vmHostname) }})
	}
	return f
}

// full reports whether a list should print objects: full or extended.
func (h *handler) full() bool { return h.p.flag("full") || h.p.flag("extended") }

// defs answers a definition list.
func (h *handler) defs(defs []*defRec, fields []orderField[*defRec], def string) {
	if !order(h, defs, fields, def) {
		return
	}
	if !h.full() {
		names := make([]string, len(defs))
		for i, d := range defs {
			names[i] = d.name
		}
		h.success(http.StatusOK, names)
		return
	}
	out := make([]defOut, len(defs))
	for i, d := range defs {
		out[i] = h.defOut(d, h.p.flag("extended"))
	}
	h.success(http.StatusOK, out)
}

// backups answers a backup list.
func (h *handler) backups(bkps []*bkpRec, fields []orderField[*bkpRec], nodeView bool) {
	if !order(h, bkps, fields, "-created") {
		return
	}
	if !h.full() {
		names := make([]string, len(bkps))
		for i, b := range bkps {
			names[i] = b.name
		}
		h.success(http.StatusOK, names)
		return
	}
	out := make([]bkpOut, len(bkps))
	for i, b := range bkps {
		out[i] = bkpJSON(b, nodeView)
	}
	h.success(http.StatusOK, out)
}

// defListAll is GET /api/vm/define/backup/.
func (h *handler) defListAll() {
	var defs []*defRec
	for _, d := range h.st.defs {
		if d.vm.DC == h.dc.name {
			defs = append(defs, d)
		}
	}
	h.defs(defs, defOrderFields(true), "hostname,-created")
}

// vmOr404 finds the request's VM or answers 404.
func (h *handler) vmOr404(host string) *vmRec {
	v := h.st.vm(h.dc.name, host)
	if v == nil {
		h.detail(http.StatusNotFound, "VM not found")
	}
	return v
}

// diskID reads disk_id for a VM: absent gives def (0: no filter); a value
// that is not one of the VM's disks is a 412.
func (h *handler) diskID(v *vmRec, def int, key string) (int, bool) {
	n, present, ok := h.p.integer(key)
	if !present {
		return def, true
	}
	if !ok || n < 1 || (v != nil && n > len(v.Disks)) {
		h.detail(http.StatusPreconditionFailed, "Invalid "+key)
		return 0, false
	}
	return n, true
}

// defList is GET /api/vm/<vm>/define/backup/.
func (h *handler) defList(host string) {
	v := h.vmOr404(host)
	if v == nil {
		return
	}
	disk, ok := h.diskID(v, 0, "disk_id")
	if !ok {
		return
	}
	var defs []*defRec
	for _, d := range h.st.defs {
		if d.vm == v && (disk == 0 || d.diskID == disk) {
			defs = append(defs, d)
		}
	}
	h.defs(defs, defOrderFields(false), "-created")
}

// operational reports whether backups of the VM may be defined, created or deleted.
func operational(v *vmRec) bool {
	return v.Status == VMRunning || v.Status == VMStopped || v.Status == VMStopping
}

// def is /api/vm/<vm>/define/backup/<name>/.
func (h *handler) def(host, name string) {
	v := h.vmOr404(host)
	if v == nil {
		return
	}
	disk, ok := h.diskID(v, 1, "disk_id")
	if !ok {
		return
	}
	d := h.st.definition(v, name, disk)
	if h.r.Method == http.MethodPost {
		if d != nil {
			h.detail(http.StatusNotAcceptable, "Backup definition already exists")
			return
		}
	} else if d == nil {
		h.detail(http.StatusNotFound, "Backup definition not found")
		return
	}
	if h.r.Method == http.MethodGet {
		h.success(http.StatusOK, h.defOut(d, h.p.flag("extended")))
		return
	}
	if !operational(v) {
		h.detail(http.StatusLocked, "VM is not operational")
		return
	}
	switch h.r.Method {
	case http.MethodPost:
		d = &defRec{vm: v, name: name, diskID: disk, typ: 1, zpool: "zones", active: true}
		errs := fieldErrors{}
		if msg := nameError(name, 8); msg != "" {
			errs.add("name", msg)
		}
		h.defFields(d, errs, true)
		if len(errs) > 0 {
			h.failure(errs)
			return
		}
		d.id = h.st.id()
		h.st.defs = append(h.st.defs, d)
		h.success(http.StatusCreated, h.defOut(d, false))
	case http.MethodPut:
		upd := *d
		errs := fieldErrors{}
		h.defFields(&upd, errs, false)
		if len(errs) > 0 {
			h.failure(errs)
			return
		}
		*d = upd
		h.success(http.StatusOK, h.defOut(d, false))
	case http.MethodDelete:
		h.st.defs = slices.DeleteFunc(h.st.defs, func(x *defRec) bool { return x == d })
		for _, b := range h.st.bkps {
			if b.define == d {
				b.define = nil
			}
		}
		h.success(http.StatusOK, nil)
	}
}

// defaultSchedule returns the server's defaults for the predefined names.
func defaultSchedule(name string) (schedule string, retention int) {
	switch name {
	case "hourly":
		return "0 * * * *", 24
	case "daily":
		return "0 4 * * *", 30
	case "weekly":
		return "0 4 * * 0", 12
	case "monthly":
		return "0 4 1 * *", 6
	}
	return "", 0
}

// defFields validates and applies the definition fields of a POST (create)
// or PUT (partial update) body, as BackupDefineSerializer does.
func (h *handler) defFields(d *defRec, errs fieldErrors, create bool) {
	p := h.p
	if create {
		d.schedule, d.retention = defaultSchedule(d.name)
		if n, present, ok := p.integer("type"); present {
			switch {
			case !ok:
				errs.add("type", "Enter a whole number.")
			case n != 1 && n != 2:
				errs.add("type", fmt.Sprintf("Select a valid choice. %d is not one of the available choices.", n))
			default:
				d.typ = n
			}
		}
	}
	if node, present := p.str("node"); present || create {
		n := h.st.node(node)
		switch {
		case !present || node == "":
			errs.add("node", "This field is required.")
		case n == nil || !n.Backup:
			errs.add("node", fmt.Sprintf("Object with hostname=%s does not exist.", node))
		default:
			d.node = node
		}
	}
	if zpool, present := p.str("zpool"); present {
		if zpool == "" {
			errs.add("zpool", "This field is required.")
		} else {
			d.zpool = zpool
		}
	}
	if n := h.st.node(d.node); d.node != "" && n != nil && !slices.Contains(n.Zpools, d.zpool) {
		errs.add("zpool", "Zpool does not exist on node.")
	}
	if sched, present := p.str("schedule"); present {
		if len(strings.Fields(sched)) != 5 {
			errs.add("schedule", "Invalid cron format.")
		} else {
			d.schedule = strings.Join(strings.Fields(sched), " ")
		}
	} else if create && d.schedule == "" {
		errs.add("schedule", "This field is required.")
	}
	if n, present, ok := p.integer("retention"); present {
		switch {
		case !ok:
			errs.add("retention", "Enter a whole number.")
		case n < 0:
			errs.add("retention", "Ensure this value is greater than or equal to 0.")
		case n > 65536:
			errs.add("retention", "Ensure this value is less than or equal to 65536.")
		default:
			d.retention = n
		}
	} else if create {
		if _, def := defaultSchedule(d.name); def == 0 {
			errs.add("retention", "This field is required.")
		}
	}
	if v, present, ok := p.boolean("active"); present {
		if !ok {
			errs.add("active", "Enter a valid boolean.")
		} else {
			d.active = v
		}
	}
	if n, present, ok := p.integer("compression"); present {
		switch {
		case !ok:
			errs.add("compression", "Enter a whole number.")
		case n < 0 || n > 3:
			errs.add("compression", fmt.Sprintf("Select a valid choice. %d is not one of the available choices.", n))
		default:
			d.compression = n
		}
	}
	if p.isNull("bwlimit") {
		d.bwlimit = nil
	} else if n, present, ok := p.integer("bwlimit"); present {
		switch {
		case !ok:
			errs.add("bwlimit", "Enter a whole number.")
		case n < 0:
			errs.add("bwlimit", "Ensure this value is greater than or equal to 0.")
		case n > 2147483647:
			errs.add("bwlimit", "Ensure this value is less than or equal to 2147483647.")
		default:
			bw := int64(n)
			d.bwlimit = &bw
		}
	}
	if desc, present := p.str("desc"); present {
		if n := len([]rune(desc)); n > 128 {
			errs.add("desc", fmt.Sprintf("Ensure this value has at most 128 characters (it has %d).", n))
		} else {
			d.desc = desc
		}
	}
	if v, present, ok := p.boolean("fsfreeze"); present && (create || d.vm.Brand == "kvm") {
		if !ok {
			errs.add("fsfreeze", "Enter a valid boolean.")
		} else {
			d.fsfreeze = v
		}
	}
}

// vmBackups returns the backups a per-VM backup view sees, as
// api/vm/backup/vm_backup_list.py _init_vm and vm_backup.py VmBackup
// choose them: those of the VM when hostname_or_uuid names one in the
// request's datacenter, else (or when the "hostname" parameter is present,
// whatever its value) every backup whose original hostname is
// hostname_or_uuid — deleted VMs' backups included. An unknown VM is no
// error: its list is empty.
func (h *handler) vmBackups(host string) (*vmRec, []*bkpRec) {
	var v *vmRec
	if !h.p.has("hostname") {
		v = h.st.vm(h.dc.name, host)
	}
	var out []*bkpRec
	for _, b := range h.st.bkps {
		if b.dc != h.dc.name {
			continue
		}
		if (v != nil && b.vm == v) || (v == nil && b.vmHostname == host) {
			out = append(out, b)
		}
	}
	return v, out
}

// bkpDiskID reads disk_id for a backup view as api/vm/snapshot/utils.py
// filter_disk_id(None, ...) does: only an integer above 0 is checked
// ("Invalid disk_id", 412); a disk the VM does not have simply matches no
// backup. absent gives def (0: no filter).
func (h *handler) bkpDiskID(def int) (int, bool) {
	n, present, ok := h.p.integer("disk_id")
	if !present || h.p.isNull("disk_id") { // data.get('disk_id', default) is None

		return def, true
	}
	if !ok || n < 1 {
		h.detail(http.StatusPreconditionFailed, "Invalid disk_id")
		return 0, false
	}
	return n, true
}

// bkpList is /api/vm/<vm>/backup/: GET lists, DELETE removes several.
func (h *handler) bkpList(host string) {
	_, bkps := h.vmBackups(host)
	if h.r.Method == http.MethodDelete {
		h.deleteMany(bkps)
		return
	}
	disk, ok := h.bkpDiskID(0)
	if !ok {
		return
	}
	define, _ := h.p.str("define")
	bkps = slices.DeleteFunc(bkps, func(b *bkpRec) bool {
		return (disk != 0 && b.diskID != disk) || (define != "" && (b.define == nil || b.define.name != define))
	})
	// VmBackupList.order_by_field_map has hostname for per-VM lists too.
	h.backups(bkps, bkpOrderFields(true), false)
}

// lockKey is the real server's lock for backup tasks of one VM disk.
func lockKey(uuid string, disk int) string { return fmt.Sprintf("vm_backup vm:%s disk:%d", uuid, disk) }

// Task log messages of backup tasks (api/vm/messages.py).
const (
	logBkpCreate  = "Create backup of server's disk"
	logBkpRestore = "Restore backup of server's disk"
	logBkpDelete  = "Delete backup of server's disk"
	logBkpsDelete = "Delete backups of server's disk"
)

// taskObject is what a backup task runs for: its VM, or the backup node
// when the VM is gone (vm_backup.py delete, vm_backup_list.py delete).
func taskObject(vm *vmRec, node string) (typ, name string) {
	if vm != nil {
		return "vm", vm.Hostname
	}
	return "node", node
}

// deleteMany is DELETE /api/vm/<vm>/backup/ with bkpnames, in the order of
// api/vm/backup/vm_backup_list.py delete and utils.py get_backups.
func (h *handler) deleteMany(bkps []*bkpRec) {
	disk, ok := h.bkpDiskID(1)
	if !ok {
		return
	}
	names, ok := h.p.strings("bkpnames")
	if !ok {
		h.detail(http.StatusPreconditionFailed, "Invalid bkpnames")
		return
	}
	bkps = slices.DeleteFunc(bkps, func(b *bkpRec) bool { return b.diskID != disk || !slices.Contains(names, b.name) })
	if len(bkps) == 0 {
		h.detail(http.StatusNotFound, "Backup not found")
		return
	}
	for _, b := range bkps {
		if b.node != bkps[0].node || b.vm != bkps[0].vm {
			h.detail(http.StatusPreconditionFailed, "Invalid bkpnames")
			return
		}
	}
	vm := bkps[0].vm // the backups' VM, not the one the URL named
	if vm != nil && !operational(vm) {
		h.detail(http.StatusLocked, "VM is not operational")
		return
	}
	objType, objName := taskObject(vm, bkps[0].node)
	var lost []*bkpRec
	for _, b := range bkps {
		if b.status == bkpLost {
			lost = append(lost, b)
		}
	}
	if len(lost) > 0 {
		if !h.nodeOnline(lost[0].node) {
			return
		}
		lostNames := make([]string, len(lost))
		for i, b := range lost {
			lostNames[i] = b.name
		}
		h.removeBackups(lost)
		// Only the OK backups go on (vm_backup_list.py: bkps.filter(status=OK)).
		bkps = slices.DeleteFunc(bkps, func(b *bkpRec) bool { return b.status != bkpOK })
		id := h.s.taskID('d', h.dcID())
		h.s.logEntry(id, h.dc.name, stateSuccess, logBkpsDelete, objType, objName,
			fmt.Sprintf("hostname='%s', bkpnames='%s', disk_id=%d", lost[0].vmHostname, strings.Join(lostNames, ","), disk))
		if len(bkps) == 0 {
			h.envelope(http.StatusOK, stateSuccess, map[string]string{"message": "Backups successfully deleted from DB"}, id)
			return
		}
	}
	for _, b := range bkps {
		if b.status != bkpOK {
			h.detail(http.StatusExpectationFailed, "VM backup status is not OK")
			return
		}
	}
	if !h.nodeOnline(bkps[0].node) {
		return
	}
	lock := lockKey(bkps[0].vmUUID, disk)
	if !h.startable(bkps[0].node, lock) {
		return
	}
	bkpNames := make([]string, len(bkps))
	for i, b := range bkps {
		b.status = bkpPending
		bkpNames[i] = b.name
	}
	info := taskInfo{
		msg:    logBkpsDelete,
		detail: fmt.Sprintf("hostname='%s', bkpnames='%s', disk_id=%d", bkps[0].vmHostname, strings.Join(bkpNames, ","), disk),
		apiview: map[string]any{"view": "vm_backup_list", "method": h.r.Method, "hostname": realHostname(bkps[0]),
			"disk_id": disk, "bkpnames": bkpNames, "vm": vm != nil},
		objectType: objType, objectName: objName,
	}
	t := h.s.startTask(h.dc, vm, lock, info, func() (string, string) {
		h.s.st.removeBackups(bkps)
		return "Backups successfully deleted", "rc=0, time_elapsed=2"
	}, func() {
		for _, b := range bkps {
			b.status = bkpOK
		}
	})
	h.envelope(http.StatusCreated, statePending, nil, t.id)
}

// realHostname is the VM's current hostname, else the original one
// (vms/models/backup.py vm_hostname_real).
func realHostname(b *bkpRec) string {
	if b.vm != nil {
		return b.vm.Hostname
	}
	return b.vmHostname
}

func (h *handler) removeBackups(bkps []*bkpRec) { h.st.removeBackups(bkps) }

func (st *state) removeBackups(bkps []*bkpRec) {
	st.bkps = slices.DeleteFunc(st.bkps, func(b *bkpRec) bool { return slices.Contains(bkps, b) })
}

// nodeOnline answers 423 when the backup node is not operational.
func (h *handler) nodeOnline(hostname string) bool {
	if n := h.st.node(hostname); n != nil && n.Status != NodeOnline {
		h.detail(http.StatusLocked, "Node is not operational")
		return false
	}
	return true
}

// bkp is /api/vm/<vm>/backup/<name>/; POST takes a definition name.
func (h *handler) bkp(host, name string) {
	if h.r.Method == http.MethodPost {
		h.createBackup(host, name)
		return
	}
	_, bkps := h.vmBackups(host)
	disk, ok := h.bkpDiskID(1)
	if !ok {
		return
	}
	i := slices.IndexFunc(bkps, func(b *bkpRec) bool { return b.name == name && b.diskID == disk })
	if i < 0 {
		h.detail(http.StatusNotFound, "Backup not found")
		return
	}
	b := bkps[i]
	switch h.r.Method {
	case http.MethodGet:
		h.success(http.StatusOK, bkpJSON(b, false))
	case http.MethodPut:
		if h.p.has("note") {
			note, _ := h.p.str("note")
			if n := len([]rune(note)); n > 128 {
				h.failure(fieldErrors{"note": {fmt.Sprintf("Ensure this value has at most 128 characters (it has %d).", n)}})
				return
			}
			b.note = note
			h.success(http.StatusOK, bkpJSON(b, false))
			return
		}
		h.restore(b, disk)
	case http.MethodDelete:
		h.deleteBackup(b)
	}
}

// createBackup is POST /api/vm/<vm>/backup/<definition>/.
func (h *handler) createBackup(host, defName string) {
	v := h.vmOr404(host)
	if v == nil {
		return
	}
	disk, ok := h.diskID(v, 1, "disk_id")
	if !ok {
		return
	}
	d := h.st.definition(v, defName, disk)
	if d == nil {
		h.detail(http.StatusNotFound, "Backup definition not found")
		return
	}
	created := h.now.Truncate(time.Millisecond)
	name := d.name + "-" + created.Format(backupNameTime)
	if h.st.backup(func(b *bkpRec) bool { return b.vmHostname == v.Hostname && b.diskID == disk && b.name == name }) != nil {
		h.detail(http.StatusNotAcceptable, "Backup already exists")
		return
	}
	note, _ := h.p.str("note")
	if n := len([]rune(note)); n > 128 {
		h.failure(fieldErrors{"note": {fmt.Sprintf("Ensure this value has at most 128 characters (it has %d).", n)}})
		return
	}
	if !operational(v) {
		h.detail(http.StatusLocked, "VM is not operational")
		return
	}
	if !h.nodeOnline(d.node) {
		return
	}
	lock := lockKey(v.UUID, disk)
	if !h.startable(d.node, lock) {
		return
	}
	b := &bkpRec{
		id: h.st.id(), dc: v.DC, vm: v, vmHostname: v.Hostname, vmUUID: v.UUID, brand: v.Brand,
		diskSize: v.Disks[disk-1], diskID: disk, define: d, name: name, typ: d.typ, node: d.node, zpool: d.zpool,
		created: created, status: bkpPending, note: note,
	}
	h.st.bkps = append(h.st.bkps, b)
	st := h.st
	// vm_backup.py _apiview and _detail: the name of the new backup is in
	// the task's apiview (GET /api/task/<id>/ while it runs) and in the
	// PENDING task log entry, never in the task result.
	info := taskInfo{
		msg:    logBkpCreate,
		detail: fmt.Sprintf("hostname='%s', bkpname='%s', disk_id=%d, fsfreeze=%t", v.Hostname, name, disk, d.fsfreeze),
		apiview: map[string]any{"view": "vm_backup", "method": h.r.Method, "hostname": v.Hostname, "disk_id": disk,
			"bkpname": name, "vm": true},
		objectType: "vm", objectName: v.Hostname,
	}
	t := h.s.startTask(h.dc, v, lock, info, func() (string, string) {
		size := int64(b.diskSize)*1024*1024/10 + int64(b.id)*4096
		secs := 30 + int64(b.id)
		b.size, b.time, b.status = &size, &secs, bkpOK
		b.filePath = backupPath(b)
		st.applyRetention(b.define)
		sizeKey := "backup_snapshot_size" // esbackup ds_backup; file_backup says size
		if b.typ == 2 {
			sizeKey = "size"
		}
		return "Backup successfully created", fmt.Sprintf("rc=0, time_elapsed=%d, %s=%d", secs, sizeKey, size)
	}, func() {
		st.removeBackups([]*bkpRec{b})
	})
	h.envelope(http.StatusCreated, statePending, nil, t.id)
}

// applyRetention deletes the oldest OK backups of a definition beyond its retention.
func (st *state) applyRetention(d *defRec) {
	if d == nil || d.retention <= 0 {
		return
	}
	var ok []*bkpRec
	for _, b := range st.bkps {
		if b.define == d && b.status == bkpOK {
			ok = append(ok, b)
		}
	}
	if len(ok) <= d.retention {
		return
	}
	slices.SortStableFunc(ok, func(a, b *bkpRec) int { return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id)) })
	st.removeBackups(ok[:len(ok)-d.retention])
}

// restore is PUT /api/vm/<vm>/backup/<name>/ without a note.
func (h *handler) restore(b *bkpRec, disk int) {
	errs := fieldErrors{}
	target, hasTarget := h.p.str("target_hostname_or_uuid")
	switch {
	case !hasTarget || target == "":
		errs.add("target_hostname_or_uuid", "This field is required.")
	case !validSlug(target):
		errs.add("target_hostname_or_uuid", "Enter a valid value.")
	}
	tdisk, hasTdisk, ok := h.p.integer("target_disk_id")
	switch {
	case !hasTdisk:
		errs.add("target_disk_id", "This field is required.")
	case !ok:
		errs.add("target_disk_id", "Enter a whole number.")
	case tdisk < 1:
		errs.add("target_disk_id", "Ensure this value is greater than or equal to 1.")
	}
	force, _, fok := h.p.boolean("force")
	if !h.p.has("force") {
		force = true
	} else if !fok {
		errs.add("force", "Enter a valid boolean.")
	}
	if len(errs) > 0 {
		h.failure(errs)
		return
	}
	// The fake keeps no snapshots that force would delete; force is only shown.
	if b.status != bkpOK {
		h.detail(http.StatusExpectationFailed, "VM backup status is not OK")
		return
	}
	if !h.nodeOnline(b.node) {
		return
	}
	tv := h.vmOr404(target)
	if tv == nil {
		return
	}
	if tv.Brand != b.brand {
		h.detail(http.StatusPreconditionRequired, "VM brand mismatch")
		return
	}
	if tdisk > len(tv.Disks) {
		h.detail(http.StatusPreconditionFailed, "Invalid target_disk_id")
		return
	}
	if tv.Disks[tdisk-1] != b.diskSize {
		h.detail(http.StatusPreconditionRequired, "Disk size mismatch")
		return
	}
	if tv.Status != VMStopped {
		h.detail(http.StatusLocked, "VM is not stopped")
		return
	}
	if h.s.vmHasTasks(tv) {
		h.detail(http.StatusConflict, "VM has pending tasks")
		return
	}
	lock := lockKey(tv.UUID, tdisk)
	if !h.startable(b.node, lock) {
		return
	}
	b.status = bkpRestore
	tv.Status = VMNotReady
	info := taskInfo{
		msg: logBkpRestore,
		detail: fmt.Sprintf("hostname='%s', bkpname='%s', disk_id=%d, target_hostname='%s', target_disk_id=%d",
			b.vmHostname, b.name, disk, tv.Hostname, tdisk),
		apiview: map[string]any{"view": "vm_backup", "method": h.r.Method, "hostname": realHostname(b), "disk_id": disk,
			"bkpname": b.name, "vm": b.vm != nil, "target_hostname": tv.Hostname, "target_disk_id": tdisk,
			"force": force, "source_hostname": sourceHostname(b)},
		objectType: "vm", objectName: tv.Hostname,
	}
	t := h.s.startTask(h.dc, tv, lock, info, func() (string, string) {
		b.status, tv.Status = bkpOK, VMStopped
		return "Backup successfully restored", "rc=0, time_elapsed=45"
	}, func() {
		b.status, tv.Status = bkpOK, VMStopped
	})
	h.envelope(http.StatusCreated, statePending, nil, t.id)
}

// sourceHostname is the restored backup's VM, "" when it is gone.
func sourceHostname(b *bkpRec) string {
	if b.vm != nil {
		return b.vm.Hostname
	}
	return ""
}

// deleteBackup is DELETE /api/vm/<vm>/backup/<name>/ (vm_backup.py delete:
// the VM checked is the backup's own, nil when it was deleted).
func (h *handler) deleteBackup(b *bkpRec) {
	v := b.vm
	if b.status != bkpOK && b.status != bkpLost {
		h.detail(http.StatusExpectationFailed, "VM backup status is not OK")
		return
	}
	if !h.nodeOnline(b.node) {
		return
	}
	if v != nil && !operational(v) {
		h.detail(http.StatusLocked, "VM is not operational")
		return
	}
	objType, objName := taskObject(v, b.node)
	detail := fmt.Sprintf("hostname='%s', bkpname='%s', disk_id=%d", b.vmHostname, b.name, b.diskID)
	if b.status == bkpLost {
		h.removeBackups([]*bkpRec{b})
		id := h.s.taskID('d', h.dcID())
		h.s.logEntry(id, h.dc.name, stateSuccess, logBkpDelete, objType, objName, detail)
		h.envelope(http.StatusOK, stateSuccess, map[string]string{"message": "Backup successfully deleted from DB"}, id)
		return
	}
	lock := lockKey(b.vmUUID, b.diskID)
	if !h.startable(b.node, lock) {
		return
	}
	b.status = bkpPending
	st := h.st
	info := taskInfo{
		msg: logBkpDelete, detail: detail,
		apiview: map[string]any{"view": "vm_backup", "method": h.r.Method, "hostname": realHostname(b),
			"disk_id": b.diskID, "bkpname": b.name, "vm": v != nil},
		objectType: objType, objectName: objName,
	}
	t := h.s.startTask(h.dc, v, lock, info, func() (string, string) {
		st.removeBackups([]*bkpRec{b})
		return "Backup successfully deleted", "rc=0, time_elapsed=1"
	}, func() {
		b.status = bkpOK
	})
	h.envelope(http.StatusCreated, statePending, nil, t.id)
}

// nodeOr404 finds a node or answers 404.
func (h *handler) nodeOr404(hostname string) *nodeRec {
	n := h.st.node(hostname)
	if n == nil {
		h.detail(http.StatusNotFound, "Node not found")
	}
	return n
}

// nodeDefs is GET /api/node/<node>/define/backup/ (all datacenters).
func (h *handler) nodeDefs(hostname string) {
	if h.nodeOr404(hostname) == nil {
		return
	}
	var defs []*defRec
	for _, d := range h.st.defs {
		if d.node == hostname {
			defs = append(defs, d)
		}
	}
	h.defs(defs, defOrderFields(true), "hostname,-created")
}

// nodeBackups is GET /api/node/<node>/backup/ (all datacenters).
func (h *handler) nodeBackups(hostname string) {
	if h.nodeOr404(hostname) == nil {
		return
	}
	disk, ok := h.bkpDiskID(0)
	if !ok {
		return
	}
	define, _ := h.p.str("define")
	vmName, vmFilter := h.p.str("vm")
	var bkps []*bkpRec
	for _, b := range h.st.bkps {
		switch {
		case b.node != hostname:
		case disk != 0 && b.diskID != disk:
		case define != "" && (b.define == nil || b.define.name != define):
		case vmFilter && vmName != "" && b.vmHostname != vmName:
		case vmFilter && vmName == "" && b.vm != nil:
		default:
			bkps = append(bkps, b)
		}
	}
	h.backups(bkps, bkpOrderFields(true), true)
}
