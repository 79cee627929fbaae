package codec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
)

type lenientInner struct {
	Size  codec.Int    `json:"size"`
	Count int          `json:"count"`
	Label codec.String `json:"label"`
}

type lenientAnswer struct {
	ID      codec.String   `json:"id"`
	Status  codec.String   `json:"status"`
	Created codec.Time     `json:"created_at"`
	Items   []lenientInner `json:"items"`
	Inner   lenientInner   `json:"inner"`
}

func TestUnmarshalJSONLenientKeepsTheResult(t *testing.T) {
	t.Parallel()
	// The vendor SDK types checkpoint sizes as strings: "12 GB" is no
	// integer, but the write's id and status must survive it.
	body := `{"id":"cp-1","status":"protecting","created_at":"not a time",
		"items":[{"size":"12 GB","count":2,"label":"a"},{"size":3,"count":"x","label":"b"}],
		"inner":{"size":5,"count":1,"label":{"text":"x"}}}`
	var out lenientAnswer
	problems, err := codec.UnmarshalJSONLenient([]byte(body), &out)
	require.NoError(t, err)
	assert.Equal(t, "cp-1", out.ID.String)
	assert.Equal(t, "protecting", out.Status.String)
	assert.False(t, out.Created.Valid, "an unreadable time stays absent")
	require.Len(t, out.Items, 2)
	assert.False(t, out.Items[0].Size.Valid)
	assert.Equal(t, 2, out.Items[0].Count)
	assert.Equal(t, "a", out.Items[0].Label.String)
	assert.Equal(t, int64(3), out.Items[1].Size.Int64)
	assert.Zero(t, out.Items[1].Count)
	assert.Equal(t, int64(5), out.Inner.Size.Int64)
	assert.False(t, out.Inner.Label.Valid, "an object for a string stays absent")

	var ptrs []string
	for _, p := range problems {
		ptrs = append(ptrs, p.Pointer)
	}
	assert.Equal(t, []string{"/created_at", "/items/0/size", "/items/1/count", "/inner/label"}, ptrs)
	var fe *codec.FieldError
	require.ErrorAs(t, problems, &fe)
	assert.Contains(t, problems.Error(), "/items/0/size")
}

func TestUnmarshalJSONLenientCleanAnswer(t *testing.T) {
	t.Parallel()
	var out lenientAnswer
	problems, err := codec.UnmarshalJSONLenient([]byte(`{"id":"x","items":[{"size":"7"}]}`), &out)
	require.NoError(t, err)
	assert.Nil(t, problems)
	assert.Equal(t, int64(7), out.Items[0].Size.Int64)
}

func TestUnmarshalJSONLenientRefusesWhatIsNotTheAnswer(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not JSON":       `<html>`,
		"cut off":        `{"id":"x","items":[`,
		"array for obj":  `[1,2]`,
		"string for obj": `"ok"`,
		"too many bad":   `{"items":[` + strings.Repeat(`{"count":"x"},`, 70) + `{}]}`,
		"too deep":       strings.Repeat(`[`, 20000) + strings.Repeat(`]`, 20000),
	} {
		var out lenientAnswer
		_, err := codec.UnmarshalJSONLenient([]byte(body), &out)
		assert.Error(t, err, name)
	}
	var le *codec.LimitError
	_, err := codec.UnmarshalJSONLenient([]byte(`{"items":`+strings.Repeat(`[`, 20000)+strings.Repeat(`]`, 20000)+`}`), &lenientAnswer{})
	assert.True(t, errors.As(err, &le), "the memory budget holds: %v", err)
}
