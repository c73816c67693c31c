// Package config reads site.toml, the file that describes a briefing: its
// title and period, language and currency, where its data comes from and
// how each table's columns are typed, and where the output goes.
//
// Reading goes Default → Parse → Validate. Every key must be known: a
// misspelt key is an error at its file:line:col, not a silent default.
package config

import (
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/mail"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// File is the name of the configuration file at the site root.
const File = "site.toml"

// Site is the parsed site.toml.
type Site struct {
	Title    string `toml:"title"`
	Subtitle string `toml:"subtitle"`
	Period   string `toml:"period"`   // e.g. "March 2022", shown under the title
	Language string `toml:"language"` // BCP 47 tag for <html lang>, default "en"
	Locale   string `toml:"locale"`   // number formatting locale, default "en-US"
	Currency string `toml:"currency"` // ISO 4217 code, default "USD"
	// FiscalYearStart is the month (1–12) the fiscal year starts; quarters
	// show as "Q2 FY24" when it is not January.
	FiscalYearStart int    `toml:"fiscal_year_start"`
	BaseURL         string `toml:"base_url"` // where the site is published; links stay relative
	Output          string `toml:"output"`   // output directory, relative to the site root
	// GeneratedAt asks for a "generated at" stamp on every page. The time
	// is SOURCE_DATE_EPOCH when set, so rebuilds stay byte-identical.
	GeneratedAt bool              `toml:"generated_at"`
	Data        map[string]*Data  `toml:"data"`
	Assets      Assets            `toml:"assets"`
	Params      map[string]string `toml:"params"` // free text for templates
	Email       Email             `toml:"email"`
	Charts      Charts            `toml:"charts"`
	Cache       Cache             `toml:"cache"`
	Queries     Queries           `toml:"queries"`
	// Sources are the databases source queries run on ([sources.NAME]).
	Sources map[string]*Source `toml:"sources"`
	// Labels are readers' names for columns: the header a table gives a
	// column that its own [headers] does not name (column → label).
	Labels map[string]string `toml:"labels"`
	Fonts  Fonts             `toml:"fonts"`
	// Editions, when present, makes the briefing a series of editions
	// (package edition); nil otherwise.
	Editions *Editions `toml:"editions"`

	src []byte
	ix  *tomlpos.Index
}

// Data describes one table.
type Data struct {
	File      string `toml:"file"`
	Sheet     string `toml:"sheet"`
	Key       string `toml:"key"`
	HeaderRow int    `toml:"header_row"`
	// Columns declares kinds: column name, or a pattern of names such as
	// "20*", → type. Other columns take their kind from the data.
	Columns map[string]string `toml:"columns"`
	// Unpivot reads a wide grid as long rows (see table.Unpivot).
	Unpivot *Unpivot `toml:"unpivot"`
	// SkipRows leaves out rows with a cell matching one of these patterns
	// ("Total*"); SkipColumns the columns whose header matches one.
	SkipRows    []string `toml:"skip_rows"`
	SkipColumns []string `toml:"skip_columns"`
	// Encoding is the text encoding of a CSV or TOML file, for legacy
	// exports: utf-8 (the default), latin1, windows-1252 or utf-16.
	Encoding string `toml:"encoding"`
	// Source and SQL make the table a source query instead of a file:
	// SQL runs on the database [sources.SOURCE] names.
	Source string `toml:"source"`
	SQL    string `toml:"sql"`
}

// Source is one database ([sources.NAME]): see package source.
type Source struct {
	Driver string `toml:"driver"` // a registered driver: postgres, sqlite
	// DSNEnv names the environment variable holding the connection
	// string; the string itself is never read from site.toml.
	DSNEnv  string `toml:"dsn_env"`
	Timeout string `toml:"timeout"`  // a Go duration; default "60s"
	MaxRows int    `toml:"max_rows"` // the most rows one query may return; default 100000
	// Offline is "fallback" to build from the snapshots when the source
	// cannot be reached, or "refuse" (the default) to fail.
	Offline string `toml:"offline"`
	// DSN exists only to refuse it with a clear message.
	DSN string `toml:"dsn"`
}

// Unpivot is a table's unpivot = { columns = "B:S", name = "month", value = "revenue" }.
type Unpivot struct {
	Columns string `toml:"columns"`
	Name    string `toml:"name"`
	Value   string `toml:"value"`
}

// Assets chooses where ECharts comes from.
type Assets struct {
	// ECharts is the site-relative path of echarts.min.js, checked against
	// the pinned checksum. Default: node_modules/echarts/dist/echarts.min.js.
	ECharts string `toml:"echarts"`
	// EChartsURL opts in to loading ECharts from a CDN instead of copying
	// it; EChartsIntegrity (an SRI hash) is then required.
	EChartsURL       string `toml:"echarts_url"`
	EChartsIntegrity string `toml:"echarts_integrity"`
}

// Charts holds the site-wide defaults of chart definitions.
type Charts struct {
	// Static draws every chart as an image too (for print, readers without
	// JavaScript and --single-file) unless its definition says otherwise.
	// Default true.
	Static *bool `toml:"static"`
}

// Cache configures the persistent cache of chart images (see package
// chartimage). --cache-dir and BRIEFING_CACHE_DIR win over it.
type Cache struct {
	// Dir is the cache folder, relative to the site root or absolute.
	// Default: os.UserCacheDir()/briefing.
	Dir string `toml:"dir"`
	// MaxMB bounds the folder's size, in MiB. Default 256.
	MaxMB int `toml:"max_mb"`
}

// Fonts chooses the typefaces of static chart images. Text is set in the
// built-in Go fonts; a character they lack is drawn from the first of
// Files that has it, else from a font in the system's font folders.
type Fonts struct {
	// Files are site-relative font files (.ttf, .otf, .ttc, .otc), in
	// order of preference.
	Files []string `toml:"files"`
	// System searches the standard font folders (/usr/share/fonts and
	// the like) too. Default true; false makes images the same on every
	// machine, given the same Files.
	System *bool `toml:"system"`
}

// Editions makes the briefing a series: [editions] in site.toml. Each
// build is an edition; `briefing build --record` keeps its record in
// editions/ID.json, and prose can compare with the previous one.
type Editions struct {
	// Date names the figure that dates an edition: a month, a quarter or
	// a date. Without it an edition is dated by SOURCE_DATE_EPOCH, else by
	// the day it is built.
	Date string `toml:"date"`
	// Headline lists the figures shown for every edition on the archive
	// page.
	Headline []string `toml:"headline"`
	// Title is the archive page's title; default "Editions".
	Title string `toml:"title"`
}

// SystemFonts reports whether static images may use the system's fonts.
func (s *Site) SystemFonts() bool { return s.Fonts.System == nil || *s.Fonts.System }

// StaticCharts reports whether charts get a static image unless their
// definition says otherwise.
func (s *Site) StaticCharts() bool { return s.Charts.Static == nil || *s.Charts.Static }

// Email configures the email edition (briefing email).
type Email struct {
	Subject string   `toml:"subject"` // may quote figures: "Briefing: {{fig tiktok_share}} from one customer"
	From    string   `toml:"from"`    // "Strategy team <strategy@example.com>"
	To      []string `toml:"to"`
	Cc      []string `toml:"cc"`
	// Pages lists the content files that go into the email, in order, as
	// paths under content/ without .md. Default: ["index"].
	Pages []string `toml:"pages"`
	// SendIf is a condition (package expr) over figures, and with Each over
	// row.COLUMN: --send sends nothing, and exits 0 saying why, when it is
	// false (for a row: that row's message). --force overrides it.
	SendIf string `toml:"send_if"`
	// Each makes one message per row of this table, to the address in its
	// ToColumn; a page in Pages made per row of the same table is that
	// row's page. NameColumn names the recipient, GreetingColumn holds a
	// line that opens the message ("Dear Ada,").
	Each           string `toml:"each"`
	ToColumn       string `toml:"to_column"`
	NameColumn     string `toml:"name_column"`
	GreetingColumn string `toml:"greeting_column"`
	// Rate is how many messages --send sends a minute, at most. Default 60.
	Rate int  `toml:"rate"`
	SMTP SMTP `toml:"smtp"`
	// Preheader is the line inbox lists show after the subject. Default:
	// the first sentence of the email's first paragraph.
	Preheader string `toml:"preheader"`
}

// SMTP configures sending. The password is never read from site.toml:
// it comes from the environment variable PasswordEnv names.
type SMTP struct {
	Host        string `toml:"host"`
	Port        int    `toml:"port"`         // default 587
	Username    string `toml:"username"`     // empty: no authentication
	PasswordEnv string `toml:"password_env"` // default BRIEFING_SMTP_PASSWORD
	// TLS is "starttls" or "required" (the default: STARTTLS, and refuse
	// to send without it), "implicit" (TLS from the first byte; the
	// default on port 465) or "none" (plaintext, chosen on purpose).
	TLS    string `toml:"tls"`
	CAFile string `toml:"ca_file"` // extra CA certificate (PEM) to trust, for private relays
	// Auth is the login mechanism: "" (PLAIN, else LOGIN, as the server
	// offers), "plain", "login" or "xoauth2" (an OAuth 2 access token
	// from the environment variable TokenEnv names).
	Auth     string `toml:"auth"`
	TokenEnv string `toml:"token_env"` // default BRIEFING_SMTP_TOKEN
	// Password exists only to refuse it with a clear message.
	Password string `toml:"password"`
}

// Queries bounds what one SQL query (a queries/*.sql file or a figure's
// sql) may cost; a query over a limit fails with an error at its file.
type Queries struct {
	Timeout   string `toml:"timeout"`    // a Go duration; default "": query.DefaultLimits' (500ms, plus 1s per 10,000 rows)
	MaxRows   int    `toml:"max_rows"`   // default 1000000
	MaxMemory string `toml:"max_memory"` // bytes, with a unit: "256MiB" (default), "1GiB", "500MB"
}

// Default returns the settings used where site.toml is silent.
func Default() *Site {
	return &Site{Language: "en", Locale: "en-US", Currency: "USD", Output: "output",
		Email:   Email{Pages: []string{"index"}, Rate: 60, SMTP: SMTP{Port: 587, PasswordEnv: "BRIEFING_SMTP_PASSWORD", TokenEnv: "BRIEFING_SMTP_TOKEN", TLS: "starttls"}},
		Queries: Queries{MaxRows: 1_000_000, MaxMemory: "256MiB"}}
}

// Load reads and validates site.toml from fsys.
func Load(fsys fs.FS) (*Site, error) {
	src, err := tomlpos.ReadFile(fsys, File)
	if diag.IsSource(err) {
		return nil, err // a link out of the site (package sitefs)
	}
	if err != nil {
		return nil, diag.Config.Errorf(diag.Pos{File: File}, "cannot read: %v (is this a briefing folder?)", err)
	}
	return Parse(src)
}

// Parse decodes and validates the content of site.toml.
func Parse(src []byte) (*Site, error) {
	s := Default()
	if _, err := tomlpos.Decode(diag.Config, File, src, s); err != nil {
		return nil, err
	}
	s.src, s.ix = src, tomlpos.New(File, src)
	if s.Email.SMTP.Port == 465 && s.ix.Key("email", "smtp", "tls").Line == 0 {
		s.Email.SMTP.TLS = "implicit" // port 465 speaks TLS from the first byte
	}
	return s, s.Validate()
}

// Validate checks values that decoding alone cannot.
func (s *Site) Validate() error {
	if strings.TrimSpace(s.Title) == "" {
		return diag.Config.Errorf(diag.Pos{File: File, Line: 1, Col: 1}, "title is required")
	}
	for _, key := range []string{"title", "subtitle", "period"} {
		text := map[string]string{"title": s.Title, "subtitle": s.Subtitle, "period": s.Period}[key]
		if strings.Contains(text, "{{") {
			return tomlpos.NoReference(diag.Config, text, s.ix.TextStart(key), "site.toml's "+key)
		}
	}
	if s.FiscalYearStart < 0 || s.FiscalYearStart > 12 {
		return diag.Config.Errorf(s.ix.Value("fiscal_year_start"), "fiscal_year_start %d: want a month, 1 to 12", s.FiscalYearStart)
	}
	if strings.TrimSpace(s.Output) == "" {
		return diag.Config.Errorf(s.ix.Value("output"), "output must name a directory")
	}
	seen := map[string]string{} // lower-case name → name, for SQL's case-blind names
	for _, name := range s.TableNames() {
		d := s.Data[name]
		if other, clash := seen[strings.ToLower(name)]; clash {
			return diag.Config.Errorf(s.ix.Key("data", name), "table %q has the name of table %q to SQL, which ignores case; rename one of them", name, other)
		}
		seen[strings.ToLower(name)] = name
		if !validName(name) {
			return diag.Config.Errorf(s.ix.Key("data", name), "table name %q: use letters, digits and underscores", name)
		}
		if d.Source != "" || d.SQL != "" {
			if err := s.validateSourceTable(name, d); err != nil {
				return err
			}
			continue
		}
		if d.File == "" {
			return diag.Config.Errorf(s.ix.Key("data", name), "table %q: file is required", name)
		}
		if !validRelPath(d.File) {
			return diag.Config.Errorf(s.ix.Value("data", name, "file"), "table %q: file %q must be a relative path inside the site", name, d.File)
		}
		if err := table.CheckEncoding(d.Encoding); err != nil {
			return diag.Config.Errorf(s.ix.Value("data", name, "encoding"), "table %q: %v", name, err)
		}
		if d.HeaderRow < 0 {
			return diag.Config.Errorf(s.ix.Value("data", name, "header_row"), "header_row must be 1 or more")
		}
		if err := s.validateColumns(name, d); err != nil {
			return err
		}
	}
	if s.Email.SMTP.Password != "" {
		return diag.Config.Errorf(s.ix.Key("email", "smtp", "password"), "passwords are never read from site.toml; set password_env to the name of an environment variable that holds it (default BRIEFING_SMTP_PASSWORD)")
	}
	if err := s.validateEmail(); err != nil {
		return err
	}
	for _, addr := range append(append([]string{s.Email.From}, s.Email.To...), s.Email.Cc...) {
		if addr == "" {
			continue
		}
		if _, err := mail.ParseAddress(addr); err != nil {
			return diag.Config.Errorf(s.ix.Key("email"), "email address %q: %v", addr, err)
		}
	}
	if err := s.validateSources(); err != nil {
		return err
	}
	if err := s.validateCache(); err != nil {
		return err
	}
	if err := s.validateEditions(); err != nil {
		return err
	}
	if err := s.validateFonts(); err != nil {
		return err
	}
	if (s.Assets.EChartsURL == "") != (s.Assets.EChartsIntegrity == "") {
		return diag.Config.Errorf(s.ix.Key("assets"), "echarts_url and echarts_integrity go together: a CDN copy must be pinned by its SRI hash")
	}
	if u := s.Assets.EChartsURL; u != "" && !strings.HasPrefix(u, "https://") {
		return diag.Config.Errorf(s.ix.Value("assets", "echarts_url"), "echarts_url must be an https URL")
	}
	_, err := s.queryLimits()
	return err
}

// QueryLimits returns the limits [queries] sets, for a validated Site.
func (s *Site) QueryLimits() query.Limits {
	lim, _ := s.queryLimits()
	return lim
}

func (s *Site) queryLimits() (query.Limits, error) {
	q := s.Queries
	lim := query.DefaultLimits
	timeout, err := time.ParseDuration(q.Timeout)
	if q.Timeout == "" {
		timeout, err = lim.Timeout, nil
	} else {
		lim.TimeoutPerRow = 0 // the site's own timeout is the whole of it
	}
	if err != nil || timeout <= 0 {
		return query.Limits{}, diag.Config.Errorf(s.ix.Value("queries", "timeout"), "timeout %q: want a duration such as \"10s\" or \"2m\"", q.Timeout)
	}
	if q.MaxRows < 1 {
		return query.Limits{}, diag.Config.Errorf(s.ix.Value("queries", "max_rows"), "max_rows must be 1 or more")
	}
	mem, err := parseBytes(q.MaxMemory)
	if err != nil || mem < 1<<20 {
		return query.Limits{}, diag.Config.Errorf(s.ix.Value("queries", "max_memory"), "max_memory %q: want a size of at least 1MiB, such as \"256MiB\" or \"1GiB\"", q.MaxMemory)
	}
	lim.Timeout, lim.MaxRows, lim.MaxBytes = timeout, q.MaxRows, mem
	return lim, nil
}

var byteUnits = map[string]int64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// parseBytes reads a size such as "256MiB", "500MB" or "1048576".
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(s)
	}
	unit, ok := byteUnits[strings.TrimSpace(s[i:])]
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || !ok || n > math.MaxInt64/unit {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * unit, nil
}

