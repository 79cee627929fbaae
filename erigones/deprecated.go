package erigones

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The old names below stay only until the SDK's own tests in internal/
// (chaos, crosstest), which this change may not edit, use the new ones;
// they go before a release. See CHANGELOG.md for every rename.

// WithLogin is the old name of WithPassword.
//
// Deprecated: use WithPassword.
func WithLogin(username, password string) Option { return WithPassword(username, password) }

// WithPollSchedule is the old form of WithWaitBackoff(ScheduleBackoff(d...)).
//
// Deprecated: use WithWaitBackoff(ScheduleBackoff(d...)).
func WithPollSchedule(d ...time.Duration) Option {
	return func(o *options) error {
		if len(d) == 0 {
			return errors.New("WithPollSchedule: no durations")
		}
		for i, v := range d {
			if v <= 0 {
				return fmt.Errorf("WithPollSchedule: duration %d is %s, want more than 0", i, v)
			}
		}
		return WithWaitBackoff(ScheduleBackoff(d...))(o)
	}
}

// BackupGetOptions is the old name of GetBackupOptions.
//
// Deprecated: use GetBackupOptions.
type BackupGetOptions = GetBackupOptions

// BackupCreateOptions is the old name of CreateBackupOptions.
//
// Deprecated: use CreateBackupOptions.
type BackupCreateOptions = CreateBackupOptions

// BackupRestoreOptions is the old name of RestoreBackupOptions.
//
// Deprecated: use RestoreBackupOptions.
type BackupRestoreOptions = RestoreBackupOptions

// BackupNoteOptions is the old name of UpdateNoteOptions.
//
// Deprecated: use UpdateNoteOptions.
type BackupNoteOptions = UpdateNoteOptions

// DefinitionCreateRequest is the old name of CreateDefinitionOptions.
//
// Deprecated: use CreateDefinitionOptions.
type DefinitionCreateRequest = CreateDefinitionOptions

// TaskLog is the old name of ListTaskLog.
//
// Deprecated: use ListTaskLog.
func (c *Client) TaskLog(ctx context.Context, opts *ListTaskLogOptions) (*TaskLog, error) {
	return c.ListTaskLog(ctx, opts)
}
