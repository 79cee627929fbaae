package cloudbackup

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/backupsdk/backupsdk/internal/core"
)

// VaultsService lists and reads vaults: the containers backups are stored
// in, with the servers and disks bound to them.
type VaultsService service

// Vault is a backup vault.
type Vault struct {
	ID          string `json:"id"`                   // the vault's ID, the backups' vault_id
	Name        string `json:"name"`                 // its name
	Description string `json:"description,omitzero"` // its description
	ProjectID   string `json:"project_id"`           // the project it belongs to
	// ProviderID tells what the vault protects (ProviderServer, ProviderVolume, ...).
	ProviderID string `json:"provider_id"`
	// Billing holds capacity, usage and the vault's state.
	Billing VaultBilling `json:"billing"`
	// Resources are the servers or disks bound to the vault: the machines
	// it protects, including those that have no backup yet.
	Resources           []VaultResource `json:"resources"`
	Tags                []Tag           `json:"tags,omitzero"`                  // the vault's tags
	EnterpriseProjectID String          `json:"enterprise_project_id,omitzero"` // "0" is the default project
	AutoBind            Bool            `json:"auto_bind,omitzero"`             // binds new resources by BindRules
	AutoExpand          Bool            `json:"auto_expand,omitzero"`           // grows when full
	// BindRules is the automatic binding rule, as raw JSON.
	BindRules RawJSON `json:"bind_rules,omitzero"`
	UserID    string  `json:"user_id,omitzero"`    // the user who created it
	CreatedAt Time    `json:"created_at,omitzero"` // when it was created
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// VaultBilling is the capacity and state of a vault.
type VaultBilling struct {
	// Size is the capacity in GB.
	Size            Int    `json:"size,omitzero"`
	Allocated       Int    `json:"allocated,omitzero"`        // allocated capacity in MB
	Used            Int    `json:"used,omitzero"`             // used capacity in MB
	Status          string `json:"status,omitzero"`           // available, lock, frozen, deleting, error
	ChargingMode    string `json:"charging_mode,omitzero"`    // pre_paid or post_paid
	CloudType       string `json:"cloud_type,omitzero"`       // public or hybrid
	ConsistentLevel string `json:"consistent_level,omitzero"` // crash_consistent or app_consistent
	ObjectType      string `json:"object_type,omitzero"`      // server, disk, turbo
	ProtectType     string `json:"protect_type,omitzero"`     // backup, replication or hybrid
	SpecCode        string `json:"spec_code,omitzero"`        // such as vault.backup.server.normal
	OrderID         string `json:"order_id,omitzero"`         // the order of a prepaid vault
	ProductID       string `json:"product_id,omitzero"`       // the product of a prepaid vault
	StorageUnit     string `json:"storage_unit,omitzero"`     // the bucket behind the vault
	FrozenScene     string `json:"frozen_scene,omitzero"`     // why a frozen vault is frozen
	IsMultiAZ       Bool   `json:"is_multi_az,omitzero"`      // stored across availability zones
}

// UsedPercent returns how full the vault is, in percent (0 when its size
// is unknown).
func (b VaultBilling) UsedPercent() float64 {
	size, ok := b.Size.Get()
	if !ok || size <= 0 {
		return 0
	}
	return float64(b.Used.Or(0)) / float64(size*1024) * 100
}

// VaultResource is a server or disk bound to a vault.
type VaultResource struct {
	ID   string `json:"id"`   // the server's or disk's ID, the backups' resource_id
	Name string `json:"name"` // its name
	// Type is the resource type (ResourceTypeServer, ResourceTypeVolume, ...).
	Type          ResourceType  `json:"type"`
	ProtectStatus ProtectStatus `json:"protect_status,omitzero"` // available, protecting, ...
	// Size is the resource's size in GB.
	Size Int `json:"size,omitzero"`
	// BackupSize and BackupCount sum up the resource's backups.
	BackupSize  Int `json:"backup_size,omitzero"`
	BackupCount Int `json:"backup_count,omitzero"` // see BackupSize
	// ExtraInfo is the resource's extra information, as raw JSON.
	ExtraInfo RawJSON `json:"extra_info,omitzero"`
}

// Tag is a key/value tag.
type Tag struct {
	Key   string `json:"key"`   // the tag's key
	Value string `json:"value"` // its value
}

// ListVaultsOptions filters and pages Vaults.List and Vaults.All.
type ListVaultsOptions struct {
	CloudType           string   `url:"cloud_type,omitempty"`            // public, hybrid
	EnterpriseProjectID string   `url:"enterprise_project_id,omitempty"` // or AllGrantedEnterpriseProjects
	ID                  string   `url:"id,omitempty"`                    // one vault
	Limit               int      `url:"limit,omitempty"`                 // page size, 1 to 1000 (0: the server's, 1000)
	Name                string   `url:"name,omitempty"`                  // vaults by name
	ObjectType          string   `url:"object_type,omitempty"`           // server, disk, turbo
	Offset              int      `url:"offset,omitempty"`                // vaults to skip
	PolicyID            string   `url:"policy_id,omitempty"`             // vaults bound to a policy
	ProtectType         string   `url:"protect_type,omitempty"`          // backup, replication
	ResourceIDs         []string `url:"resource_ids,comma,omitempty"`    // vaults holding any of these resources
	Status              string   `url:"status,omitempty"`                // vaults in this state
}

// VaultPage is one page of Vaults.List.
type VaultPage struct {
	// Vaults on this page; empty (not nil) when none match.
	Vaults []Vault `json:"vaults"`
	// Count is the number of vaults matching in total; absent (Valid
	// false) when the answer gave none.
	Count Int `json:"count,omitzero"`
	// Offset and Limit are the position and size of the page when the
	// answer tells them (services/cbr/v1/model/model_list_vault_response.go
	// of huaweicloud-sdk-go-v3); absent when it does not.
	Offset Int `json:"offset,omitzero"`
	Limit  Int `json:"limit,omitzero"` // see Offset
}

// limit is the page size the call asks for, which bounds the answer's list
// (0: the server's default, no bound beyond the codec's).
func (o *ListVaultsOptions) limit() int {
	if o == nil {
		return 0
	}
	return o.Limit
}

// List returns one page of vaults (nil opts: the defaults). Limit is 1 to
// 1000 (0: the server's default, 1000); outside that it is an error before
// any request. A 200 without the vaults list (and without a count of 0)
// is a *DecodeError, or an *APIError with status 200 when its body is
// CBR's error shape. Count is the number of vaults matching in total, and
// absent when the answer gives none.
func (s *VaultsService) List(ctx context.Context, opts *ListVaultsOptions) (*VaultPage, error) {
	page, _, err := s.list(ctx, opts)
	return page, err
}

// list is List, also reporting whether the answer had a count.
func (s *VaultsService) list(ctx context.Context, opts *ListVaultsOptions) (*VaultPage, bool, error) {
	if opts != nil && (opts.Limit < 0 || opts.Offset < 0) {
		return nil, false, fmt.Errorf("%s: ListVaultsOptions: Limit and Offset must not be negative", providerName)
	}
	if opts != nil {
		if err := checkLimit("ListVaultsOptions", opts.Limit); err != nil {
			return nil, false, fmt.Errorf("%s: %w", providerName, err)
		}
	}
	q, err := core.EncodeQuery(opts)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", providerName, err)
	}
	var out struct {
		Vaults listOf[Vault] `json:"vaults"`
		Count  Int           `json:"count"`
		Offset Int           `json:"offset"`
		Limit  Int           `json:"limit"`
	}
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathVaults,
		PathParams: []string{s.client.projectID},
		Query:      q,
		List:       core.ListBound{Member: "vaults", Max: opts.limit()},
	}, &out)
	if err != nil {
		return nil, false, err
	}
	if listMissing(out.Vaults.present, out.Count.Valid, out.Count.Int64) {
		return nil, false, s.client.noList(resp, "vaults")
	}
	vaults := out.Vaults.items
	if vaults == nil {
		vaults = []Vault{}
	}
	return &VaultPage{Vaults: vaults, Count: out.Count, Offset: out.Offset, Limit: out.Limit}, out.Count.Valid, nil
}