// validateCache refuses a cache folder that the build would read as a
// source, copy, or replace with its output.
func (s *Site) validateCache() error {
	if s.Cache.MaxMB < 0 {
		return diag.Config.Errorf(s.ix.Value("cache", "max_mb"), "max_mb must be positive")
	}
	d := s.Cache.Dir
	if d == "" || filepath.IsAbs(d) {
		return nil
	}
	if !validRelPath(d) || d == "." {
		return diag.Config.Errorf(s.ix.Value("cache", "dir"), "cache dir %q must be a folder inside the site (or an absolute path)", d)
	}
	top, _, _ := strings.Cut(d, "/")
	if slices.Contains([]string{"content", "data", "charts", "templates", "static", "queries", "snapshots"}, top) ||
		d == s.Output || strings.HasPrefix(d, strings.TrimSuffix(s.Output, "/")+"/") {
		return diag.Config.Errorf(s.ix.Value("cache", "dir"), "cache dir %q is inside a source or output folder; use a folder of its own, such as .briefing-cache", d)
	}
	return nil
}

// validateEditions checks that [editions] names figures by their names;
// whether they exist is known once figures are read.
func (s *Site) validateEditions() error {
	e := s.Editions
	if e == nil {
		return nil
	}
	if e.Title == "" {
		e.Title = "Editions"
	}
	for _, n := range append([]string{e.Date}, e.Headline...) {
		if n != "" && !validName(n) {
			return diag.Config.Errorf(s.ix.Key("editions"), "[editions]: %q is not a figure name", n)
		}
	}
	return nil
}

