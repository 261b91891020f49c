"""SigV4 on every request: the codes each protocol family answers with."""
import pytest
from botocore.exceptions import ClientError


def code_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_wrong_secret_is_refused_in_each_protocol(server):
    assert code_of(lambda: server.client("s3", secret="wrong").list_buckets()) == ("SignatureDoesNotMatch", 403)
    assert code_of(lambda: server.client("sagemaker", secret="wrong").list_endpoints()) == ("InvalidSignatureException", 403)
    assert code_of(lambda: server.client("sts", secret="wrong").get_caller_identity()) == ("SignatureDoesNotMatch", 403)
    assert code_of(lambda: server.client("lambda", secret="wrong").list_functions()) == ("InvalidSignatureException", 403)


def test_unknown_access_key_is_refused(server):
    assert code_of(lambda: server.client("s3", key="AKIDUNKNOWN").list_buckets()) == ("InvalidAccessKeyId", 403)
    assert code_of(lambda: server.client("ecr", key="AKIDUNKNOWN").describe_repositories()) == ("UnrecognizedClientException", 403)
    assert code_of(lambda: server.client("iam", key="AKIDUNKNOWN").list_roles()) == ("InvalidClientTokenId", 403)
