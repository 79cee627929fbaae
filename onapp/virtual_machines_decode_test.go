package onapp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// The fixtures of this file follow the shapes of OnApp's public API
// reference for virtual servers and disks (see testdata/README.md): the
// shared API pages have no page for these calls.

// rendered is v as the golden files render it, to compare decodings.
func rendered(t *testing.T, v any) string {
	t.Helper()
	b, err := codec.MarshalJSONIndent(v)
	require.NoError(t, err)
	return string(b)
}

// TestInventorySamples decodes the virtual server and disk lists as Rails
// XML, root-wrapped JSON, bare JSON and JSON with numbers, booleans and
// times as strings: every form must give the same values, pinned by one
// golden file per list.
func TestInventorySamples(t *testing.T) {
	t.Parallel()
	t.Run("virtual-machines", func(t *testing.T) {
		t.Parallel()
		fromXML, err := decodeVirtualMachinesXML(golden.Read(t, "virtual-machines.xml"))
		require.NoError(t, err)
		require.Len(t, fromXML, 2)
		golden.AssertJSON(t, "virtual-machines", fromXML)
		for _, variant := range []string{"wrapped", "bare", "strings"} {
			got, err := decodeVirtualMachinesJSON(golden.Read(t, "virtual-machines."+variant+".json"))
			require.NoError(t, err, variant)
			assert.Equal(t, rendered(t, fromXML), rendered(t, got), variant)
			golden.AssertJSON(t, "virtual-machines", got)
		}
	})
	t.Run("virtual-machine", func(t *testing.T) {
		t.Parallel()
		fromXML, err := decodeVirtualMachineXML(golden.Read(t, "virtual-machine.xml"))
		require.NoError(t, err)
		golden.AssertJSON(t, "virtual-machine", fromXML)
		fromJSON, err := decodeVirtualMachineJSON(golden.Read(t, "virtual-machine.wrapped.json"))
		require.NoError(t, err)
		golden.AssertJSON(t, "virtual-machine", fromJSON)
		list, err := decodeVirtualMachinesXML(golden.Read(t, "virtual-machines.xml"))
		require.NoError(t, err)
		assert.Equal(t, rendered(t, list[0]), rendered(t, fromXML), "one server reads as in the list")
	})
	t.Run("disks", func(t *testing.T) {
		t.Parallel()
		fromXML, err := decodeDisksXML(golden.Read(t, "disks.xml"))
		require.NoError(t, err)
		require.Len(t, fromXML, 3)
		golden.AssertJSON(t, "disks", fromXML)
		for _, variant := range []string{"wrapped", "bare", "strings"} {
			got, err := decodeDisksJSON(golden.Read(t, "disks."+variant+".json"))
			require.NoError(t, err, variant)
			assert.Equal(t, rendered(t, fromXML), rendered(t, got), variant)
			golden.AssertJSON(t, "disks", got)
		}
	})
}

