package onapptest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/fakeserver"
)

type format int

const (
	formatJSON format = iota
	formatXML
)

// maxRequestBody bounds what the fake reads of a request body.
const maxRequestBody = 1 << 20

// reply writes answers in the request's format.
type reply struct {
	w    http.ResponseWriter
	f    format
	bare bool
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path, f := splitFormat(r)
	rp := reply{w: w, f: f, bare: s.bareJSON}
	// The control panel is a Rails app: Rails' default ActionDispatch::RequestId
	// middleware (actionpack/lib/action_dispatch/middleware/request_id.rb)
	// answers every request with X-Request-Id, a random UUID there; the fake
	// numbers them instead, so that tests can name the one they expect.
	w.Header().Set("X-Request-Id", fmt.Sprintf("req-%06d", s.requestID.Add(1)))
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Application"`)
		rp.unauthorized()
		return
	}
	s.logins.Add(1)
	p := strings.Split(strings.Trim(path, "/"), "/")
	m := r.Method
	switch {
	case len(p) == 1 && p[0] == "virtual_machines" && m == http.MethodGet:
		s.listVMs(rp)
	case len(p) == 2 && p[0] == "virtual_machines" && m == http.MethodGet:
		s.getVM(rp, p[1])
	case len(p) == 3 && p[0] == "virtual_machines" && p[2] == "disks" && m == http.MethodGet:
		s.listVMDisks(rp, p[1])
	case len(p) == 4 && p[0] == "virtual_machines" && p[2] == "backups" && (p[3] == "files" || p[3] == "images") && m == http.MethodGet:
		typ := TypeIncremental
		if p[3] == "images" {
			typ = TypeNormal
		}
		s.listVM(rp, p[1], typ)
	case len(p) == 3 && p[0] == "virtual_machines" && p[2] == "backups" && m == http.MethodGet:
		s.listVM(rp, p[1], "")
	case len(p) == 3 && p[0] == "virtual_machines" && p[2] == "backups" && m == http.MethodPost:
		s.create(rp, r, TypeIncremental, p[1])
	case len(p) == 5 && p[0] == "virtual_machines" && p[2] == "disks" && p[4] == "backups" && m == http.MethodGet:
		s.listVMDisk(rp, p[1], p[3])
	case len(p) == 4 && p[0] == "settings" && p[1] == "disks" && p[3] == "backups" && m == http.MethodGet:
		s.listDisk(rp, p[2])
	case len(p) == 4 && p[0] == "settings" && p[1] == "disks" && p[3] == "backups" && m == http.MethodPost:
		s.create(rp, r, TypeNormal, p[2])
	case len(p) == 2 && p[0] == "backups" && m == http.MethodGet:
		s.get(rp, p[1])
	case len(p) == 2 && p[0] == "backups" && m == http.MethodPut:
		s.editNote(rp, r, p[1])
	case len(p) == 3 && p[0] == "backups" && p[2] == "note" && m == http.MethodPut:
		s.editNote(rp, r, p[1])
	case len(p) == 2 && p[0] == "backups" && m == http.MethodDelete:
		s.delete(rp, p[1])
	case len(p) == 3 && p[0] == "backups" && p[2] == "restore" && m == http.MethodPost:
		s.restore(rp, p[1])
	case len(p) == 3 && p[0] == "backups" && p[2] == "convert" && (m == http.MethodPost || m == http.MethodPut):
		s.convert(rp, r, p[1])
	default:
		rp.errors(http.StatusNotFound, "Route not found")
	}
}

// splitFormat strips the .json or .xml suffix; without one, the Accept
// header decides.
func splitFormat(r *http.Request) (string, format) {
	path := r.URL.Path
	switch {
	case strings.HasSuffix(path, ".json"):
		return strings.TrimSuffix(path, ".json"), formatJSON
	case strings.HasSuffix(path, ".xml"):
		return strings.TrimSuffix(path, ".xml"), formatXML
	case strings.Contains(r.Header.Get("Accept"), "xml"):
		return path, formatXML
	}
	return path, formatJSON
}

func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || !checkSecret(user, s.user) {
		return false
	}
	return checkSecret(pass, s.password) || checkSecret(pass, s.apiKey)
}

func parseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// listVMs answers every virtual server, by id.
func (s *Server) listVMs(rp reply) {
	s.mu.Lock()
	all := sortedValues(s.vms, func(v *VM) int64 { return v.ID })
	items := make([]wireVM, 0, len(all))
	for i := range all {
		items = append(items, s.vmWireLocked(&all[i]))
	}
	s.mu.Unlock()
	writeList(rp, "virtual_machines", "virtual_machine", items)
}

func (s *Server) getVM(rp reply, vmParam string) {
	vmID, ok := parseID(vmParam)
	s.mu.Lock()
	vm := s.vms[vmID]
	if !ok || vm == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "VirtualMachine not found")
		return
	}
	w := s.vmWireLocked(vm)
	s.mu.Unlock()
	writeOne(rp, http.StatusOK, "virtual_machine", w)
}

// listVMDisks answers the disks of a virtual server, by id.
func (s *Server) listVMDisks(rp reply, vmParam string) {
	vmID, ok := parseID(vmParam)
	s.mu.Lock()
	if !ok || s.vms[vmID] == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "VirtualMachine not found")
		return
	}
	disks := s.disksOfLocked(vmID)
	items := make([]wireDisk, 0, len(disks))
	for i := range disks {
		items = append(items, diskWire(&disks[i], i+1))
	}
	s.mu.Unlock()
	writeList(rp, "disks", "disk", items)
}

// disksOfLocked returns the disks of a virtual server, by id.
func (s *Server) disksOfLocked(vmID int64) []Disk {
	all := sortedValues(s.disks, func(d *Disk) int64 { return d.ID })
	out := make([]Disk, 0, len(all))
	for _, d := range all {
		if d.VMID == vmID {
			out = append(out, d)
		}
	}
	return out
}

func (s *Server) listVM(rp reply, vmParam, typ string) {
	vmID, ok := parseID(vmParam)
	s.mu.Lock()
	if !ok || s.vms[vmID] == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "VirtualMachine not found")
		return
	}
	items := s.renderLocked(func(b *Backup) bool { return b.VMID == vmID && (typ == "" || b.Type == typ) })
	s.mu.Unlock()
	rp.list(items)
}

func (s *Server) listVMDisk(rp reply, vmParam, diskParam string) {
	vmID, okVM := parseID(vmParam)
	diskID, okDisk := parseID(diskParam)
	s.mu.Lock()
	if !okVM || s.vms[vmID] == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "VirtualMachine not found")
		return
	}
	if d := s.disks[diskID]; !okDisk || d == nil || d.VMID != vmID {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Disk not found")
		return
	}
	items := s.renderLocked(func(b *Backup) bool { return b.Type == TypeNormal && b.DiskID == diskID })
	s.mu.Unlock()
	rp.list(items)
}

func (s *Server) listDisk(rp reply, diskParam string) {
	diskID, ok := parseID(diskParam)
	s.mu.Lock()
	if !ok || s.disks[diskID] == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Disk not found")
		return
	}
	items := s.renderLocked(func(b *Backup) bool { return b.Type == TypeNormal && b.DiskID == diskID })
	s.mu.Unlock()
	rp.list(items)
}

func (s *Server) get(rp reply, idParam string) {
	s.mu.Lock()
	b := s.lookupLocked(idParam)
	if b == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Backup not found")
		return
	}
	if left, pending := s.buildIn[b.ID]; pending {
		// WithBuildAfterReads: this read sees the transaction run.
		if left <= 1 {
			delete(s.buildIn, b.ID)
			now := s.clock()
			b.Built, b.BuiltAt, b.UpdatedAt, b.SizeKB = true, now, now, builtSizeKB
		} else {
			s.buildIn[b.ID] = left - 1
		}
	}
	w := s.wireLocked(b)
	s.mu.Unlock()
	rp.backup(http.StatusOK, w)
}

