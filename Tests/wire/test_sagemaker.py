"""The labs' SageMaker calls as plain boto3, with the project's demo models answering."""
import io
import json
import os
import tarfile
import time

from conftest import ROOT

NSMC = os.path.join(ROOT, "fixtures", "models", "nsmc-demo")
IMAGE = "763104351884.dkr.ecr.ap-northeast-2.amazonaws.com/pytorch-inference:1.8.1-cpu-py36-ubuntu18.04"
ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"


def model_archive(folder, program):
    """model.tar.gz as the notebooks pack it: weights at the root, code/ naming the handler."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in sorted(os.listdir(folder)):
            tar.add(os.path.join(folder, name), arcname=name)
        manifest = json.dumps({"program": program}).encode()
        info = tarfile.TarInfo("code/handler.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    return buffer.getvalue()


def deploy(server, name, serverless=False, async_output=None):
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket=f"{name}-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    s3.put_object(Bucket=f"{name}-bucket", Key="model.tar.gz", Body=model_archive(NSMC, "nsmc"))
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": IMAGE, "ModelDataUrl": f"s3://{name}-bucket/model.tar.gz",
        "Environment": {"SAGEMAKER_PROGRAM": "nsmc"}})
    variant = {"VariantName": "AllTraffic", "ModelName": name}
    if serverless:
        variant["ServerlessConfig"] = {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    else:
        variant.update(InstanceType="ml.c5.xlarge", InitialInstanceCount=1)
    config = {"EndpointConfigName": f"{name}-config", "ProductionVariants": [variant]}
    if async_output:
        config["AsyncInferenceConfig"] = {"OutputConfig": async_output}
    sm.create_endpoint_config(**config)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return sm


def test_realtime_endpoint_answers_with_the_model(server):
    sm = deploy(server, "wire-nsmc")
    described = sm.describe_endpoint(EndpointName="wire-nsmc")
    assert described["EndpointStatus"] == "InService"
    assert described["ProductionVariants"][0]["CurrentInstanceCount"] == 1
    runtime = server.client("sagemaker-runtime")
    body = "\n".join(json.dumps({"text": [t]}, ensure_ascii=False) for t in
                     ["정말 재미있고 감동적인 영화였어요", "돈이 아까운 영화. 지루하고 연출도 엉망이다"])
    answer = runtime.invoke_endpoint(EndpointName="wire-nsmc", ContentType="application/jsonlines",
                                     Accept="application/jsonlines", Body=body.encode())
    labels = [json.loads(line)["predicted_label"] for line in answer["Body"].read().decode().splitlines()]
    assert labels == ["Pos", "Neg"]
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    sm.delete_endpoint(EndpointName="wire-nsmc")
    sm.get_waiter("endpoint_deleted").wait(EndpointName="wire-nsmc", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    sm.delete_endpoint_config(EndpointConfigName="wire-nsmc-config")
    sm.delete_model(ModelName="wire-nsmc")


def test_validation_comes_from_the_model(server):
    sm = server.client("sagemaker")
    try:
        sm.describe_endpoint(EndpointName="x" * 64)
    except sm.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationException"
        assert "Member must have length less than or equal to 63" in e.response["Error"]["Message"]
    else:
        raise AssertionError("a 64-character endpoint name must be refused")


def test_async_endpoint_writes_its_output_to_s3(server):
    s3 = server.client("s3")
    sm = deploy(server, "wire-async", async_output={"S3OutputPath": "s3://wire-async-bucket/out/"})
    s3.put_object(Bucket="wire-async-bucket", Key="in/review.jsonl",
                  Body=json.dumps({"text": ["배우들 연기가 좋아서 시간 가는 줄 몰랐어요"]}, ensure_ascii=False).encode())
    runtime = server.client("sagemaker-runtime")
    accepted = runtime.invoke_endpoint_async(EndpointName="wire-async", InputLocation="s3://wire-async-bucket/in/review.jsonl",
                                             ContentType="application/jsonlines", Accept="application/jsonlines")
    bucket, key = accepted["OutputLocation"][len("s3://"):].split("/", 1)
    s3.get_waiter("object_exists").wait(Bucket=bucket, Key=key, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    result = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()[0])
    assert result["predicted_label"] == "Pos"
