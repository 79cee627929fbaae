package unitrends

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// BackupsService queries, reads and deletes backups. Get it as
// Client.Backups.
type BackupsService service

// DayLayout is how the appliance writes days (start_day, end_day,
// start_date, end_date): mm/dd/yyyy.
const DayLayout = "01/02/2006"

// ListBackupsOptions holds the filters of Backups.List, the backups query
// (POST /api/backups). Every filter is optional; zero values are not sent,
// so the zero ListBackupsOptions (or nil) asks for every backup. Each field names the member
// it is sent as.
type ListBackupsOptions struct {
	// SystemID (system_id): backups of this system.
	SystemID int64
	// ClientID (client_id): backups of this client (protected machine).
	ClientID int64
	// InstanceID (instance_id): backups of this protected instance.
	InstanceID int64
	// Types (type): backups of any of these types ("Full", "Differential", …).
	Types []string
	// StartTime (start_time, epoch seconds): backups that started at or after it.
	StartTime time.Time
	// EndTime (end_time, epoch seconds): backups that started at or before it.
	EndTime time.Time
	// StartDay (start_day, mm/dd/yyyy): backups from this day on. Only the
	// calendar date of the value, in its own location, is sent.
	StartDay time.Time
	// EndDay (end_day, mm/dd/yyyy): backups up to this day. The same day as
	// StartDay gives that day's backups.
	EndDay time.Time
	// FinishIntervalStart (finish_interval_start, epoch seconds): backups
	// that completed at or after it.
	FinishIntervalStart time.Time
	// FinishIntervalEnd (finish_interval_end, epoch seconds): backups that
	// completed at or before it.
	FinishIntervalEnd time.Time
	// StartHours (start_hours): backups that started in the past so many hours.
	StartHours int
	// EndHours (end_hours): backups that finished in the past so many hours.
	EndHours int
	// BackupIDs (backup_ids): only these backups.
	BackupIDs []int64
}

// backupsQueryBody is the JSON body of the query, in the documented order.
type backupsQueryBody struct {
	SystemID            int64    `json:"system_id,omitzero"`
	ClientID            int64    `json:"client_id,omitzero"`
	InstanceID          int64    `json:"instance_id,omitzero"`
	Type                []string `json:"type,omitempty"`
	StartTime           int64    `json:"start_time,omitzero"`
	EndTime             int64    `json:"end_time,omitzero"`
	StartDay            string   `json:"start_day,omitzero"`
	EndDay              string   `json:"end_day,omitzero"`
	FinishIntervalStart int64    `json:"finish_interval_start,omitzero"`
	FinishIntervalEnd   int64    `json:"finish_interval_end,omitzero"`
	StartHours          int      `json:"start_hours,omitzero"`
	EndHours            int      `json:"end_hours,omitzero"`
	BackupIDs           []int64  `json:"backup_ids,omitempty"`
}

// MarshalJSON writes the filters as the appliance reads them: times as
// epoch seconds, days as mm/dd/yyyy, unset filters left out.
func (q ListBackupsOptions) MarshalJSON() ([]byte, error) {
	return codec.MarshalJSON(q.body())
}

func (q ListBackupsOptions) body() backupsQueryBody {
	return backupsQueryBody{
		SystemID:            q.SystemID,
		ClientID:            q.ClientID,
		InstanceID:          q.InstanceID,
		Type:                q.Types,
		StartTime:           epoch(q.StartTime),
		EndTime:             epoch(q.EndTime),
		StartDay:            day(q.StartDay),
		EndDay:              day(q.EndDay),
		FinishIntervalStart: epoch(q.FinishIntervalStart),
		FinishIntervalEnd:   epoch(q.FinishIntervalEnd),
		StartHours:          q.StartHours,
		EndHours:            q.EndHours,
		BackupIDs:           q.BackupIDs,
	}
}

func epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DayLayout)
}

// validate catches filters no appliance can mean.
func (q *ListBackupsOptions) validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"SystemID", q.SystemID}, {"ClientID", q.ClientID}, {"InstanceID", q.InstanceID},
		{"StartHours", int64(q.StartHours)}, {"EndHours", int64(q.EndHours)},
	} {
		if f.v < 0 {
			return fmt.Errorf("ListBackupsOptions.%s is %d, want 0 (unset) or more", f.name, f.v)
		}
	}
	for i, t := range q.Types {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("ListBackupsOptions.Types[%d] is empty", i)
		}
	}
	for i, id := range q.BackupIDs {
		if id <= 0 {
			return fmt.Errorf("ListBackupsOptions.BackupIDs[%d] is %d, want a backup id", i, id)
		}
	}
	for _, p := range []struct {
		from, to        string
		start, end      time.Time
		compareDaysOnly bool
	}{
		{"StartTime", "EndTime", q.StartTime, q.EndTime, false},
		{"FinishIntervalStart", "FinishIntervalEnd", q.FinishIntervalStart, q.FinishIntervalEnd, false},
		{"StartDay", "EndDay", q.StartDay, q.EndDay, true},
	} {
		if p.start.IsZero() || p.end.IsZero() {
			continue
		}
		after := p.start.After(p.end)
		if p.compareDaysOnly {
			after = civil(p.start).After(civil(p.end))
		}
		if after {
			return fmt.Errorf("ListBackupsOptions.%s is after %s", p.from, p.to)
		}
	}
	return nil
}

