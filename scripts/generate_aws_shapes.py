#!/usr/bin/env python3
"""Generates Sources/AWSShapes/Generated/*.swift from botocore's service models.

As Soto generates its shapes from the same JSON, nothing in those files is typed by hand:
operations, HTTP bindings, shapes, required members, enums, lengths, patterns and error
codes all come from `botocore/data/<service>/<version>/service-2.json`.

Only the operations labbook's emulated services answer are kept (OPERATIONS below), with
every shape they reach and every error shape of the service, so the generated Swift stays
small enough to compile quickly.

Run by hand after upgrading botocore (pip install botocore), then commit the output:
    python3 scripts/generate_aws_shapes.py
"""
import html
import json
import os
import re
import sys

from botocore import __version__ as BOTOCORE_VERSION
from botocore.loaders import Loader

# botocore service name -> (Swift identifier, the operations labbook answers).
OPERATIONS = {
    "s3": ("s3", [
        "CreateBucket", "DeleteBucket", "HeadBucket", "ListBuckets", "GetBucketLocation",
        "PutObject", "GetObject", "HeadObject", "DeleteObject", "DeleteObjects", "CopyObject",
        "ListObjects", "ListObjectsV2",
        "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload",
        "ListMultipartUploads", "ListParts",
    ]),
    "sagemaker": ("sagemaker", [
        "CreateModel", "DescribeModel", "ListModels", "DeleteModel",
        "CreateEndpointConfig", "DescribeEndpointConfig", "ListEndpointConfigs", "DeleteEndpointConfig",
        "CreateEndpoint", "DescribeEndpoint", "ListEndpoints", "UpdateEndpoint", "DeleteEndpoint",
        "UpdateEndpointWeightsAndCapacities",
    ]),
    "sagemaker-runtime": ("sagemakerRuntime", ["InvokeEndpoint", "InvokeEndpointAsync"]),
    "sns": ("sns", [
        "CreateTopic", "ListTopics", "DeleteTopic", "Subscribe", "ConfirmSubscription",
        "ListSubscriptionsByTopic", "Publish", "GetTopicAttributes",
    ]),
    "lambda": ("lambda", ["CreateFunction", "GetFunction", "ListFunctions", "DeleteFunction", "Invoke"]),
    "ecr": ("ecr", [
        "CreateRepository", "DescribeRepositories", "DeleteRepository", "SetRepositoryPolicy",
        "GetRepositoryPolicy", "ListImages", "GetAuthorizationToken",
    ]),
    "iam": ("iam", [
        "CreateRole", "GetRole", "ListRoles", "DeleteRole", "AttachRolePolicy", "DetachRolePolicy",
        "ListAttachedRolePolicies", "PutRolePolicy", "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy",
    ]),
    "sts": ("sts", ["GetCallerIdentity"]),
    "application-autoscaling": ("applicationAutoScaling", [
        "RegisterScalableTarget", "DeregisterScalableTarget", "DescribeScalableTargets",
        "PutScalingPolicy", "DeleteScalingPolicy", "DescribeScalingPolicies", "DescribeScalingActivities",
    ]),
    "cloudwatch": ("cloudWatch", ["PutMetricData", "GetMetricStatistics", "ListMetrics"]),
    "logs": ("cloudWatchLogs", ["DescribeLogGroups", "DescribeLogStreams", "GetLogEvents", "FilterLogEvents"]),
}

PROTOCOLS = {"rest-xml": "restXML", "rest-json": "restJSON", "json": "json", "query": "query",
             "ec2": "ec2", "smithy-rpc-v2-cbor": "rpcV2CBOR"}
TYPES = {"structure", "list", "map", "string", "integer", "long", "boolean", "blob", "timestamp",
         "float", "double", "bigdecimal", "biginteger", "byte", "short", "document", "union"}


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def reachable(model, operations):
    seen, stack = set(), []
    for name in operations:
        op = model["operations"][name]
        for key in ("input", "output"):
            if key in op:
                stack.append(op[key]["shape"])
        stack += [e["shape"] for e in op.get("errors", [])]
    stack += [name for name, shape in model["shapes"].items() if shape.get("exception")]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model["shapes"][name]
        refs = list(shape.get("members", {}).values())
        refs += [shape[k] for k in ("member", "key", "value") if k in shape]
        stack += [ref["shape"] for ref in refs]
    return sorted(seen)


