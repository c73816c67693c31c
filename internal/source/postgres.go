package source

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/briefing-dev/briefing/internal/table"
)

// postgresDriver is PostgreSQL through pgx. Its guarantees are the
// server's: BEGIN READ ONLY refuses every write, and statement_timeout
// stops a query on the server, where its work is.
var postgresDriver = &Driver{
	Name:    "postgres",
	SQLName: "pgx",
	Secrets: func(dsn string) []string {
		if c, err := pgconn.ParseConfig(dsn); err == nil && c.Password != "" {
			return []string{c.Password}
		}
		return nil
	},
	Setup: func(ctx context.Context, tx *sql.Tx, timeout time.Duration) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", max(timeout.Milliseconds(), 1)))
		return err
	},
	Classify: classifyPostgres,
	// pgx names the types it knows; money it gives by OID.
	Types: map[string]table.Kind{"790": table.Money},
}

// classifyPostgres reads pgx's errors: the server's SQLSTATE codes, and
// the connection errors pgconn wraps.
func classifyPostgres(err error) failure {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			return failure{kind: failAuth}
		case pe.Code == "57014": // query_canceled: statement_timeout
			return failure{kind: failTimeout}
		case pe.Code == "25006": // read_only_sql_transaction
			return failure{kind: failReadOnly, detail: pe.Message, position: int(pe.Position)}
		case pe.Code == "3D000": // invalid_catalog_name: no such database
			return failure{kind: failConfig, detail: "the database named in the connection string does not exist"}
		}
		detail := pe.Message
		if pe.Hint != "" {
			detail += " (" + pe.Hint + ")"
		}
		return failure{kind: failSQL, detail: detail, position: int(pe.Position)}
	}
	var ce *pgconn.ConnectError
	var pce *pgconn.ParseConfigError
	switch {
	case errors.As(err, &pce):
		return failure{kind: failConfig, detail: "the connection string cannot be parsed"}
	case errors.As(err, &ce):
		if isNetwork(err) {
			return failure{kind: failUnreachable, detail: networkDetail(err)}
		}
		return failure{kind: failUnreachable, detail: "the connection failed"}
	}
	return failure{}
}
