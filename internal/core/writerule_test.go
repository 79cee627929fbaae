package core_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
)

// A request that does not say whether it is a read or a write is refused
// before any I/O: its retry safety is never guessed from the method.
func TestUndeclaredKindIsRefusedBeforeIO(t *testing.T) {
	t.Parallel()
	srv, hits := countingServer(t, behaviour{status: 200})
	c := newClient(t, srv.URL)
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		for _, k := range []core.Kind{0, core.Kind(3), core.Kind(-1)} {
			_, err := c.Do(context.Background(), &core.Request{Method: m, Path: "/backups/{id}", PathParams: []string{"7"}, Kind: k}, nil)
			require.ErrorIs(t, err, core.ErrUndeclaredKind, "%s kind %d", m, k)
			assert.Equal(t, "test: "+m+" /backups/{id}: request declares neither core.Read nor core.Write", err.Error(), "the error names the call")
		}
	}
	assert.Equal(t, int64(0), hits.Load(), "nothing was sent")
}

func TestNilContextIsAnError(t *testing.T) {
	t.Parallel()
	srv, hits := countingServer(t, behaviour{status: 200})
	//nolint:staticcheck // a nil context is the input under test
	_, err := newClient(t, srv.URL).Do(nil, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, core.ErrNilContext)
	assert.Equal(t, int64(0), hits.Load())
}
