package onapp

import (
	"testing"

	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeBackupsXML feeds the XML list decoder (and the single-object
// decoders) arbitrary documents, seeded with the documented samples and the
// odd shapes real servers send. It must never panic; a success is a non-nil
// list, and decoding is deterministic.
func FuzzDecodeBackupsXML(f *testing.F) {
	for _, name := range []string{"incremental-backups.xml", "normal-backups.xml", "scheduled-backup.xml"} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``,
		`<?xml version="1.0" encoding="UTF-8"?><nil-classes type="array"/>`,
		`<backups type="array"/>`,
		`<backups><backup><id nil="true"/><backup_size type="integer"> 12 </backup_size><built type="boolean">1</built></backup></backups>`,
		`<backups><backup><built_at type="datetime"></built_at><created_at>2014-01-13T14:41:31.000+02:00</created_at></backup></backups>`,
		`<backups><backup><allowed_resize_without_reboot>true</allowed_resize_without_reboot></backup></backups>`,
		`<errors><error>Backup not found</error></errors>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><backups><backup><note>caf` + "\xe9" + `</note></backup></backups>`,
		`<backups><backup><backup_size>1.5e3</backup_size></backup></backups>`,
		`{"backups":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := decodeBackupsXML(data)
		if err == nil {
			if list == nil {
				t.Fatal("nil list without an error")
			}
			again, err2 := decodeBackupsXML(data)
			if err2 != nil || len(again) != len(list) {
				t.Fatalf("decoding is not deterministic: %v / %d vs %d items", err2, len(again), len(list))
			}
		}
		if b, err := decodeBackupXML(data); err == nil && b == nil {
			t.Fatal("nil backup without an error")
		}
		if tmpl, err := decodeTemplateXML(data); err == nil && tmpl == nil {
			t.Fatal("nil template without an error")
		}
	})
}

// FuzzDecodeBackupsJSON feeds the JSON list decoder (and the single-object
// decoders) arbitrary bodies, seeded with the samples as root-wrapped, bare
// and stringly-typed JSON and the odd shapes from the notes. It must never
// panic; a success is a non-nil list, and decoding is deterministic.
func FuzzDecodeBackupsJSON(f *testing.F) {
	for _, name := range []string{
		"incremental-backups.wrapped.json", "incremental-backups.bare.json", "incremental-backups.strings.json",
		"normal-backups.wrapped.json", "normal-backups.bare.json", "normal-backups.strings.json",
		"scheduled-backup.empty-times.json", "scheduled-backup.null-times.json", "scheduled-backup.missing.json",
	} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `[null]`, `"x"`,
		`[{"backup":{"backup_size":"1121652","built_at":"","created_at":null}}]`,
		`{"backups":[{"id":"1"}]}`,
		`{"errors":{"base":["Backup is locked"]}}`,
		`[{"backup":{"id":1e3,"built":"t","built_at":1389624091}}]`,
		`[{"BACKUP":{"ID":1}},{"id":2,"id":3}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := decodeBackupsJSON(data)
		if err == nil {
			if list == nil {
				t.Fatal("nil list without an error")
			}
			again, err2 := decodeBackupsJSON(data)
			if err2 != nil || len(again) != len(list) {
				t.Fatalf("decoding is not deterministic: %v / %d vs %d items", err2, len(again), len(list))
			}
		}
		if b, err := decodeBackupJSON(data); err == nil && b == nil {
			t.Fatal("nil backup without an error")
		}
		if tmpl, err := decodeTemplateJSON(data); err == nil && tmpl == nil {
			t.Fatal("nil template without an error")
		}
	})
}

// FuzzDecodeInventoryXML feeds the virtual server and disk decoders
// arbitrary XML documents, seeded with the fixtures in OnApp's shape and
// odd shapes. They must never panic; a success is a non-nil list, and
// decoding is deterministic.
func FuzzDecodeInventoryXML(f *testing.F) {
	for _, name := range []string{"virtual-machines.xml", "virtual-machine.xml", "disks.xml"} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``,
		`<?xml version="1.0" encoding="UTF-8"?><nil-classes type="array"/>`,
		`<virtual_machines type="array"/>`,
		`<virtual_machines><virtual_machine><id nil="true"/><memory type="integer"> 512 </memory><booted type="boolean">1</booted></virtual_machine></virtual_machines>`,
		`<virtual_machine><ip_addresses type="array"><ip_address><id type="integer">3</id></ip_address></ip_addresses></virtual_machine>`,
		`<disks><disk><mount_point nil="true"/><created_at type="datetime"></created_at></disk></disks>`,
		`<errors><error>VirtualMachine not found</error></errors>`,
		`[{"disk":{"id":1}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if vms, err := decodeVirtualMachinesXML(data); err == nil {
			if vms == nil {
				t.Fatal("nil list without an error")
			}
			again, err2 := decodeVirtualMachinesXML(data)
			if err2 != nil || len(again) != len(vms) {
				t.Fatalf("decoding is not deterministic: %v / %d vs %d items", err2, len(again), len(vms))
			}
		}
		if disks, err := decodeDisksXML(data); err == nil && disks == nil {
			t.Fatal("nil disk list without an error")
		}
		if vm, err := decodeVirtualMachineXML(data); err == nil && vm == nil {
			t.Fatal("nil virtual server without an error")
		}
	})
}

// FuzzDecodeInventoryJSON feeds the virtual server and disk decoders
// arbitrary JSON bodies, seeded with the fixtures as root-wrapped, bare
// and stringly-typed JSON and odd shapes. They must never panic; a success
// is a non-nil list, and decoding is deterministic.
func FuzzDecodeInventoryJSON(f *testing.F) {
	for _, name := range []string{
		"virtual-machines.wrapped.json", "virtual-machines.bare.json", "virtual-machines.strings.json",
		"virtual-machine.wrapped.json", "disks.wrapped.json", "disks.bare.json", "disks.strings.json",
	} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `[null]`, `"x"`,
		`[{"virtual_machine":{"memory":"2048","created_at":"","booted":null}}]`,
		`{"virtual_machines":[{"id":"1"}]}`,
		`{"disks":[{"disk":{"mount_point":"/data","is_swap":"f"}}]}`,
		`{"errors":["VirtualMachine not found"]}`,
		`[{"VIRTUAL_MACHINE":{"ID":1}},{"id":2,"id":3}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if vms, err := decodeVirtualMachinesJSON(data); err == nil {
			if vms == nil {
				t.Fatal("nil list without an error")
			}
			again, err2 := decodeVirtualMachinesJSON(data)
			if err2 != nil || len(again) != len(vms) {
				t.Fatalf("decoding is not deterministic: %v / %d vs %d items", err2, len(again), len(vms))
			}
		}
		if disks, err := decodeDisksJSON(data); err == nil && disks == nil {
			t.Fatal("nil disk list without an error")
		}
		if vm, err := decodeVirtualMachineJSON(data); err == nil && vm == nil {
			t.Fatal("nil virtual server without an error")
		}
	})
}
