package onapp

// NewCreateResultForTest returns the result a create answered with the
// backup id, bound to c, as CreateNormal returns it: for tests of Wait
// against servers that answer no create.
func NewCreateResultForTest(c *Client, id int64) *CreateResult {
	return &CreateResult{Scheduled: true, StatusCode: 201, Backup: &Backup{ID: Int{Int64: id, Valid: true}}, client: c}
}
