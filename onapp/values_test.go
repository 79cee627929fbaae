package onapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// Values print as values (issue 17): fmt.Println(b.ID, b.Note) shows the
// id and the note, and an absent value says so.
func TestValuesPrint(t *testing.T) {
	t.Parallel()
	srv := onapptest.NewTestServer(t)
	b, err := waitClient(t, srv).Backups.Get(context.Background(), 4)
	require.NoError(t, err)
	assert.Equal(t, "4 before upgrade true weeks normal", fmt.Sprint(b.ID, " ", b.Note, " ", b.Built, " ", b.Initiated, " ", b.BackupType))
	assert.Equal(t, "(absent)", onapp.Int{}.String())
	assert.Equal(t, "(absent)", onapp.Text[onapp.BackupType]{}.String())
}

// A backup marshals with encoding/json (v1) under the API's names, absent
// values as null, and no member the API does not have.
func TestBackupMarshalsWithEncodingJSON(t *testing.T) {
	t.Parallel()
	b := onapp.Backup{ID: onapp.Int{Int64: 4, Valid: true}, Note: onapp.String{Value: "x", Valid: true}}
	out, err := json.Marshal(b)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out, &m))
	assert.JSONEq(t, `4`, string(m["id"]))
	assert.JSONEq(t, `"x"`, string(m["note"]))
	assert.JSONEq(t, `null`, string(m["built"]))
	assert.NotContains(t, m, "Extra")
	assert.NotContains(t, m, "ID")
}
