#!/usr/bin/env python3
"""Reference timings for `labbook-bench electra` (run by hand, never in CI).

Builds ElectraForSequenceClassification at the seed's configuration (KoELECTRA-small-v3,
2 labels) with random weights, exports it to ONNX and prints JSON lines:
  {"bench": "onnxruntime", ...}  ONNX Runtime forward, batch 1
  {"bench": "pytorch", ...}      PyTorch eager forward under inference_mode, batch 1
  {"bench": "seed-handler", ...} the seed's nsmc handler end to end on a JSON Lines body:
      input_fn (decode, split lines, json.loads, tokenizer.encode_plus with max_length=128,
      padding="max_length", truncation=True, return_token_type_ids=False), predict_fn
      (model(**data), softmax, torch.max, classes ['Neg', 'Pos']) and output_fn
      (json.dumps per line, joined with "\n"), re-implemented after LABS.md and the lab's
      inference_nsmc.py. Like the seed, predict_fn runs without torch.no_grad().
Every timing uses the same thread count (--threads, default 2).
With --serve it keeps both networks loaded and times one forward per stdin line ("onnxruntime"
or "pytorch"), printing milliseconds: `labbook-bench electra --interleaved` alternates its own
forwards with these, so that both sides see the same load on a shared machine.

Needs: torch (pip install /opt/wheels/torch-*.whl), transformers, onnx, onnxruntime.
The tokenizer files are the real KoELECTRA ones, copied to a temporary folder from
--vocab (default: /work/shared/seed-data/koelectra-vocab); the model folder, as the seed
lays it out (config.json, model.pth, vocab/), lives in that temporary folder too.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

SEED_CONFIG = dict(
    model_type="electra", vocab_size=35000, embedding_size=128, hidden_size=256, num_hidden_layers=12,
    num_attention_heads=4, intermediate_size=1024, hidden_act="gelu", max_position_embeddings=512,
    type_vocab_size=2, layer_norm_eps=1e-12, pad_token_id=0, position_embedding_type="absolute",
    id2label={"0": "0", "1": "1"}, label2id={"0": 0, "1": 1}, problem_type="single_label_classification",
    architectures=["ElectraForSequenceClassification"])
HERE = os.path.dirname(os.path.abspath(__file__))


def summary(bench, times_ms, **fields):
    ordered = sorted(times_ms)
    p90 = ordered[min(len(ordered) - 1, round((len(ordered) - 1) * 0.9))]
    line = dict(bench=bench, **fields, median_ms=round(statistics.median(ordered), 3), p90_ms=round(p90, 3),
                iterations=len(ordered))
    print(json.dumps(line, sort_keys=True), flush=True)


def timed(function, iterations, warmup):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def build_model(seed):
    import torch
    from transformers import ElectraConfig, ElectraForSequenceClassification
    torch.manual_seed(seed)
    return ElectraForSequenceClassification(ElectraConfig(**SEED_CONFIG)).eval()


def forward_sessions(model, args, workdir):
    """The ONNX Runtime session and the inputs both sides run, and their max abs difference."""
    import numpy as np
    import onnxruntime as ort
    import torch
    generator = torch.Generator().manual_seed(args.seed + 1)
    ids = torch.randint(5, SEED_CONFIG["vocab_size"], (args.batch, args.sequence_length), generator=generator)
    mask = torch.ones_like(ids)
    path = os.path.join(workdir, "electra.onnx")
    torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}},
                      opset_version=17, dynamo=False)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids.numpy().astype(np.int64), "attention_mask": mask.numpy().astype(np.int64)}
    with torch.inference_mode():
        expected = model(input_ids=ids, attention_mask=mask).logits.numpy()
    difference = float(np.abs(session.run(None, feeds)[0] - expected).max())
    return session, feeds, ids, mask, difference


def forward_benchmarks(model, args, workdir):
    import onnxruntime as ort
    import torch
    session, feeds, ids, mask, difference = forward_sessions(model, args, workdir)
    common = dict(seq=args.sequence_length, batch=args.batch, threads=args.threads)
    summary("onnxruntime", timed(lambda: session.run(None, feeds), args.iterations, args.warmup),
            ort=ort.__version__, max_abs_diff_vs_torch=difference, **common)
    with torch.inference_mode():
        summary("pytorch", timed(lambda: model(input_ids=ids, attention_mask=mask), args.iterations, args.warmup),
                torch=torch.__version__, **common)


class SeedNSMCHandler:
    """The seed's inference_nsmc.py, function for function (model_fn is not timed)."""
    classes = ["Neg", "Pos"]
    max_seq_length = 128

    def __init__(self, model_dir):
        import torch
        from transformers import AutoTokenizer, ElectraConfig, ElectraForSequenceClassification
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(f"{model_dir}/vocab")
        config = ElectraConfig.from_json_file(f"{model_dir}/config.json")
        state = torch.load(f"{model_dir}/model.pth", map_location="cpu")
        self.model = ElectraForSequenceClassification.from_pretrained(None, config=config, state_dict=state).eval()
        # transformers 5 folded encode_plus into __call__ (same arguments, same result).
        self.encode_plus = getattr(self.tokenizer, "encode_plus", self.tokenizer)

    def input_fn(self, input_data, content_type="application/jsonlines"):
        transformed_inputs = []
        for jsonline in input_data.decode("utf-8").split("\n"):
            text = json.loads(jsonline)["text"][0]
            transformed_inputs.append(self.encode_plus(
                text, max_length=self.max_seq_length, add_special_tokens=True, return_token_type_ids=False,
                padding="max_length", return_attention_mask=True, return_tensors="pt", truncation=True))
        return transformed_inputs

    def predict_fn(self, transformed_inputs):
        predicted = []
        for data in transformed_inputs:
            output = self.model(**data)
            softmax_output = self.torch.nn.Softmax(dim=1)(output[0])
            _, prediction = self.torch.max(softmax_output, dim=1)
            index = prediction.item()
            predicted.append({"predicted_label": self.classes[index], "score": softmax_output[0][index].item()})
        return predicted

    def output_fn(self, outputs, accept="application/jsonlines"):
        return "\n".join(json.dumps(o) for o in outputs), accept

    def __call__(self, body):
        return self.output_fn(self.predict_fn(self.input_fn(body)))