// TestInventorySampleValues checks the decoded samples field by field, so
// that the golden files are not the only witness. The nested ip_addresses
// (with their own id, created_at and user_id) must not leak into the
// server's fields.
func TestInventorySampleValues(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"virtual-machines.xml", "virtual-machines.wrapped.json"} {
		var (
			vms []VirtualMachine
			err error
		)
		if name == "virtual-machines.xml" {
			vms, err = decodeVirtualMachinesXML(golden.Read(t, name))
		} else {
			vms, err = decodeVirtualMachinesJSON(golden.Read(t, name))
		}
		require.NoError(t, err, name)
		require.Len(t, vms, 2, name)
		vm := vms[0]
		assert.Equal(t, codec.NewInt(74), vm.ID, name)
		assert.Equal(t, "hp3w06ai2h3k6d", vm.Identifier.Value, name)
		assert.Equal(t, "Stuarts VS", vm.Label.Value, name)
		assert.Equal(t, "stuart", vm.Hostname.Value, name)
		assert.Equal(t, codec.NewBool(true), vm.Booted, name)
		assert.Equal(t, codec.NewBool(true), vm.Built, name)
		assert.Equal(t, codec.NewBool(false), vm.Locked, name)
		assert.Equal(t, codec.NewBool(false), vm.Suspended, name)
		assert.Equal(t, "linux", vm.OperatingSystem.Value, name)
		assert.Equal(t, "ubuntu", vm.OperatingSystemDistro.Value, name)
		assert.Equal(t, codec.NewInt(6), vm.TemplateID, name)
		assert.Equal(t, codec.NewInt(8), vm.UserID, name, "not the ip address's null user_id")
		assert.Equal(t, codec.NewInt(128), vm.Memory, name)
		assert.Equal(t, codec.NewInt(1), vm.CPUs, name)
		assert.Equal(t, codec.NewInt(6), vm.TotalDiskSize, name)
		assert.True(t, vm.CreatedAt.Time.Equal(time.Date(2013, 12, 10, 9, 12, 41, 0, time.UTC)), name)
		assert.True(t, vm.UpdatedAt.Time.Equal(time.Date(2013, 12, 18, 11, 0, 47, 0, time.UTC)), name)

		other := vms[1]
		assert.Equal(t, int64(1187), other.ID.Int64, name)
		assert.Equal(t, codec.NewBool(false), other.Booted, name)
		assert.Equal(t, codec.NewBool(true), other.Locked, name)
		assert.Equal(t, int64(2), other.CPUs.Int64, name)
		assert.Equal(t, int64(2048), other.Memory.Int64, name)
		assert.Equal(t, int64(40), other.TotalDiskSize.Int64, name)
		_, off := other.CreatedAt.Time.Zone()
		assert.Equal(t, 3*3600, off, "%s: the +03:00 offset is kept", name)
	}

	disks, err := decodeDisksXML(golden.Read(t, "disks.xml"))
	require.NoError(t, err)
	require.Len(t, disks, 3)
	primary, swap, data := disks[0], disks[1], disks[2]
	assert.Equal(t, codec.NewInt(11860), primary.ID)
	assert.Equal(t, "q1xbhv7m0zt4cd", primary.Identifier.Value)
	assert.Equal(t, "Backup target Disk", primary.Label.Value)
	assert.Equal(t, codec.NewInt(5), primary.DiskSize)
	assert.Equal(t, codec.NewBool(true), primary.Primary)
	assert.Equal(t, codec.NewBool(false), primary.IsSwap)
	assert.False(t, primary.MountPoint.Valid, "mount_point nil=\"true\" must be absent, not \"\"")
	assert.Equal(t, codec.NewBool(true), primary.Built)
	assert.Equal(t, codec.NewBool(true), primary.Locked)
	assert.Equal(t, codec.NewInt(1), primary.DataStoreID)
	assert.Equal(t, codec.NewInt(1187), primary.VirtualMachineID)
	assert.True(t, primary.CreatedAt.Time.Equal(time.Date(2013, 12, 20, 13, 5, 34, 0, time.UTC)))
	assert.True(t, primary.UpdatedAt.Time.Equal(time.Date(2013, 12, 24, 11, 31, 20, 0, time.UTC)))
	assert.Equal(t, codec.NewBool(true), swap.IsSwap)
	assert.Equal(t, codec.NewBool(false), swap.Primary)
	assert.Equal(t, int64(1), swap.DiskSize.Int64)
	assert.Equal(t, codec.NewString("/data"), data.MountPoint)
	assert.Equal(t, codec.NewInt(4), data.DataStoreID)
	assert.Equal(t, int64(34), data.DiskSize.Int64)
}

