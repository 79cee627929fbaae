package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type xmlRecord struct {
	ID    Int            `xml:"id"`
	On    Bool           `xml:"on"`
	Note  String         `xml:"note"`
	Kind  Text[testKind] `xml:"kind"`
	At    Time           `xml:"at"`
	Inner xmlInner       `xml:"inner"`
	Items []xmlInner     `xml:"items>item"`
}

type testKind string

type xmlInner struct {
	N Int `xml:"n"`
}

var _, xmlInnerSchema = NewSchemas(IntField("n", func(v *xmlInner) *Int { return &v.N }))

var innerJSON, _ = NewSchemas(IntField("n", func(v *xmlInner) *Int { return &v.N }))

var _, xmlRecordSchema = NewSchemas(
	IntField("id", func(v *xmlRecord) *Int { return &v.ID }),
	BoolField("on", func(v *xmlRecord) *Bool { return &v.On }),
	StringField("note", func(v *xmlRecord) *String { return &v.Note }),
	TextField("kind", func(v *xmlRecord) *Text[testKind] { return &v.Kind }),
	TimeField("at", func(v *xmlRecord) *Time { return &v.At }),
	ObjectField("inner", innerJSON, xmlInnerSchema, func(v *xmlRecord) *xmlInner { return &v.Inner }),
	ListField("items", "item", innerJSON, xmlInnerSchema, func(v *xmlRecord) *[]xmlInner { return &v.Items }),
)

func decodeXMLRecord(t *testing.T, doc string) (xmlRecord, error) {
	t.Helper()
	d, err := ReadXML([]byte(doc), Limits{})
	if err != nil {
		return xmlRecord{}, err
	}
	return DecodeXMLRoot(d, xmlRecordSchema)
}

// TestXMLEngineMatchesEncodingXML: the engine reads what encoding/xml (with
// the tolerant types' UnmarshalXML) reads into the same struct.
func TestXMLEngineMatchesEncodingXML(t *testing.T) {
	for _, doc := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>
<r>
  <id type="integer">42</id>
  <on type="boolean">true</on>
  <note>a &amp; b &#65;&#x263A; <![CDATA[<raw> & ]]>` + "\r\n" + `end</note>
  <kind>incremental</kind>
  <at type="datetime">2014-01-13T14:41:31.000+02:00</at>
  <inner><n>7</n><unknown><deep a="1">x</deep></unknown></inner>
  <items type="array"><item><n>1</n></item><other/><item><n>2</n></item></items>
  <!-- a comment --><?pi data?>
</r>`,
		`<r><id nil="true"/><on>f</on><note nil="true">x</note><kind></kind><at></at></r>`,
		`<r><id> 5 </id><id>6</id><note></note><note>twice</note><at>1389624091</at></r>`,
		`<x:r xmlns:x="u"><x:id>3</x:id><note>a<b>skipped</b>c</note></x:r>`,
		`<r/>`,
	} {
		got, err := decodeXMLRecord(t, doc)
		require.NoError(t, err, doc)
		var want xmlRecord
		require.NoError(t, UnmarshalXML([]byte(doc), &want), doc)
		assert.Equal(t, want, got, doc)
	}
}

// TestXMLEngineRefuses: DOCTYPEs, directives, custom entities and content
// after the root are *XMLRefusedError; broken documents *XMLSyntaxError;
// a value that does not fit its field an *XMLFieldError naming its path.
func TestXMLEngineRefuses(t *testing.T) {
	refused := []string{
		`<!DOCTYPE r [<!ENTITY a "b">]><r/>`,
		`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r><note>&lol2;</note></r>`,
		`<r><note>&custom;</note></r>`,
		`<r><!ELEMENT x ANY></r>`,
		`<r/>trailing`,
		`<r/><r/>`,
		`<r><ïd>1</ïd></r>`,
	}
	for _, doc := range refused {
		_, err := decodeXMLRecord(t, doc)
		var re *XMLRefusedError
		assert.True(t, errors.As(err, &re), "%s: %v", doc, err)
	}
	broken := []string{
		`<r>`, `<r><id>1</r>`, `<r></x>`, `</r>`, `<r a=1/>`, `<r a="<"/>`, `<r><note>&lt</note></r>`,
		`<r><note>&#0;</note></r>`, `<r><note>a]]>b</note></r>`, `<r><!-- a -- b --></r>`, "<r><note>\x01</note></r>",
		"<r><note>caf\xe9</note></r>", `<?xml version="1.1"?><r/>`, `<r><a:b:c/></r>`, `<r><![CDATA[x</r>`,
	}
	for _, doc := range broken {
		_, err := decodeXMLRecord(t, doc)
		var se *XMLSyntaxError
		assert.True(t, errors.As(err, &se), "%s: %v", doc, err)
		var want xmlRecord
		assert.Error(t, UnmarshalXML([]byte(doc), &want), "encoding/xml reads %s", doc)
	}
	// Text before the root is not a document (encoding/xml skips it).
	_, err := decodeXMLRecord(t, `x<r/>`)
	var se *XMLSyntaxError
	assert.ErrorAs(t, err, &se)
	_, err = decodeXMLRecord(t, `<r><inner><n>x</n></inner></r>`)
	var fe *XMLFieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "/r/inner/n", fe.Path)
	var sce *ScalarError
	assert.ErrorAs(t, err, &sce)
}

// TestXMLEngineLimits: depth, children and list bounds are *LimitError.
func TestXMLEngineLimits(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	_, err := decodeXMLRecord(t, deep)
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "depth", le.Bound)

	many := "<r>" + strings.Repeat("<x></x>", MaxItems+1) + "</r>"
	_, err = decodeXMLRecord(t, many)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "items", le.Bound)

	list := "<list>" + strings.Repeat("<item><n>1</n></item>", 4) + "</list>"
	doc, err := ReadXML([]byte(list), Limits{ListMax: 3})
	require.NoError(t, err)
	_, err = DecodeXMLList(doc, "item", xmlInnerSchema)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "list", le.Bound)
	assert.Equal(t, "/list", le.Path)

	doc, err = ReadXML([]byte(list), Limits{ListMax: 4})
	require.NoError(t, err)
	items, err := DecodeXMLList(doc, "item", xmlInnerSchema)
	require.NoError(t, err)
	assert.Len(t, items, 4)
}

// TestXMLEngineAllocations: a list of records of plain scalars allocates
// its list and the strings it keeps (once each), nothing per scalar.
func TestXMLEngineAllocations(t *testing.T) {
	item := `<item><id type="integer">1</id><on type="boolean">true</on><kind>normal</kind><at type="datetime">2013-12-18T11:00:47Z</at><note nil="true"/></item>`
	data := []byte("<list>" + strings.Repeat(item, 100) + "</list>")
	allocs := testing.AllocsPerRun(20, func() {
		doc, err := ReadXML(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeXMLList(doc, "item", xmlRecordSchema); err != nil {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 10.0)
}
