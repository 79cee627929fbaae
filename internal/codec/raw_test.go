package codec_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
)

type withRaw struct {
	Result codec.RawJSON            `json:"result"`
	Extra  map[string]codec.RawJSON `json:"extra,omitempty"`
}

// RawJSON round-trips through encoding/json and json/v2 alike.
func TestRawJSONBothEncoders(t *testing.T) {
	t.Parallel()
	in := `{"result":{"a":[1,2]},"extra":{"k":"v"}}`
	var v2 withRaw
	require.NoError(t, codec.UnmarshalJSON([]byte(in), &v2))
	assert.JSONEq(t, `{"a":[1,2]}`, v2.Result.String())
	var v1 withRaw
	require.NoError(t, json.Unmarshal([]byte(in), &v1))
	assert.Equal(t, v2, v1)

	out1, err := json.Marshal(v1)
	require.NoError(t, err)
	out2, err := codec.MarshalJSON(v2)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out1))
	assert.JSONEq(t, in, string(out2))

	var empty withRaw
	out1, err = json.Marshal(empty)
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":null}`, string(out1))
	assert.True(t, empty.Result.IsNull())
	assert.False(t, v1.Result.IsNull())
}
