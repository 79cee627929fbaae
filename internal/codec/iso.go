package codec

import "time"

// parseISO reads the ISO 8601 shapes servers send most, without the error
// allocations of trying time.Parse layouts in turn:
//
//	YYYY-MM-DD(T|t| )HH:MM[:SS[.fraction]][Z|z|±HH:MM|±HHMM|±HH]
//
// A time without a zone is in loc; a zero offset gives UTC. ok is false when
// s is not of that shape or holds an impossible date, so the caller can try
// other layouts.
func parseISO(s string, loc *time.Location) (t time.Time, ok bool) {
	if len(s) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' {
		return time.Time{}, false
	}
	hi, ok1 := two(s[0], s[1])
	lo, ok2 := two(s[2], s[3])
	month, ok3 := two(s[5], s[6])
	day, ok4 := two(s[8], s[9])
	hour, ok5 := two(s[11], s[12])
	minute, ok6 := two(s[14], s[15])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	year := hi*100 + lo
	rest := s[16:]
	sec, nsec := 0, 0
	if len(rest) > 0 && rest[0] == ':' {
		if len(rest) < 3 {
			return time.Time{}, false
		}
		var okS bool
		if sec, okS = two(rest[1], rest[2]); !okS {
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
	if zone == time.UTC || offset != 0 {
		return isoInstant(year, month, day, hour, minute, sec, nsec, offset, zone), true
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone), true
}

// isoInstant is time.Date of a valid date and time at a fixed offset (in
// zone, UTC or a time.FixedZone of offset seconds east), without its
// normalising and zone lookup: the seconds are counted from the civil date
// (days from 1970-01-01, as in Howard Hinnant's days_from_civil).
func isoInstant(year, month, day, hour, minute, sec, nsec, offset int, zone *time.Location) time.Time {
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	doy := (153*((month+9)%12)+2)/5 + day - 1
	days := era*146097 + yoe*365 + yoe/4 - yoe/100 + doy - 719468
	unix := int64(days)*86400 + int64(hour*3600+minute*60+sec-offset)
	return time.Unix(unix, int64(nsec)).In(zone)
}

// two reads the decimal of the digits a and b; ok is false unless both
// are digits.
func two(a, b byte) (n int, ok bool) {
	a, b = a-'0', b-'0' // a byte below '0' wraps past 9
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// Digits reads s as a decimal of digits only (no sign, no space), for the
// fixed-width parts of a date; "" reads as 0.
func Digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DaysInMonth returns how many days month (1–12) of year has.
func DaysInMonth(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
