package onapp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// TestDocumentedSamples decodes both XML samples of the API pages and the
// same data as root-wrapped JSON, bare JSON (with the prose's spelling
// allowed_resize_without_reboot) and JSON with numbers, booleans and times
// as strings: every form must give the same values, pinned by one golden
// file per sample.
func TestDocumentedSamples(t *testing.T) {
	t.Parallel()
	for _, sample := range []string{"incremental-backups", "normal-backups"} {
		t.Run(sample, func(t *testing.T) {
			t.Parallel()
			fromXML, err := decodeBackupsXML(golden.Read(t, sample+".xml"))
			require.NoError(t, err)
			require.Len(t, fromXML, 1)
			golden.AssertJSON(t, sample, fromXML)

			for _, variant := range []string{"wrapped", "bare", "strings"} {
				t.Run(variant, func(t *testing.T) {
					got, err := decodeBackupsJSON(golden.Read(t, sample+"."+variant+".json"))
					require.NoError(t, err)
					assertSameBackups(t, fromXML, got)
					golden.AssertJSON(t, sample, got)
				})
			}
		})
	}
}

// assertSameBackups compares instants with time.Time.Equal and everything
// else exactly.
func assertSameBackups(t *testing.T, want, got []Backup) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		for _, pair := range [][2]*Time{{&w.BuiltAt, &g.BuiltAt}, {&w.CreatedAt, &g.CreatedAt}, {&w.UpdatedAt, &g.UpdatedAt}} {
			require.Equal(t, pair[0].Valid, pair[1].Valid)
			assert.True(t, pair[0].Time.Equal(pair[1].Time), "%s != %s", pair[0].Time, pair[1].Time)
			_, wOff := pair[0].Time.Zone()
			_, gOff := pair[1].Time.Zone()
			assert.Equal(t, wOff, gOff, "zone offset")
			*pair[0], *pair[1] = Time{}, Time{}
		}
		assert.Equal(t, w, g)
	}
}

// TestSampleValues checks the decoded samples field by field against the
// API pages, so that the golden files are not the only witness.
func TestSampleValues(t *testing.T) {
	t.Parallel()
	inc, err := decodeBackupsXML(golden.Read(t, "incremental-backups.xml"))
	require.NoError(t, err)
	b := inc[0]
	assert.Equal(t, codec.NewInt(698), b.ID)
	assert.Equal(t, codec.NewText(BackupTypeIncremental), b.BackupType)
	assert.True(t, b.IsIncremental())
	assert.True(t, b.IsBuilt())
	assert.Equal(t, codec.NewText(TargetVirtualMachine), b.TargetType)
	assert.Equal(t, int64(74), b.TargetID.Int64)
	assert.False(t, b.DiskID.Valid, "disk_id nil=\"true\" must be absent")
	assert.False(t, b.BackupServerID.Valid, "backup_server_id nil=\"true\" must be absent")
	assert.False(t, b.VolumeID.Valid)
	assert.False(t, b.IQN.Valid)
	assert.False(t, b.ImageType.Valid, "image_type is not in the incremental sample")
	assert.False(t, b.VolumeGroup.Valid)
	assert.Equal(t, int64(1121652), b.BackupSize.Int64)
	assert.Equal(t, codec.NewText(InitiatedManual), b.Initiated)
	assert.Equal(t, codec.NewText(DataStoreLVM), b.DataStoreType)
	assert.Equal(t, "Stuarts backup", b.Note.Or(""))
	assert.Equal(t, "y5cc19dv7bsdrk", b.Identifier.Value)
	assert.Equal(t, "linux", b.OperatingSystem.Value)
	assert.Equal(t, "ubuntu", b.OperatingSystemDistro.Value)
	assert.Equal(t, codec.NewBool(false), b.AllowResizeWithoutReboot)
	assert.Equal(t, codec.NewBool(true), b.AllowedHotMigrate)
	assert.Equal(t, codec.NewBool(true), b.AllowedSwap)
	assert.Equal(t, codec.NewBool(false), b.Locked)
	assert.Equal(t, codec.NewBool(false), b.MarkedForDelete)
	assert.Equal(t, int64(5), b.MinDiskSize.Int64)
	assert.Equal(t, int64(128), b.MinMemorySize.Int64)
	assert.Equal(t, int64(6), b.TemplateID.Int64)
	assert.Equal(t, int64(8), b.UserID.Int64)
	assert.True(t, b.BuiltAt.Time.Equal(time.Date(2013, 12, 18, 11, 0, 47, 0, time.UTC)))
	assert.True(t, b.CreatedAt.Time.Equal(time.Date(2013, 12, 18, 10, 59, 41, 0, time.UTC)))

	norm, err := decodeBackupsXML(golden.Read(t, "normal-backups.xml"))
	require.NoError(t, err)
	n := norm[0]
	assert.Equal(t, int64(1951), n.ID.Int64)
	assert.Equal(t, BackupTypeNormal, n.BackupType.Value)
	assert.Equal(t, TargetDisk, n.TargetType.Value)
	assert.Equal(t, codec.NewInt(11860), n.DiskID)
	assert.Equal(t, codec.NewInt(1), n.BackupServerID)
	assert.Equal(t, InitiatedDays, n.Initiated.Value)
	assert.False(t, n.Note.Valid, "note nil=\"true\" must be absent, not \"\"")
	assert.False(t, n.ImageType.Valid)
	_, off := n.BuiltAt.Time.Zone()
	assert.Equal(t, 3*3600, off, "the +03:00 offset is kept")
	assert.True(t, n.BuiltAt.Time.Equal(time.Date(2013, 12, 24, 11, 34, 6, 0, time.UTC)))
}

