package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// writeJSON writes v as indented JSON and a newline. It uses the same JSON
// engine as the SDK (encoding/json/v2), so the SDK's typed values come out
// as they define themselves: the API's member names, null for absent
// tolerant values, unknown members kept where the type keeps them. Like
// the SDK's decoder it tolerates duplicate member names and invalid UTF-8
// in those kept members, so whatever a server sent can be written out.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v,
		json.Deterministic(true),
		jsontext.WithIndent("  "),
		jsontext.AllowDuplicateNames(true),
		jsontext.AllowInvalidUTF8(true))
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// emit writes rows as the session's format asks: a JSON array of the values
// (with -o json), or the table text renders. rows may be empty; JSON then is
// [].
func emit[T any](s *session, rows []T, text func(t *table)) error {
	if s.format == formatJSON {
		if rows == nil {
			rows = []T{}
		}
		return writeJSON(s.stdout, rows)
	}
	t := newTable(s.stdout)
	text(t)
	return t.flush()
}

// table is an aligned text table: a header and rows, columns separated by
// at least two spaces.
type table struct {
	tw   *tabwriter.Writer
	rows int
	// wideLast lets the last column (which needs no alignment after it)
	// run to 200 characters instead of 60: messages people must read.
	wideLast bool
}

// newTable starts a table on w.
func newTable(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

// header writes the column names.
func (t *table) header(cols ...string) { t.line(cols) }

// row writes one row; each cell is kept on one line.
func (t *table) row(cells ...string) {
	t.rows++
	t.line(cells)
}

// line writes cells as one tab-separated line, "-" for empty cells.
func (t *table) line(cells []string) {
	for i, c := range cells {
		if i > 0 {
			_, _ = io.WriteString(t.tw, "\t")
		}
		if t.wideLast && i == len(cells)-1 {
			c = cellTextMax(c, 200)
		} else {
			c = cellText(c)
		}
		if c == "" {
			c = "-"
		}
		_, _ = io.WriteString(t.tw, c)
	}
	_, _ = io.WriteString(t.tw, "\n")
}

// flush writes the table out.
func (t *table) flush() error { return t.tw.Flush() }

// cellText makes s fit in one table cell: no tabs or line breaks, and at
// most 60 characters.
func cellText(s string) string { return cellTextMax(s, 60) }

// cellTextMax is cellText with at most n characters.
func cellTextMax(s string, n int) string {
	s = oneLine(s)
	s = strings.ReplaceAll(s, "\t", " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// oneLine joins the lines of s with spaces, so that an error or a cell is
// one line whatever a server put in it.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// humanSize renders a size in bytes as people read it: "512 B", "1.5 KiB",
// "20.0 GiB"; "-" when the size is unknown.
func humanSize(n *int64) string {
	if n == nil {
		return "-"
	}
	const unit = 1024
	v := *n
	if v < unit && v > -unit {
		return strconv.FormatInt(v, 10) + " B"
	}
	f := float64(v)
	suffixes := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for (f >= unit || f <= -unit) && i < len(suffixes)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, suffixes[i])
}

// sizeOf returns a pointer to n scaled by unit when ok, else nil (unknown).
func sizeOf(n int64, ok bool, unit int64) *int64 {
	if !ok {
		return nil
	}
	v := n * unit
	return &v
}

// timeText renders t in RFC 3339, in UTC so that a table never mixes zones;
// "-" when absent.
func timeText(t time.Time, ok bool) string {
	if !ok || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// durationText renders how long something took, to the second.
func durationText(d time.Duration, ok bool) string {
	if !ok {
		return "-"
	}
	return d.Round(time.Second).String()
}

// boolText renders a tolerant boolean: yes, no, or - when absent.
func boolText(v, ok bool) string {
	switch {
	case !ok:
		return "-"
	case v:
		return "yes"
	default:
		return "no"
	}
}

// intText renders a tolerant integer, or - when absent.
func intText(v int64, ok bool) string {
	if !ok {
		return "-"
	}
	return strconv.FormatInt(v, 10)
}
