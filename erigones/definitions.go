package erigones

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/core"
)

// DefinitionsService manages backup definitions: which disk of which VM is
// backed up, where, when and how many backups are kept. All its calls are
// synchronous.
type DefinitionsService service

// ListDefinitionsOptions filter and sort definition lists. Nil means the
// server's defaults.
type ListDefinitionsOptions struct {
	// DiskID keeps the definitions of one disk (from 1); per-VM lists only.
	DiskID int `url:"disk_id,omitempty"`
	// Extended adds each definition's backup count (BackupDefinition.Backups).
	// Object lists only: the names calls never send it.
	Extended bool `url:"extended,omitempty"`
	// OrderBy sorts by name, disk_id, hostname (not per VM) or created;
	// prefix "-" for descending. Default: hostname,-created (-created per VM).
	OrderBy []string `url:"order_by,comma,omitempty"`
	// DC overrides the client's default datacenter; node lists, which are
	// not DC-bound, never send it.
	DC string `url:"dc,omitempty"`
}

// listQuery builds the query of a definition or backup list: full=true for
// objects, never extended for names (extended output is objects), and dc
// only for DC-bound views.
func (c *Client) listQuery(opts any, full bool, dc string, dcBound bool) (url.Values, error) {
	q, err := query(opts)
	if err != nil {
		return nil, err
	}
	if full {
		q.Set("full", "true")
	} else {
		q.Del("full")
		q.Del("extended")
	}
	if dcBound {
		q = c.withDC(q, dc)
	} else {
		q.Del("dc")
	}
	return q, nil
}

func (o *ListDefinitionsOptions) dc() string {
	if o == nil {
		return ""
	}
	return o.DC
}

// List returns the VM's backup definitions with all their details (GET
// /api/vm/<vm>/define/backup/?full=true). vm is a hostname or uuid. The
// list is empty, not nil, when the VM has none.
func (s *DefinitionsService) List(ctx context.Context, vm string, opts *ListDefinitionsOptions) ([]BackupDefinition, error) {
	return s.list(ctx, pathVMDefinitions, []string{vm}, opts, true)
}

// ListNames returns only the names of the VM's backup definitions (GET
// /api/vm/<vm>/define/backup/, the server's default output).
func (s *DefinitionsService) ListNames(ctx context.Context, vm string, opts *ListDefinitionsOptions) ([]string, error) {
	return s.names(ctx, pathVMDefinitions, []string{vm}, opts, true)
}

// ListForAllVMs returns the backup definitions of every VM in the
// datacenter with all their details (GET /api/vm/define/backup/?full=true).
// DiskID is not a filter here.
func (s *DefinitionsService) ListForAllVMs(ctx context.Context, opts *ListDefinitionsOptions) ([]BackupDefinition, error) {
	return s.list(ctx, pathDefinitionsAllVMs, nil, opts, true)
}

// ListNamesForAllVMs returns the definition names of every VM in the
// datacenter (GET /api/vm/define/backup/); a name appears once per VM disk
// that has it.
func (s *DefinitionsService) ListNamesForAllVMs(ctx context.Context, opts *ListDefinitionsOptions) ([]string, error) {
	return s.names(ctx, pathDefinitionsAllVMs, nil, opts, true)
}

func (s *DefinitionsService) list(ctx context.Context, path string, params []string, opts *ListDefinitionsOptions, dcBound bool) ([]BackupDefinition, error) {
	c := s.client
	q, err := c.listQuery(opts, true, opts.dc(), dcBound)
	if err != nil {
		return nil, err
	}
	var out []BackupDefinition
	if err := c.sync(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: path, PathParams: params, Query: q}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []BackupDefinition{}
	}
	return out, nil
}

func (s *DefinitionsService) names(ctx context.Context, path string, params []string, opts *ListDefinitionsOptions, dcBound bool) ([]string, error) {
	c := s.client
	q, err := c.listQuery(opts, false, opts.dc(), dcBound)
	if err != nil {
		return nil, err
	}
	return c.names(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: path, PathParams: params, Query: q})
}