func (s *Server) create(rp reply, r *http.Request, typ, targetParam string) {
	fields, err := readFields(r, rp.f)
	if err != nil {
		rp.errors(http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	target, ok := parseID(targetParam)
	b := Backup{Type: typ, Initiated: "manual", CreatedAt: s.clock()}
	if fields.Note != nil {
		b.Note = *fields.Note
	}
	s.mu.Lock()
	switch typ {
	case TypeNormal:
		if !ok || s.disks[target] == nil {
			s.mu.Unlock()
			rp.errors(http.StatusNotFound, "Disk not found")
			return
		}
		b.DiskID = target
	default:
		if !ok || s.vms[target] == nil {
			s.mu.Unlock()
			rp.errors(http.StatusNotFound, "VirtualMachine not found")
			return
		}
		b.VMID = target
	}
	added, err := s.addBackupLocked(b)
	if err != nil {
		s.mu.Unlock()
		rp.errors(http.StatusUnprocessableEntity, err.Error())
		return
	}
	if s.buildAfter > 0 {
		s.buildIn[added.ID] = s.buildAfter
	}
	w := s.wireLocked(s.backups[added.ID])
	s.mu.Unlock()
	if s.emptyCreates {
		rp.w.Header().Set("Content-Length", "0")
		rp.w.WriteHeader(http.StatusCreated)
		return
	}
	rp.backup(http.StatusCreated, w)
}

// editNote takes the documented form (PUT /backups/:id with
// {"backup":{"note":…}}) and OnApp's Go SDK form (PUT /backups/:id/note
// with {"note":…}); both answer 204.
func (s *Server) editNote(rp reply, r *http.Request, idParam string) {
	fields, err := readFields(r, rp.f)
	if err != nil {
		rp.errors(http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	s.mu.Lock()
	b := s.lookupLocked(idParam)
	if b == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Backup not found")
		return
	}
	if fields.Note != nil {
		b.Note = *fields.Note
		b.UpdatedAt = s.clock()
	}
	s.mu.Unlock()
	rp.w.WriteHeader(http.StatusNoContent)
}

func (s *Server) delete(rp reply, idParam string) {
	s.mu.Lock()
	b := s.lookupLocked(idParam)
	if b == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Backup not found")
		return
	}
	if b.Locked {
		s.mu.Unlock()
		rp.fieldError(http.StatusUnprocessableEntity, "base", "Backup is locked")
		return
	}
	delete(s.backups, b.ID)
	s.mu.Unlock()
	rp.w.WriteHeader(http.StatusNoContent)
}

// restore schedules a restore: 201 with an empty body.
func (s *Server) restore(rp reply, idParam string) {
	s.mu.Lock()
	b := s.lookupLocked(idParam)
	if b == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Backup not found")
		return
	}
	if !b.Built {
		s.mu.Unlock()
		rp.errors(http.StatusUnprocessableEntity, "Backup is not built yet")
		return
	}
	s.restores = append(s.restores, b.ID)
	s.mu.Unlock()
	rp.w.Header().Set("Content-Length", "0")
	rp.w.WriteHeader(http.StatusCreated)
}

// convert takes the documented form (POST with {"backup":{"label":…}}) and
// OnApp's Go SDK form (PUT with a bare {"label",…}); both answer 201 with
// the new image template.
func (s *Server) convert(rp reply, r *http.Request, idParam string) {
	fields, err := readFields(r, rp.f)
	if err != nil {
		rp.errors(http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	s.mu.Lock()
	b := s.lookupLocked(idParam)
	if b == nil {
		s.mu.Unlock()
		rp.errors(http.StatusNotFound, "Backup not found")
		return
	}
	label := ""
	if fields.Label != nil {
		label = strings.TrimSpace(*fields.Label)
	}
	if label == "" {
		s.mu.Unlock()
		rp.fieldError(http.StatusUnprocessableEntity, "label", "can't be blank")
		return
	}
	if !b.Built {
		s.mu.Unlock()
		rp.fieldError(http.StatusUnprocessableEntity, "base", "Backup is not built yet")
		return
	}
	s.nextTmpl++
	minDisk, minMem := s.minimumsLocked(b)
	t := &Template{
		ID:            s.nextTmpl,
		BackupID:      b.ID,
		Label:         label,
		FileName:      b.Identifier + ".tar.gz",
		State:         "active",
		MinDiskSize:   fields.MinDiskSize.Or(minDisk),
		MinMemorySize: fields.MinMemorySize.Or(minMem),
		CreatedAt:     s.clock(),
	}
	s.templates[t.ID] = t
	w := s.templateWireLocked(t, b)
	s.mu.Unlock()
	rp.template(http.StatusCreated, w)
}

func (s *Server) lookupLocked(idParam string) *Backup {
	id, ok := parseID(idParam)
	if !ok {
		return nil
	}
	return s.backups[id]
}

// renderLocked returns the wire form of the backups keep selects, by id.
func (s *Server) renderLocked(keep func(*Backup) bool) []wireBackup {
	all := sortedValues(s.backups, func(b *Backup) int64 { return b.ID })
	out := make([]wireBackup, 0, len(all))
	for i := range all {
		if keep(&all[i]) {
			out = append(out, s.wireLocked(&all[i]))
		}
	}
	return out
}

// reqFields are the members the fake reads from request bodies, wrapped in
// {"backup":…} (the documented form) or bare (OnApp's Go SDK).
type reqFields struct {
	Note          *string   `json:"note" xml:"note"`
	Label         *string   `json:"label" xml:"label"`
	MinDiskSize   codec.Int `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize codec.Int `json:"min_memory_size" xml:"min_memory_size"`
}

type reqBody struct {
	Backup        *reqFields `json:"backup"`
	Note          *string    `json:"note"`
	Label         *string    `json:"label"`
	MinDiskSize   codec.Int  `json:"min_disk_size"`
	MinMemorySize codec.Int  `json:"min_memory_size"`
}

// readFields reads a request body in the format its Content-Type names
// (else the path's): an empty body has no fields.
func readFields(r *http.Request, f format) (reqFields, error) {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	if err != nil {
		return reqFields{}, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return reqFields{}, nil
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.Contains(ct, "xml"):
		f = formatXML
	case strings.Contains(ct, "json"):
		f = formatJSON
	}
	if f == formatXML {
		var fields reqFields
		err := codec.UnmarshalXML(data, &fields)
		return fields, err
	}
	var body reqBody
	if err := codec.UnmarshalJSON(data, &body); err != nil {
		return reqFields{}, err
	}
	if body.Backup != nil {
		return *body.Backup, nil
	}
	return reqFields{Note: body.Note, Label: body.Label, MinDiskSize: body.MinDiskSize, MinMemorySize: body.MinMemorySize}, nil
}

// wireBackup is a backup as OnApp renders it, in the documented order.
type wireBackup struct {
	XMLName                  xml.Name     `json:"-" xml:"backup"`
	AllowResizeWithoutReboot codec.Bool   `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	AllowedHotMigrate        codec.Bool   `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	AllowedSwap              codec.Bool   `json:"allowed_swap" xml:"allowed_swap"`
	BackupServerID           codec.Int    `json:"backup_server_id" xml:"backup_server_id"`
	BackupSize               codec.Int    `json:"backup_size" xml:"backup_size"`
	Built                    codec.Bool   `json:"built" xml:"built"`
	BuiltAt                  codec.Time   `json:"built_at" xml:"built_at"`
	CreatedAt                codec.Time   `json:"created_at" xml:"created_at"`
	DataStoreType            string       `json:"data_store_type" xml:"data_store_type"`
	ID                       codec.Int    `json:"id" xml:"id"`
	Identifier               string       `json:"identifier" xml:"identifier"`
	ImageType                codec.String `json:"image_type" xml:"image_type"`
	Initiated                string       `json:"initiated" xml:"initiated"`
	IQN                      codec.String `json:"iqn" xml:"iqn"`
	Locked                   codec.Bool   `json:"locked" xml:"locked"`
	MarkedForDelete          codec.Bool   `json:"marked_for_delete" xml:"marked_for_delete"`
	MinDiskSize              codec.Int    `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize            codec.Int    `json:"min_memory_size" xml:"min_memory_size"`
	Note                     codec.String `json:"note" xml:"note"`
	OperatingSystem          string       `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro    string       `json:"operating_system_distro" xml:"operating_system_distro"`
	TargetID                 codec.Int    `json:"target_id" xml:"target_id"`
	TargetType               string       `json:"target_type" xml:"target_type"`
	TemplateID               codec.Int    `json:"template_id" xml:"template_id"`
	UpdatedAt                codec.Time   `json:"updated_at" xml:"updated_at"`
	UserID                   codec.Int    `json:"user_id" xml:"user_id"`
	VolumeID                 codec.Int    `json:"volume_id" xml:"volume_id"`
	BackupType               string       `json:"backup_type" xml:"backup_type"`
	DiskID                   codec.Int    `json:"disk_id" xml:"disk_id"`
}

// wireTemplate is an image template as OnApp renders it.
type wireTemplate struct {
	XMLName                  xml.Name     `json:"-" xml:"image_template"`
	AllowResizeWithoutReboot codec.Bool   `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	AllowedHotMigrate        codec.Bool   `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	AllowedSwap              codec.Bool   `json:"allowed_swap" xml:"allowed_swap"`
	BackupServerID           codec.Int    `json:"backup_server_id" xml:"backup_server_id"`
	Checksum                 codec.String `json:"checksum" xml:"checksum"`
	CreatedAt                codec.Time   `json:"created_at" xml:"created_at"`
	FileName                 string       `json:"file_name" xml:"file_name"`
	ID                       codec.Int    `json:"id" xml:"id"`
	Label                    string       `json:"label" xml:"label"`
	MinDiskSize              codec.Int    `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize            codec.Int    `json:"min_memory_size" xml:"min_memory_size"`
	OperatingSystem          string       `json:"operating_system" xml:"operating_system"`
	OperatingSystemArch      string       `json:"operating_system_arch" xml:"operating_system_arch"`
	OperatingSystemDistro    string       `json:"operating_system_distro" xml:"operating_system_distro"`
	ParentTemplateID         codec.Int    `json:"parent_template_id" xml:"parent_template_id"`
	State                    string       `json:"state" xml:"state"`
	TemplateSize             codec.Int    `json:"template_size" xml:"template_size"`
	UpdatedAt                codec.Time   `json:"updated_at" xml:"updated_at"`
	UserID                   codec.Int    `json:"user_id" xml:"user_id"`
	Version                  string       `json:"version" xml:"version"`
}

// wireVM is a virtual server as OnApp renders it (a subset of its
// attributes, in OnApp's order).
type wireVM struct {
	XMLName                  xml.Name     `json:"-" xml:"virtual_machine"`
	AllowResizeWithoutReboot codec.Bool   `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	AllowedHotMigrate        codec.Bool   `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	AllowedSwap              codec.Bool   `json:"allowed_swap" xml:"allowed_swap"`
	Booted                   codec.Bool   `json:"booted" xml:"booted"`
	Built                    codec.Bool   `json:"built" xml:"built"`
	CPUShares                codec.Int    `json:"cpu_shares" xml:"cpu_shares"`
	CPUs                     codec.Int    `json:"cpus" xml:"cpus"`
	CreatedAt                codec.Time   `json:"created_at" xml:"created_at"`
	Hostname                 string       `json:"hostname" xml:"hostname"`
	HypervisorID             codec.Int    `json:"hypervisor_id" xml:"hypervisor_id"`
	ID                       codec.Int    `json:"id" xml:"id"`
	Identifier               string       `json:"identifier" xml:"identifier"`
	Label                    string       `json:"label" xml:"label"`
	Locked                   codec.Bool   `json:"locked" xml:"locked"`
	Memory                   codec.Int    `json:"memory" xml:"memory"`
	Note                     codec.String `json:"note" xml:"note"`
	OperatingSystem          string       `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro    string       `json:"operating_system_distro" xml:"operating_system_distro"`
	State                    string       `json:"state" xml:"state"`
	Suspended                codec.Bool   `json:"suspended" xml:"suspended"`
	TemplateID               codec.Int    `json:"template_id" xml:"template_id"`
	UpdatedAt                codec.Time   `json:"updated_at" xml:"updated_at"`
	UserID                   codec.Int    `json:"user_id" xml:"user_id"`
	TotalDiskSize            codec.Int    `json:"total_disk_size" xml:"total_disk_size"`
}

// wireDisk is a disk as OnApp renders it (a subset of its attributes, in
// OnApp's order).
type wireDisk struct {
	XMLName          xml.Name     `json:"-" xml:"disk"`
	Built            codec.Bool   `json:"built" xml:"built"`
	CreatedAt        codec.Time   `json:"created_at" xml:"created_at"`
	DataStoreID      codec.Int    `json:"data_store_id" xml:"data_store_id"`
	DiskSize         codec.Int    `json:"disk_size" xml:"disk_size"`
	DiskVMNumber     codec.Int    `json:"disk_vm_number" xml:"disk_vm_number"`
	FileSystem       string       `json:"file_system" xml:"file_system"`
	ID               codec.Int    `json:"id" xml:"id"`
	Identifier       string       `json:"identifier" xml:"identifier"`
	IQN              codec.String `json:"iqn" xml:"iqn"`
	IsSwap           codec.Bool   `json:"is_swap" xml:"is_swap"`
	Label            string       `json:"label" xml:"label"`
	Locked           codec.Bool   `json:"locked" xml:"locked"`
	MountPoint       codec.String `json:"mount_point" xml:"mount_point"`
	Primary          codec.Bool   `json:"primary" xml:"primary"`
	UpdatedAt        codec.Time   `json:"updated_at" xml:"updated_at"`
	VirtualMachineID codec.Int    `json:"virtual_machine_id" xml:"virtual_machine_id"`
}

func (s *Server) vmWireLocked(vm *VM) wireVM {
	var total int64
	for _, d := range s.disks {
		if d.VMID == vm.ID {
			total += d.SizeGB
		}
	}
	return wireVM{
		AllowResizeWithoutReboot: codec.NewBool(false),
		AllowedHotMigrate:        codec.NewBool(true),
		AllowedSwap:              codec.NewBool(true),
		Booted:                   codec.NewBool(!vm.PoweredOff),
		Built:                    codec.NewBool(true),
		CPUShares:                codec.NewInt(1),
		CPUs:                     codec.NewInt(vm.CPUs),
		CreatedAt:                optTime(vm.CreatedAt),
		Hostname:                 vm.Hostname,
		HypervisorID:             codec.NewInt(1),
		ID:                       codec.NewInt(vm.ID),
		Identifier:               vm.Identifier,
		Label:                    vm.Label,
		Locked:                   codec.NewBool(vm.Locked),
		Memory:                   codec.NewInt(vm.MemoryMB),
		OperatingSystem:          vm.OperatingSystem,
		OperatingSystemDistro:    vm.OperatingSystemDistro,
		State:                    "delivered",
		Suspended:                codec.NewBool(vm.Suspended),
		TemplateID:               optInt(vm.TemplateID),
		UpdatedAt:                optTime(vm.CreatedAt),
		UserID:                   optInt(vm.UserID),
		TotalDiskSize:            codec.NewInt(total),
	}
}

// diskWire renders a disk; number is its position among the server's
// disks (disk_vm_number).
func diskWire(d *Disk, number int) wireDisk {
	w := wireDisk{
		Built:            codec.NewBool(true),
		CreatedAt:        optTime(d.CreatedAt),
		DataStoreID:      codec.NewInt(d.DataStoreID),
		DiskSize:         codec.NewInt(d.SizeGB),
		DiskVMNumber:     codec.NewInt(int64(number)),
		FileSystem:       "ext4",
		ID:               codec.NewInt(d.ID),
		Identifier:       d.Identifier,
		IsSwap:           codec.NewBool(d.Swap),
		Label:            d.Label,
		Locked:           codec.NewBool(false),
		MountPoint:       optString(d.MountPoint),
		Primary:          codec.NewBool(d.Primary),
		UpdatedAt:        optTime(d.CreatedAt),
		VirtualMachineID: codec.NewInt(d.VMID),
	}
	if d.Swap {
		w.FileSystem = "swap"
	}
	if d.DataStoreType == "solidfire" {
		w.IQN = codec.NewString("iqn.2010-01.com.solidfire:" + d.Identifier)
	}
	return w
}

func optInt(v int64) codec.Int {
	if v == 0 {
		return codec.Int{}
	}
	return codec.NewInt(v)
}

func optTime(t time.Time) codec.Time {
	if t.IsZero() {
		return codec.Time{}
	}
	return codec.NewTime(t.UTC())
}

func optString(s string) codec.String {
	if s == "" {
		return codec.String{}
	}
	return codec.NewString(s)
}

// diskOfLocked returns the disk a backup describes: its own for a normal
// backup, the virtual server's first disk for an incremental one.
func (s *Server) diskOfLocked(b *Backup) *Disk {
	if b.Type == TypeNormal {
		return s.disks[b.DiskID]
	}
	var first *Disk
	for _, d := range s.disks {
		if d.VMID == b.VMID && (first == nil || d.ID < first.ID) {
			first = d
		}
	}
	return first
}

func (s *Server) minimumsLocked(b *Backup) (disk, mem int64) {
	disk, mem = 5, 128
	if d := s.diskOfLocked(b); d != nil {
		disk = d.SizeGB
	}
	if vm := s.vms[b.VMID]; vm != nil {
		mem = vm.MemoryMB
	}
	return disk, mem
}

func (s *Server) wireLocked(b *Backup) wireBackup {
	w := wireBackup{
		AllowResizeWithoutReboot: codec.NewBool(false),
		AllowedHotMigrate:        codec.NewBool(true),
		AllowedSwap:              codec.NewBool(true),
		BackupServerID:           optInt(b.BackupServerID),
		BackupSize:               codec.NewInt(b.SizeKB),
		Built:                    codec.NewBool(b.Built),
		BuiltAt:                  optTime(b.BuiltAt),
		CreatedAt:                optTime(b.CreatedAt),
		DataStoreType:            "lvm",
		ID:                       codec.NewInt(b.ID),
		Identifier:               b.Identifier,
		Initiated:                b.Initiated,
		Locked:                   codec.NewBool(b.Locked),
		MarkedForDelete:          codec.NewBool(b.MarkedForDelete),
		Note:                     optString(b.Note),
		UpdatedAt:                optTime(b.UpdatedAt),
		BackupType:               b.Type,
	}
	if !b.Built {
		w.BuiltAt = codec.Time{}
	}
	if b.Type == TypeNormal {
		w.TargetType, w.TargetID, w.DiskID = "Disk", codec.NewInt(b.DiskID), codec.NewInt(b.DiskID)
		if b.Built {
			w.ImageType = codec.NewString("tar")
		}
	} else {
		w.TargetType, w.TargetID = "VirtualMachine", codec.NewInt(b.VMID)
	}
	if d := s.diskOfLocked(b); d != nil {
		w.DataStoreType = d.DataStoreType
		if d.DataStoreType == "solidfire" {
			w.IQN = codec.NewString("iqn.2010-01.com.solidfire:" + d.Identifier)
		}
	}
	disk, mem := s.minimumsLocked(b)
	w.MinDiskSize, w.MinMemorySize = codec.NewInt(disk), codec.NewInt(mem)
	if vm := s.vms[b.VMID]; vm != nil {
		w.OperatingSystem, w.OperatingSystemDistro = vm.OperatingSystem, vm.OperatingSystemDistro
		w.TemplateID, w.UserID = optInt(vm.TemplateID), optInt(vm.UserID)
	}
	return w
}

func (s *Server) templateWireLocked(t *Template, b *Backup) wireTemplate {
	w := wireTemplate{
		AllowResizeWithoutReboot: codec.NewBool(false),
		AllowedHotMigrate:        codec.NewBool(true),
		AllowedSwap:              codec.NewBool(true),
		BackupServerID:           optInt(b.BackupServerID),
		CreatedAt:                optTime(t.CreatedAt),
		FileName:                 t.FileName,
		ID:                       codec.NewInt(t.ID),
		Label:                    t.Label,
		MinDiskSize:              codec.NewInt(t.MinDiskSize),
		MinMemorySize:            codec.NewInt(t.MinMemorySize),
		OperatingSystemArch:      "x64",
		State:                    t.State,
		TemplateSize:             codec.NewInt(b.SizeKB),
		UpdatedAt:                optTime(t.CreatedAt),
		Version:                  "1.0",
	}
	if vm := s.vms[b.VMID]; vm != nil {
		w.OperatingSystem, w.OperatingSystemDistro = vm.OperatingSystem, vm.OperatingSystemDistro
		w.ParentTemplateID, w.UserID = optInt(vm.TemplateID), optInt(vm.UserID)
	}
	return w
}

// Rails renders an empty XML array as <nil-classes type="array"/>.
type xmlNilClasses struct {
	XMLName xml.Name `xml:"nil-classes"`
	Type    string   `xml:"type,attr"`
}

// xmlArray is a Rails XML array, <plural type="array">, of items whose
// XMLName names each element.
type xmlArray[T any] struct {
	XMLName xml.Name
	Type    string `xml:"type,attr"`
	Items   []T
}

// writeList answers a list: Rails XML (<nil-classes type="array"/> when
// empty), root-wrapped JSON ([{"<root>":{…}}]) or bare JSON.
func writeList[T any](rp reply, plural, root string, items []T) {
	if rp.f == formatXML {
		if len(items) == 0 {
			writeXML(rp.w, http.StatusOK, xmlNilClasses{Type: "array"})
			return
		}
		writeXML(rp.w, http.StatusOK, xmlArray[T]{XMLName: xml.Name{Local: plural}, Type: "array", Items: items})
		return
	}
	if rp.bare {
		fakeserver.WriteJSON(rp.w, http.StatusOK, items)
		return
	}
	wrapped := make([]map[string]T, len(items))
	for i := range items {
		wrapped[i] = map[string]T{root: items[i]}
	}
	fakeserver.WriteJSON(rp.w, http.StatusOK, wrapped)
}

// writeOne answers one object: a Rails XML document, root-wrapped JSON
// ({"<root>":{…}}) or bare JSON.
func writeOne[T any](rp reply, status int, root string, v T) {
	switch {
	case rp.f == formatXML:
		writeXML(rp.w, status, v)
	case rp.bare:
		fakeserver.WriteJSON(rp.w, status, v)
	default:
		fakeserver.WriteJSON(rp.w, status, map[string]T{root: v})
	}
}

func (rp reply) list(items []wireBackup) { writeList(rp, "backups", "backup", items) }

func (rp reply) backup(status int, b wireBackup) { writeOne(rp, status, "backup", b) }

func (rp reply) template(status int, t wireTemplate) { writeOne(rp, status, "image_template", t) }

type xmlErrors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []string `xml:"error"`
}

// errors answers {"errors":["msg",…]} or <errors><error>msg</error></errors>.
func (rp reply) errors(status int, msgs ...string) {
	if rp.f == formatXML {
		writeXML(rp.w, status, xmlErrors{Errors: msgs})
		return
	}
	fakeserver.WriteJSON(rp.w, status, map[string][]string{"errors": msgs})
}

// fieldError answers Rails validation errors: {"errors":{"field":["msg"]}},
// or in XML the full message (<error>Label can't be blank</error>).
func (rp reply) fieldError(status int, field, msg string) {
	if rp.f == formatXML {
		full := msg
		if field != "base" {
			full = strings.ToUpper(field[:1]) + strings.ReplaceAll(field[1:], "_", " ") + " " + msg
		}
		writeXML(rp.w, status, xmlErrors{Errors: []string{full}})
		return
	}
	fakeserver.WriteJSON(rp.w, status, map[string]map[string][]string{"errors": {field: {msg}}})
}

type xmlHashError struct {
	XMLName xml.Name `xml:"hash"`
	Error   string   `xml:"error"`
}

// unauthorized answers as Devise does.
func (rp reply) unauthorized() {
	const msg = "You need to sign in or sign up before continuing."
	if rp.f == formatXML {
		writeXML(rp.w, http.StatusUnauthorized, xmlHashError{Error: msg})
		return
	}
	fakeserver.WriteJSON(rp.w, http.StatusUnauthorized, map[string]string{"error": msg})
}

// writeXML answers with v as an indented XML document, as Rails' to_xml
// renders it.
func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
	_, _ = io.WriteString(w, "\n")
}
