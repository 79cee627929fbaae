package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A record read bare (Lift) or under a root name (ReplaceObjectMember),
// the errors of either kept rather than returned, as OnApp's items need.
type liftProbe struct {
	bare    probe
	bareErr []error
	root    probeChild
	roots   int
	rootErr error
}

var liftProbeSchema = NewSchema(append(
	Lift(probeSchema, func(l *liftProbe) *probe { return &l.bare }, func(l *liftProbe, err error) { l.bareErr = append(l.bareErr, err) }),
	ReplaceObjectMember("root", probeChildSchema, func(l *liftProbe) *probeChild { return &l.root }, func(l *liftProbe, err error) {
		if err == nil {
			l.roots++
		}
		l.rootErr = err
	}).Strict(),
)...)

func TestLiftKeepsErrorsAndReadsOn(t *testing.T) {
	t.Parallel()
	l, err := DecodeObject([]byte(`{"id":"x","child":{"n":"bad","label":"skipped","deep":[{"a":[1]}]},"name":"after","ID":7}`), liftProbeSchema, Limits{})
	require.NoError(t, err, "a member that does not fit is not the object's error")
	require.Len(t, l.bareErr, 2, "both members that did not fit are handed over")
	assert.Equal(t, NewString("after"), l.bare.Name, "the members after a failed nested object are read")
	assert.Equal(t, NewInt(7), l.bare.ID, "matched ignoring case, as in the record's own schema")

	_, err = DecodeObject([]byte(`{"id":1,"child":{"n":"bad",}}`), liftProbeSchema, Limits{})
	assert.Error(t, err, "broken JSON still ends the object")
}

func TestReplaceObjectMemberLastCounts(t *testing.T) {
	t.Parallel()
	l, err := DecodeObject([]byte(`{"root":{"n":"bad"},"root":{"label":"b"}}`), liftProbeSchema, Limits{})
	require.NoError(t, err)
	assert.NoError(t, l.rootErr, "a later object replaces one that did not fit")
	assert.Equal(t, probeChild{Label: NewString("b")}, l.root, "the object is read afresh")
	assert.Equal(t, 2, l.roots)

	l, err = DecodeObject([]byte(`{"root":{"n":1},"root":[1]}`), liftProbeSchema, Limits{})
	require.NoError(t, err)
	var notObject *NotObjectError
	require.ErrorAs(t, l.rootErr, &notObject)
	assert.Equal(t, "want a JSON object, got an array", l.rootErr.Error())

	l, err = DecodeObject([]byte(`{"ROOT":{"n":1}}`), liftProbeSchema, Limits{})
	require.NoError(t, err)
	assert.Zero(t, l.roots, "a strict root name matches only as spelled")
}

func TestDecodeEach(t *testing.T) {
	t.Parallel()
	var ns []int64
	var hints []int
	collect := func(c *probeChild, hint int) error {
		ns = append(ns, c.N.Int64)
		hints = append(hints, hint)
		return nil
	}
	require.NoError(t, DecodeEach([]byte(`[{"n":1},{"n":2,"label":"x"},{"n":3}]`), probeChildSchema, Limits{}, collect))
	assert.Equal(t, []int64{1, 2, 3}, ns)
	assert.Equal(t, 0, hints[1], "the hint comes with the first item only")
	assert.Positive(t, hints[0])

	ns, hints = nil, nil
	require.NoError(t, DecodeEach([]byte(` null `), probeChildSchema, Limits{}, collect))
	assert.Empty(t, ns)

	body := []byte(`[{"n":1}` + strings.Repeat(" ", 1<<20) + `]`)
	require.NoError(t, DecodeEach(body, probeChildSchema, Limits{}, collect))
	assert.LessOrEqual(t, hints[0], maxPresize, "a large body does not size the list beyond the bound")

	var le *LimitError
	assert.ErrorAs(t, DecodeEach([]byte(`[{},{},{}]`), probeChildSchema, Limits{ListMax: 2}, collect), &le)
	var se *SemanticError
	assert.ErrorAs(t, DecodeEach([]byte(`{"n":1}`), probeChildSchema, Limits{}, collect), &se)
	assert.Error(t, DecodeEach([]byte(`[{"n":1}] x`), probeChildSchema, Limits{}, collect))

	stop := errors.New("stop")
	calls := 0
	err := DecodeEach([]byte(`[{},{}]`), probeChildSchema, Limits{}, func(*probeChild, int) error { calls++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls, "an item's error ends the list")
}