// civil is t's calendar date at midnight UTC, for comparing days.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// List runs the backups query (POST /api/backups) with the filters of q
// (nil asks for every backup) and returns the backups, an empty non-nil
// slice when none match. The query is a read, so it is retried like one
// although it is a POST. Times the appliance prints without a zone are read
// in the zone of WithTimeZone.
func (s *BackupsService) List(ctx context.Context, q *ListBackupsOptions) ([]Backup, error) {
	body := backupsQueryBody{}
	if q != nil {
		if err := q.validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
		body = q.body()
	}
	c := s.client
	// The answer is read in the same pass that rules out an error inside
	// it; only one with members that may report an error is looked at
	// again (bodyError).
	var list []Backup
	var decErr error
	resp, err := c.doClean(ctx, &core.Request{
		Kind:   core.Read,
		Method: http.MethodPost,
		Path:   pathBackupsQuery,
		Body:   body,
	}, func(body []byte) (clean bool) {
		list, clean, decErr = readBackupsAnswer(body)
		return clean
	})
	if err != nil {
		return nil, err
	}
	if decErr == nil {
		list, decErr = backupsInZone(list, c.loc)
	}
	if decErr != nil {
		return nil, c.core.DecodeError(resp, decErr)
	}
	return list, nil
}

// GetBackupOptions select the system a backup lives on, for Backups.Get.
type GetBackupOptions struct {
	// SystemID (sid) is the system holding the backup; unset means the
	// appliance answering.
	SystemID int64 `url:"sid,omitempty"`
}

// DeleteBackupOptions select the system the backups live on, for
// Backups.Delete.
type DeleteBackupOptions struct {
	// SystemID (sid) is the system holding the backups; unset means the
	// appliance answering.
	SystemID int64 `url:"sid,omitempty"`
}

// Get reads one backup (GET /api/backups/<id>/?sid=). An unknown id is an
// *APIError for which IsNotFound reports true, also when the appliance
// answers 200 with an empty list.
func (s *BackupsService) Get(ctx context.Context, id int64, opts *GetBackupOptions) (*Backup, error) {
	if id <= 0 {
		return nil, fmt.Errorf("%s: backup id is %d, want a backup id", providerName, id)
	}
	query, err := core.EncodeQuery(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", providerName, err)
	}
	c := s.client
	resp, err := c.do(ctx, &core.Request{
		Kind:   core.Read,
		Method: http.MethodGet,
		Path:   backupPath(id),
		Query:  query,
	})
	if err != nil {
		return nil, err
	}
	b, err := decodeOneBackup(resp.Body, id, c.loc)
	if errors.Is(err, errNoBackup) {
		msg := fmt.Sprintf("backup %d not found (the appliance answered %d without it)", id, resp.StatusCode)
		return nil, &APIError{
			Provider:   providerName,
			StatusCode: http.StatusNotFound,
			Status:     "404 Not Found",
			Method:     resp.Method,
			URL:        resp.URL,
			Message:    msg,
			Messages:   []string{msg},
			Body:       clip(string(resp.Body)),
			Attempts:   resp.Attempts,
		}
	}
	if err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	return b, nil
}

// Delete deletes the backups with the given ids
// (DELETE /api/backups/<id1,id2,…>/?sid=). It is sent once: after a 5xx
// answer or a broken connection some or all may be gone, so Get (or List
// with BackupIDs) to see which remain before trying again.
func (s *BackupsService) Delete(ctx context.Context, ids []int64, opts *DeleteBackupOptions) error {
	if len(ids) == 0 {
		return fmt.Errorf("%s: no backup ids to delete", providerName)
	}
	for i, id := range ids {
		if id <= 0 {
			return fmt.Errorf("%s: backup id %d is %d, want a backup id", providerName, i, id)
		}
	}
	query, err := core.EncodeQuery(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	_, err = s.client.do(ctx, &core.Request{
		Kind:   core.Write,
		Method: http.MethodDelete,
		Path:   backupPath(ids...),
		Query:  query,
	})
	return err
}

// ListStatusOptions filter Backups.ListStatus, the status view. Zero
// values are not sent.
type ListStatusOptions struct {
	// SystemID (sid): rows of this system.
	SystemID int64 `url:"sid,omitempty"`
	// ClientID (cid): rows of this client.
	ClientID int64 `url:"cid,omitempty"`
	// InstanceID (iid): rows of this protected instance.
	InstanceID int64 `url:"iid,omitempty"`
	// BackupID (bid): the row of this backup.
	BackupID int64 `url:"bid,omitempty"`
	// StartDate (start_date, mm/dd/yyyy): rows from this day on.
	StartDate time.Time `url:"start_date,omitempty" layout:"01/02/2006"`
	// EndDate (end_date, mm/dd/yyyy): rows up to this day.
	EndDate time.Time `url:"end_date,omitempty" layout:"01/02/2006"`
}

// ListStatus reads the backup status view (GET /api/backups/). Appliances
// answer {"BackupStatus": […]} or an object keyed by system name; both
// come back as one list, grouped rows ordered by system name with
// StatusEntry.System set.
func (s *BackupsService) ListStatus(ctx context.Context, opts *ListStatusOptions) ([]StatusEntry, error) {
	query, err := core.EncodeQuery(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", providerName, err)
	}
	c := s.client
	resp, err := c.do(ctx, &core.Request{
		Kind:   core.Read,
		Method: http.MethodGet,
		Path:   pathBackupStatus,
		Query:  query,
	})
	if err != nil {
		return nil, err
	}
	out, err := decodeStatus(resp.Body, c.loc)
	if err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	return out, nil
}

// SystemsService lists the systems an appliance manages. Get it as
// Client.Systems.
type SystemsService service

// List returns the systems (GET /api/systems): the appliance itself and
// those it manages or replicates to.
func (s *SystemsService) List(ctx context.Context) ([]System, error) {
	c := s.client
	resp, err := c.do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathSystems})
	if err != nil {
		return nil, err
	}
	out, err := decodeSystems(resp.Body)
	if err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	return out, nil
}
