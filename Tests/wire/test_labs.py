"""Every lab book over the wire: `labbook run --endpoint-url` against the real `labbook serve`.

sns.deliveries and ecr.build_and_push go through labbook serve's `/_labbook/` API, and the
waiters and clock.sleep move the server's clock through it (POST /_labbook/clock) as they
move the embedded one, so nothing waits in real time.
"""
import http.server
import os
import subprocess
import threading
import time

import boto3_snippets
from conftest import REGION, ROOT, Server, labbook_binary

# Labs 03 and 02 share the SDK's default bucket sagemaker-ap-northeast-2-123456789012 on one
# server: whichever runs second finds it there and reuses it, as default_bucket() does.
BOOKS = ["labs/03-async-inference.yaml", "labs/02-multi-container-endpoint.yaml", "labs/04-serverless-cv.yaml",
         "labs/05-serverless-kornlp.yaml", "labs/01-local-checks.yaml", "labs/00-demo.yaml"]


def run_books(books, endpoint, out, timeout=600):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    env.pop("AWS_SESSION_TOKEN", None)
    started = time.monotonic()
    run = subprocess.run([labbook_binary(), "run", *books, "--endpoint-url", endpoint, "--region", REGION, "--out", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return run, time.monotonic() - started


def test_every_lab_book_passes_over_the_wire(tmp_path):
    # Its own server at the default --time-scale 1, not the session's 600x one: at 600x a
    # second of local work between two Lambda invokes is Lambda's 10-minute idle timeout
    # (lab 04's warm start turns cold), and lab 03's burst of 1000 requests drains while it
    # is still being sent (its backlog never reaches 900). The labs' waits move the clock.
    server = Server()
    try:
        run, seconds = run_books(BOOKS, server.url, tmp_path / "out")
        output = f"labbook run exited {run.returncode} after {seconds:.0f} s\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
        if run.returncode != 0:
            print(output)
        assert run.returncode == 0, output
        assert seconds < 180, output
        # Every handout's boto3 snippets run in order, and botocore accepts every call in them.
        for handout in sorted((tmp_path / "out").glob("*/README.md")):
            calls = boto3_snippets.check(handout.read_text())
            assert calls or handout.parent.name in ("demo", "local-checks"), f"{handout}: no boto3 snippet"
    finally:
        assert server.stop() == 0


class NoExtension(http.server.BaseHTTPRequestHandler):
    """An endpoint that is not labbook serve: every request is a 404 without the API's header."""

    def answer(self):
        # Read the body first: closing on an unread upload resets the client mid-send.
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


def test_steps_without_an_aws_api_say_what_to_do_elsewhere(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("""
id: elsewhere
title: Elsewhere
steps:
  - {kind: sns.deliveries, id: inbox, TopicArn: "arn:aws:sns:ap-northeast-2:123456789012:done"}
  - {kind: ecr.build_and_push, id: image, always: true, repositoryName: nsmc, handler: nsmc-lambda, model: "fixture:nsmc-demo"}
""")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NoExtension)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        run, _ = run_books([str(book)], url, tmp_path / "out", timeout=120)
    finally:
        httpd.shutdown()
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert f"sns.deliveries needs labbook serve's /_labbook/ extension (or the embedded cloud): {url} does not offer it" in output, output
    assert "On real AWS, check the subscriber's email inbox" in output, output
    assert "ecr.build_and_push needs labbook serve's /_labbook/ extension" in output, output
    assert "On real AWS, run docker build && docker push yourself: docker build -t nsmc ." in output, output
