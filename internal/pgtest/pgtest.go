// Package pgtest starts a real PostgreSQL server for tests: Debian's
// postgresql package, initdb and pg_ctl into a temporary folder, listening
// on a loopback port only. Run as root (as CI is), the server runs as the
// postgres user, which owns the folder.
//
// A package's tests share one server (Shared), started on first use and
// stopped by StopShared from TestMain. Without PostgreSQL installed the
// tests that need it skip with a message, unless BRIEFING_REQUIRE_POSTGRES=1
// (set in CI), when they fail instead.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Admin and its password own the server; tests make their own roles.
const (
	Admin         = "briefing_admin"
	AdminPassword = "admin-pw-not-a-secret"
)

// Server is a running PostgreSQL server.
type Server struct {
	Port int
	dir  string // owns data/, the socket and the log
	bin  string // the folder of initdb and pg_ctl
	as   *user.User
}

// Start initialises and starts a new server.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if s.as, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, PostgreSQL needs the postgres user: %v", err)
		}
	}
	if s.dir, err = os.MkdirTemp("", "briefing-pg-"); err != nil {
		return nil, err
	}
	if err := s.initdb(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.start(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
}

func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (no initdb/pg_ctl; Debian: apt-get install postgresql)")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// cmd runs a PostgreSQL program, as the postgres user when we are root.
func (s *Server) cmd(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, prog)
	if s.as == nil {
		return exec.Command(path, args...)
	}
	return exec.Command("setpriv", append([]string{"--reuid=" + s.as.Uid, "--regid=" + s.as.Gid, "--clear-groups", "--", path}, args...)...)
}

func (s *Server) initdb() error {
	pw := filepath.Join(s.dir, "pw")
	if err := os.WriteFile(pw, []byte(AdminPassword+"\n"), 0o600); err != nil {
		return err
	}
	if s.as != nil {
		uid, _ := strconv.Atoi(s.as.Uid)
		gid, _ := strconv.Atoi(s.as.Gid)
		for _, p := range []string{s.dir, pw} {
			if err := os.Chown(p, uid, gid); err != nil {
				return err
			}
		}
	}
	out, err := s.cmd("initdb", "-D", filepath.Join(s.dir, "data"), "-U", Admin, "--pwfile", pw, "-E", "UTF8", "--no-locale",
		"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--no-sync").CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return nil
}

func (s *Server) start() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", s.Port, s.dir)
	out, err := s.cmd("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() error {
	out, err := s.cmd("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop").CombinedOutput()
	os.RemoveAll(s.dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// DSN is a connection string for user on database db.
func (s *Server) DSN(user, password, db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", user, password, s.Port, db)
}

// Exec runs statements as the admin on database db, in order.
func (s *Server) Exec(db string, stmts ...string) error {
	conn, err := sql.Open("pgx", s.DSN(Admin, AdminPassword, db))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, st := range stmts {
		if _, err := conn.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", firstLine(st), err)
		}
	}
	return nil
}

// Open connects as the admin to database db.
func (s *Server) Open(db string) (*sql.DB, error) {
	return sql.Open("pgx", s.DSN(Admin, AdminPassword, db))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

var shared struct {
	sync.Mutex
	srv *Server
	err error
	ran bool
}

// Shared returns the package's server, starting it on first use. Without
// PostgreSQL the test skips, or fails when BRIEFING_REQUIRE_POSTGRES=1.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if !shared.ran {
		shared.ran = true
		shared.srv, shared.err = Start()
	}
	if shared.err != nil {
		if os.Getenv("BRIEFING_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required (BRIEFING_REQUIRE_POSTGRES=1): %v", shared.err)
		}
		t.Skipf("skipping: no PostgreSQL server for this test: %v", shared.err)
	}
	return shared.srv
}

// StopShared stops the package's server, if one was started.
func StopShared() {
	shared.Lock()
	defer shared.Unlock()
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		shared.srv = nil
	}
}