func TestInventoryListShapes(t *testing.T) {
	t.Parallel()
	vmJSON := map[string]struct {
		body string
		ids  []int64
	}{
		"empty body":    {"", nil},
		"null":          {"null", nil},
		"empty array":   {"[]", nil},
		"wrapped":       {`[{"virtual_machine":{"id":1}},{"virtual_machine":{"id":"2"}}]`, []int64{1, 2}},
		"bare":          {`[{"id":3,"label":"x","virtual_machine_id":9}]`, []int64{3}},
		"mixed":         {`[{"virtual_machine":{"id":4}},{"id":5}]`, []int64{4, 5}},
		"plural object": {`{"virtual_machines":[{"virtual_machine":{"id":6}}]}`, []int64{6}},
		"any case":      {`[{"Virtual_Machine":{"ID":7}}]`, []int64{7}},
	}
	for name, tc := range vmJSON {
		got, err := decodeVirtualMachinesJSON([]byte(tc.body))
		require.NoError(t, err, name)
		require.NotNil(t, got, "%s: an empty list is an empty slice", name)
		var ids []int64
		for _, vm := range got {
			ids = append(ids, vm.ID.Int64)
		}
		assert.Equal(t, tc.ids, ids, name)
	}
	diskJSON := map[string]struct {
		body string
		ids  []int64
	}{
		"empty body":     {" ", nil},
		"empty array":    {"[ ]", nil},
		"wrapped, extra": {`[{"disk":{"id":11},"extra":1}]`, []int64{11}},
		"wrapped only":   {`[{"disk":{"id":11}}]`, []int64{11}},
		"plural object":  {`{"disks":[{"id":"12"}]}`, []int64{12}},
	}
	for name, tc := range diskJSON {
		got, err := decodeDisksJSON([]byte(tc.body))
		require.NoError(t, err, name)
		require.NotNil(t, got, name)
		var ids []int64
		for _, d := range got {
			ids = append(ids, d.ID.Int64)
		}
		assert.Equal(t, tc.ids, ids, name)
	}

	for name, body := range map[string]string{
		"empty body":       "",
		"declaration only": `<?xml version="1.0"?>`,
		"rails empty":      xmlDecl + `<nil-classes type="array"/>`,
		"empty list":       `<virtual_machines type="array"/>`,
	} {
		vms, err := decodeVirtualMachinesXML([]byte(body))
		require.NoError(t, err, name)
		assert.NotNil(t, vms, name)
		assert.Empty(t, vms, name)
		disks, err := decodeDisksXML([]byte(body))
		require.NoError(t, err, name)
		assert.NotNil(t, disks, name)
		assert.Empty(t, disks, name)
	}

	// Nulls and odd scalars: absent, never a made-up zero.
	vms, err := decodeVirtualMachinesXML([]byte(`<virtual_machines type="array"><virtual_machine>
<id type="integer">9</id><booted nil="true"/><memory>512</memory><cpus type="integer"> 2 </cpus>
<template_id nil="true"/><updated_at type="datetime"></updated_at><hostname nil="true"/>
</virtual_machine></virtual_machines>`))
	require.NoError(t, err)
	require.Len(t, vms, 1)
	assert.Equal(t, int64(9), vms[0].ID.Int64)
	assert.False(t, vms[0].Booted.Valid)
	assert.Equal(t, codec.NewInt(512), vms[0].Memory)
	assert.Equal(t, codec.NewInt(2), vms[0].CPUs)
	assert.False(t, vms[0].TemplateID.Valid)
	assert.False(t, vms[0].UpdatedAt.Valid)
	assert.False(t, vms[0].Hostname.Valid, `<hostname nil="true"/> stays absent`)

	disks, err := decodeDisksJSON([]byte(`[{"disk":{"id":1,"disk_size":"20","primary":1,"is_swap":"false",
		"mount_point":"","created_at":"","updated_at":null,"data_store_id":null}}]`))
	require.NoError(t, err)
	require.Len(t, disks, 1)
	assert.Equal(t, codec.NewInt(20), disks[0].DiskSize)
	assert.Equal(t, codec.NewBool(true), disks[0].Primary)
	assert.Equal(t, codec.NewBool(false), disks[0].IsSwap)
	assert.Equal(t, codec.NewString(""), disks[0].MountPoint, "an empty mount point is kept as text")
	assert.False(t, disks[0].CreatedAt.Valid)
	assert.False(t, disks[0].UpdatedAt.Valid)
	assert.False(t, disks[0].DataStoreID.Valid)
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func TestInventoryDecodeErrors(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not json":        `<html>`,
		"object":          `{"id":1}`,
		"item not object": `[1]`,
		"bad memory":      `[{"virtual_machine":{"memory":"lots"}}]`,
		"bad time":        `[{"virtual_machine":{"created_at":"last week"}}]`,
		"bad bool":        `[{"virtual_machine":{"booted":"maybe"}}]`,
		"truncated":       `[{"virtual_machine":{"id":1}`,
		"wrapped scalar":  `[{"virtual_machine":7}]`,
	} {
		_, err := decodeVirtualMachinesJSON([]byte(body))
		assert.Error(t, err, name)
	}
	_, err := decodeDisksJSON([]byte(`[{"disk":{"disk_size":true}}]`))
	assert.ErrorContains(t, err, "disk 0")
	for name, body := range map[string]string{
		"truncated": `<virtual_machines><virtual_machine><id>1</id>`,
		"bad int":   `<disks><disk><disk_size type="integer">big</disk_size></disk></disks>`,
		"not xml":   `[{"disk":{"id":1}}]`,
	} {
		_, err := decodeDisksXML([]byte(body))
		assert.Error(t, err, name)
	}

	// Error documents inside a success answer are reported as such.
	_, err = decodeVirtualMachinesJSON([]byte(`{"errors":["boom"]}`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeVirtualMachineJSON([]byte(`{"error":"boom"}`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeVirtualMachinesXML([]byte(`<errors><error>boom</error></errors>`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeDisksXML([]byte(`<errors><error>boom</error></errors>`))
	assert.ErrorIs(t, err, errErrorDocument)
	_, err = decodeVirtualMachineXML([]byte(`<errors><error>boom</error></errors>`))
	assert.ErrorIs(t, err, errErrorDocument)

	// A single server must be one.
	_, err = decodeVirtualMachineJSON(nil)
	assert.ErrorIs(t, err, errEmptyBody)
	_, err = decodeVirtualMachineXML([]byte(`<disk><id>1</id></disk>`))
	assert.ErrorContains(t, err, "want an XML <virtual_machine> document, got <disk>")
	_, err = decodeVirtualMachineJSON([]byte(`[{"id":1}]`))
	assert.ErrorContains(t, err, "got an array")
}
