package erigones_test

import (
	"context"
	"iter"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
)

// The names the SDK's conventions table promises (issue 17), with their
// signatures: a rename or a changed signature fails to compile here.
var (
	_ func(string, ...erigones.Option) (*erigones.Client, error) = erigones.NewClient
	_ func(*erigones.Client) string                              = (*erigones.Client).BaseURL

	_ func(*http.Client) erigones.Option                            = erigones.WithHTTPClient
	_ func(erigones.RetryPolicy) erigones.Option                    = erigones.WithRetryPolicy
	_ func(*slog.Logger) erigones.Option                            = erigones.WithLogger
	_ func(string) erigones.Option                                  = erigones.WithUserAgent
	_ func(erigones.Backoff) erigones.Option                        = erigones.WithWaitBackoff
	_ func(user, password string) erigones.Option                   = erigones.WithPassword
	_ func(key string) erigones.Option                              = erigones.WithAPIKey
	_ func(token string) erigones.Option                            = erigones.WithToken
	_ func(time.Duration, time.Duration) erigones.Backoff           = erigones.ExponentialBackoff
	_ func(...time.Duration) erigones.Backoff                       = erigones.ScheduleBackoff
	_ func(erigones.Backoff) erigones.WaitOption                    = erigones.WaitBackoff
	_ func(func(erigones.Progress)) erigones.WaitOption             = erigones.WaitProgress
	_ func(context.Context, *erigones.ResponseInfo) context.Context = erigones.WithResponseInfo

	_ func(*erigones.Task, context.Context, ...erigones.WaitOption) (*erigones.TaskResult, error) = (*erigones.Task).Wait

	_ func(error) bool         = erigones.IsNotFound
	_ func(error) bool         = erigones.IsUnauthorized
	_ func(error) bool         = erigones.IsForbidden
	_ func(error) bool         = erigones.IsRateLimited
	_ func(error) bool         = erigones.IsConflict
	_ func(error) bool         = erigones.IsValidation
	_ func(error, ...int) bool = erigones.HasStatus

	_ func(*erigones.BackupsService, context.Context, string, *erigones.ListBackupsOptions) ([]erigones.Backup, error)                           = (*erigones.BackupsService).List
	_ func(*erigones.BackupsService, context.Context, string, string, *erigones.GetBackupOptions) (*erigones.Backup, error)                      = (*erigones.BackupsService).Get
	_ func(*erigones.BackupsService, context.Context, string, string, *erigones.CreateBackupOptions) (*erigones.Task, error)                     = (*erigones.BackupsService).Create
	_ func(*erigones.BackupsService, context.Context, string, string, *erigones.RestoreBackupOptions) (*erigones.Task, error)                    = (*erigones.BackupsService).Restore
	_ func(*erigones.BackupsService, context.Context, string, string, *erigones.DeleteBackupOptions) (*erigones.Task, error)                     = (*erigones.BackupsService).Delete
	_ func(*erigones.BackupsService, context.Context, string, string, string, *erigones.UpdateNoteOptions) (*erigones.Backup, error)             = (*erigones.BackupsService).UpdateNote
	_ func(*erigones.DefinitionsService, context.Context, string, *erigones.ListDefinitionsOptions) ([]erigones.BackupDefinition, error)         = (*erigones.DefinitionsService).List
	_ func(*erigones.DefinitionsService, context.Context, string, string, *erigones.GetDefinitionOptions) (*erigones.BackupDefinition, error)    = (*erigones.DefinitionsService).Get
	_ func(*erigones.DefinitionsService, context.Context, string, string, *erigones.CreateDefinitionOptions) (*erigones.BackupDefinition, error) = (*erigones.DefinitionsService).Create
	_ func(*erigones.DefinitionsService, context.Context, string, string, *erigones.UpdateDefinitionOptions) (*erigones.BackupDefinition, error) = (*erigones.DefinitionsService).Update
	_ func(*erigones.DefinitionsService, context.Context, string, string, *erigones.DeleteDefinitionOptions) error                               = (*erigones.DefinitionsService).Delete
	_ func(*erigones.Client, context.Context, *erigones.ListTasksOptions) ([]string, error)                                                      = (*erigones.Client).ListTasks
	_ func(*erigones.Client, context.Context, *erigones.ListTaskLogOptions) (*erigones.TaskLog, error)                                           = (*erigones.Client).ListTaskLog
	_ func(*erigones.Client, context.Context, *erigones.ListTaskLogOptions) iter.Seq2[erigones.TaskLogEntry, error]                              = (*erigones.Client).AllTaskLog
	_ func(*erigones.Task, context.Context, *erigones.CancelTaskOptions) (*erigones.TaskResult, error)                                           = (*erigones.Task).Cancel

	_ erigones.RawJSON = erigones.TaskResult{}.Result
	_ error            = erigones.ErrWaitStopped

	_ func(...erigonestest.Option) (*erigonestest.Server, error)      = erigonestest.NewServer
	_ func(testing.TB, ...erigonestest.Option) *erigonestest.Server   = erigonestest.NewTestServer
	_ func(*erigonestest.Server) string                               = (*erigonestest.Server).URL
	_ func(*erigonestest.Server)                                      = (*erigonestest.Server).Close
	_ func(*erigonestest.Server) *http.Client                         = (*erigonestest.Server).HTTPClient
	_ func(*erigonestest.Server, int, erigonestest.Fault)             = (*erigonestest.Server).InjectFault
	_ func(*erigonestest.Server)                                      = (*erigonestest.Server).ClearFaults
	_ func(*erigonestest.Server) []erigonestest.Call                  = (*erigonestest.Server).Calls
	_ func(*erigonestest.Server) int                                  = (*erigonestest.Server).Logins
	_ func(*erigonestest.Server, erigonestest.Backup) (string, error) = (*erigonestest.Server).AddBackup
	_ func(user, password string) erigonestest.Option                 = erigonestest.WithPassword
	_ func(key string) erigonestest.Option                            = erigonestest.WithAPIKey
)

// Every optional value prints its value or "(absent)".
var (
	_ interface{ String() string } = erigones.Int{}
	_ interface{ String() string } = erigones.Bool{}
	_ interface{ String() string } = erigones.String{}
	_ interface{ String() string } = erigones.Time{}
	_ interface{ String() string } = erigones.BackupStatus(0)
	_ interface{ String() string } = erigones.BackupType(0)
	_ interface{ String() string } = erigones.RawJSON(nil)
)
