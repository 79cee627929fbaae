package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rootedProbe = NewRooted("disk", probeChildSchema)

// ns reads a list with r and returns each record's n.
func ns(t *testing.T, data string) ([]int64, error) {
	t.Helper()
	var out []int64
	err := rootedProbe.Each([]byte(data), "disks", func(c *probeChild, _ int) error {
		out = append(out, c.N.Int64)
		return nil
	})
	return out, err
}

// The shapes Rails renders a list in (include_root_in_json on or off, the
// list bare or under its plural name), as ../shared/notes/onapp.md lists
// them, all read alike.
func TestRootedEachReadsEveryRailsShape(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		`[{"disk":{"n":1}},{"disk":{"n":2}}]`,
		`[{"n":1},{"n":2}]`,
		`{"disks":[{"disk":{"n":1}},{"n":2}]}`,
		`{"Disks":[{"DISK":{"n":1}},{"n":2}]}`,
		// Under the root, what the bare members hold does not count.
		`[{"n":"x","disk":{"n":1}},{"n":2}]`,
	} {
		got, err := ns(t, data)
		require.NoError(t, err, data)
		assert.Equal(t, []int64{1, 2}, got, data)
	}
	for _, data := range []string{``, ` `, `null`, `[]`, `{"disks":null}`} {
		got, err := ns(t, data)
		require.NoError(t, err, "%q is an empty list", data)
		assert.Empty(t, got, data)
	}
}

func TestRootedEachRefuses(t *testing.T) {
	t.Parallel()
	for data, want := range map[string]string{
		`{"errors":["no"]}`:            ErrErrorDocument.Error(),
		`[{"error":"no"}]`:             "disk 0: " + ErrErrorDocument.Error(),
		`{"other":[]}`:                 "want a JSON array of disks, got an object",
		`"disks"`:                      "want a JSON array of disks, got a string",
		`[{"n":1},null]`:               "disk 1: want a JSON object (disk), got null",
		`[{"n":1},{"disk":[1]}]`:       "disk 1: disk: want a JSON object, got an array",
		`[{"Disk":{"n":1},"DISK":{}}]`: "disk 0: 2 members named disk in different cases",
		`{"Disks":[],"DISKS":[]}`:      "2 members named disks in different cases",
		`[{"n":"x"}]`:                  "disk 0: ",
		`[{"disk":{"n":1}}`:            "",
	} {
		_, err := ns(t, data)
		require.Error(t, err, data)
		assert.Contains(t, err.Error(), want, data)
	}
}

func TestRootedOne(t *testing.T) {
	t.Parallel()
	for _, data := range []string{`{"disk":{"n":3}}`, `{"n":3}`, ` {"Disk":{"n":3},"other":1} `} {
		c, err := rootedProbe.One([]byte(data))
		require.NoError(t, err, data)
		assert.Equal(t, NewInt(3), c.N, data)
	}
	_, err := rootedProbe.One([]byte("  "))
	assert.ErrorIs(t, err, ErrEmptyBody)
	_, err = rootedProbe.One([]byte(`{"errors":{"base":["no"]}}`))
	assert.ErrorIs(t, err, ErrErrorDocument)
	_, err = rootedProbe.One([]byte(`[{"n":3}]`))
	assert.EqualError(t, err, "want a JSON object (disk), got an array")
}

func TestRootedObject(t *testing.T) {
	t.Parallel()
	raw, err := RootedObject([]byte(`{"disk":{"n":"anything"},"x":1}`), "disk")
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":"anything"}`, string(raw), "the text under the root, not read")
	raw, err = RootedObject([]byte(` {"n":1} `), "disk")
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":1}`, string(raw), "a bare record is itself")
	_, err = RootedObject([]byte(`{"disk":7}`), "disk")
	assert.EqualError(t, err, "disk: want a JSON object, got a number")
	_, err = RootedObject([]byte(`{"error":"no"}`), "disk")
	assert.ErrorIs(t, err, ErrErrorDocument)
	_, err = RootedObject(nil, "disk")
	assert.ErrorIs(t, err, ErrEmptyBody)
}

func TestKindOfValue(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{``: "nothing", `-1`: "a number", `0`: "a number", `[`: "an array", `{}`: "an object", `"x"`: "a string", `null`: "null", `true`: "a boolean"} {
		assert.Equal(t, want, KindOfValue([]byte(v)), v)
	}
}
