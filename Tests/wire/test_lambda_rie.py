"""`labbook serve --lambda-image`: the runtime interface emulator's route, tested with curl
as the seed's README tests its image before pushing it."""
import json
import os
import subprocess

from conftest import ROOT, Server

NSMC = os.path.join(ROOT, "fixtures", "models", "nsmc-demo")
ROUTE = "/2015-03-31/functions/function/invocations"


def curl(url, *args):
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args, url], capture_output=True, text=True, timeout=60)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def test_the_route_answers_as_the_rie_does(tmp_path):
    server = Server("--lambda-image", NSMC, "--lambda-handler", "nsmc-lambda")
    try:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"body": json.dumps({"text": "돈이 아까운 영화. 지루하고 연출도 엉망이다"}, ensure_ascii=False)},
                                    ensure_ascii=False))
        status, body = curl(server.url + ROUTE, "-XPOST", "-d", f"@{event}")
        assert status == 200, body
        reply = json.loads(body)
        assert reply["statusCode"] == 200
        assert json.loads(reply["body"])["predicted_label"] == "Neg"

        # A function error is still HTTP 200, with the runtime's error object.
        status, body = curl(server.url + ROUTE, "-XPOST", "-d", "not json")
        assert status == 200
        error = json.loads(body)
        assert error["errorType"] == "Runtime.UnmarshalError"
        assert set(error) == {"errorMessage", "errorType", "requestId", "stackTrace"}

        assert curl(server.url + "/2015-03-31/functions/other/invocations", "-XPOST", "-d", "{}") == (404, "404 page not found\n")
        assert curl(server.url + ROUTE)[0] == 405
        # The AWS API is not served in this mode.
        assert curl(server.url + "/", "-XPOST", "-d", "Action=ListTopics")[0] == 404
    finally:
        assert server.stop() == 0


def test_the_cold_start_and_the_log_go_to_stderr():
    server = Server("--lambda-image", NSMC, "--lambda-handler", "nsmc-lambda", "--lambda-memory", "2048")
    for _ in range(2):
        status, _ = curl(server.url + ROUTE, "-XPOST", "-d", json.dumps({"body": json.dumps({"text": "좋아요"})}))
        assert status == 200
    assert server.stop() == 0
    log = server.process.stderr.read()
    reports = [line for line in log.splitlines() if line.startswith("REPORT RequestId:")]
    assert len(reports) == 2, log
    assert "Init Duration:" in reports[0] and "Init Duration:" not in reports[1]
    assert "Memory Size: 2048 MB" in reports[1]


def test_a_folder_without_a_handler_is_refused_with_the_choices():
    import pytest
    with pytest.raises(RuntimeError) as e:
        Server("--lambda-image", NSMC)
    assert "--lambda-handler" in str(e.value) and "nsmc-lambda" in str(e.value)