def member_args(ref):
    """The traits botocore puts on a member reference, as Swift `Member` arguments."""
    args = [f'shape: {swift_string(ref["shape"])}']
    location = ref.get("location")
    if location:
        case = {"uri": "uri", "querystring": "query", "header": "header", "headers": "headers",
                "statusCode": "statusCode"}[location]
        args.append(f'location: .{case}')
    if "locationName" in ref:
        args.append(f'locationName: {swift_string(ref["locationName"])}')
    for key, label in (("xmlAttribute", "xmlAttribute"), ("flattened", "flattened"),
                       ("jsonvalue", "jsonValue"), ("idempotencyToken", "idempotencyToken"),
                       ("hostLabel", "hostLabel"), ("streaming", "streaming")):
        if ref.get(key):
            args.append(f"{label}: true")
    if "xmlNamespace" in ref:
        args.append(f'xmlNamespace: {swift_string(ref["xmlNamespace"]["uri"])}')
    if "timestampFormat" in ref:
        args.append(f'timestampFormat: {swift_string(ref["timestampFormat"])}')
    return args


def shape_swift(name, shape):
    kind = shape["type"]
    if kind not in TYPES:
        sys.exit(f"{name}: unknown shape type {kind}")
    args = [f"name: {swift_string(name)}", f".{'unionStructure' if kind == 'union' else kind}"]
    if kind in ("structure", "union"):
        members = ", ".join(
            f'Member(name: {swift_string(m)}, {", ".join(member_args(ref))})'
            for m, ref in shape.get("members", {}).items())
        args.append(f"members: [{members}]")
        if shape.get("required"):
            args.append("required: [" + ", ".join(swift_string(r) for r in shape["required"]) + "]")
        if "payload" in shape:
            args.append(f'payload: {swift_string(shape["payload"])}')
    if kind == "list":
        args.append(f'member: Member(name: "member", {", ".join(member_args(shape["member"]))})')
    if kind == "map":
        args.append(f'key: Member(name: "key", {", ".join(member_args(shape["key"]))})')
        args.append(f'value: Member(name: "value", {", ".join(member_args(shape["value"]))})')
    if "enum" in shape:
        args.append("enumValues: [" + ", ".join(swift_string(e) for e in shape["enum"]) + "]")
    for key in ("min", "max"):
        if key in shape:
            value = shape[key]
            args.append(f"{key}: {value!r}" if isinstance(value, int) else f"{key}: {float(value)!r}")
    if "pattern" in shape:
        args.append(f'pattern: {swift_string(shape["pattern"])}')
    if shape.get("flattened"):
        args.append("flattened: true")
    if "timestampFormat" in shape:
        args.append(f'timestampFormat: {swift_string(shape["timestampFormat"])}')
    if "locationName" in shape:
        args.append(f'locationName: {swift_string(shape["locationName"])}')
    if shape.get("streaming"):
        args.append("streaming: true")
    if shape.get("exception"):
        error = shape.get("error", {})
        code = error.get("code", name)
        status = error.get("httpStatusCode", 400)
        sender = "true" if error.get("senderFault", status < 500) else "false"
        args.append(f"error: ErrorTrait(code: {swift_string(code)}, httpStatus: {status}, senderFault: {sender})")
    return f"Shape({', '.join(args)})"


def operation_swift(op):
    http = op.get("http", {})
    args = [f'name: {swift_string(op["name"])}', f'method: {swift_string(http.get("method", "POST"))}',
            f'requestURI: {swift_string(http.get("requestUri", "/"))}']
    if "input" in op:
        args.append(f'input: {swift_string(op["input"]["shape"])}')
    if "output" in op:
        args.append(f'output: {swift_string(op["output"]["shape"])}')
        if "resultWrapper" in op["output"]:
            args.append(f'resultWrapper: {swift_string(op["output"]["resultWrapper"])}')
    if "responseCode" in http:
        args.append(f'responseCode: {http["responseCode"]}')
    errors = [e["shape"] for e in op.get("errors", [])]
    if errors:
        args.append("errors: [" + ", ".join(swift_string(e) for e in errors) + "]")
    return f"OperationModel({', '.join(args)})"


