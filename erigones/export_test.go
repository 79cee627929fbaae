package erigones

// DecodeBackupListForTest is what Backups.List runs on the answer's body:
// the envelope read in one pass, its result decoded into the list. For the
// benchmarks of decoding alone.
func DecodeBackupListForTest(body []byte) ([]Backup, error) {
	var out []Backup
	_, resultErr, err := readEnvelope(body, &out)
	if err == nil {
		err = resultErr
	}
	return out, err
}
