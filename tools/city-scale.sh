#!/usr/bin/env bash
# City-scale figures (issue 10), measured side by side in one run: importing every bundle of
# a synthetic city into a new county data directory, `zwgk summary` over it, and the bare
# floor (`examples/baseline.rs`: serde_json into a hash map, winners picked) over the same
# files. Each round runs the three one after the other; the figures are wall time and peak
# RSS from GNU time, as the median and the range over the rounds.
#
#   tools/city-scale.sh                                  # 160 townships × 1,500 items, 5 rounds
#   TOWNSHIPS=1800 ROUNDS=1 tools/city-scale.sh          # a province
#   CLEAN=1 tools/city-scale.sh                          # and delete WORK afterwards
#
# WORK (default /dev/shm/zwgk-city, a tmpfs: on ext4 an import measures the file system's
# inode allocation and fsync more than zwgk) holds the generated bundles, kept between runs
# unless CLEAN=1, and the county data directory (160 townships: 30 MB of bundles, 185 MB of
# assessment files; 1,800: 330 MB and 2.1 GB). Each measured run also notes how much CPU
# time other programs took meanwhile: figures taken while others compete for the cores are
# not zwgk's. Linux only (GNU time at /usr/bin/time, /proc/stat).
set -euo pipefail

TOWNSHIPS=${TOWNSHIPS:-160}
ITEMS=${ITEMS:-1500}
ROUNDS=${ROUNDS:-5}
WORK=${WORK:-/dev/shm/zwgk-city}
TIME=${TIME:-/usr/bin/time}

cd "$(dirname "$0")/.."
cargo build --release --quiet --bin zwgk --example gen --example baseline
bin=target/release
gen="$WORK/gen-${TOWNSHIPS}x${ITEMS}"
county="$WORK/county-${TOWNSHIPS}x${ITEMS}"
mkdir -p "$WORK"
if [ ! -d "$gen/bundles" ]; then
    "$bin/examples/gen" --townships "$TOWNSHIPS" --items "$ITEMS" --out "$gen"
fi
zwgk=("$bin/zwgk" --data-dir "$county" --checklists "$gen/checklists")

echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $TOWNSHIPS townships × $ITEMS items, bundles $(du -sh "$gen/bundles" | cut -f1) in $WORK"

# CPU seconds the whole machine has been busy since boot (user, nice, system, irq, softirq,
# steal), from /proc/stat.
busy() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }

# run NAME COMMAND...: one measured run, appended to $WORK/times as
# "NAME wall-seconds peak-kB others-cpu-seconds": the last is what other programs used of the
# cores meanwhile (the machine's busy time less this run's user and system time).
run() {
    local name=$1 before
    shift
    before=$(busy)
    "$TIME" -f "%e %M %U %S" -o "$WORK/one" "$@" >"$WORK/out" 2>"$WORK/err" || {
        echo "$name failed:" >&2
        cat "$WORK/err" >&2
        exit 1
    }
    tail -n1 "$WORK/one" | awk -v n="$name" -v b="$before" -v a="$(busy)" '
        { o = a - b - $3 - $4; printf "%s %s %s %.2f\n", n, $1, $2, (o < 0 ? 0 : o) }' >>"$WORK/times"
}

: >"$WORK/times"
for r in $(seq "$ROUNDS"); do
    rm -rf "$county"
    run import "${zwgk[@]}" import "$gen/bundles"
    [ "$r" = 1 ] && { echo "import says: $(tail -n1 "$WORK/out")"; echo "assessment files: $(du -sh "$county/assessments" | cut -f1)"; }
    run summary "${zwgk[@]}" summary
    [ "$r" = 1 ] && echo "summary rows: $(($(wc -l <"$WORK/out") - 1))"
    run baseline "$bin/examples/baseline" "$county"
    [ "$r" = 1 ] && echo "baseline says: $(cat "$WORK/out")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Median and range of wall time and peak RSS per step (each sorted on its own; POSIX awk).
stats() { # stats COLUMN STEP SCALE: "median (min–max)" of one column of one step
    awk -v s="$2" -v c="$1" '$1 == s { print $c }' "$WORK/times" | sort -n | awk -v k="$3" '
        { v[NR] = $1 / k }
        END {
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%s (%s–%s)", fmt(med), fmt(v[1]), fmt(v[NR])
        }
        function fmt(x) { return k == 1 ? sprintf("%.2f", x) : sprintf("%.0f", x) }'
}
printf '%-9s %-24s %-24s %s\n' step "wall s: median (range)" "peak MB: median (range)" \
    "others' CPU s: median (range)"
for step in import summary baseline; do
    printf '%-9s %-24s %-24s %s\n' "$step" "$(stats 2 "$step" 1)" "$(stats 3 "$step" 1024)" \
        "$(stats 4 "$step" 1)"
done
if [ "${CLEAN:-0}" = 1 ]; then
    rm -rf "$WORK"
fi
