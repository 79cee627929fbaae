package onapp

// NewCreateResultForTest returns the result a create answered with the
// backup id, bound to c, as CreateNormal returns it: for tests of Wait
// against servers that answer no create.
func NewCreateResultForTest(c *Client, id int64) *CreateResult {
	return &CreateResult{Scheduled: true, StatusCode: 201, Backup: &Backup{ID: Int{Int64: id, Valid: true}}, client: c}
}

// DecodeBackupsJSONForTest is the decoder Backups.List runs on a JSON
// answer, for the benchmarks of decoding alone.
func DecodeBackupsJSONForTest(data []byte) ([]Backup, error) { return decodeBackupsJSON(data) }

// DecodeBackupsXMLForTest is the decoder Backups.List runs on an XML
// answer, for the benchmarks of decoding alone.
func DecodeBackupsXMLForTest(data []byte) ([]Backup, error) { return decodeBackupsXML(data) }
