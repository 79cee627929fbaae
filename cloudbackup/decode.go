package cloudbackup

// The answers are decoded by the shared engine (internal/codec) from the
// schemas next to each type in types.go, in one pass over the bytes: no
// reflection, no intermediate maps, no second pass over a page. What is
// left here is the glue: the page's list and the lists inside a backup
// (null and junk items dropped, the page bounded by what it asked for),
// extra_info's two shapes, and the entry points encoding/json/v2 calls.
// FuzzDecodeAgainstOracle holds all of it to the reference decoder in
// oracle_test.go.

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// readPage reads a list answer, {"backups": [...], "count": n}, into p,
// reusing the capacity of p.Backups.
func readPage(data []byte, p *BackupPage) error {
	p.Backups = p.Backups[:0]
	p.Count, p.Offset, p.Limit = Int{}, Int{}, Int{}
	p.hasList, p.hasCount = false, false
	switch data = bytes.TrimSpace(data); {
	case string(data) == "null":
	case len(data) > 0 && data[0] != '{' && data[0] != 'n':
		return fmt.Errorf("backup list is %s, want an object", codec.KindOf(data[0]))
	default:
		if err := codec.DecodeInto(data, pageSchema, p, codec.Limits{}); err != nil {
			return err
		}
	}
	if p.Backups == nil {
		p.Backups = []Backup{}
	}
	return nil
}

// readPageList reads the page's list: null items are dropped, any other
// item that is not an object is an error, and the page holds no more than
// it asked for (the API's largest page when it asked for none), checked
// before each item is made, so that a page of a million "{}" costs no more
// than a full page.
func readPageList(d *codec.Decoder, p *BackupPage) error {
	p.hasList = true
	switch k := d.NextKind(); k {
	case '[', 'n':
	case 0:
		return d.SkipValue() // the syntax error
	default:
		return fmt.Errorf("the list is %s, want an array", codec.KindOf(k))
	}
	listMax := cmp.Or(p.capHint, maxPageSize)
	items := p.Backups[:0]
	// Size the page once: by the total when it came first (CBR sends it
	// first), else by the limit the caller asked for.
	if n := sizeHint(int(p.Count.Int64), p.capHint); cap(items) == 0 && n > 0 {
		items = make([]Backup, 0, n)
	}
	_, err := codec.EachItem(d, func(i int, kind byte) error {
		switch kind {
		case 'n':
			return d.SkipValue()
		case '{':
		default:
			if err := d.SkipValue(); kind == 0 && err != nil {
				return err // the syntax error
			}
			return codec.AtIndex(i, fmt.Errorf("backup is %s, want an object", codec.KindOf(kind)))
		}
		if len(items) >= listMax {
			return &codec.LimitError{Bound: "list", Max: listMax}
		}
		items = append(items, Backup{})
		return codec.AtIndex(i, codec.DecodeObjectFrom(d, backupSchema, &items[len(items)-1]))
	})
	p.Backups = items
	return err
}

// sizeHint is the capacity for a page: the total seen so far, capped by
// the requested limit and the largest page.
func sizeHint(count, limit int) int {
	switch {
	case count > 0 && limit > 0:
		return min(count, limit, maxPageSize)
	case count > 0:
		return min(count, maxPageSize)
	}
	return min(limit, maxPageSize)
}

// objectList reads a list of objects inside a backup onto list (its
// capacity reused), each with s; null and items of another kind are
// dropped, and a value that is not a list leaves it empty.
func objectList[T any](d *codec.Decoder, s *codec.Schema[T], list *[]T) error {
	l := (*list)[:0]
	_, err := codec.EachItem(d, func(i int, kind byte) error {
		if kind != '{' {
			return d.SkipValue()
		}
		var zero T
		l = append(l, zero)
		return codec.AtIndex(i, codec.DecodeObjectFrom(d, s, &l[len(l)-1]))
	})
	*list = l
	return err
}

