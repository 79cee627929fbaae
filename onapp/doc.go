// Package onapp is a client for the backups API of OnApp control panels:
// normal backups of disks and incremental backups of virtual servers, and
// the virtual servers and disks they protect, in OnApp's JSON (root-wrapped
// or bare) or its Rails XML.
//
// Create one Client per control panel with HTTP basic credentials (a user
// and its password, or a user and an API key) and use its Backups,
// VirtualMachines and Disks services:
//
//	c, err := onapp.NewClient("https://cp.example.com",
//		onapp.WithAPIKey("admin", apiKey)) // add onapp.WithFormat(onapp.XML) for XML
//	if err != nil {
//		return err
//	}
//	backups, err := c.Backups.ListIncremental(ctx, 74)
//	if err != nil {
//		return err
//	}
//	for _, b := range backups {
//		size, _ := b.BackupSize.Get()
//		fmt.Println(b.ID.Int64, b.Built.Bool, size, b.Note.Or("(no note)"))
//	}
//
// OnApp has no call that lists every backup. To enumerate what the control
// panel protects, list the virtual servers with the VirtualMachines service
// (List, Get), then each server's backups (Backups.ListByVM) and, for
// normal backups, its disks with the Disks service (ListByVM):
//
//	vms, err := c.VirtualMachines.List(ctx)
//	if err != nil {
//		return err
//	}
//	for _, vm := range vms {
//		disks, err := c.Disks.ListByVM(ctx, vm.ID.Int64)
//		if err != nil {
//			return err
//		}
//		backups, err := c.Backups.ListByVM(ctx, vm.ID.Int64)
//		if err != nil {
//			return err
//		}
//		fmt.Println(vm.Label, vm.Hostname, len(disks), "disks", len(backups), "backups")
//	}
//
// Values the control panel may leave null (nil="true" in XML) are Int,
// Bool, Time, String and Text with Valid false, never a made-up zero or
// "": identifiers, labels, types and operating systems included. Numbers
// sent as strings ("backup_size": "1121652") and empty or null times are
// read as such.
//
// Every failed call returns an *APIError (errors.As) with the status and all
// messages of the body, whatever its shape; IsNotFound, IsUnauthorized and
// IsValidation classify it. Reads are retried after 5xx answers and broken
// connections; creates, restores, conversions, deletes and note edits are
// sent once (see WithRetryPolicy), since a duplicate backup is real damage.
//
// Package onapptest provides an in-memory OnApp server for tests and demos.
package onapp
