package unitrends

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// The route table, expanded once, against the documented and noted routes.
func TestRoutes(t *testing.T) {
	t.Parallel()
	routes := map[string]string{
		"login":   pathLogin,
		"logout":  pathLogout,
		"query":   pathBackupsQuery,
		"status":  pathBackupStatus,
		"backup":  backupPath(220),
		"backups": backupPath(220, 221, 9223372036854775807),
		"systems": pathSystems,
	}
	for name, p := range routes {
		expanded, err := core.ExpandPath(p)
		require.NoError(t, err, name)
		assert.Equal(t, p, expanded, "%s has no placeholders", name)
	}
	assert.Equal(t, "/api/backups", routes["query"])
	assert.Equal(t, "/api/backups/", routes["status"])
	assert.Equal(t, "/api/backups/220/", routes["backup"])
	assert.Equal(t, "/api/backups/220,221,9223372036854775807/", routes["backups"])
	golden.AssertJSON(t, "routes", routes)
}

// errorInBody tells the appliance's error shapes from success bodies.
func TestErrorInBody(t *testing.T) {
	t.Parallel()
	errs := map[string]int{
		`{"error": "x"}`:                                   0,
		`{"error": 500, "message": "x"}`:                   500,
		`{"error": 1, "status": 403, "message": "x"}`:      403,
		`{"error": true}`:                                  0,
		`{"error": {"message": "x"}}`:                      0,
		`{"status": 401, "message": "x"}`:                  401,
		`{"status": "401", "message": "x"}`:                401,
		`{"status": "failed", "message": "x"}`:             0,
		`{"result": [{"message": "x", "code": 404}]}`:      404,
		`{"result": [{"message": "x", "code": -1}]}`:       0,
		`{"result": [{"message": "x", "code": "E_FAIL"}]}`: 0,
		`{"result": {"message": "x"}}`:                     0,
		`{"RESULT": [{"Message": "x"}]}`:                   0,
	}
	for body, want := range errs {
		status, ok := errorInBody([]byte(body))
		assert.True(t, ok, body)
		assert.Equal(t, want, status, body)
	}
	for _, body := range []string{
		``, `[]`, `null`, `{}`, `{"backups": []}`, `{"error": null}`, `{"error": false}`, `{"error": ""}`,
		`{"error": 0}`, `{"error": {}}`, `{"error": [{"id": 1}]}`, `{"status": "Success", "id": 1}`,
		`{"status": 200, "message": "ok"}`, `{"result": [{"code": 0, "message": "done"}]}`, `{"result": []}`,
		`{"result": "ok"}`, `{"status": 401}`, `{"error": 500`, `{"status": "Failure", "client_name": "x"}`,
	} {
		_, ok := errorInBody([]byte(body))
		assert.False(t, ok, body)
	}
}

func TestExpiryMessages(t *testing.T) {
	t.Parallel()
	for _, m := range []string{
		"Your session has expired or is invalid", "Session expired", "Invalid session token",
		"AuthToken is not valid", "Token expired, please login again", "Not logged in",
	} {
		assert.True(t, isExpiryMessage(m), m)
	}
	for _, m := range []string{"", "Database is locked.", "License expired", "Invalid filter", "User is not allowed"} {
		assert.False(t, isExpiryMessage(m), m)
	}
}

// FuzzErrorInBody: the error detection never panics, and whatever it
// calls an error the core can turn into an APIError.
func FuzzErrorInBody(f *testing.F) {
	for _, s := range []string{
		`{"result": [{"message": "x", "code": 12}]}`, `{"status": 401, "message": "x"}`, `{"error": 500, "message": "x"}`,
		`{"backups": []}`, `[]`, `{"error": {"code": "E", "message": "x"}}`, `{"status": "1e999", "message": "x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		status, ok := errorInBody(body)
		if !ok {
			return
		}
		if status != 0 && (status < 400 || status > 599) {
			t.Fatalf("status %d out of range for %q", status, body)
		}
		e := core.NewAPIError(providerName, "GET", "https://x/api", max(status, 200), nil, body)
		_ = e.Error()
	})
}