def first_sentence(documentation):
    """botocore's HTML documentation as one plain sentence, for `labbook describe` and the schema."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", documentation or ""))
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= 240 else sentence[:237].rstrip() + "..."


def docs_swift(service, identifier, model, names):
    """Each structure member's first sentence, as one tab-separated literal (a dictionary
    literal this size would slow the type checker down)."""
    rows = []
    for name in names:
        shape = model["shapes"][name]
        for member, ref in shape.get("members", {}).items():
            sentence = first_sentence(ref.get("documentation"))
            if sentence:
                rows.append(f"{name}.{member}\t{sentence}")
    body = "\n".join(rows)
    if '"""#' in body:
        sys.exit(f"{service}: documentation holds a raw-string terminator")
    return "\n".join([
        f"// Generated by scripts/generate_aws_shapes.py from botocore {BOTOCORE_VERSION}'s",
        f"// {service} documentation. Do not edit: run the script again.",
        "",
        "extension ServiceModel {",
        f"    /// `Shape.Member<TAB>first sentence` lines for {service}'s structure members.",
        f"    static let {identifier}MemberDocs = #\"\"\"",
        body,
        "\"\"\"#",
        "}",
        "",
    ])


def generate(service, identifier, operations, loader):
    model = loader.load_service_model(service, "service-2")
    meta = model["metadata"]
    missing = [op for op in operations if op not in model["operations"]]
    if missing:
        sys.exit(f"{service}: botocore {BOTOCORE_VERSION} has no {missing}")
    protocols = meta.get("protocols", [meta["protocol"]])
    names = reachable(model, operations)
    lines = [
        f"// Generated by scripts/generate_aws_shapes.py from botocore {BOTOCORE_VERSION}'s",
        f"// {service}/{meta['apiVersion']}/service-2.json. Do not edit: run the script again.",
        "// swiftlint:disable all",
        "",
        "extension ServiceModel {",
        f"    public static let {identifier} = ServiceModel(",
        f"        name: {swift_string(service)}, apiVersion: {swift_string(meta['apiVersion'])},",
        f"        protocols: [{', '.join('.' + PROTOCOLS[p] for p in protocols)}],",
        f"        endpointPrefix: {swift_string(meta['endpointPrefix'])},",
        f"        signingName: {swift_string(meta.get('signingName', meta['endpointPrefix']))},",
        f"        targetPrefix: {swift_string(meta['targetPrefix']) if 'targetPrefix' in meta else 'nil'},",
        f"        jsonVersion: {swift_string(meta['jsonVersion']) if 'jsonVersion' in meta else 'nil'},",
        f"        xmlNamespace: {swift_string(meta['xmlNamespace']) if 'xmlNamespace' in meta else 'nil'},",
        f"        awsQueryCompatible: {'true' if 'awsQueryCompatible' in meta else 'false'},",
        f"        operations: {identifier}Operations,",
        f"        shapes: {' + '.join(f'{identifier}Shapes{i}' for i in range((len(names) + 99) // 100))})",
        "}",
        "",
        f"private let {identifier}Operations: [OperationModel] = [",
    ]
    lines += [f"    {operation_swift(model['operations'][op])}," for op in operations]
    lines.append("]")
    for chunk in range(0, len(names), 100):
        lines += ["", f"private let {identifier}Shapes{chunk // 100}: [Shape] = ["]
        lines += [f"    {shape_swift(n, model['shapes'][n])}," for n in names[chunk:chunk + 100]]
        lines.append("]")
    return "\n".join(lines) + "\n", len(names), docs_swift(service, identifier, model, names)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "Sources", "AWSShapes", "Generated")
    os.makedirs(out, exist_ok=True)
    loader = Loader()
    for service, (identifier, operations) in OPERATIONS.items():
        text, count, docs = generate(service, identifier, operations, loader)
        name = identifier[0].upper() + identifier[1:]
        with open(os.path.join(out, f"{name}Model.swift"), "w") as f:
            f.write(text)
        with open(os.path.join(out, f"{name}Docs.swift"), "w") as f:
            f.write(docs)
        print(f"{service}: {len(operations)} operations, {count} shapes")
    all_ids = ", ".join(f".{identifier}" for identifier, _ in OPERATIONS.values())
    with open(os.path.join(out, "AllServices.swift"), "w") as f:
        f.write(f"// Generated by scripts/generate_aws_shapes.py from botocore {BOTOCORE_VERSION}.\n\n"
                "extension ServiceModel {\n"
                "    /// Every service labbook emulates, as botocore names them.\n"
                f"    public static let all: [ServiceModel] = [{all_ids}]\n"
                "    /// Each service's member documentation lines, by botocore's service name.\n"
                "    static let memberDocs: [String: String] = [\n"
                + "".join(f'        "{service}": {identifier}MemberDocs,\n' for service, (identifier, _) in OPERATIONS.items())
                + "    ]\n"
                f"    /// The botocore release the shapes were generated from.\n"
                f'    public static let botocoreVersion = "{BOTOCORE_VERSION}"\n'
                "}\n")


if __name__ == "__main__":
    main()
