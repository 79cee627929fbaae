package cloudbackup

// Test hooks: the handles a write returns, without the write, so that the
// call table can try their waits alone.

// RestoreResultOf returns the result of a restore whose task is jobID.
func RestoreResultOf(c *Client, jobID string) *RestoreResult {
	return &RestoreResult{JobID: jobID, client: c}
}

// CheckpointOf returns a created checkpoint with the given ID.
func CheckpointOf(c *Client, id string) *Checkpoint {
	return &Checkpoint{ID: id, Status: CheckpointStatusProtecting, client: c}
}
