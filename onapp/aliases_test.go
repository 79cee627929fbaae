package onapp

import "github.com/backupsdk/backupsdk/internal/codec"

// The decoders of each record type and format by name, as the tests call
// them: each is what the client runs on an answer in that format.

func decodeBackupsJSON(data []byte) ([]Backup, error) { return backupRecords.list(JSON, data) }
func decodeBackupsXML(data []byte) ([]Backup, error)  { return backupRecords.list(XML, data) }
func decodeBackupJSON(data []byte) (*Backup, error)   { return backupRecords.one(JSON, data) }
func decodeBackupXML(data []byte) (*Backup, error)    { return backupRecords.one(XML, data) }

func decodeTemplateJSON(data []byte) (*ImageTemplate, error) { return templateRecords.one(JSON, data) }
func decodeTemplateXML(data []byte) (*ImageTemplate, error)  { return templateRecords.one(XML, data) }

func decodeVirtualMachinesJSON(data []byte) ([]VirtualMachine, error) {
	return virtualMachineRecords.list(JSON, data)
}
func decodeVirtualMachinesXML(data []byte) ([]VirtualMachine, error) {
	return virtualMachineRecords.list(XML, data)
}
func decodeVirtualMachineJSON(data []byte) (*VirtualMachine, error) {
	return virtualMachineRecords.one(JSON, data)
}
func decodeVirtualMachineXML(data []byte) (*VirtualMachine, error) {
	return virtualMachineRecords.one(XML, data)
}

func decodeDisksJSON(data []byte) ([]Disk, error) { return diskRecords.list(JSON, data) }
func decodeDisksXML(data []byte) ([]Disk, error)  { return diskRecords.list(XML, data) }

// jsonObject is the reader of one record that writes' answers go through.
func jsonObject(data []byte, root string) ([]byte, error) { return codec.RootedObject(data, root) }

// kindOf names a JSON value's kind as the decoders' errors do.
func kindOf(v []byte) string { return codec.KindOfValue(v) }