// readImages reads os_images_data: objects {"image_id": ...} or bare ids;
// entries without an id are dropped.
func readImages(d *codec.Decoder, e *BackupExtendInfo) error {
	l := e.OSImagesData[:0]
	_, err := codec.EachItem(d, func(_ int, kind byte) error {
		var img ImageData
		switch kind {
		case '"', '0':
			raw, err := d.ReadValue()
			if err != nil {
				return err
			}
			img.ImageID = d.LooseText(raw, false)
		case '{':
			if err := codec.DecodeObjectFrom(d, imageSchema, &img); err != nil {
				return err
			}
		default:
			return d.SkipValue()
		}
		if img.ImageID != "" {
			l = append(l, img)
		}
		return nil
	})
	e.OSImagesData = l
	return err
}

// readExtraInfo reads extra_info onto r's: an object (Huawei's SDK), or a
// string (the API page), whose text is kept and, when it holds a JSON
// object, read as that object; null is absent, and the JSON text of any
// other value is kept as Text.
func readExtraInfo(d *codec.Decoder, r *ReplicationRecord) error {
	if d.NextKind() == '{' {
		return codec.DecodeObjectFrom(d, replicationExtraSchema, &r.ExtraInfo)
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	extraText(&r.ExtraInfo, raw, d.LooseText(raw, false))
	return nil
}

// extraText reads extra_info given as raw, a value other than an object,
// whose text (LooseText) is text.
func extraText(x *ReplicationExtraInfo, raw []byte, text string) {
	switch raw[0] {
	case 'n':
		return
	case '"':
	default:
		x.Text = text
		return
	}
	x.Text = text
	inner := []byte(strings.TrimSpace(text))
	if len(inner) == 0 || inner[0] != '{' || !jsontext.Value(inner).IsValid() {
		return
	}
	// The page promises text: an object in it that does not read (or is
	// beyond the codec's bounds) is kept as that text rather than failing
	// the page.
	if err := codec.DecodeInto(inner, replicationExtraSchema, x, codec.Limits{}); err != nil {
		*x = ReplicationExtraInfo{Text: text}
	}
}

// UnmarshalJSONFrom decodes a list answer, {"backups": [...], "count": n}
// (encoding/json/v2 calls it).
func (p *BackupPage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return readPage(raw, p)
}

// decodeAlone reads the next value of dec into *v with s when it is an
// object; any other value leaves *v zero.
func decodeAlone[T any](dec *jsontext.Decoder, s *codec.Schema[T], v *T) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	var zero T
	*v = zero
	if raw[0] != '{' {
		return nil
	}
	*v, err = codec.DecodeObject(raw, s, codec.Limits{})
	return err
}

// UnmarshalJSONFrom decodes one backup tolerantly (encoding/json/v2 calls
// it): an object, or null; any other value is an error.
func (b *Backup) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if k := dec.PeekKind(); k != '{' && k != 'n' && k != 0 {
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return fmt.Errorf("backup is %s, want an object", codec.KindOf(byte(k)))
	}
	return decodeAlone(dec, backupSchema, b)
}

// UnmarshalJSONFrom decodes extend_info tolerantly (encoding/json/v2 calls it).
func (e *BackupExtendInfo) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeAlone(dec, extendInfoSchema, e)
}

// UnmarshalJSONFrom decodes a replication record tolerantly (encoding/json/v2 calls it).
func (r *ReplicationRecord) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeAlone(dec, replicationSchema, r)
}

// UnmarshalJSONFrom decodes app_consistency tolerantly (encoding/json/v2 calls it).
func (a *AppConsistency) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeAlone(dec, appConsistencySchema, a)
}

// UnmarshalJSONFrom decodes an image entry, given as an object or as a
// bare id string (encoding/json/v2 calls it).
func (i *ImageData) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if k := dec.PeekKind(); k == '"' || k == '0' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		*i = ImageData{ImageID: codec.TextOf(raw)}
		return nil
	}
	return decodeAlone(dec, imageSchema, i)
}

// UnmarshalJSONFrom decodes extra_info, an object or a string
// (encoding/json/v2 calls it).
func (x *ReplicationExtraInfo) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '{' {
		return decodeAlone(dec, replicationExtraSchema, x)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*x = ReplicationExtraInfo{}
	extraText(x, raw, codec.TextOf(raw))
	return nil
}
