package main

import (
	"fmt"
	"net/http"
	"strconv"
)

// actionResult is what an action prints with -o json when the API answers
// it without a body (a delete): which backup of which provider it was done
// to.
type actionResult struct {
	// Provider is onapp, erigones, unitrends or cloudbackup.
	Provider string `json:"provider"`
	// Action is what was done: "delete".
	Action string `json:"action"`
	// ID is the backup.
	ID string `json:"id"`
	// Owner is what the backup protects, where the API names backups by it
	// (the Erigones VM).
	Owner string `json:"owner,omitzero"`
}

// deleted reports a deletion: a sentence, or with -o json an array of one
// actionResult.
func (s *session) deleted(provider, id, owner string) error {
	if s.format == formatJSON {
		return writeJSON(s.stdout, []actionResult{{Provider: provider, Action: "delete", ID: id, Owner: owner}})
	}
	what := "backup " + id
	if owner != "" {
		what += " of " + owner
	}
	_, err := fmt.Fprintf(s.stdout, "deleted %s\n", what)
	return err
}

// httpStatusText is the text of an HTTP status, or its number.
func httpStatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "status " + strconv.Itoa(code)
}
