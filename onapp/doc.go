// Package onapp is a client for the backups API of OnApp control panels:
// normal backups of disks and incremental backups of virtual servers, and
// the virtual servers and disks they protect, in OnApp's JSON (root-wrapped
// or bare) or its Rails XML.
//
// Create one Client per control panel with HTTP basic credentials:
// WithPassword takes a user and its password, or a user and an API key
// (OnApp takes the key in place of the password). Use its Backups,
// VirtualMachines and Disks services:
//
//	c, err := onapp.NewClient("https://cp.example.com",
//		onapp.WithPassword("admin", apiKey)) // add onapp.WithFormat(onapp.XML) for XML
//	if err != nil {
//		return err
//	}
//	backups, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
//	if err != nil {
//		return err
//	}
//	for _, b := range backups {
//		fmt.Println(b.ID, b.Built, b.BackupSize, b.Note.Or("(no note)")) // values print as values
//	}
//
// OnApp has no call that lists every backup: Backups.List needs a virtual
// server (VMID) or a disk (DiskID). To enumerate what the control panel
// protects, list the virtual servers with the VirtualMachines service
// (List, Get), then each server's backups (Backups.List with VMID) and, for
// normal backups, its disks with the Disks service (List):
//
//	vms, err := c.VirtualMachines.List(ctx)
//	if err != nil {
//		return err
//	}
//	for _, vm := range vms {
//		disks, err := c.Disks.List(ctx, vm.ID.Int64)
//		if err != nil {
//			return err
//		}
//		backups, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: vm.ID.Int64})
//		if err != nil {
//			return err
//		}
//		fmt.Println(vm.Label, vm.Hostname, len(disks), "disks", len(backups), "backups")
//	}
//
// A new backup is scheduled, not built. CreateResult.Wait polls
// Backups.Get until it is built, spaced by the client's WithWaitBackoff
// (or WaitBackoff for one call), reporting each poll to WaitProgress, and
// stops at once when ctx ends (the error wraps ErrWaitStopped). A restore
// has no Wait: the API shows no end of one (see RestoreResult).
//
//	res, err := c.Backups.CreateIncremental(ctx, 74, &onapp.CreateBackupOptions{Note: "before upgrade"})
//	if err != nil {
//		return err // sent once: list the backups before trying again
//	}
//	b, err := res.Wait(ctx, onapp.WaitProgress(func(p onapp.Progress) { fmt.Println(p.Poll, p.State) }))
//
// Values the control panel may leave null (nil="true" in XML) are Int,
// Bool, Time, String and Text with Valid false, never a made-up zero or
// "": identifiers, labels, types and operating systems included. Each has
// Get, Or and String (fmt.Println(b.ID) prints 4; an absent value prints
// "(absent)"). Numbers sent as strings ("backup_size": "1121652") and
// empty or null times are read as such.
//
// Every failed call returns an *APIError (errors.As) with the status and all
// messages of the body, whatever its shape; IsNotFound, IsUnauthorized,
// IsForbidden, IsConflict, IsRateLimited, IsValidation (422) and HasStatus
// classify it. WithResponseInfo gives the status and request id of a
// successful call. Reads are retried after 5xx answers and broken
// connections; creates, restores, conversions, deletes and note updates are
// sent once (see WithRetryPolicy), since a duplicate backup is real damage.
//
// Package onapptest provides an in-memory OnApp server for tests and demos.
package onapp