def handler_benchmark(model, args, workdir):
    import torch
    model_dir = os.path.join(workdir, "model-nsmc")
    shutil.copytree(args.vocab, os.path.join(model_dir, "vocab"))
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(SEED_CONFIG, f)
    torch.save(model.state_dict(), os.path.join(model_dir, "model.pth"))
    handler = SeedNSMCHandler(model_dir)
    with open(args.body, "rb") as f:
        body = f.read().rstrip(b"\n")
    lines = len(body.split(b"\n"))
    summary("seed-handler", timed(lambda: handler(body), args.handler_iterations, args.warmup),
            lines=lines, threads=args.threads, no_grad=False)
    with torch.no_grad():
        summary("seed-handler-no-grad", timed(lambda: handler(body), args.handler_iterations, args.warmup),
                lines=lines, threads=args.threads, no_grad=True)


def serve(model, args, workdir):
    """One timed forward per stdin line, for labbook-bench's interleaved comparison."""
    import onnxruntime as ort
    import torch
    session, feeds, ids, mask, _ = forward_sessions(model, args, workdir)
    runs = {"onnxruntime": lambda: session.run(None, feeds), "pytorch": lambda: model(input_ids=ids, attention_mask=mask)}
    with torch.inference_mode():
        for run in runs.values():
            for _ in range(args.warmup):
                run()
        print(json.dumps({"onnxruntime": ort.__version__, "torch": torch.__version__}), flush=True)
        for line in sys.stdin:
            run = runs.get(line.strip())
            if run is None:
                print("unknown", flush=True)
                continue
            start = time.perf_counter()
            run()
            print((time.perf_counter() - start) * 1000, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--batch", type=int, default=1, help="sequences per forward")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--handler-iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vocab", default="/work/shared/seed-data/koelectra-vocab")
    parser.add_argument("--body", default=os.path.join(HERE, "nsmc-sample.jsonl"))
    parser.add_argument("--only", choices=["forward", "handler"], help="run one half only")
    parser.add_argument("--serve", action="store_true", help="time one forward per stdin line (onnxruntime|pytorch)")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    model = build_model(args.seed)
    with tempfile.TemporaryDirectory(prefix="electra-reference-") as workdir:
        if args.serve:
            return serve(model, args, workdir)
        if args.only != "handler":
            forward_benchmarks(model, args, workdir)
        if args.only != "forward":
            handler_benchmark(model, args, workdir)


if __name__ == "__main__":
    sys.exit(main())
