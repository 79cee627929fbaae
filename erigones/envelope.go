package erigones

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// envelope is every answer of the API but login, logout, task done and
// the task list: {"status": …, "result": …, "task_id": …}.
type envelope struct {
	Status TaskStatus
	Result jsontext.Value // a valid JSON value, "null" when absent or read into the caller's type
	TaskID string
}

// nullJSON returns a fresh JSON null (never a shared slice a caller could change).
func nullJSON() jsontext.Value { return jsontext.Value("null") }

// decodeEnvelope reads the envelope of an answer. It fails on a body that
// is not a JSON object with a known status; the result is kept raw for the
// caller to decode into its own type.
func decodeEnvelope(body []byte) (*envelope, error) {
	env, _, err := readEnvelope(body, nil)
	return env, err
}

// readEnvelope reads the envelope of an answer in one pass, as
// decodeEnvelope does; when out is not nil the result is decoded into it
// where it stands (the last one, when sent twice) rather than kept raw,
// and a result that does not fit is resultErr, not an error of the
// envelope. A result read into out that is not a SUCCESS's means nothing:
// the caller looks at the status first.
func readEnvelope(body []byte, out any) (env *envelope, resultErr, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, errors.New("empty body, want a JSON envelope")
	}
	if body[0] != '{' {
		return nil, nil, errors.New("not a JSON object, want an envelope")
	}
	raw := rawEnvelope{result: codec.Slot{Into: resultInto(out)}}
	if err := codec.DecodeInto(body, envelopeSchema, &raw, codec.Limits{}); err != nil {
		return nil, nil, err
	}
	if !raw.status.Valid {
		return nil, nil, errors.New("no status member, not an envelope")
	}
	status, ok := taskStatusOf(raw.status.Value)
	if !ok {
		return nil, nil, fmt.Errorf("unknown status %q", raw.status.Value)
	}
	res := jsontext.Value(raw.result.Raw)
	if len(res) == 0 {
		res = nullJSON()
	}
	return &envelope{Status: status, Result: res, TaskID: raw.taskID.Value}, raw.result.Err, nil
}

// rawEnvelope is the envelope as envelopeSchema reads it.
type rawEnvelope struct {
	status, taskID codec.String
	result         codec.Slot
}

// envelopeSchema reads the envelope's members, matched as json/v2 matches
// them with the codec's options; the others are skipped.
var envelopeSchema = codec.NewSchema(
	codec.StringMember("status", func(e *rawEnvelope) *codec.String { return &e.status }),
	codec.SlotMember("result", func(e *rawEnvelope) *codec.Slot { return &e.result }),
	codec.StringMember("task_id", func(e *rawEnvelope) *codec.String { return &e.taskID }),
)

// resultInto returns how a result is read into out (nil for none): the
// lists and objects of this package with their schemas, any other type
// (a list of names) by json/v2 from the result's text. Each reading starts
// from a zero value, so that a result sent twice gives the last one.
func resultInto(out any) func(d *codec.Decoder) error {
	switch p := out.(type) {
	case nil:
		return nil
	case *[]Backup:
		return codec.ListInto(backupSchema, p)
	case *[]BackupDefinition:
		return codec.ListInto(definitionSchema, p)
	case *Backup:
		return codec.ObjectInto(backupSchema, p)
	case *BackupDefinition:
		return codec.ObjectInto(definitionSchema, p)
	}
	return codec.ValueInto(out)
}

// taskStatusOf reads the envelope's status as the server spells it (any
// case, RETRY reported as PENDING); ok is false for an unknown one.
func taskStatusOf(s string) (TaskStatus, bool) {
	status := TaskStatus(strings.ToUpper(strings.TrimSpace(s)))
	switch status {
	case TaskPending, TaskStarted, TaskSuccess, TaskFailure, TaskRevoked:
	case TaskRetry:
		status = TaskPending
	default:
		return "", false
	}
	return status, true
}
