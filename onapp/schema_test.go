package onapp

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyMember is a JSON object setting every json-tagged field of T (and
// of the structs it embeds) to a valid, non-zero value of its kind.
func everyMember(t *testing.T, typ reflect.Type) string {
	t.Helper()
	var members []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Anonymous {
			inner := everyMember(t, f.Type)
			if inner != "{}" {
				members = append(members, inner[1:len(inner)-1])
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		var v string
		switch {
		case f.Type == reflect.TypeFor[Int]():
			v = fmt.Sprint(i + 1)
		case f.Type == reflect.TypeFor[Bool]():
			v = "true"
		case f.Type == reflect.TypeFor[Time]():
			v = `"2024-01-02T03:04:05Z"`
		default:
			v = fmt.Sprintf("%q", "v"+name)
		}
		members = append(members, fmt.Sprintf("%q:%s", name, v))
	}
	return "{" + strings.Join(members, ",") + "}"
}

// TestSchemasCoverEveryField: each record's schema reads every field its
// json tags name, as the oracle (json/v2 through the tags) does, so that a
// field added to a type and not to its schema fails here, whether or not
// a sample sends it.
func TestSchemasCoverEveryField(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, got, want any, err, wantErr error) {
		t.Helper()
		require.NoError(t, err)
		require.NoError(t, wantErr)
		assert.Equal(t, want, got)
		assert.NotZero(t, got)
	}
	t.Run("backup", func(t *testing.T) {
		t.Parallel()
		body := []byte(`[` + everyMember(t, reflect.TypeFor[backupWire]()) + `]`)
		got, err := decodeBackupsJSON(body)
		want, wantErr := oracleItems(body, "backups", "backup", (*backupWire).value)
		check(t, got, want, err, wantErr)
		body = []byte(`[` + everyMember(t, reflect.TypeFor[Backup]()) + `]`)
		got, err = decodeBackupsJSON(body)
		want, wantErr = oracleItems(body, "backups", "backup", (*backupWire).value)
		check(t, got, want, err, wantErr)
		for _, b := range got {
			v := reflect.ValueOf(b)
			for i := range v.NumField() {
				assert.False(t, v.Field(i).IsZero(), "field %s not read", v.Type().Field(i).Name)
			}
		}
	})
	t.Run("virtual machine", func(t *testing.T) {
		t.Parallel()
		body := []byte(`{"virtual_machine":` + everyMember(t, reflect.TypeFor[VirtualMachine]()) + `}`)
		got, err := decodeVirtualMachineJSON(body)
		want, wantErr := oracleOne(body, "virtual_machine", same[VirtualMachine])
		check(t, got, want, err, wantErr)
	})
	t.Run("disk", func(t *testing.T) {
		t.Parallel()
		body := []byte(`[` + everyMember(t, reflect.TypeFor[Disk]()) + `]`)
		got, err := decodeDisksJSON(body)
		want, wantErr := oracleItems(body, "disks", "disk", same[Disk])
		check(t, got, want, err, wantErr)
	})
	t.Run("template", func(t *testing.T) {
		t.Parallel()
		body := []byte(everyMember(t, reflect.TypeFor[ImageTemplate]()))
		got, err := decodeTemplateJSON(body)
		want, wantErr := oracleOne(body, "image_template", same[ImageTemplate])
		check(t, got, want, err, wantErr)
	})
}
