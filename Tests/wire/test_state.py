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
