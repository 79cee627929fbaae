package unitrends

import "strconv"

// The appliance's routes, relative to the base URL given to NewClient (the
// appliance root, such as "https://ueb.example.com").
const (
	// pathLogin opens a session: POST {"username","password"} → 201 {"auth_token"}.
	pathLogin = "/api/login"
	// pathLogout ends a session: POST {"cookie": token}.
	pathLogout = "/api/logout"
	// pathBackupsQuery is the documented query: POST with the filters as JSON.
	pathBackupsQuery = "/api/backups"
	// pathBackupStatus is the status view: GET ?sid=&cid=&iid=&bid=&start_date=&end_date=.
	pathBackupStatus = "/api/backups/"
	// pathSystems lists the systems (appliances) this one manages.
	pathSystems = "/api/systems"
)

// headerAuthToken carries the session token on every call but the login.
const headerAuthToken = "AuthToken"

// backupPath is the route of one backup (GET) or a list of them (DELETE):
// /api/backups/<id1,id2,…>/, with ?sid=. It is built from integers, which
// cannot change the route, so the commas are sent as they are rather than
// escaped as a path parameter would be (%2C), which an appliance reading
// the raw path may not split.
func backupPath(ids ...int64) string {
	b := make([]byte, 0, len(pathBackupStatus)+12*len(ids)+1)
	b = append(b, pathBackupStatus...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '/'))
}