// TableNames lists the declared tables in name order.
func (s *Site) TableNames() []string {
	names := make([]string, 0, len(s.Data))
	for n := range s.Data {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TableSpec returns the loader spec of the table called name.
func (s *Site) TableSpec(name string) table.Spec {
	d := s.Data[name]
	cols := make(map[string]table.Kind, len(d.Columns))
	for c, k := range d.Columns {
		cols[c], _ = table.ParseKind(k)
	}
	spec := table.Spec{
		Name: name, File: d.File, Sheet: d.Sheet, Key: d.Key, HeaderRow: d.HeaderRow, Columns: cols, Encoding: d.Encoding,
		Currency: s.Currency, SkipRows: d.SkipRows, SkipColumns: d.SkipColumns,
		Where:     s.ix.Key("data", name),
		ColumnPos: func(col string) diag.Pos { return s.ix.Key("data", name, "columns", col) },
		KeyPos:    func(path ...string) diag.Pos { return s.ix.Value(append([]string{"data", name}, path...)...) },
	}
	if u := d.Unpivot; u != nil {
		spec.Unpivot = &table.Unpivot{Columns: u.Columns, Name: u.Name, Value: u.Value}
	}
	return spec
}

// Pos locates a key of site.toml, for errors found later in the build.
func (s *Site) Pos(path ...string) diag.Pos { return s.ix.Value(path...) }

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validRelPath accepts a clean, slash-separated path that stays inside the
// site: no leading slash, no "..", no backslashes.
func validRelPath(p string) bool {
	return p != "" && fs.ValidPath(p) && !strings.Contains(p, `\`)
}

// fontExts are the font files static images can draw with.
var fontExts = []string{".ttf", ".otf", ".ttc", ".otc"}

func (s *Site) validateFonts() error {
	for _, f := range s.Fonts.Files {
		if !validRelPath(f) {
			return diag.Config.Errorf(s.ix.Value("fonts", "files"), "font file %q must be a relative path inside the site", f)
		}
		if !slices.Contains(fontExts, strings.ToLower(filepath.Ext(f))) {
			return diag.Config.Errorf(s.ix.Value("fonts", "files"), "font file %q: want a TrueType or OpenType font (%s)", f, strings.Join(fontExts, ", "))
		}
	}
	for col, label := range s.Labels {
		if strings.TrimSpace(label) == "" {
			return diag.Config.Errorf(s.ix.Value("labels", col), "label of %q is empty", col)
		}
	}
	return nil
}

// validateColumns checks a table's column types, patterns and unpivot.
func (s *Site) validateColumns(name string, d *Data) error {
	for _, col := range slices.Sorted(maps.Keys(d.Columns)) {
		at := s.ix.Value("data", name, "columns", col)
		if _, err := table.ParseKind(d.Columns[col]); err != nil {
			return diag.Config.Errorf(at, "table %q: column %q: %v", name, col, err)
		}
		if _, err := path.Match(col, ""); err != nil {
			return diag.Config.Errorf(s.ix.Key("data", name, "columns", col), "table %q: column pattern %q: %v", name, col, err)
		}
	}
	for _, k := range []struct {
		key  string
		list []string
	}{{"skip_rows", d.SkipRows}, {"skip_columns", d.SkipColumns}} {
		key := k.key
		for _, p := range k.list {
			if _, err := path.Match(p, ""); err != nil || strings.TrimSpace(p) == "" {
				return diag.Config.Errorf(s.ix.Value("data", name, key), "table %q: %s pattern %q: want text with * for any run of characters, such as \"Total*\"", name, key, p)
			}
		}
	}
	if u := d.Unpivot; u != nil {
		for i, v := range []string{u.Columns, u.Name, u.Value} {
			if key := []string{"columns", "name", "value"}[i]; strings.TrimSpace(v) == "" {
				return diag.Config.Errorf(s.ix.Key("data", name, "unpivot"), "table %q: unpivot needs columns, name and value (unpivot = { columns = \"B:S\", name = \"month\", value = \"revenue\" }); %s is missing", name, key)
			}
		}
	}
	return nil
}
