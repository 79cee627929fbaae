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
