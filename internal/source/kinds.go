package source

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/table"
)

// valueSeen notes what Go types a column's values came as, and turns each
// into canonical text: what a snapshot stores and a table parses.
type valueSeen struct {
	numbers, times, others, clocks int // clocks: times not at midnight
}

func (s *valueSeen) text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		s.numbers++
		return strconv.FormatInt(v, 10)
	case float64:
		s.numbers++
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		s.times++
		v = v.UTC()
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format("2006-01-02")
		}
		s.clocks++
		return v.Format("2006-01-02 15:04:05")
	case []byte:
		s.others++
		return string(v)
	case string:
		s.others++
		return v
	case bool:
		s.others++
		return strconv.FormatBool(v)
	}
	s.others++
	return fmt.Sprint(v)
}

// kindOf gives a result column its kind: from the database's name for
// its type (integers, floating and exact numbers are number, money is
// money, a date is a date, a timestamp a date when every value is at
// midnight UTC and text otherwise), else from the values (all numbers:
// number; all times: as a timestamp), else text. Declarations win over
// it (Result.Table).
func kindOf(dbType string, seen valueSeen) table.Kind {
	t := strings.ToUpper(strings.TrimSpace(dbType))
	if i := strings.IndexAny(t, "( "); i > 0 {
		t = t[:i] // DECIMAL(18,2), DOUBLE PRECISION
	}
	switch {
	case t == "MONEY":
		return table.Money
	case t == "DATE":
		return table.Date
	case numericTypes[t]:
		return table.Number
	case strings.HasPrefix(t, "TIMESTAMP") || t == "DATETIME":
		return timeKind(seen)
	case t != "" && !(seen.numbers > 0 && seen.others == 0 && seen.times == 0):
		return table.Text
	}
	switch {
	case seen.others == 0 && seen.times == 0:
		return table.Number
	case seen.others == 0 && seen.numbers == 0:
		return timeKind(seen)
	}
	return table.Text
}

func timeKind(seen valueSeen) table.Kind {
	if seen.clocks > 0 || seen.others > 0 || seen.numbers > 0 {
		return table.Text
	}
	return table.Date
}

// numericTypes are the names databases give number types.
var numericTypes = map[string]bool{
	"INT": true, "INT2": true, "INT4": true, "INT8": true, "INTEGER": true, "SMALLINT": true, "BIGINT": true, "TINYINT": true,
	"HUGEINT": true, "UBIGINT": true, "UINTEGER": true, "USMALLINT": true, "UTINYINT": true,
	"FLOAT": true, "FLOAT4": true, "FLOAT8": true, "DOUBLE": true, "REAL": true,
	"NUMERIC": true, "DECIMAL": true, "NUMBER": true,
}
