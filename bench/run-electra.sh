#!/usr/bin/env bash
# ELECTRA speed against the references, in one run: builds labbook-bench (release), then
# for each round runs labbook's forward, ONNX Runtime's and PyTorch's
# (bench/electra_reference.py), labbook's nsmc handler and the seed's transformers handler,
# one after the other, so every ratio compares numbers taken minutes apart on the same
# machine. Prints every JSON line, then the ratios per round and their median.
# Targets (issue 4): forward at seq 128 ≤ 1.0× ONNX Runtime; handler ≥ 3× faster than the seed's.
# Last, an interleaved round (`labbook-bench electra --interleaved`) alternates labbook's
# forward with ONNX Runtime's and PyTorch's one by one, so that both see the same load.
#
#   bench/run-electra.sh                 # 3 rounds, seq 128, 2 threads
#   ROUNDS=5 SEQ=256 bench/run-electra.sh
# Needs python3 with torch, transformers, onnx, onnxruntime; VOCAB is the real KoELECTRA
# tokenizer folder, used by both handlers (a by-hand run: the project never needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${SCRATCH:-.build-electrabench}"
ROUNDS="${ROUNDS:-3}"
SEQ="${SEQ:-128}"
THREADS="${THREADS:-2}"
ITERATIONS="${ITERATIONS:-50}"
HANDLER_ITERATIONS="${HANDLER_ITERATIONS:-10}"
VOCAB="${VOCAB:-/work/shared/seed-data/koelectra-vocab}"
BODY="${BODY:-bench/nsmc-sample.jsonl}"
PYTHON="${PYTHON:-python3}"

swift build -c release --scratch-path "$SCRATCH" --product labbook-bench >&2
BENCH="$SCRATCH/release/labbook-bench"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

tagged() { sed -n "s/^{/{\"round\": $1, /p" | tee -a "$results"; }
for round in $(seq "$ROUNDS"); do
    echo "--- round $round of $ROUNDS ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$BENCH" electra --sequence-length "$SEQ" --iterations "$ITERATIONS" | tagged "$round"
    "$PYTHON" bench/electra_reference.py --only forward --sequence-length "$SEQ" --threads "$THREADS" \
        --iterations "$ITERATIONS" 2>/dev/null | tagged "$round"
    "$BENCH" electra --handler --vocab "$VOCAB" --body "$BODY" --iterations "$HANDLER_ITERATIONS" | tagged "$round"
    "$PYTHON" bench/electra_reference.py --only handler --vocab "$VOCAB" --body "$BODY" --threads "$THREADS" \
        --handler-iterations "$HANDLER_ITERATIONS" 2>/dev/null | tagged "$round"
done

echo "--- interleaved ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
"$BENCH" electra --interleaved --sequence-length "$SEQ" --iterations "$ITERATIONS" 2>/dev/null | tail -1 | tee -a "$results"

"$PYTHON" - "$results" "$THREADS" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
interleaved = [l for l in lines if l["bench"] == "electra-interleaved"]
lines = [l for l in lines if l["bench"] != "electra-interleaved"]
threads = {l["threads"] for l in lines}
if threads != {int(sys.argv[2])}:
    print(f"warning: thread counts differ between runs: {sorted(threads)}")
rounds = sorted({l["round"] for l in lines})
def median(bench, r):
    return next(l["median_ms"] for l in lines if l["round"] == r and l["bench"] == bench)
ratios = {"forward labbook/onnxruntime (target <= 1.0)": ("electra", "onnxruntime", False),
          "forward labbook/pytorch": ("electra", "pytorch", False),
          "handler speed-up vs seed handler (target >= 3.0)": ("electra-handler", "seed-handler", True),
          "handler speed-up vs seed handler under no_grad": ("electra-handler", "seed-handler-no-grad", True)}
print()
for r in rounds:
    print(f"round {r}: " + ", ".join(f"{b} {median(b, r):.2f} ms" for b in
          ["electra", "onnxruntime", "pytorch", "electra-handler", "seed-handler", "seed-handler-no-grad"]))
for name, (ours, theirs, speedup) in ratios.items():
    values = [median(theirs, r) / median(ours, r) if speedup else median(ours, r) / median(theirs, r) for r in rounds]
    print(f"{name}: median {statistics.median(values):.2f}x  (rounds: {', '.join(f'{v:.2f}' for v in values)})")
for l in interleaved:
    print(f"interleaved, {l['iterations']} rounds: labbook {l['labbook_median_ms']} ms, onnxruntime {l['onnxruntime_median_ms']} ms, "
          f"pytorch {l['pytorch_median_ms']} ms; forward labbook/onnxruntime {l['ratio_onnxruntime']}x, labbook/pytorch {l['ratio_pytorch']}x")
PY
