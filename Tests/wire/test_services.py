"""The other services the labs call, each in its own protocol."""
import datetime
import json

import pytest
from botocore.exceptions import ClientError


def test_sts_and_iam_query_protocol(server):
    identity = server.client("sts").get_caller_identity()
    assert identity["Account"] == "123456789012"
    iam = server.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="wire-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    assert role["Arn"] == "arn:aws:iam::123456789012:role/wire-role"
    assert isinstance(role["CreateDate"], datetime.datetime)
    iam.attach_role_policy(RoleName="wire-role", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    attached = iam.list_attached_role_policies(RoleName="wire-role")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSLambdaBasicExecutionRole"]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="no-such-role")
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_role(RoleName="wire-role")


def test_sns_topics_and_subscriptions(server):
    sns = server.client("sns")
    arn = sns.create_topic(Name="wire-topic")["TopicArn"]
    assert arn == "arn:aws:sns:ap-northeast-2:123456789012:wire-topic"
    assert arn in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="student@example.com")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert subscriptions[0]["Endpoint"] == "student@example.com"
    assert sns.publish(TopicArn=arn, Message="hello")["MessageId"]
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="x" * 257)
    assert e.value.response["Error"]["Code"] == "InvalidParameter"


def test_ecr_json_protocol(server):
    ecr = server.client("ecr")
    repo = ecr.create_repository(repositoryName="wire-repo")["repository"]
    assert repo["repositoryUri"].endswith(".amazonaws.com/wire-repo")
    assert [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]] == ["wire-repo"]
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.describe_repositories(repositoryNames=["nothing"])
    assert ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]


def test_cloudwatch_speaks_rpc_v2_cbor(server):
    cw = server.client("cloudwatch")
    assert cw.meta.service_model.protocol == "smithy-rpc-v2-cbor"
    now = datetime.datetime.now(datetime.timezone.utc)
    cw.put_metric_data(Namespace="Wire/Test", MetricData=[
        {"MetricName": "Latency", "Value": v, "Unit": "Milliseconds", "Timestamp": now,
         "Dimensions": [{"Name": "Endpoint", "Value": "e"}]} for v in (10.0, 20.0, 30.0)])
    stats = cw.get_metric_statistics(Namespace="Wire/Test", MetricName="Latency",
                                     Dimensions=[{"Name": "Endpoint", "Value": "e"}],
                                     StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5),
                                     Period=600, Statistics=["Average", "Maximum", "SampleCount"])
    assert len(stats["Datapoints"]) == 1
    point = stats["Datapoints"][0]
    assert (point["Average"], point["Maximum"], point["SampleCount"]) == (20.0, 30.0, 3.0)
    assert [m["MetricName"] for m in cw.list_metrics(Namespace="Wire/Test")["Metrics"]] == ["Latency"]


def test_application_autoscaling_and_lambda_errors(server):
    aas = server.client("application-autoscaling")
    with pytest.raises(ClientError) as e:
        aas.register_scalable_target(ServiceNamespace="sagemaker", ResourceId="endpoint/none/variant/AllTraffic",
                                     ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=2)
    assert e.value.response["Error"]["Code"] == "ValidationException"
    lam = server.client("lambda")
    assert lam.list_functions()["Functions"] == []
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName="nothing")


def test_cloudwatch_logs_answers_boto3(server):
    logs = server.client("logs")
    assert isinstance(logs.describe_log_groups(logGroupNamePrefix="/aws/")["logGroups"], list)
    try:
        logs.filter_log_events(logGroupName="/aws/lambda/never-created")
    except logs.exceptions.ResourceNotFoundException as e:
        assert e.response["Error"]["Message"] == "The specified log group does not exist."
    else:
        raise AssertionError("an unknown log group must be ResourceNotFoundException")
