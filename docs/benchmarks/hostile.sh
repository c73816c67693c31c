#!/usr/bin/env bash
# hostile.sh: every hostile or pathological input of issue 10, and every
# workbook in ../shared/fixtures/xlsx, run through the built binary as a
# whole process under /usr/bin/time. Prints a markdown table: the input,
# the exit status, the first line of stderr, CPU (user + system seconds)
# and peak RSS. The goal is every row at most 1 s of CPU and 200 MB.
#
#   docs/benchmarks/hostile.sh [FIXTURES_DIR] > table.md
#
# Needs go, python3 (to generate the inputs), curl, and ECharts installed
# at the repository root (npm ci). Each input is generated into a fresh
# site in a temporary folder, removed at the end.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=${1:-$repo/../shared/fixtures/xlsx}
[ -d "$fixtures" ] || fixtures=/work/shared/fixtures/xlsx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BRIEFING_ECHARTS=$repo/node_modules/echarts/dist/echarts.min.js
export BRIEFING_CACHE_DIR=$work/cache
[ -f "$BRIEFING_ECHARTS" ] || { echo "run npm ci first" >&2; exit 1; }
(cd "$repo" && go build -o "$work/briefing" ./cmd/briefing) || exit 1
bin=$work/briefing

# site: a fresh minimal site, one page; prints its folder.
site() {
	local d
	d=$(mktemp -d "$work/site.XXXX")
	mkdir -p "$d/content" "$d/data" "$d/queries"
	printf 'title = "T"\n' >"$d/site.toml"
	printf '+++\ntitle = "Home"\n+++\nHello.\n' >"$d/content/index.md"
	echo "$d"
}

# measure INPUT ARGS...: runs the binary, prints one table row.
measure() {
	local what=$1
	shift
	/usr/bin/time -f '%U %S %M' -o "$work/time" "$bin" "$@" >"$work/out" 2>"$work/err"
	row "$what" $?
}

# row INPUT CODE: the table row for the run just measured.
row() {
	local first u s m
	first=$(head -n 1 "$work/err" | cut -c1-150 | sed 's/|/\\|/g')
	[ -n "$first" ] || first="(none) $(head -n 1 "$work/out" | cut -c1-80)"
	read -r u s m <<<"$(tail -n 1 "$work/time")"
	printf '| %s | %s | `%s` | %.2f | %d |\n' "$1" "$2" "$first" "$(awk "BEGIN{print $u + $s}")" $((m / 1024))
}

py() { python3 -c "$@"; }

echo "| input | exit | first line of stderr | CPU s | peak RSS MB |"
echo "|---|---:|---|---:|---:|"

# --- TOML nested deep, in every kind of TOML file the tool reads.
deep='import sys; n=int(sys.argv[1]); sys.stdout.write("x = " + "{a=" * n + "1" + "}" * n + "\n")'
d=$(site); py "$deep" 10000 >>"$d/site.toml"
measure "site.toml: inline table 10,000 deep (40 KB)" check "$d"
d=$(site); py "$deep" 1000000 >>"$d/site.toml"
measure "site.toml: inline table 10⁶ deep (4 MB)" check "$d"
d=$(site); { echo "[f]"; py "$deep" 10000 | sed 's/^x/expr/'; } >"$d/figures.toml"
measure "figures.toml: 10,000 deep" check "$d"
d=$(site); mkdir "$d/charts"; py "$deep" 10000 >"$d/charts/c.toml"
measure "charts/c.toml: 10,000 deep" check "$d"
d=$(site); mkdir "$d/tables"; py "$deep" 10000 >"$d/tables/t.toml"
measure "tables/t.toml: 10,000 deep" check "$d"
d=$(site); { printf '+++\ntitle = "Home"\n'; py "$deep" 10000; printf '+++\nHello.\n'; } >"$d/content/index.md"
measure "front matter: 10,000 deep" check "$d"
d=$(site); printf '[data.t]\nfile = "data/t.toml"\nkey = "row"\n' >>"$d/site.toml"
{ echo "[[row]]"; py "$deep" 10000; } >"$d/data/t.toml"
measure "data/t.toml (a data table): 10,000 deep" check "$d"

# --- Queries without an end.
endless="WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r)"
d=$(site); echo "$endless SELECT count(*) AS n FROM r" >"$d/queries/evil.sql"
measure "queries/evil.sql: endless recursive CTE, count(*)" check "$d"
d=$(site); echo "$endless SELECT n FROM r" >"$d/queries/evil.sql"
measure "queries/evil.sql: endless recursive CTE, every row" check "$d"
d=$(site); printf '[evil]\nsql = "%s SELECT count(*) FROM r"\n' "$endless" >"$d/figures.toml"
measure "figures.toml: a figure's sql, endless, count(*)" check "$d"