// TestScheduledBackupTimes: a freshly scheduled backup has no built_at.
// nil="true" in XML, "" and null in JSON, and a missing member must all
// come out absent (and "" for backup_server_id and volume_id too), giving
// the same values.
func TestScheduledBackupTimes(t *testing.T) {
	t.Parallel()
	fromXML, err := decodeBackupXML(golden.Read(t, "scheduled-backup.xml"))
	require.NoError(t, err)
	assert.False(t, fromXML.BuiltAt.Valid)
	assert.False(t, fromXML.IsBuilt())
	assert.True(t, fromXML.Built.Valid)
	assert.Equal(t, codec.NewInt(0), fromXML.BackupSize, "a zero size is present, not absent")
	golden.AssertJSON(t, "scheduled-backup", fromXML)

	for _, variant := range []string{"empty-times", "null-times", "missing"} {
		t.Run(variant, func(t *testing.T) {
			t.Parallel()
			got, err := decodeBackupJSON(golden.Read(t, "scheduled-backup."+variant+".json"))
			require.NoError(t, err)
			assert.False(t, got.BuiltAt.Valid)
			assert.False(t, got.BackupServerID.Valid)
			assert.False(t, got.VolumeID.Valid)
			assertSameBackups(t, []Backup{*fromXML}, []Backup{*got})
			golden.AssertJSON(t, "scheduled-backup", got)
		})
	}
}

func TestDecodeListShapes(t *testing.T) {
	t.Parallel()
	jsonCases := map[string]struct {
		body string
		ids  []int64
	}{
		"empty body":         {"", nil},
		"null":               {"null", nil},
		"empty array":        {" [ ] ", nil},
		"wrapped":            {`[{"backup":{"id":1}},{"backup":{"id":"2"}}]`, []int64{1, 2}},
		"bare":               {`[{"id":3,"backup_type":"normal"}]`, []int64{3}},
		"mixed":              {`[{"backup":{"id":4}},{"id":5}]`, []int64{4, 5}},
		"plural object":      {`{"backups":[{"backup":{"id":6}}]}`, []int64{6}},
		"root name any case": {`[{"Backup":{"id":7}}]`, []int64{7}},
	}
	for name, tc := range jsonCases {
		t.Run("json/"+name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeBackupsJSON([]byte(tc.body))
			require.NoError(t, err)
			require.NotNil(t, got, "an empty list is an empty slice")
			assert.Equal(t, tc.ids, ids(got))
		})
	}
	xmlCases := map[string]struct {
		body string
		ids  []int64
	}{
		"empty body":       {"", nil},
		"rails empty":      {`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<nil-classes type="array"/>`, nil},
		"empty backups":    {`<backups type="array"></backups>`, nil},
		"two":              {`<backups type="array"><backup><id type="integer">8</id></backup><backup><id>9</id></backup></backups>`, []int64{8, 9}},
		"other charset":    {`<?xml version="1.0" encoding="ISO-8859-1"?><backups><backup><id>10</id></backup></backups>`, []int64{10}},
		"prose spelling":   {`<backups><backup><id>11</id><allowed_resize_without_reboot type="boolean">true</allowed_resize_without_reboot></backup></backups>`, []int64{11}},
		"declaration only": {`<?xml version="1.0"?>`, nil},
	}
	for name, tc := range xmlCases {
		t.Run("xml/"+name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeBackupsXML([]byte(tc.body))
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.Equal(t, tc.ids, ids(got))
		})
	}
}

