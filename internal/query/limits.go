package query

import (
	"context"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Limits bound what one query may cost, so that a runaway query (a
// recursive CTE without an end, a cross join of large tables) fails with
// an error at its file instead of hanging or exhausting memory.
type Limits struct {
	// Timeout stops a query that runs longer, through SQLite's interrupt.
	Timeout time.Duration
	// TimeoutPerRow adds to Timeout for every row of the tables in the
	// database when the query starts, so that a default timeout can be
	// short for a small briefing and still let a large one's queries run.
	TimeoutPerRow time.Duration
	// MaxRows is the most rows a query may return.
	MaxRows int
	// MaxBytes bounds the memory of a query's result: the bytes of its
	// rows together, and of any one text or blob SQLite builds (such as a
	// group_concat). SQLite's own sorting and temporary tables spill to
	// temporary files past a few megabytes, so they stay small; its heap
	// limit pragmas are not used because this build of SQLite does not
	// keep the statistics they need.
	MaxBytes int64
}

// DefaultLimits are the limits when site.toml's [queries] says nothing:
// a derived table may be as large as a loaded one.
//
// The timeout is half a second plus 1 s per 10,000 rows in the tables: a
// query without an end (an endless recursive CTE under count(*)) in a
// small briefing stops within a second of CPU, while real queries keep a
// wide margin for a machine under load: a GROUP BY over a million rows
// (1–5 s on a 2-core machine at load 20) gets 100 s, and a join with a
// window over 13,000 rows, which needed more than 0.76 s at load 32, gets
// 1.8 s.
var DefaultLimits = Limits{Timeout: 500 * time.Millisecond, TimeoutPerRow: 100 * time.Microsecond, MaxRows: 1_000_000, MaxBytes: 256 << 20}

// maxSQLiteLength is SQLite's compiled-in ceiling on a value's length.
const maxSQLiteLength = 1_000_000_000

// SetLimits sets the limits for every later query.
func (d *DB) SetLimits(lim Limits) error {
	d.lim = lim
	conn, err := d.db.Conn(context.Background())
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_LENGTH, int(min(lim.MaxBytes, maxSQLiteLength)))
	return err
}

// context returns the context a query runs under: it ends at the timeout.
func (d *DB) context() (context.Context, context.CancelFunc) {
	if d.lim.Timeout <= 0 {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), d.timeout())
}

// timeout is how long a query may run, given the rows in the database.
func (d *DB) timeout() time.Duration {
	return d.lim.Timeout + time.Duration(d.rows)*d.lim.TimeoutPerRow
}

// limitError turns a failure caused by a limit into an error that names
// it, or returns nil when err is some other failure.
func (d *DB) limitError(ctx context.Context, src Source, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return diag.Query.Errorf(src.at(), "%s: stopped after %v, the limit (set queries.timeout in site.toml)", src.label(), d.timeout().Round(time.Millisecond))
	case isTooBig(err):
		return d.tooMuchMemory(src)
	}
	return nil
}

func (d *DB) tooMuchMemory(src Source) error {
	return diag.Query.Errorf(src.at(), "%s: its result needs more than %s, the limit (set queries.max_memory in site.toml)", src.label(), FormatBytes(d.lim.MaxBytes))
}

func (d *DB) tooManyRows(src Source) error {
	return diag.Query.Errorf(src.at(), "%s: returns more than %d rows, the limit (set queries.max_rows in site.toml, or add WHERE or LIMIT)", src.label(), d.lim.MaxRows)
}

func isTooBig(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_TOOBIG
}

// rowBytes estimates the memory one scanned row holds.
func rowBytes(vals []any) int64 {
	n := int64(24 * len(vals))
	for _, v := range vals {
		switch v := v.(type) {
		case string:
			n += int64(len(v))
		case []byte:
			n += int64(len(v))
		}
	}
	return n
}

// at is where a query starts, for errors about the query as a whole.
func (s Source) at() diag.Pos {
	return diag.Pos{File: s.File, Line: s.Line, Col: max(s.Col, 1)}
}

// FormatBytes writes a byte count the way site.toml takes it: 256MiB.
func FormatBytes(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
