package codec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
)

func TestTextKeepsNullAbsent(t *testing.T) {
	t.Parallel()
	type kind string
	type doc struct {
		A codec.Text[kind] `json:"a" xml:"a"`
		B codec.Text[kind] `json:"b" xml:"b"`
		C codec.Text[kind] `json:"c" xml:"c"`
		D codec.Text[kind] `json:"d" xml:"d"`
	}
	var v doc
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"a": "normal", "b": null, "c": "", "d": 5}`), &v))
	assert.Equal(t, codec.NewText[kind]("normal"), v.A)
	assert.False(t, v.B.Valid)
	assert.Equal(t, codec.NewText[kind](""), v.C)
	assert.Equal(t, codec.NewText[kind]("5"), v.D)
	out, err := codec.MarshalJSON(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"a": "normal", "b": null, "c": "", "d": "5"}`, string(out))

	v = doc{}
	require.NoError(t, codec.UnmarshalXML([]byte(`<r><a>incremental</a><b nil="true"/><c></c></r>`), &v))
	assert.Equal(t, codec.NewText[kind]("incremental"), v.A)
	assert.False(t, v.B.Valid)
	assert.Equal(t, codec.NewText[kind](""), v.C)
	assert.False(t, v.D.Valid, "missing")
	assert.Equal(t, kind("x"), v.B.Or("x"))
	got, ok := v.A.Get()
	assert.True(t, ok)
	assert.Equal(t, kind("incremental"), got)
}
