package onapp

// The routes of the OnApp API this package calls (backups, and the
// virtual servers and disks they protect), relative to the control panel
// URL. Each {name} is filled (escaped) from the call's arguments, and the
// client's format adds the suffix: ".json" or ".xml".
const (
	// routeVirtualMachines lists the virtual servers.
	routeVirtualMachines = "/virtual_machines"
	// routeVirtualMachine reads one virtual server.
	routeVirtualMachine = "/virtual_machines/{virtual_machine_id}"
	// routeVMDisks lists the disks of a virtual server.
	routeVMDisks = "/virtual_machines/{virtual_machine_id}/disks"
	// routeVMBackupFiles lists a virtual server's incremental backups.
	routeVMBackupFiles = "/virtual_machines/{virtual_machine_id}/backups/files"
	// routeVMBackupImages lists a virtual server's normal backups.
	routeVMBackupImages = "/virtual_machines/{virtual_machine_id}/backups/images"
	// routeVMBackups lists all backups of a virtual server (GET) and
	// creates an incremental backup of it (POST).
	routeVMBackups = "/virtual_machines/{virtual_machine_id}/backups"
	// routeVMDiskBackups lists the backups of one disk of a virtual server.
	routeVMDiskBackups = "/virtual_machines/{virtual_machine_id}/disks/{disk_id}/backups"
	// routeDiskBackups lists the backups of a disk (GET) and creates a
	// normal backup of it (POST).
	routeDiskBackups = "/settings/disks/{disk_id}/backups"
	// routeBackup reads (GET), edits the note of (PUT) and deletes
	// (DELETE) one backup.
	routeBackup = "/backups/{backup_id}"
	// routeBackupRestore restores a backup (POST).
	routeBackupRestore = "/backups/{backup_id}/restore"
	// routeBackupConvert converts a backup into a template (POST).
	routeBackupConvert = "/backups/{backup_id}/convert"
)

// route returns tmpl with the client's format suffix.
func (c *Client) route(tmpl string) string { return tmpl + "." + c.format.String() }
