package cloudbackup

// Routes of CBR v3, relative to the endpoint. Placeholders are filled in
// order by core.Request.PathParams, each escaped; {project_id} is always
// the client's project.
const (
	pathBackups       = "/v3/{project_id}/backups"
	pathBackup        = "/v3/{project_id}/backups/{backup_id}"
	pathBackupRestore = "/v3/{project_id}/backups/{backup_id}/restore"
	pathCheckpoints   = "/v3/{project_id}/checkpoints"
	pathCheckpoint    = "/v3/{project_id}/checkpoints/{checkpoint_id}"
	pathVaults        = "/v3/{project_id}/vaults"
	pathVault         = "/v3/{project_id}/vaults/{vault_id}"
	pathOperationLogs = "/v3/{project_id}/operation-logs"
	pathOperationLog  = "/v3/{project_id}/operation-logs/{operation_log_id}"
)

// pathIAMTokens is IAM's password login, relative to the IAM endpoint.
const pathIAMTokens = "/v3/auth/tokens"
