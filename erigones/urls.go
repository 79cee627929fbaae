package erigones

// Routes, relative to <server>/api. Every route ends with a slash: the
// server redirects or answers 404 without it. Placeholders are filled and
// escaped by core.ExpandPath.
const (
	pathLogin  = "/accounts/login/"
	pathLogout = "/accounts/logout/"

	// Backup definitions.
	pathDefinitionsAllVMs = "/vm/define/backup/"
	pathVMDefinitions     = "/vm/{hostname_or_uuid}/define/backup/"
	pathVMDefinition      = "/vm/{hostname_or_uuid}/define/backup/{bkpdef}/"

	// Backups. POST to pathVMBackup takes a definition name in place of the
	// backup name.
	pathVMBackups = "/vm/{hostname_or_uuid}/backup/"
	pathVMBackup  = "/vm/{hostname_or_uuid}/backup/{bkpname}/"

	// Node-side inventories.
	pathNodeDefinitions = "/node/{hostname}/define/backup/"
	pathNodeBackups     = "/node/{hostname}/backup/"

	// Tasks.
	pathTasks      = "/task/"
	pathTaskStatus = "/task/{task_id}/status/"
	pathTaskDone   = "/task/{task_id}/done/"
	pathTaskCancel = "/task/{task_id}/cancel/"
	// api/task/urls.py: log/ is matched before the task id routes.
	pathTaskDetails = "/task/{task_id}/"
	pathTaskLog     = "/task/log/"
)
