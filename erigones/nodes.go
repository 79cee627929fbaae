package erigones

import (
	"context"
	"net/http"

	"github.com/backupsdk/backupsdk/internal/core"
)

// NodesService lists backup definitions and backups by the backup node that
// stores them, across all datacenters (superadmin only; these views are not
// DC-bound). Useful for inventories.
type NodesService service

// ListDefinitions returns the backup definitions targeted at a backup node,
// with all their details (GET /api/node/<node>/define/backup/?full=true).
// DiskID is no filter here, and DC is never sent.
func (s *NodesService) ListDefinitions(ctx context.Context, node string, opts *ListDefinitionsOptions) ([]BackupDefinition, error) {
	return (*DefinitionsService)(s).list(ctx, pathNodeDefinitions, []string{node}, opts, false)
}

// ListDefinitionNames returns only the names of the definitions targeted at
// a backup node (GET /api/node/<node>/define/backup/).
func (s *NodesService) ListDefinitionNames(ctx context.Context, node string, opts *ListDefinitionsOptions) ([]string, error) {
	return (*DefinitionsService)(s).names(ctx, pathNodeDefinitions, []string{node}, opts, false)
}

// ListBackups returns the backups stored on a backup node, with all their
// details including each backup's DC (GET /api/node/<node>/backup/?full=true).
// Filter with DiskID, VM (original hostname) or WithoutVM (backups whose
// VM is gone), and Define; OrderBy may use hostname.
func (s *NodesService) ListBackups(ctx context.Context, node string, opts *ListBackupsOptions) ([]Backup, error) {
	return s.client.backups(ctx, pathNodeBackups, node, opts, false)
}

// ListBackupNames returns only the names of the backups stored on a backup
// node (GET /api/node/<node>/backup/).
func (s *NodesService) ListBackupNames(ctx context.Context, node string, opts *ListBackupsOptions) ([]string, error) {
	c := s.client
	q, err := c.backupListQuery(opts, false, node, false)
	if err != nil {
		return nil, err
	}
	return c.names(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathNodeBackups, PathParams: []string{node}, Query: q})
}
