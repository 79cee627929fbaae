package unitrends

import (
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The oracle of the engine's decoding of backups: json/v2 with the codec's
// options into the same shapes, as the package decoded them before the
// engine (a map of the answer's members, then the list, each backup into
// the plain struct, then afterDecode). FuzzDecodeBackupsAgainstOracle holds
// DecodeBackups to it.

// oracleBackup is a Backup read by json/v2 through reflection.
type oracleBackup Backup

func (b *oracleBackup) UnmarshalJSON(data []byte) error {
	var p plainBackup
	if err := codec.UnmarshalJSON(validUTF8(data), &p); err != nil {
		return err
	}
	*b = oracleBackup(p)
	(*Backup)(b).afterDecode()
	return nil
}

// oracleDecodeBackups is DecodeBackups as json/v2 reads it.
func oracleDecodeBackups(data []byte, loc *time.Location) ([]Backup, error) {
	raw, err := listValue(data, backupListKeys)
	if err != nil {
		return nil, err
	}
	out := []oracleBackup{}
	if raw != nil {
		if err := codec.UnmarshalJSON(raw, &out); err != nil {
			return nil, err
		}
	}
	list := make([]Backup, len(out))
	for i := range out {
		list[i] = Backup(out[i])
	}
	return backupsInZone(list, loc)
}