# --- Markdown that goldmark takes quadratic time on.
md() { { printf '+++\ntitle = "Home"\n+++\n'; py "import sys; u=sys.argv[1].encode().decode('unicode_escape'); sys.stdout.write(u * (int(sys.argv[2]) // len(u)))" "$1" "$2"; } >"$3"; }
d=$(site); md '[a](' 160000 "$d/content/index.md"
measure 'content: 40,000 unclosed `[a](` on a line (156 KB)' build -o "$d/out" "$d"
d=$(site); md '[a](' 1000000 "$d/content/index.md"
measure 'content: 1 MB of `[a](`' build -o "$d/out" "$d"
d=$(site); md '> ' 1000000 "$d/content/index.md"
measure 'content: 1 MB of `> `' build -o "$d/out" "$d"
d=$(site); md '> ' 250000 "$d/content/index.md"
measure 'content: 250 KB of `> `' build -o "$d/out" "$d"
d=$(site); md '[a]\n' 250000 "$d/content/index.md"
measure 'content: 250 KB of `[a]` lines in one paragraph' build -o "$d/out" "$d"
d=$(site)
{ printf '+++\ntitle = "Home"\n+++\n'; py 'import sys
block = "".join("  " * i + "- a\n" for i in range(16))
sys.stdout.write(block * (250000 // len(block)))'; } >"$d/content/index.md"
measure 'content: 250 KB of lists 16 deep (within the limits)' build -o "$d/out" "$d"

# --- Workbooks.
# xlsx SHEET_PY OUT: a one-sheet workbook whose sheet XML the Python
# expression writes to w (streamed into the zip).
xlsx() {
	python3 - "$2" <<EOF
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>customer</t></si><si><t>Acme</t></si></sst>')
head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>spend</t></is></c></row>'
tail = '</sheetData></worksheet>'
def rep(w, s, n):
    chunk = s * max(1, 65536 // len(s))
    per = len(chunk) // len(s)
    while n >= per:
        w.write(chunk.encode()); n -= per
    w.write((s * n).encode())
with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w:
    $1
z.close()
EOF
}
book() { local d; d=$(site); printf '[data.t]\nfile = "data/t.xlsx"\n' >>"$d/site.toml"; xlsx "$1" "$d/data/t.xlsx"; echo "$d"; }
d=$(book 'w.write((head + header + "<row r=\"2\">").encode()); rep(w, "<c/>", 20_000_000); w.write(("</row>" + tail).encode())')
measure "xlsx: one row of 20,000,000 \`<c/>\` ($(($(stat -c %s "$d/data/t.xlsx") / 1024)) KB)" check "$d"
d=$(book 'w.write((head + header + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>").encode()); rep(w, "a", 150_000_000); w.write(("</t></is></c></row>" + tail).encode())')
measure "xlsx: a 150 MB inline string ($(($(stat -c %s "$d/data/t.xlsx") / 1024)) KB)" check "$d"
d=$(book 'w.write((head + "\n").encode()); rep(w, " ", 190_000_000); w.write((header + tail).encode())')
measure "xlsx: 190 MB of white space in the sheet XML ($(($(stat -c %s "$d/data/t.xlsx") / 1024)) KB)" check "$d"
d=$(book 'w.write((head + header + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>999</v></c><c r=\"B2\"><v>1</v></c></row>" + tail).encode())')
measure "xlsx: a cell pointing at shared string 999 of 2" check "$d"

for f in "$fixtures"/*.xlsx; do
	d=$(site)
	cp "$f" "$d/data/"
	# Every sheet of the workbook is a table.
	python3 - "$f" >>"$d/site.toml" <<'EOF'
import sys, zipfile, re, os
name = os.path.basename(sys.argv[1])
wb = zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode("utf-8", "replace")
for i, s in enumerate(re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', wb)):
    print(f'[data.t{i}]\nfile = "data/{name}"\nsheet = "{s}"')
EOF
	measure "fixture $(basename "$f")" check "$d"
done

# --- Text in a legacy encoding.
d=$(site); printf '[data.c]\nfile = "data/c.csv"\n' >>"$d/site.toml"; printf 'city,people\nBern,134000\nZ\xfcrich,421000\n' >"$d/data/c.csv"
measure "CSV saved as Latin-1 (\`Zürich\` as 0xFC)" check "$d"
printf 'encoding = "latin1"\n' >>"$d/site.toml"
measure "the same with encoding = \"latin1\"" check "$d"

# --- Expressions.
d=$(site); py 'import sys; n=10**6; sys.stdout.write("[deep]\nexpr = \"" + "(" * n + "1" + ")" * n + "\"\n")' >"$d/figures.toml"
measure "figure expression nested 10⁶ deep" check "$d"
d=$(site); py 'import sys; n=10**5; sys.stdout.write("[deep]\nexpr = \"" + "(" * n + "1" + ")" * n + "\"\n")' >"$d/figures.toml"
measure "figure expression nested 10⁵ deep" check "$d"
for k in 10000 20000; do
	d=$(site)
	py 'import sys
n = int(sys.argv[1])
out = ["[f0]\nexpr = \"1\"\n"]
out += ["[f%d]\nexpr = \"f%d + %d\"\n" % (i, i // 2, i) for i in range(1, n)]
sys.stdout.write("\n".join(out))' $k >"$d/figures.toml"
	measure "$k expression figures" check "$d"
done

# --- A 300-character slug, alone and colliding after the cut.
slugsite() {
	local d; d=$(site)
	printf '[data.c]\nfile = "data/c.csv"\n' >>"$d/site.toml"
	printf '+++\ntitle = "{{row customer}}"\neach = "c"\nslug = "customer"\n+++\n{{row customer}}.\n' >"$d/content/customer.md"
	py "import sys; l = 'Contoso Holdings ' * 18; sys.stdout.write('customer,spend\n' + l + 'A,1\n' + sys.argv[1] + ',2\n')" "$1" >"$d/data/c.csv"
	echo "$d"
}
d=$(slugsite Globex)
measure "a 300-character slug" build -o "$d/out" "$d"
d=$(slugsite "$(py "import sys; sys.stdout.write('Contoso Holdings ' * 18 + 'A')")")
measure "the same 300-character value in two rows" build -o "$d/out" "$d"

# --- Output folders refused, and symlinked sources.
d=$(site); mkdir "$work/mine"; echo notes >"$work/mine/notes.txt"
measure "output folder not empty, not ours" build -o "$work/mine" "$d"
d=$(site); echo file >"$work/afile"
measure "output folder is a file" build -o "$work/afile" "$d"
d=$(site); ln -s "$d" "$work/L"; mkdir "$d/static"
measure "\`-o L/static\`, L a symlink to the site" build -o "$work/L/static" "$d"
d=$(site); ln -s /etc/passwd "$d/content/evil.md"
measure "content/evil.md → /etc/passwd" build -o "$d/out" "$d"
d=$(site); ln -s /etc/passwd "$d/queries/evil.sql"
measure "queries/evil.sql → /etc/passwd" build -o "$d/out" "$d"
d=$(site); ln -s gone.md "$d/content/dangling.md"
measure "content/dangling.md → a file that does not exist" build -o "$d/out" "$d"

# --- A killed build, then the next one.
d=$(site)
py 'import sys, os
for i in range(300):
    open(os.path.join(sys.argv[1], "content", "p%04d.md" % i), "w").write("+++\ntitle = \"P%d\"\n+++\nText %d.\n" % (i, i))' "$d"
"$bin" build -q -o "$d/out" "$d"
for i in 1 2 3 4 5 6; do
	"$bin" build -q -o "$d/out" "$d" &
	sleep 0.$((i * 2 - 1))
	kill -9 $! 2>/dev/null
	wait $! 2>/dev/null
done
left=$(find "$d" -maxdepth 1 -name '.out.*' | wc -l)
measure "the build after 6 killed builds of 300 pages ($left folders left before it)" build -o "$d/out" "$d"
echo "| (folders left after it) | | \`$(find "$d" -maxdepth 1 -name '.out.*' | wc -l)\` | | |"

# --- serve asked by a foreign Host.
d=$(site)
port=$(py 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/time -f '%U %S %M' -o "$work/time" "$bin" serve -p "$port" "$d" >"$work/out" 2>"$work/serve.err" &
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "http://127.0.0.1:$port/")
events=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -H 'Host: evil.example' "http://127.0.0.1:$port/_briefing/events")
kill -INT "$(pgrep -P $! -x briefing || echo $!)" 2>/dev/null
wait
echo "HTTP $code for /, $events for /_briefing/events" >"$work/err"
row "serve, \`Host: evil.example\`" "$code"

# --- Mail to a server that offers no STARTTLS.
d=$(site)
port=$(py 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$port" "$work/smtp.ready" >"$work/smtp.log" 2>&1 <<'EOF' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); s.settimeout(60)
open(sys.argv[2], "w").close()
c, _ = s.accept(); f = c.makefile("rwb")
f.write(b"220 plain ESMTP\r\n"); f.flush()
for line in f:
    cmd = line.strip().upper()
    print(cmd.decode(errors="replace"), flush=True)
    if cmd.startswith(b"EHLO"): f.write(b"250-plain\r\n250 AUTH PLAIN\r\n")
    elif cmd.startswith(b"QUIT"): f.write(b"221 bye\r\n"); f.flush(); break
    elif cmd == b"DATA": f.write(b"354 go\r\n")
    else: f.write(b"250 ok\r\n")
    f.flush()
EOF
# listen() comes before the ready file, so the first connection is the command's.
for _ in $(seq 100); do [ -e "$work/smtp.ready" ] && break; sleep 0.1; done
printf '[email]\nfrom = "a@example.com"\nto = ["b@example.com"]\n[email.smtp]\nhost = "127.0.0.1"\nport = %s\n' "$port" >>"$d/site.toml"
measure "email --send, server without STARTTLS (tls default)" email --send -o "$d/out" "$d"
wait
grep -q '^DATA' "$work/smtp.log" && echo "| (the message went out in plaintext!) | | | | |"
