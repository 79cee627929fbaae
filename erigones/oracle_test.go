package erigones

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The oracle of the engine's decoding of answers: json/v2 with the codec's
// options into the same shapes, as the package decoded them before the
// engine (the envelope into a struct with the result kept raw, then the
// result decoded again into the caller's type through reflection).
// FuzzReadAgainstOracle holds readEnvelope and decodeEnvelope to it.

// oracleDecodeEnvelope is decodeEnvelope as json/v2 reads it.
func oracleDecodeEnvelope(body []byte) (*envelope, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body, want a JSON envelope")
	}
	if body[0] != '{' {
		return nil, errors.New("not a JSON object, want an envelope")
	}
	var raw struct {
		Status codec.String   `json:"status"`
		Result jsontext.Value `json:"result"`
		TaskID codec.String   `json:"task_id"`
	}
	if err := codec.UnmarshalJSON(body, &raw); err != nil {
		return nil, err
	}
	if !raw.Status.Valid {
		return nil, errors.New("no status member, not an envelope")
	}
	status, ok := taskStatusOf(raw.Status.Value)
	if !ok {
		return nil, fmt.Errorf("unknown status %q", raw.Status.Value)
	}
	res := raw.Result
	if len(res) == 0 {
		res = nullJSON()
	}
	return &envelope{Status: status, Result: res, TaskID: raw.TaskID.Value}, nil
}

// errNotSuccess stands for the errors sync makes of a well-formed answer
// that is not a SUCCESS (an *APIError, a task started).
var errNotSuccess = errors.New("not a SUCCESS")

// oracleRead is what sync made of a read's answer before the engine: the
// envelope, then its result decoded again into out.
func oracleRead(body []byte, out any) error {
	env, err := oracleDecodeEnvelope(body)
	if err != nil {
		return err
	}
	if env.Status != TaskSuccess {
		return errNotSuccess
	}
	return codec.UnmarshalJSON(env.Result, out)
}

// engineRead is what sync makes of a read's answer: readEnvelope, then the
// status, then the result's fit, in sync's order.
func engineRead(body []byte, out any) error {
	env, resultErr, err := readEnvelope(body, out)
	if err != nil {
		return err
	}
	if env.Status != TaskSuccess {
		return errNotSuccess
	}
	return resultErr
}
