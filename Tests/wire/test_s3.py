"""S3 over rest-xml: boto3 and `aws s3` against `labbook serve`."""
import hashlib
import os
import subprocess
import urllib.request

import pytest
from botocore.exceptions import ClientError


def test_bucket_and_object_round_trip(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="wire-basics", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    assert "wire-basics" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    put = s3.put_object(Bucket="wire-basics", Key="dir/안녕 hello.txt", Body=b"hello world", ContentType="text/plain",
                        Metadata={"lab": "wire"})
    assert put["ETag"] == '"%s"' % hashlib.md5(b"hello world").hexdigest()
    got = s3.get_object(Bucket="wire-basics", Key="dir/안녕 hello.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"lab": "wire"}
    part = s3.get_object(Bucket="wire-basics", Key="dir/안녕 hello.txt", Range="bytes=6-")
    assert part["Body"].read() == b"world"
    assert part["ContentRange"] == "bytes 6-10/11"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    head = s3.head_object(Bucket="wire-basics", Key="dir/안녕 hello.txt")
    assert head["ContentLength"] == 11


def test_missing_key_and_bucket_codes(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="wire-errors", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="wire-errors", Key="nothing")
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="wire-errors", Key="nothing")
    assert e.value.response["Error"]["Code"] == "404"
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.list_objects_v2(Bucket="no-such-bucket-here")


def test_list_objects_v2_pages(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="wire-pages", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    for i in range(7):
        s3.put_object(Bucket="wire-pages", Key=f"k/{i:02d}", Body=b"x")
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="wire-pages", Prefix="k/", PaginationConfig={"PageSize": 3}))
    assert [len(p["Contents"]) for p in pages] == [3, 3, 1]
    assert [o["Key"] for p in pages for o in p["Contents"]] == [f"k/{i:02d}" for i in range(7)]
    listed = s3.list_objects_v2(Bucket="wire-pages", Delimiter="/")
    assert listed["CommonPrefixes"] == [{"Prefix": "k/"}]
    deleted = s3.delete_objects(Bucket="wire-pages", Delete={"Objects": [{"Key": f"k/{i:02d}"} for i in range(7)]})
    assert len(deleted["Deleted"]) == 7
    assert s3.list_objects_v2(Bucket="wire-pages")["KeyCount"] == 0


def test_presigned_url_works_then_expires(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="wire-presign", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    s3.put_object(Bucket="wire-presign", Key="a.txt", Body=b"presigned")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "wire-presign", "Key": "a.txt"}, ExpiresIn=60)
    assert urllib.request.urlopen(url).read() == b"presigned"
    tampered = url.replace("a.txt", "b.txt")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(tampered)
    assert e.value.code == 403 and b"SignatureDoesNotMatch" in e.value.read()
    expired = s3.generate_presigned_url("get_object", Params={"Bucket": "wire-presign", "Key": "a.txt"}, ExpiresIn=-1)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(expired)
    assert e.value.code == 403 and b"Request has expired" in e.value.read()


def aws(server, *args, check=True):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="ap-northeast-2")
    env.pop("AWS_PROFILE", None)
    return subprocess.run(["aws", "--endpoint-url", server.url, *args], env=env, capture_output=True, text=True,
                          check=check, timeout=120)


def test_aws_cli_copies_a_multi_megabyte_file(server, tmp_path):
    data = os.urandom(20 * 1024 * 1024 + 123)  # over the CLI's 8 MB threshold: a multipart upload
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    aws(server, "s3", "mb", "s3://wire-cli")
    aws(server, "s3", "cp", str(source), "s3://wire-cli/data/big.bin")
    listing = aws(server, "s3", "ls", "s3://wire-cli/data/").stdout
    assert "big.bin" in listing and str(len(data)) in listing
    etag = server.client("s3").head_object(Bucket="wire-cli", Key="data/big.bin")["ETag"]
    assert etag.endswith('-3"'), etag  # 8 + 8 + 4 MB parts
    back = tmp_path / "back.bin"
    aws(server, "s3", "cp", "s3://wire-cli/data/big.bin", str(back))
    assert back.read_bytes() == data
    aws(server, "s3", "rm", "s3://wire-cli/data/big.bin")
    assert "big.bin" not in aws(server, "s3", "ls", "s3://wire-cli/data/", check=False).stdout
