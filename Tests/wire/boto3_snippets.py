"""Checks a handout's boto3 snippets as a student would paste them: run in order, against a
stand-in boto3 whose clients check every call with botocore itself (the operation exists,
the parameters validate against its service model, the waiter is one botocore has)."""
import re
import types

import botocore.session
from botocore import xform_name
from botocore.validate import ParamValidator

SNIPPET = re.compile(r"<summary>(?:boto3로는|In boto3)</summary>\n\n```python\n(.*?)\n```", re.S)


class CheckedClient:
    def __init__(self, session, service, calls):
        self.model = session.get_service_model(service)
        self.waiters = session.get_waiter_model(service).waiter_names if service in ("s3", "sagemaker") else []
        self.operations = {xform_name(name): name for name in self.model.operation_names}
        self.service, self.calls = service, calls

    def __getattr__(self, name):
        if name not in self.operations:
            raise AssertionError(f"{self.service} has no operation {name}")
        shape = self.model.operation_model(self.operations[name]).input_shape

        def call(**params):
            # `...` stands for a payload too long to show: leave it out of the check.
            shown = {k: v for k, v in params.items() if v is not Ellipsis}
            report = ParamValidator().validate(shown, shape)
            problems = [line for line in report.generate_report().splitlines()
                        if not any(f'"{k}"' in line for k, v in params.items() if v is Ellipsis)]
            problems = [p for p in problems if p and not p.startswith("Parameter validation failed")]
            assert not problems, f"{self.service}.{name}: {problems}"
            self.calls.append(f"{self.service}.{name}")
            return {}
        return call

    def get_waiter(self, name):
        assert name in {xform_name(w) for w in self.waiters}, f"{self.service} has no waiter {name}"
        return types.SimpleNamespace(wait=lambda **params: self.calls.append(f"{self.service} waiter {name}"))


def check(handout_text):
    """Runs every snippet of a handout in order; returns the calls they made."""
    session, calls = botocore.session.get_session(), []
    fake = types.ModuleType("boto3")
    fake.client = lambda service, **_: CheckedClient(session, service, calls)
    namespace = {}
    for number, code in enumerate(SNIPPET.findall(handout_text)):
        code = code.replace("import boto3", "boto3 = __fake_boto3__")
        namespace["__fake_boto3__"] = fake
        try:
            exec(compile(code, f"<snippet {number + 1}>", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"snippet {number + 1} fails: {error}\n{code}") from error
    return calls
