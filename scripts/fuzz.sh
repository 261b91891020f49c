#!/usr/bin/env bash
# Fuzzes one reader of untrusted bytes with libFuzzer, or replays the corpora.
#
#   scripts/fuzz.sh TARGET SECONDS   build with -sanitize=fuzzer,address and fuzz TARGET for SECONDS
#                                    (FUZZ_CONFIG=release for a faster fuzzer that takes longer to build)
#   scripts/fuzz.sh all SECONDS      each target in turn (CI: a short bounded run)
#   scripts/fuzz.sh replay           replay every seed and saved crash on an AddressSanitizer build (no fuzzer)
#
# Seeds come from the repository's fixtures; new interesting inputs go to
# .build-fuzz/corpus/TARGET. Leak checks are off: lazily made statics read as leaks. A crash is saved as fuzz/regressions/TARGET/crash-<sha1>:
# commit it, and `scripts/fuzz.sh replay` (run by `make test`) keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS="book params json safetensors torch darknet-cfg darknet-weights image video archive request"

seeds() {
  case "$1" in
    book) echo labs Tests/LabRunnerTests/BrokenBooks ;;
    params) echo fuzz/corpus/params ;;
    json) echo fuzz/corpus/json labs/samples ;;
    safetensors) echo fixtures/models/korsts-tiny/model.safetensors ;;
    torch) echo fixtures/checkpoints/korsts-tiny-legacy.pth ;;
    darknet-cfg) echo fixtures/models/yolo-mini/yolo-mini.cfg fixtures/models/yolov3/yolov3.cfg ;;
    darknet-weights) echo fixtures/models/yolo-mini/yolo-mini.weights ;;
    image) echo Tests/MediaTests/Goldens/images ;;
    video) echo Tests/MediaTests/Goldens/video/tiny.mp4 ;;
    archive) echo fuzz/corpus/archive ;;
    request) echo fuzz/corpus/request ;;
    *) echo "unknown target $1; targets: $TARGETS" >&2; exit 2 ;;
  esac
}

if [ "${1:-}" = replay ]; then
  # On the AddressSanitizer build `make test` uses, without libFuzzer.
  swift build --sanitize=address --build-path .build-asan --product labbook-fuzz >/dev/null
  for target in $TARGETS; do
    mkdir -p "fuzz/regressions/$target"
    # shellcheck disable=SC2046
    ASAN_OPTIONS=detect_leaks=0 .build-asan/debug/labbook-fuzz "$target" $(seeds "$target") "fuzz/regressions/$target"
  done
  exit 0
fi

[ $# -eq 2 ] || { echo "usage: scripts/fuzz.sh TARGET|all SECONDS | scripts/fuzz.sh replay" >&2; exit 2; }
# Debug by default: it builds in half the time (3 vs 6 minutes on two cores), which matters for
# CI's short runs; FUZZ_CONFIG=release runs more inputs a second for long sessions.
config="${FUZZ_CONFIG:-debug}"
swift build --build-path .build-fuzz -c "$config" --product labbook-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library >&2
binary=".build-fuzz/$config/labbook-fuzz"
for target in $([ "$1" = all ] && echo $TARGETS || echo "$1"); do
  seeds "$target" >/dev/null
  mkdir -p ".build-fuzz/corpus/$target" "fuzz/regressions/$target"
  seed_dirs=()
  for seed in $(seeds "$target"); do
    if [ -d "$seed" ]; then seed_dirs+=("$seed"); else
      mkdir -p ".build-fuzz/seeds/$target" && cp "$seed" ".build-fuzz/seeds/$target/"; fi
  done
  [ -d ".build-fuzz/seeds/$target" ] && seed_dirs+=(".build-fuzz/seeds/$target")
  echo "fuzzing $target for $2 s" >&2
  ASAN_OPTIONS=detect_leaks=0 LABBOOK_FUZZ_TARGET="$target" "$binary" ".build-fuzz/corpus/$target" "${seed_dirs[@]}" \
    -max_total_time="$2" -max_len=1048576 -rss_limit_mb=4096 -timeout=20 -detect_leaks=0 \
    -artifact_prefix="fuzz/regressions/$target/" -print_final_stats=1 2>".build-fuzz/$target.log" \
    || { tail -40 ".build-fuzz/$target.log" >&2; echo "fuzz target $target failed; the input is in fuzz/regressions/$target/" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" ".build-fuzz/$target.log" | sed "s/^/  $target /" >&2
done
