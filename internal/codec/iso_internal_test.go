package codec

import (
	"testing"
	"time"
)

// isoInstant must give what time.Date gives (the same time.Time, zone
// pointer and all, as == compares it) for every valid date and time at a
// fixed offset, year 0 to 9999.
func FuzzISOInstantAgainstTimeDate(f *testing.F) {
	f.Add(2013, 12, 18, 11, 0, 47, 0, 0)
	f.Add(0, 1, 1, 0, 0, 0, 0, -3600)
	f.Add(9999, 12, 31, 23, 59, 59, 999999999, 23*3600+59*60)
	f.Add(2000, 2, 29, 12, 30, 0, 5, 19800)
	f.Add(1969, 12, 31, 23, 59, 59, 1, 0)
	f.Fuzz(func(t *testing.T, year, month, day, hour, minute, sec, nsec, offset int) {
		year, month, hour, minute, sec = mod(year, 10000), mod(month, 12)+1, mod(hour, 24), mod(minute, 60), mod(sec, 60)
		day, nsec, offset = mod(day, DaysInMonth(month, year))+1, mod(nsec, 1e9), mod(offset, 2*86400/60)*60-86400
		zone := time.UTC
		if offset != 0 {
			zone = time.FixedZone("", offset)
		}
		got := isoInstant(year, month, day, hour, minute, sec, nsec, offset, zone)
		want := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone)
		if got != want {
			t.Fatalf("isoInstant(%04d-%02d-%02d %02d:%02d:%02d.%09d %+d) = %v, time.Date %v", year, month, day, hour, minute, sec, nsec, offset, got, want)
		}
	})
}

func mod(v, n int) int {
	if v %= n; v < 0 {
		v += n
	}
	return v
}

// FuzzParseISOAgainstTimeDate holds parseISO to the reader it replaced
// (parseISOWithTimeDate: each field by Digits, the time by time.Date): the
// same shapes read, the same instant, wall clock and offset.
func FuzzParseISOAgainstTimeDate(f *testing.F) {
	for _, s := range []string{
		"2013-12-18T11:00:47+00:00", "2020-02-05T10:38:34.209782", "2014-01-13T14:41:31.000+02:00", "2020-02-29T00:00:00Z",
		"2019-02-29T00:00:00Z", "2020-02-21 07:00:54", "2020-02-21T07:00:54+0530", "2020-02-21T07:00:54-08", "2020-13-01T00:00:00Z",
		"0000-01-01t00:00z", "9999-12-31T23:59:59,999999999-23:59", "2013-10-14T13:37:01.123Z", "2a13-10-14T13:37", "2013-1/-14T13:37",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("here", -7*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseISO(s, loc)
		want, wok := parseISOWithTimeDate(s, loc)
		if ok != wok {
			t.Fatalf("parseISO(%q) ok %v, the reader it replaced %v", s, ok, wok)
		}
		gn, goff := got.Zone()
		wn, woff := want.Zone()
		if !got.Equal(want) || gn != wn || goff != woff || got.String() != want.String() || (got.Location() == time.UTC) != (want.Location() == time.UTC) {
			t.Fatalf("parseISO(%q) = %v, the reader it replaced %v", s, got, want)
		}
	})
}

func parseISOWithTimeDate(s string, loc *time.Location) (t time.Time, ok bool) {
	if len(s) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' {
		return time.Time{}, false
	}
	year, ok1 := Digits(s[0:4])
	month, ok2 := Digits(s[5:7])
	day, ok3 := Digits(s[8:10])
	hour, ok4 := Digits(s[11:13])
	minute, ok5 := Digits(s[14:16])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return time.Time{}, false
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if len(rest) > 0 && rest[0] == ':' {
		if len(rest) < 3 {
			return time.Time{}, false
		}
		var okS bool
		if sec, okS = Digits(rest[1:3]); !okS {
			return time.Time{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			i := 1
			scale := 100000000
			for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
				nsec += int(rest[i]-'0') * scale
				scale /= 10
			}
			if i == 1 {
				return time.Time{}, false
			}
			rest = rest[i:]
		}
	}
	if month < 1 || month > 12 || day < 1 || day > DaysInMonth(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	zone := loc
	offset := 0
	switch {
	case rest == "":
	case rest == "Z" || rest == "z":
		zone = time.UTC
	case rest[0] == '+' || rest[0] == '-':
		var oh, om int
		var okH, okM bool
		switch len(rest) {
		case 3: // ±HH
			oh, okH = Digits(rest[1:3])
			okM = true
		case 5: // ±HHMM
			oh, okH = Digits(rest[1:3])
			om, okM = Digits(rest[3:5])
		case 6: // ±HH:MM
			if rest[3] != ':' {
				return time.Time{}, false
			}
			oh, okH = Digits(rest[1:3])
			om, okM = Digits(rest[4:6])
		}
		if !okH || !okM || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
		zone = time.UTC
		if offset != 0 {
			zone = time.FixedZone("", offset)
		}
	default:
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone), true
}
