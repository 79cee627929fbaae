package onapp

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeXMLAgainstOracle checks the engine's one-pass reading of
// OnApp's Rails XML (lists and single records of backups, virtual
// servers, disks and templates, the id a write's answer falls back to)
// against the oracle (encoding/xml into the same shapes, the decoding
// before the engine): both fail, or both return the same values.
//
// The deliberate differences are what encoding/xml reads and the engine
// refuses with a *codec.XMLRefusedError, and only those:
//   - a DOCTYPE or any other <!…> directive (encoding/xml skips it; its
//     internal subset is where entity expansion attacks live, and Rails
//     sends none);
//   - content after the root element (encoding/xml stops reading at the
//     root's end tag and takes whatever follows);
//   - element and attribute names of other than ASCII characters (Rails'
//     are column names; encoding/xml checks them against the Unicode
//     tables of XML 1.0).
//
// An entity that is not predefined is refused too, but encoding/xml's
// strict mode fails on it as well, so both fail.
func FuzzDecodeXMLAgainstOracle(f *testing.F) {
	for _, name := range []string{
		"incremental-backups.xml", "normal-backups.xml", "scheduled-backup.xml",
		"virtual-machines.xml", "virtual-machine.xml", "disks.xml",
	} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``, ` `, "\v", "\u00a0", `<`, `<backups`, `<backups>`, `<backups/>`, `<nil-classes type="array"/>`,
		`<?xml version="1.0" encoding="UTF-8"?><backups type="array"></backups>`,
		`<?xml version="1.1"?><backups/>`, `<?xml encoding="latin1"?><backups/>`, `<?xml?><backups/>`, `<?pi x?><backups/>`, `<??><backups/>`,
		`<backups type="array"><backup><id type="integer">1</id></backup></backups>`,
		`<backups><backup><id type="integer" nil="true"/><note nil="true">x</note><iqn nil="TRUE ">y</iqn></backup></backups>`,
		`<backups><backup><id> 7 </id><id>8</id><built>t</built><built_at>2014-01-13T14:41:31.000+02:00</built_at></backup></backups>`,
		`<backups><backup><id>x</id></backup></backups>`, `<backups><backup><id>n/a</id><built>null</built><created_at></created_at></backup></backups>`,
		`<backups><backup><note>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;&#x1F600;</note></backup></backups>`,
		`<backups><backup><note>&#0;</note></backup></backups>`, `<backups><backup><note>&#xD800;</note></backup></backups>`,
		`<backups><backup><note>&#x110000;</note></backup></backups>`, `<backups><backup><note>&foo;</note></backup></backups>`,
		`<backups><backup><note>&lt</note></backup></backups>`, `<backups><backup><note>&#;</note></backup></backups>`,
		`<backups><backup><note>&#X41;</note></backup></backups>`, `<backups><backup><note>a]]>b</note></backup></backups>`,
		`<backups><backup><note><![CDATA[<x> & ]]]></note></backup></backups>`, `<backups><backup><note>a<!-- c -->b<?p?>c<x>d</x>e</note></backup></backups>`,
		`<backups><backup><note>a<!-- c -- d -->b</note></backup></backups>`, `<backups><backup><note>` + "a\r\nb\rc\x01" + `</note></backup></backups>`,
		`<backups><backup><note>` + "caf\xe9" + `</note></backup></backups>`, `<backups><backup><note a="&lt;]]>" b='"'>x</note></backup></backups>`,
		`<backups><backup><note a="<">x</note></backup></backups>`, `<backups><backup><note a=x>x</note></backup></backups>`, `<backups><backup><note a>x</note></backup></backups>`,
		`<backups><backup><id>1</backup></id></backups>`, `<backups><backup><id>1</id></backup>`, `<backups><backup><id>1</id></backup></backups>trailing`,
		`<backups></backups><backups></backups>`, `<backups/><!-- c --><?p?> `, `x<backups/>`, `</backups>`, `<backups></backups >`, `<backups></ backups>`,
		`<a:backups xmlns:a="u"><a:backup><a:id>3</a:id><b:id xmlns:b="v">4</b:id></a:backup></a:backups>`, `<backups><backup><a:b:id>1</a:b:id></backup></backups>`,
		`<backups><backup><:id>1</:id><id:>2</id:></backup></backups>`, `<backups><backup xmlns:nil="true"/></backups>`,
		`<backups><backup><ïd>1</ïd></backup></backups>`, `<1backups/>`, `<backups><backup><id>1<x>2</x>3</id></backup></backups>`,
		`<errors><error>Backup is locked</error></errors>`, `<Errors/>`, `<backup><id>1</id></backup>`, `<backup nil="true"/>`,
		`<backups><backup><allowed_resize_without_reboot>1</allowed_resize_without_reboot></backup></backups>`,
		`<!DOCTYPE backups><backups/>`, `<backups><!DOCTYPE x></backups>`,
		`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><backups><backup><note>&lol2;</note></backup></backups>`,
		`<virtual_machines><virtual_machine><memory>2048</memory><booted nil="true"/></virtual_machine></virtual_machines>`,
		`<disks type="array"><disk><mount_point>/data</mount_point><is_swap>f</is_swap></disk></disks>`,
		`<image_template><id type="integer">5001</id><label>x</label></image_template>`, `<virtual_machine><id>1</id></virtual_machine>`,
		`<backups><backup><id>1</id></backup><other><backup/></other><backup><id>2</id><backup><id>3</id></backup></backup></backups>`,
		`{"backups":[]}`, `[]`,
		strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200),
		`<backups><backup><note>` + strings.Repeat("x", 1<<12) + `</note></backup></backups>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agree := func(what string, got, want any, err, wantErr error) {
			t.Helper()
			var refused *codec.XMLRefusedError
			if err != nil && wantErr == nil && errors.As(err, &refused) {
				return // a deliberate difference (see above)
			}
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%s: the engine: %v; the oracle: %v", what, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the engine and the oracle disagree:\n%+v\n%+v", what, got, want)
			}
		}
		backups, err := decodeBackupsXML(data)
		var bdoc oracleBackupsXML
		want, wantErr := oracleXMLItems(data, &bdoc, func() []backupWire { return bdoc.Items }, (*backupWire).value)
		agree("backups", backups, want, err, wantErr)
		if err == nil && backups == nil {
			t.Fatal("nil list without an error")
		}
		b, err := decodeBackupXML(data)
		wantB, wantErr := oracleXMLOne(data, "backup", (*backupWire).value)
		agree("backup", b, wantB, err, wantErr)
		id, err := xmlObject(data, "backup", idXML)
		var wantID idOnly
		wantErr = oracleXMLObject(data, "backup", &wantID)
		agree("id", id, wantID, err, wantErr)
		vms, err := decodeVirtualMachinesXML(data)
		var vdoc oracleVirtualMachinesXML
		wantVMs, wantErr := oracleXMLItems(data, &vdoc, func() []VirtualMachine { return vdoc.Items }, same[VirtualMachine])
		agree("virtual machines", vms, wantVMs, err, wantErr)
		vm, err := decodeVirtualMachineXML(data)
		wantVM, wantErr := oracleXMLOne(data, "virtual_machine", same[VirtualMachine])
		agree("virtual machine", vm, wantVM, err, wantErr)
		disks, err := decodeDisksXML(data)
		var ddoc oracleDisksXML
		wantDisks, wantErr := oracleXMLItems(data, &ddoc, func() []Disk { return ddoc.Items }, same[Disk])
		agree("disks", disks, wantDisks, err, wantErr)
		tmpl, err := decodeTemplateXML(data)
		wantTmpl, wantErr := oracleXMLOne(data, "image_template", same[ImageTemplate])
		agree("template", tmpl, wantTmpl, err, wantErr)
	})
}