func TestDecodeAllowedSpelling(t *testing.T) {
	t.Parallel()
	got, err := decodeBackupsXML([]byte(`<backups><backup><allowed_resize_without_reboot type="boolean">true</allowed_resize_without_reboot></backup></backups>`))
	require.NoError(t, err)
	assert.Equal(t, codec.NewBool(true), got[0].AllowResizeWithoutReboot)
	// The sample's spelling wins when both are present.
	b, err := decodeBackupJSON([]byte(`{"allow_resize_without_reboot":false,"allowed_resize_without_reboot":true}`))
	require.NoError(t, err)
	assert.Equal(t, codec.NewBool(false), b.AllowResizeWithoutReboot)
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"not json":        `<html>`,
		"number":          `42`,
		"object":          `{"id":1}`,
		"item not object": `[1]`,
		"null item":       `[null]`,
		"bad size":        `[{"backup":{"backup_size":"lots"}}]`,
		"bad time":        `[{"backup":{"built_at":"yesterday"}}]`,
		"bad bool":        `[{"backup":{"built":"perhaps"}}]`,
		"truncated":       `[{"backup":{"id":1}`,
		"plural not list": `{"backups":{"id":1}}`,
		"wrapped scalar":  `[{"backup":7}]`,
	}
	for name, body := range bad {
		t.Run("json/"+name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeBackupsJSON([]byte(body))
			assert.Error(t, err)
		})
	}
	badXML := map[string]string{
		"truncated": `<backups><backup><id>1</id>`,
		"bad int":   `<backups><backup><id type="integer">x</id></backup></backups>`,
		"bad time":  `<backups><backup><built_at type="datetime">soon</built_at></backup></backups>`,
		"not xml":   `{"backups":[]}`,
	}
	for name, body := range badXML {
		t.Run("xml/"+name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeBackupsXML([]byte(body))
			assert.Error(t, err)
		})
	}

	// Error documents inside a success answer are reported as such.
	_, err := decodeBackupsJSON([]byte(`{"errors":["boom"]}`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeBackupJSON([]byte(`{"error":"boom"}`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeBackupsXML([]byte(`<errors><error>boom</error></errors>`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeBackupXML([]byte(`<errors><error>boom</error></errors>`))
	assert.ErrorIs(t, err, errErrorDocument)

	// A single object must be one.
	_, err = decodeBackupJSON(nil)
	assert.ErrorIs(t, err, errEmptyBody)
	_, err = decodeBackupXML([]byte(" "))
	assert.ErrorIs(t, err, errEmptyBody)
	_, err = decodeBackupXML([]byte(`<image_template><id>1</id></image_template>`))
	assert.ErrorContains(t, err, "want an XML <backup> document, got <image_template>")
	_, err = decodeBackupJSON([]byte(`[{"id":1}]`))
	assert.ErrorContains(t, err, "got an array")
	_, err = decodeBackupJSON([]byte(`{"backup":[1]}`))
	assert.ErrorContains(t, err, "backup: want a JSON object, got an array")
	_, err = decodeTemplateXML([]byte(`<?xml version="1.0"?><!-- nothing -->`))
	assert.ErrorContains(t, err, "no XML root element")
}

func TestDecodeTemplate(t *testing.T) {
	t.Parallel()
	const wrapped = `{"image_template":{"id":"5001","label":"web-01 golden","file_name":"bk1.tar.gz","state":"active",
		"min_disk_size":20,"min_memory_size":2048,"checksum":null,"created_at":"2024-01-15T12:00:00Z","operating_system":"linux"}}`
	fromWrapped, err := decodeTemplateJSON([]byte(wrapped))
	require.NoError(t, err)
	assert.Equal(t, codec.NewInt(5001), fromWrapped.ID)
	assert.Equal(t, "web-01 golden", fromWrapped.Label.Value)
	assert.Equal(t, codec.NewString("bk1.tar.gz"), fromWrapped.FileName)
	assert.Equal(t, "active", fromWrapped.State.Value)
	assert.False(t, fromWrapped.Checksum.Valid)

	fromBare, err := decodeTemplateJSON([]byte(`{"id":5001,"label":"web-01 golden","file_name":"bk1.tar.gz","state":"active",
		"min_disk_size":"20","min_memory_size":"2048","created_at":"2024-01-15T12:00:00+00:00","operating_system":"linux"}`))
	require.NoError(t, err)
	assert.Equal(t, fromWrapped, fromBare)

	fromXML, err := decodeTemplateXML([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<image_template><id type="integer">5001</id><label>web-01 golden</label><file_name>bk1.tar.gz</file_name>
<state>active</state><min_disk_size type="integer">20</min_disk_size><min_memory_size type="integer">2048</min_memory_size>
<checksum nil="true"/><created_at type="datetime">2024-01-15T12:00:00Z</created_at><operating_system>linux</operating_system></image_template>`))
	require.NoError(t, err)
	assert.Equal(t, fromWrapped, fromXML)
}

func ids(bs []Backup) []int64 {
	var out []int64
	for _, b := range bs {
		out = append(out, b.ID.Int64)
	}
	return out
}

// Null text stays absent: null in JSON and nil="true" in XML leave every
// text field invalid, in the one-pass list decoder, the general path (a
// wrapped list member and a single backup) and XML alike, while "" is kept
// as text.
func TestNullTextStaysAbsent(t *testing.T) {
	t.Parallel()
	nullJSON := `{"id": 5, "identifier": null, "initiated": null, "backup_type": null, "target_type": null,
		"data_store_type": null, "operating_system": null, "operating_system_distro": null, "note": ""}`
	nullXML := `<backup><id type="integer">5</id><identifier nil="true"/><initiated nil="true"/>
		<backup_type nil="true"/><target_type nil="true"/><data_store_type nil="true"/>
		<operating_system nil="true"/><operating_system_distro nil="true"/><note></note></backup>`
	check := func(t *testing.T, b Backup, how string) {
		t.Helper()
		assert.Equal(t, codec.NewInt(5), b.ID, how)
		for name, valid := range map[string]bool{
			"identifier": b.Identifier.Valid, "initiated": b.Initiated.Valid, "backup_type": b.BackupType.Valid,
			"target_type": b.TargetType.Valid, "data_store_type": b.DataStoreType.Valid,
			"operating_system": b.OperatingSystem.Valid, "operating_system_distro": b.OperatingSystemDistro.Valid,
		} {
			assert.False(t, valid, "%s: null %s must stay absent, not become \"\"", how, name)
		}
		assert.Equal(t, codec.NewString(""), b.Note, "%s: \"\" is text", how)
		assert.False(t, b.IsIncremental(), how)
	}

	fast, err := decodeBackupsJSON([]byte(`[` + nullJSON + `, {"backup": ` + nullJSON + `}]`))
	require.NoError(t, err)
	require.Len(t, fast, 2)
	for i := range fast {
		check(t, fast[i], "one-pass list")
	}
	general, err := decodeBackupsJSON([]byte(`{"backups": [` + nullJSON + `]}`))
	require.NoError(t, err)
	require.Len(t, general, 1)
	check(t, general[0], "general list")
	one, err := decodeBackupJSON([]byte(`{"backup": ` + nullJSON + `}`))
	require.NoError(t, err)
	check(t, *one, "one backup")

	list, err := decodeBackupsXML([]byte(`<backups type="array">` + nullXML + `</backups>`))
	require.NoError(t, err)
	require.Len(t, list, 1)
	check(t, list[0], "XML list")
	oneXML, err := decodeBackupXML([]byte(nullXML))
	require.NoError(t, err)
	check(t, *oneXML, "XML backup")

	vms, err := decodeVirtualMachinesJSON([]byte(`[{"virtual_machine": {"id": 1, "identifier": null, "label": null, "hostname": null, "operating_system": null}}]`))
	require.NoError(t, err)
	require.Len(t, vms, 1)
	assert.False(t, vms[0].Identifier.Valid || vms[0].Label.Valid || vms[0].Hostname.Valid || vms[0].OperatingSystem.Valid, "%+v", vms[0])
	disks, err := decodeDisksXML([]byte(`<disks type="array"><disk><id>2</id><identifier nil="true"/><label nil="true"/></disk></disks>`))
	require.NoError(t, err)
	require.Len(t, disks, 1)
	assert.False(t, disks[0].Identifier.Valid || disks[0].Label.Valid, "%+v", disks[0])
	tmpl, err := decodeTemplateJSON([]byte(`{"image_template": {"id": 3, "label": null, "state": null, "operating_system": null}}`))
	require.NoError(t, err)
	assert.False(t, tmpl.Label.Valid || tmpl.State.Valid || tmpl.OperatingSystem.Valid, "%+v", tmpl)
}
