package codec

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lenientItem struct {
	ID   string `json:"id"`
	Size Int    `json:"size"`
	Name string `json:"name"`
}

type lenientDoc struct {
	Result struct {
		ID     string        `json:"id"`
		Status string        `json:"status"`
		Count  int           `json:"count"`
		Items  []lenientItem `json:"items"`
		Nested struct {
			When Time `json:"when"`
		} `json:"nested"`
	} `json:"result"`
}

// TestUnmarshalJSONLenient: members that do not fit their fields are left
// out and reported by path; everything else is decoded.
func TestUnmarshalJSONLenient(t *testing.T) {
	t.Parallel()
	var d lenientDoc
	fields, err := UnmarshalJSONLenient([]byte(`{"result": {
		"id": "r-1", "status": "ok", "count": "many",
		"items": [{"id": "a", "size": "40"}, {"id": "b", "size": "1.5", "name": 7}, {"ID": "c", "Size": {"gb": 1}}],
		"nested": {"when": true}}}`), &d, Limits{})
	require.NoError(t, err)
	assert.Equal(t, "r-1", d.Result.ID, "the identifying fields are kept")
	assert.Equal(t, "ok", d.Result.Status)
	assert.Zero(t, d.Result.Count)
	require.Len(t, d.Result.Items, 3)
	assert.Equal(t, int64(40), d.Result.Items[0].Size.Or(0), "a numeric string is no problem")
	assert.Equal(t, "b", d.Result.Items[1].ID)
	assert.False(t, d.Result.Items[1].Size.Valid, "left out: absent, not zero")
	assert.Equal(t, "c", d.Result.Items[2].ID, "names matched ignoring case are found again")
	assert.False(t, d.Result.Nested.When.Valid)
	assert.ElementsMatch(t, []string{"/result/count", "/result/items/1/size", "/result/items/1/name", "/result/items/2/Size", "/result/nested/when"},
		fields.Paths())
	var se *ScalarError
	assert.True(t, errors.As(fields, &se), "the reasons are reachable")
	assert.Contains(t, fields.Error(), "at /result/items/1/size: ")

	// A document that fits has no field errors.
	fields, err = UnmarshalJSONLenient([]byte(`{"result": {"id": "x", "count": 2}}`), &d, Limits{})
	require.NoError(t, err)
	assert.Empty(t, fields)
	assert.Equal(t, 2, d.Result.Count)
	assert.Nil(t, d.Result.Items, "v is reset, not merged")
}

func TestUnmarshalJSONLenientFailures(t *testing.T) {
	t.Parallel()
	var d lenientDoc
	for name, body := range map[string]string{
		"not JSON":        `<html>busy</html>`,
		"cut off":         `{"result": {"id": "x"`,
		"top-level array": `[1, 2]`,
	} {
		_, err := UnmarshalJSONLenient([]byte(body), &d, Limits{})
		assert.Error(t, err, name)
	}
	_, err := UnmarshalJSONLenient([]byte(`{"items": [{}, {}, {}]}`), &d, Limits{ListMember: "items", ListMax: 2})
	var le *LimitError
	assert.ErrorAs(t, err, &le, "limits apply")
	_, err = UnmarshalJSONLenient([]byte(`{}`), d, Limits{})
	assert.Error(t, err, "a non-pointer")

	// More than the bound of bad members is an error, not a loop.
	body := []byte(`{"result": {"items": [`)
	for i := range 40 {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, `{"size": "x"}`...)
	}
	body = append(body, "]}}"...)
	fields, err := UnmarshalJSONLenient(body, &d, Limits{})
	assert.Error(t, err)
	assert.Len(t, fields, maxFieldErrors)
}

// FuzzUnmarshalJSONLenient: any document ends in a result or an error,
// never a panic or a loop, and a document that decodes strictly decodes
// leniently to the same value with no field errors.
func FuzzUnmarshalJSONLenient(f *testing.F) {
	for _, s := range []string{
		`{"result": {"id": "r", "count": "x", "items": [{"size": "1.5"}, {"Size": {}}], "nested": {"when": 1}}}`,
		`{"result": {"id": 1, "status": [], "items": {}}}`, `{"RESULT": {"ID": "a"}}`, `null`, `[]`, `"x"`, `{`,
		`{"result": {"items": [{"size": "1"}, {"size": "1"}, {"size": "1"}], "items": null}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var lenient lenientDoc
		fields, err := UnmarshalJSONLenient([]byte(data), &lenient, Limits{})
		if len(fields) > maxFieldErrors {
			t.Fatalf("%d field errors", len(fields))
		}
		var strict lenientDoc
		if UnmarshalJSON([]byte(data), &strict) == nil {
			if err != nil || len(fields) > 0 {
				t.Fatalf("strict decoding succeeds, lenient reports %v / %v", err, fields)
			}
			a, _ := MarshalJSON(strict)
			b, _ := MarshalJSON(lenient)
			if string(a) != string(b) {
				t.Fatalf("lenient %s, strict %s", b, a)
			}
		}
	})
}
