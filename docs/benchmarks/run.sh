#!/usr/bin/env bash
# Times whole `briefing build` processes on generated sites, and Hugo on
# the same corpus, as docs/benchmarks/scale.md reports them.
#
#   docs/benchmarks/run.sh [-r RUNS] [-w WORKDIR] [CASE...]
#
# CASE is any of: example nochart rows1000 pages1000 pages10000 (default:
# all). Run it from the repository root after `npm ci`. Hugo is used when
# `hugo` (0.165.0) is on PATH or in $(go env GOPATH)/bin; install it with
#   GOTOOLCHAIN=local go install github.com/gohugoio/hugo@v0.165.0
# It is not a dependency of briefing and CI does not run this script.
#
# Every build is a whole process timed by GNU time (wall seconds, peak
# RSS). "cold" builds start with an empty chart-image cache (briefing) or
# --ignoreCache (Hugo) and no previous output; "warm" builds follow a
# build of the same site with the same cache. Briefing and Hugo runs
# alternate. Each line reports the median of RUNS runs (default 3).
set -euo pipefail

runs=3
work=${TMPDIR:-/tmp}/briefing-bench
while getopts "r:w:" opt; do
	case $opt in
	r) runs=$OPTARG ;;
	w) work=$OPTARG ;;
	*) sed -n '2,20p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
cases=("${@:-example nochart rows1000 pages1000 pages10000}")
read -r -a cases <<<"${cases[*]}"

repo=$(pwd)
[ -f "$repo/go.mod" ] && [ -f node_modules/echarts/dist/echarts.min.js ] || {
	echo "run.sh: run from the repository root after npm ci" >&2
	exit 2
}
export BRIEFING_ECHARTS=$repo/node_modules/echarts/dist/echarts.min.js
hugo=$(command -v hugo || true)
[ -n "$hugo" ] || { [ -x "$(go env GOPATH)/bin/hugo" ] && hugo=$(go env GOPATH)/bin/hugo; } || true

mkdir -p "$work"
bin=$work/briefing
go build -o "$bin" ./cmd/briefing

echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, $(go version | cut -d' ' -f3)"
echo "# briefing $(git rev-parse --short HEAD)${hugo:+, $("$hugo" version | cut -d' ' -f1-2)}"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-11s %-8s %-5s %9s %10s  %s\n' case tool mode wall_s rss_MiB "runs (s/MiB)"

# timed DIR CMD...: runs CMD in DIR, prints "wall_s rss_KiB".
timed() {
	local dir=$1 out
	shift
	out=$(mktemp)
	(cd "$dir" && /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>"$out.err") || {
		echo "run.sh: failed in $dir: $*" >&2
		cat "$out.err" >&2
		exit 1
	}
	cat "$out"
	rm -f "$out" "$out.err"
}

# report CASE TOOL MODE "wall rss" lines…: prints the medians.
report() {
	local c=$1 tool=$2 mode=$3
	shift 3
	local walls rsss
	walls=$(printf '%s\n' "$@" | awk '{print $1}' | sort -n)
	rsss=$(printf '%s\n' "$@" | awk '{print $2}' | sort -n)
	local n=$#
	local mw mr
	mw=$(echo "$walls" | sed -n "$(((n + 1) / 2))p")
	mr=$(echo "$rsss" | sed -n "$(((n + 1) / 2))p")
	printf '%-11s %-8s %-5s %9.2f %10.1f  %s\n' "$c" "$tool" "$mode" "$mw" "$(echo "$mr/1024" | bc -l)" \
		"$(printf '%s\n' "$@" | awk '{printf "%s/%.0f ", $1, $2/1024}')"
}

# site CASE: makes the case's briefing (and Hugo) folders; prints the
# briefing folder.
site() {
	local c=$1 d=$work/$1
	if [ ! -d "$d" ]; then
		case $c in
		example) mkdir -p "$d" && cp -r site.toml figures.toml data queries charts tables content "$d/" ;;
		nochart) mkdir -p "$d/content" && printf 'title = "One page"\n' >"$d/site.toml" &&
			printf '+++\ntitle = "Home"\n+++\nNo charts here.\n' >"$d/content/index.md" ;;
		rows1000) go run ./docs/benchmarks/gen -rows 1000 -out "$d" ;;
		pages1000) go run ./docs/benchmarks/gen -pages 1000 -out "$d" -hugo "$d-hugo" ;;
		pages10000) go run ./docs/benchmarks/gen -pages 10000 -out "$d" -hugo "$d-hugo" ;;
		*) echo "run.sh: unknown case $c" >&2; exit 2 ;;
		esac
	fi
	echo "$d"
}

for c in "${cases[@]}"; do
	dir=$(site "$c")
	cold=() warm=() hcold=() hwarm=()
	for i in $(seq "$runs"); do
		cache=$work/cache-$c-$i
		rm -rf "$cache" "$dir/output"
		cold+=("$(BRIEFING_CACHE_DIR=$cache timed "$dir" "$bin" build -q)")
		warm+=("$(BRIEFING_CACHE_DIR=$cache timed "$dir" "$bin" build -q)")
		rm -rf "$cache"
		if [ -n "$hugo" ] && [ -d "$dir-hugo" ]; then
			rm -rf "$dir-hugo/public" "$dir-hugo/resources"
			hcold+=("$(timed "$dir-hugo" "$hugo" --quiet --ignoreCache)")
			hwarm+=("$(timed "$dir-hugo" "$hugo" --quiet)")
		fi
	done
	report "$c" briefing cold "${cold[@]}"
	report "$c" briefing warm "${warm[@]}"
	if [ ${#hcold[@]} -gt 0 ]; then
		report "$c" hugo cold "${hcold[@]}"
		report "$c" hugo warm "${hwarm[@]}"
	fi
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
