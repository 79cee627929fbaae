package onapp

import (
	"context"
	"net/http"

	"github.com/backupsdk/backupsdk/internal/core"
)

// VirtualMachinesService lists the virtual servers of the control panel:
// what OnApp can protect. OnApp has no call that lists every backup, so a
// tool that wants them all lists the servers here and then each server's
// backups (Backups.List with VMID) and disks (Disks.List). Get it as
// Client.VirtualMachines.
//
// OnApp does not page the list: each call returns the whole list of the
// servers the user may see. An empty list is an empty, non-nil slice.
type VirtualMachinesService service

// List returns the virtual servers (GET /virtual_machines).
func (s *VirtualMachinesService) List(ctx context.Context) ([]VirtualMachine, error) {
	resp, err := s.client.send(ctx, "VirtualMachines.List", http.MethodGet, routeVirtualMachines, nil, core.Read)
	if err != nil {
		return nil, err
	}
	return decodeBody(s.client, resp, virtualMachineRecords.list)
}

// Get returns one virtual server (GET /virtual_machines/:id). An unknown
// id is an *APIError for which IsNotFound is true.
func (s *VirtualMachinesService) Get(ctx context.Context, vmID int64) (*VirtualMachine, error) {
	resp, err := s.client.send(ctx, "VirtualMachines.Get", http.MethodGet, routeVirtualMachine, nil, core.Read, id("virtual server", vmID))
	if err != nil {
		return nil, err
	}
	return decodeBody(s.client, resp, virtualMachineRecords.one)
}

// DisksService lists the disks of virtual servers: the targets of normal
// backups (Backups.List with DiskID, Backups.CreateNormal). Get it as
// Client.Disks.
type DisksService service

// List returns the disks of a virtual server
// (GET /virtual_machines/:id/disks). An unknown server is an *APIError for
// which IsNotFound is true; a server without disks gives an empty, non-nil
// slice.
func (s *DisksService) List(ctx context.Context, vmID int64) ([]Disk, error) {
	resp, err := s.client.send(ctx, "Disks.List", http.MethodGet, routeVMDisks, nil, core.Read, id("virtual server", vmID))
	if err != nil {
		return nil, err
	}
	return decodeBody(s.client, resp, diskRecords.list)
}
