// Package unitrends is a client for the REST API of Unitrends Backup
// appliances (Recovery Series, Unitrends Backup VMs): the backups query
// with every documented filter, single backups, deletion, the status view
// and the managed systems.
//
// The client logs in on first use (POST /api/login) and sends the session
// token in the AuthToken header. Sessions expire after some idle time; when
// the appliance says so (401, or 403/500 or even 200 with "Your session has
// expired or is invalid") the client logs in again once, shared by every
// goroutine waiting on it, and repeats the call. Logout ends the session.
//
// Appliances come with self-signed certificates. Verification stays on: pass
// the appliance's certificate with WithCACertFile or WithCACertPEM.
//
// Answers vary across appliance versions, and Backup reads all of them:
// lists under "backups", "data" or bare; durations as "00:00:28" or
// seconds; statuses as the documented words (an integer status, which no
// document explains, is kept as an unknown code, see BackupStatus); "n/a" for
// no value; start times in the appliance's own zone, which the API does not
// tell: set WithTimeZone, or LocalTime.Zone says it is unknown. Members
// it does not know are kept in Backup.Extra.
//
//	c, err := unitrends.NewClient("https://ueb.example.com",
//		unitrends.WithPassword("root", password),
//		unitrends.WithCACertFile("/etc/ssl/ueb.pem"),
//		unitrends.WithTimeZone(newYork))
//	if err != nil {
//		return err
//	}
//	defer c.Logout(ctx)
//	backups, err := c.Backups.List(ctx, &unitrends.ListBackupsOptions{
//		Types:      []string{"Full"},
//		StartHours: 24,
//	})
//
// Errors are *APIError (the appliance refused: status and messages, also
// for errors inside a 200 answer), *DecodeError (an answer that does not
// parse, saying where) or *TransportError (no answer, including a refused
// certificate, whose message names the option that fixes it). The
// predicates every backupsdk package has read them: IsNotFound,
// IsUnauthorized, IsForbidden, IsRateLimited, IsConflict, IsValidation
// (here a 400 or 422: the appliance's errors name no fields), HasStatus;
// IsSessionExpired is this API's own.
//
// Every call here is done when it returns: the API has no call that
// starts work the appliance finishes later (no document shows a job, task
// or status to follow after Backups.Delete, the one call that changes
// state), so unlike the SDK's other packages this one has no Wait. For the status and request id of a successful call (a support
// ticket), pass a context from WithResponseInfo.
//
// Values the appliance may leave out print what it sent, or "(absent)":
// fmt.Println(b.ID, b.Duration, b.Status) prints "220 28s Success".
// Members a type does not know are kept as RawJSON, which encoding/json
// and encoding/json/v2 both write back as sent.
//
// Package unitrendstest provides an in-memory appliance for tests
// (NewTestServer in a test, NewServer elsewhere).
package unitrends
