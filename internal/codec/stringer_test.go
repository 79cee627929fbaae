package codec_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/backupsdk/backupsdk/internal/codec"
)

type kind string

// Values print as what they hold, and absence says so: fmt.Println(b.ID,
// b.Note) printed "{4 true} {before upgrade true}".
func TestValuesPrint(t *testing.T) {
	t.Parallel()
	when := time.Date(2024, 3, 1, 12, 0, 0, 500_000_000, time.UTC)
	present := []fmt.Stringer{
		codec.Int{Int64: 4, Valid: true}, codec.Float{Float64: 1.5, Valid: true}, codec.Bool{Bool: false, Valid: true},
		codec.NewString("before upgrade"), codec.NewString(""), codec.Time{Time: when, Valid: true}, codec.NewText(kind("full")),
	}
	want := []string{"4", "1.5", "false", "before upgrade", "", "2024-03-01T12:00:00.5Z", "full"}
	for i, v := range present {
		assert.Equal(t, want[i], fmt.Sprint(v))
		assert.Equal(t, want[i], fmt.Sprintf("%v", v))
	}
	assert.Equal(t, "4 before upgrade", fmt.Sprintln(codec.Int{Int64: 4, Valid: true}, codec.NewString("before upgrade"))[:16])
	for _, v := range []fmt.Stringer{codec.Int{}, codec.Float{}, codec.Bool{}, codec.String{}, codec.Time{}, codec.Text[kind]{}} {
		assert.Equal(t, codec.Absent, fmt.Sprint(v), "%T", v)
	}
	// A zero that was sent is not absence.
	assert.Equal(t, "0", codec.Int{Valid: true}.String())
}
