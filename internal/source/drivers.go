package source

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/briefing-dev/briefing/internal/table"
)

// drivers is the one place a kind of database is registered. To add one
// that has a database/sql driver (DuckDB, ClickHouse, MySQL, Snowflake):
// import the driver in a file of this package (a build tag keeps a cgo
// driver out of the default build), and append a Driver here with its
// site.toml name and database/sql name. The generic defaults handle the
// rest: a read-only transaction, the timeout by cancelling the query,
// kinds from the column types' names and the values, and network errors
// read as an unreachable server. Set the optional functions to do better.
var drivers = []*Driver{
	postgresDriver,
	sqliteDriver,
}

// Driver is one kind of database a source can name.
type Driver struct {
	// Name is the driver's name in site.toml.
	Name string
	// SQLName is the name its database/sql driver registered.
	SQLName string
	// DSN, when set, adapts the connection string before it is opened
	// (SQLite: read-only mode).
	DSN func(dsn string) string
	// Secrets, when set, lists the parts of a connection string to
	// redact from messages, besides the whole string (a password).
	Secrets func(dsn string) []string
	// Setup, when set, runs first in each query's read-only transaction:
	// the server-side statement timeout, or the driver's read-only mode.
	Setup func(ctx context.Context, tx *sql.Tx, timeout time.Duration) error
	// Classify, when set, tells what a driver's error means; it returns
	// the zero failure for an error it does not know.
	Classify func(err error) failure
	// Types, when set, gives kinds to type names (as the driver's
	// ColumnType.DatabaseTypeName says them) that kindOf does not know.
	Types map[string]table.Kind
}

// DriverNames lists the registered drivers, for site.toml's validation.
func DriverNames() []string {
	names := make([]string, len(drivers))
	for i, d := range drivers {
		names[i] = d.Name
	}
	return names
}

func driverNamed(name string) *Driver {
	i := slices.IndexFunc(drivers, func(d *Driver) bool { return d.Name == name })
	if i < 0 {
		return nil
	}
	return drivers[i]
}

// failureKind says what went wrong with a source query.
type failureKind int

const (
	failUnknown     failureKind = iota
	failUnreachable             // no connection to the server
	failAuth                    // the server refused the credentials
	failTimeout                 // the query ran past the timeout
	failReadOnly                // the query tried to write
	failConfig                  // the connection string is not valid
	failSQL                     // the database refused the SQL
)

// failure is a driver error, read.
type failure struct {
	kind     failureKind
	detail   string // the database's own words, for SQL errors
	position int    // 1-based character offset into the query text; 0 if unknown
}

// classify reads err with the driver's rules, then the generic ones.
func (d *Driver) classify(err error) failure {
	if d.Classify != nil {
		if f := d.Classify(err); f.kind != failUnknown {
			return f
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return failure{kind: failTimeout}
	case isNetwork(err):
		return failure{kind: failUnreachable, detail: networkDetail(err)}
	case strings.Contains(strings.ToLower(err.Error()), "read-only") || strings.Contains(strings.ToLower(err.Error()), "readonly"):
		return failure{kind: failReadOnly, detail: err.Error()}
	}
	return failure{kind: failSQL, detail: err.Error()}
}

func isNetwork(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) || errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// networkDetail is the bottom of a network error ("connection refused",
// "no such host"), without addresses or anything from the DSN.
func networkDetail(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return "network error"
}
