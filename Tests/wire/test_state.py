"""State on disk: what a restart keeps, and keys that try to leave the state folder."""
import os

import pytest
from botocore.exceptions import ClientError

from conftest import Server

TRICKY_KEYS = [
    "../../../../../../../../tmp/labbook-escape-probe",
    "/absolute/path",
    "a/./b/../../c",
    "..",
    "k" * 1024,
    "caf\u00e9",            # NFC
    "cafe\u0301",           # NFD: another key, as on S3
    "dir//double",
    "back\\slash",
    "new\nline",
]


def test_tricky_keys_stay_inside_and_round_trip(tmp_path):
    state = tmp_path / "state"
    server = Server("--state-dir", str(state))
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="wire-keys", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
        for i, key in enumerate(TRICKY_KEYS):
            s3.put_object(Bucket="wire-keys", Key=key, Body=str(i).encode())
        for i, key in enumerate(TRICKY_KEYS):
            assert s3.get_object(Bucket="wire-keys", Key=key)["Body"].read() == str(i).encode(), key
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket="wire-keys")["Contents"]]
        assert sorted(listed) == sorted(TRICKY_KEYS)
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="wire-keys", Key="k" * 1025, Body=b"x")
        assert e.value.response["Error"]["Code"] == "KeyTooLongError"
        assert os.listdir(tmp_path) == ["state"]
        assert not os.path.exists("/tmp/labbook-escape-probe")
    finally:
        assert server.stop() == 0


def test_a_restart_keeps_buckets_objects_and_uploads(tmp_path):
    first = Server("--state-dir", str(tmp_path / "state"))
    s3 = first.client("s3")
    s3.create_bucket(Bucket="wire-restart", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    s3.put_object(Bucket="wire-restart", Key="kept.txt", Body=b"still here")
    upload = s3.create_multipart_upload(Bucket="wire-restart", Key="parts.bin")["UploadId"]
    part = s3.upload_part(Bucket="wire-restart", Key="parts.bin", UploadId=upload, PartNumber=1, Body=b"p" * 100)
    state = first.state
    first.process.kill()  # kill -9: no clean shutdown
    first.process.wait()
    second = Server("--state-dir", state)
    try:
        s3 = second.client("s3")
        assert s3.get_object(Bucket="wire-restart", Key="kept.txt")["Body"].read() == b"still here"
        done = s3.complete_multipart_upload(Bucket="wire-restart", Key="parts.bin", UploadId=upload,
                                            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        assert done["ETag"].endswith('-1"')
        assert s3.get_object(Bucket="wire-restart", Key="parts.bin")["Body"].read() == b"p" * 100
    finally:
        assert second.stop() == 0


def signed_get(server, path):
    """GET on labbook serve's /_labbook/ API, signed as any SigV4 client signs."""
    import json
    import urllib.request
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="GET", url=server.url + path)
    SigV4Auth(Credentials("test", "test"), "sns", "ap-northeast-2").add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(request.url, headers=dict(request.headers))) as answer:
        return json.loads(answer.read())


def test_kill_9_in_a_burst_of_async_requests_loses_none_and_repeats_none(tmp_path):
    import json
    import threading
    import time
    import urllib.parse
    from concurrent.futures import ThreadPoolExecutor

    from test_sagemaker import deploy

    state = str(tmp_path / "state")
    first = Server("--state-dir", state, "--time-scale", "600")
    sns = first.client("sns")
    done = sns.create_topic(Name="burst-done")["TopicArn"]
    failed = sns.create_topic(Name="burst-failed")["TopicArn"]
    for topic in (done, failed):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:ap-northeast-2:123456789012:inbox")
    deploy(first, "burst", async_output={
        "S3OutputPath": "s3://burst-bucket/out/", "S3FailurePath": "s3://burst-bucket/failed/",
        "NotificationConfig": {"SuccessTopic": done, "ErrorTopic": failed}})
    scaling = first.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="sagemaker", ResourceId="endpoint/burst/variant/AllTraffic",
                                     ScalableDimension="sagemaker:variant:DesiredInstanceCount",
                                     MinCapacity=1, MaxCapacity=3)
    s3 = first.client("s3")
    s3.put_object(Bucket="burst-bucket", Key="in/good.jsonl",
                  Body=json.dumps({"text": ["배우들 연기가 좋아서 시간 가는 줄 몰랐어요"]}, ensure_ascii=False).encode())
    s3.put_object(Bucket="burst-bucket", Key="in/bad.jsonl", Body=b"not json")

    accepted, lock = [], threading.Lock()

    def invoke(i):
        runtime = first.client("sagemaker-runtime")
        try:
            answer = runtime.invoke_endpoint_async(
                EndpointName="burst", InputLocation=f"s3://burst-bucket/in/{'bad' if i % 5 == 0 else 'good'}.jsonl",
                ContentType="application/jsonlines", InferenceId=f"request-{i}")
        except Exception:  # the server died under it: not accepted
            return
        with lock:
            accepted.append((answer["OutputLocation"], answer["FailureLocation"], i % 5 == 0))

    with ThreadPoolExecutor(8) as pool:
        for i in range(400):
            pool.submit(invoke, i)
        while len(accepted) < 60:
            time.sleep(0.01)
        first.process.kill()  # kill -9 mid-burst
        first.process.wait()
    assert 60 <= len(accepted) < 400, f"{len(accepted)} accepted: the kill did not land mid-burst"

    second = Server("--state-dir", state, "--time-scale", "600")
    try:
        s3 = second.client("s3")

        def stored():
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket="burst-bucket")
            return {f"s3://burst-bucket/{o['Key']}" for page in pages for o in page.get("Contents", [])}

        wanted = {failure if bad else output for output, failure, bad in accepted}
        deadline = time.time() + 120
        objects = stored()
        while not wanted <= objects and time.time() < deadline:
            time.sleep(0.5)
            objects = stored()
        for output, failure, bad in accepted:
            assert (failure if bad else output) in objects, f"accepted request lost: {output}"
            assert (output if bad else failure) not in objects, f"both a result and a failure for {output}"

        def notified(topic):
            query = "/_labbook/sns/deliveries?TopicArn=" + urllib.parse.quote(topic)
            return [json.loads(d["Message"]) for d in signed_get(second, query)["Deliveries"]]

        results = [m["responseParameters"]["outputLocation"] for m in notified(done)]
        failures = [m["responseParameters"]["failureLocation"] for m in notified(failed)]
        assert len(results) == len(set(results)), "a result was notified twice"
        assert len(failures) == len(set(failures)), "a failure was notified twice"
        for output, failure, bad in accepted:
            assert (failure in failures) if bad else (output in results), f"no notification for {output}"
        # The restarted server still serves: the endpoint came back InService.
        status = second.client("sagemaker").describe_endpoint(EndpointName="burst")["EndpointStatus"]
        assert status == "InService"
        targets = second.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")
        assert [(t["ResourceId"], t["MaxCapacity"]) for t in targets["ScalableTargets"]] == \
            [("endpoint/burst/variant/AllTraffic", 3)]
        assert sorted(t["TopicArn"].split(":")[-1] for t in second.client("sns").list_topics()["Topics"]) == \
            ["burst-done", "burst-failed"]
    finally:
        assert second.stop() == 0