// names runs a list call without full output.
func (c *Client) names(ctx context.Context, r *core.Request) ([]string, error) {
	var out []string
	if err := c.sync(ctx, r, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// GetDefinitionOptions select the disk of Get. Nil means disk 1.
type GetDefinitionOptions struct {
	// DiskID is the disk (from 1); 0 means the server's default, 1.
	DiskID int `url:"disk_id,omitempty"`
	// Extended adds the backup count (BackupDefinition.Backups).
	Extended bool `url:"extended,omitempty"`
	// DC overrides the client's default datacenter.
	DC string `url:"dc,omitempty"`
}

// Get returns one backup definition of a VM disk (GET
// /api/vm/<vm>/define/backup/<name>/). A missing VM or definition is a 404
// (IsNotFound); a disk the VM does not have a 412 (IsPreconditionFailed).
func (s *DefinitionsService) Get(ctx context.Context, vm, name string, opts *GetDefinitionOptions) (*BackupDefinition, error) {
	if err := ValidateDefinitionName(name); err != nil {
		return nil, err
	}
	var dc string
	if opts != nil {
		dc = opts.DC
	}
	return getObject[BackupDefinition](ctx, s.client, pathVMDefinition, []string{vm, name}, opts, dc)
}

// CreateDefinitionOptions is the body of Create. The server fills in what
// is left zero: disk 1, type dataset, zpool "zones", active, no
// compression, no bandwidth limit; the predefined names hourly, daily,
// weekly and monthly also get a default schedule and retention.
type CreateDefinitionOptions struct {
	// DiskID is the disk (from 1); 0 means 1.
	DiskID int `json:"disk_id,omitzero"`
	// Type is dataset or file; 0 means dataset.
	Type BackupType `json:"type,omitzero"`
	// Node is the backup node's hostname (required by the server).
	Node string `json:"node,omitzero"`
	// Zpool is the storage pool on the backup node; "" means zones.
	Zpool string `json:"zpool,omitzero"`
	// Schedule is a UTC cron schedule such as "30 4 * * 6" (required unless
	// the name is predefined).
	Schedule string `json:"schedule,omitzero"`
	// Retention is how many backups to keep (required unless the name is predefined).
	Retention *int `json:"retention,omitzero"`
	// Active enables the schedule; nil means true.
	Active *bool `json:"active,omitzero"`
	// Compression of file backups; nil means the datacenter's default (none).
	Compression *Compression `json:"compression,omitzero"`
	// Bwlimit is a transfer rate limit in bytes per second; nil means none.
	Bwlimit *int `json:"bwlimit,omitzero"`
	// Desc is a description (up to 128 characters).
	Desc string `json:"desc,omitzero"`
	// Fsfreeze freezes the filesystem through the QEMU guest agent before
	// the snapshot (KVM with the agent only).
	Fsfreeze bool `json:"fsfreeze,omitzero"`
	// DC overrides the client's default datacenter.
	DC string `json:"dc,omitzero"`
}

// Create adds a backup definition named name to a VM disk (POST
// /api/vm/<vm>/define/backup/<name>/) and returns it as stored. The name
// must be 1–8 characters of ^[A-Za-z0-9][A-Za-z0-9._-]*$ (else a
// *ValidationError, nothing is sent). Invalid fields are a 400 with
// APIError.Fields; an existing definition a 406 (IsAlreadyExists). It is
// sent once: after a 5xx answer or a broken connection, Get the definition
// to see whether it was made.
// A member of the success answer that does not fit its field is left
// absent and logged at warning level on the client's Logger: the
// definition is made, so it is not an error.
func (s *DefinitionsService) Create(ctx context.Context, vm, name string, opts *CreateDefinitionOptions) (*BackupDefinition, error) {
	if err := ValidateDefinitionName(name); err != nil {
		return nil, err
	}
	c := s.client
	var body CreateDefinitionOptions
	if opts != nil {
		body = *opts
	}
	body.DC = c.pickDC(body.DC)
	var out BackupDefinition
	if err := c.sync(ctx, &core.Request{
		Method: http.MethodPost, Path: pathVMDefinition, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateDefinitionOptions is the body of Update: nil and zero fields are
// left unchanged. The type of a definition cannot be changed.
type UpdateDefinitionOptions struct {
	// DiskID selects the disk whose definition changes (from 1); 0 means 1.
	DiskID int
	// Schedule is a new UTC cron schedule.
	Schedule string
	// Retention is a new number of backups to keep.
	Retention *int
	// Active enables or disables the schedule.
	Active *bool
	// Compression is a new compression of file backups.
	Compression *Compression
	// Bwlimit is a new transfer rate limit in bytes per second.
	Bwlimit *int
	// RemoveBwlimit sends bwlimit null: no limit. It wins over Bwlimit.
	RemoveBwlimit bool
	// Desc is a new description ("" clears it).
	Desc *string
	// Node moves the backups to another backup node.
	Node string
	// Zpool moves the backups to another storage pool.
	Zpool string
	// Fsfreeze turns the filesystem freeze on or off (KVM only).
	Fsfreeze *bool
	// DC overrides the client's default datacenter.
	DC string
}

// definitionUpdateBody is UpdateDefinitionOptions on the wire.
type definitionUpdateBody struct {
	DiskID      int            `json:"disk_id,omitzero"`
	Schedule    string         `json:"schedule,omitzero"`
	Retention   *int           `json:"retention,omitzero"`
	Active      *bool          `json:"active,omitzero"`
	Compression *Compression   `json:"compression,omitzero"`
	Bwlimit     jsontext.Value `json:"bwlimit,omitzero"`
	Desc        *string        `json:"desc,omitzero"`
	Node        string         `json:"node,omitzero"`
	Zpool       string         `json:"zpool,omitzero"`
	Fsfreeze    *bool          `json:"fsfreeze,omitzero"`
	DC          string         `json:"dc,omitzero"`
}

// Update changes a backup definition (PUT /api/vm/<vm>/define/backup/<name>/)
// and returns it as stored. It is sent once: after a 5xx answer or a broken
// connection, Get the definition to see what it holds. A member of the
// success answer that does not fit its field is left absent and logged at
// warning level on the client's Logger.
func (s *DefinitionsService) Update(ctx context.Context, vm, name string, opts *UpdateDefinitionOptions) (*BackupDefinition, error) {
	if err := ValidateDefinitionName(name); err != nil {
		return nil, err
	}
	c := s.client
	var r UpdateDefinitionOptions
	if opts != nil {
		r = *opts
	}
	body := definitionUpdateBody{
		DiskID: r.DiskID, Schedule: r.Schedule, Retention: r.Retention, Active: r.Active,
		Compression: r.Compression, Desc: r.Desc, Node: r.Node, Zpool: r.Zpool, Fsfreeze: r.Fsfreeze,
		DC: c.pickDC(r.DC),
	}
	switch {
	case r.RemoveBwlimit:
		body.Bwlimit = nullJSON()
	case r.Bwlimit != nil:
		body.Bwlimit = jsontext.Value(strconv.Itoa(*r.Bwlimit))
	}
	var out BackupDefinition
	if err := c.sync(ctx, &core.Request{
		Method: http.MethodPut, Path: pathVMDefinition, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDefinitionOptions select the disk of Delete. Nil means disk 1.
type DeleteDefinitionOptions struct {
	// DiskID is the disk (from 1); 0 means 1.
	DiskID int `json:"disk_id,omitzero"`
	// DC overrides the client's default datacenter.
	DC string `json:"dc,omitzero"`
}

// Delete removes a backup definition (DELETE
// /api/vm/<vm>/define/backup/<name>/, parameters in a JSON body). Its
// backups stay, with a null Define. It is sent once: after a 5xx answer or
// a broken connection, Get the definition to see whether it is gone (404).
func (s *DefinitionsService) Delete(ctx context.Context, vm, name string, opts *DeleteDefinitionOptions) error {
	if err := ValidateDefinitionName(name); err != nil {
		return err
	}
	c := s.client
	var body DeleteDefinitionOptions
	if opts != nil {
		body = *opts
	}
	body.DC = c.pickDC(body.DC)
	return c.sync(ctx, &core.Request{
		Method: http.MethodDelete, Path: pathVMDefinition, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, nil)
}