// All walks every vault matching opts by offset, fetching pages lazily,
// opts.Limit a page (default 1000). It ends where count says, or without
// a count at a short or empty page; a page that repeats vaults, or a list
// that ends short of its count, is a *PagingError. See BackupsService.All
// for the rest. opts is copied, never changed.
func (s *VaultsService) All(ctx context.Context, opts *ListVaultsOptions) iter.Seq2[Vault, error] {
	var base ListVaultsOptions
	if opts != nil {
		base = *opts
		base.ResourceIDs = append([]string(nil), opts.ResourceIDs...)
	}
	if err := checkLimit("ListVaultsOptions", base.Limit); err != nil {
		return failed[Vault](fmt.Errorf("%s: %w", providerName, err))
	}
	p := core.Paging[Vault]{Provider: providerName, List: "vaults", Limit: pageSize(base.Limit), Key: func(v *Vault) string { return v.ID }}
	return core.Offset(ctx, p, base.Offset, func(ctx context.Context, offset, limit int) (core.Page[Vault], error) {
		o := base
		o.Offset, o.Limit = offset, limit
		page, hasCount, err := s.list(ctx, &o)
		if err != nil {
			return core.Page[Vault]{}, err
		}
		n, _ := total(page.Count)
		return core.Page[Vault]{Items: page.Vaults, Total: n, HasTotal: hasCount}, nil
	})
}

// Get returns the vault with the given ID (404: IsNotFound).
func (s *VaultsService) Get(ctx context.Context, vaultID string) (*Vault, error) {
	var root struct {
		Vault *Vault `json:"vault"`
	}
	if _, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathVault,
		PathParams: []string{s.client.projectID, vaultID},
	}, &root); err != nil {
		return nil, err
	}
	if root.Vault == nil {
		return nil, fmt.Errorf("%s: GET vault %s: answer holds no vault", providerName, vaultID)
	}
	return root.Vault, nil
}
