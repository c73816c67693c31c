package source

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteCode is the result code SQLite's messages end with: " (1)".
var sqliteCode = regexp.MustCompile(` \(\d+\)$`)

// sqliteDriver reads a SQLite database file: the connection string is its
// path (or a file: URI). It is opened read-only and with query_only set,
// so that a write fails; the timeout cancels the query.
var sqliteDriver = &Driver{
	Name:    "sqlite",
	SQLName: "sqlite",
	DSN: func(dsn string) string {
		if !strings.HasPrefix(dsn, "file:") {
			dsn = "file:" + dsn
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "mode=ro&_pragma=query_only(1)"
	},
	Setup: func(ctx context.Context, tx *sql.Tx, _ time.Duration) error {
		_, err := tx.ExecContext(ctx, "PRAGMA query_only = 1")
		return err
	},
	Classify: func(err error) failure {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "unable to open database file"), strings.Contains(msg, "(14)"):
			return failure{kind: failUnreachable, detail: "cannot open the database file"}
		case strings.Contains(msg, "interrupted"):
			return failure{kind: failTimeout}
		case strings.Contains(msg, "readonly"), strings.Contains(msg, "query_only"):
			return failure{kind: failReadOnly, detail: msg}
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			return failure{}
		}
		// "SQL logic error: no such table: nope (1)" says "no such table: nope".
		msg = sqliteCode.ReplaceAllString(strings.TrimPrefix(msg, "SQL logic error: "), "")
		return failure{kind: failSQL, detail: msg}
	},
}
