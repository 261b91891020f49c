"""The lab book JSON Schema, checked by jsonschema's Draft 7 validator: the draft VS Code's
YAML extension applies when a book names docs/labbook.schema.json in its modeline.

Every book in labs/ must be valid, and a misspelt key, a missing required key, a wrong
type or a misspelt botocore member inside ProductionVariants must each be flagged.
"""
import copy
import glob
import json
import os
import subprocess

import jsonschema
import pytest
import yaml

from conftest import ROOT, labbook_binary

SCHEMA_FILE = os.path.join(ROOT, "docs", "labbook.schema.json")
LABS = sorted(glob.glob(os.path.join(ROOT, "labs", "*.yaml")))


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_FILE) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_committed_schema_is_what_labbook_prints():
    printed = subprocess.run([labbook_binary(), "schema"], check=True, capture_output=True, text=True).stdout
    with open(SCHEMA_FILE) as f:
        assert json.loads(printed) == json.load(f)


@pytest.mark.parametrize("path", LABS, ids=os.path.basename)
def test_every_lab_book_is_valid(validator, path):
    with open(path) as f:
        book = yaml.safe_load(f)
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(book)]
    assert errors == []


def first_step(book, kind):
    return next(step for step in book["steps"] if step["kind"] == kind)


def flagged(validator, book):
    return [list(e.absolute_path) for e in validator.iter_errors(book)]


@pytest.fixture
def lab02():
    with open(os.path.join(ROOT, "labs", "02-multi-container-endpoint.yaml")) as f:
        return yaml.safe_load(f)


def test_a_misspelt_step_key_is_flagged(validator, lab02):
    book = copy.deepcopy(lab02)
    step = first_step(book, "sagemaker.create_endpoint")
    step["EndpointNmae"] = step.pop("EndpointName")
    index = book["steps"].index(step)
    assert ["steps", index] in flagged(validator, book)


def test_a_misspelt_production_variant_member_is_flagged(validator, lab02):
    book = copy.deepcopy(lab02)
    step = first_step(book, "sagemaker.create_endpoint_config")
    step["ProductionVariants"][0]["InitialInstanceCnt"] = 1
    index = book["steps"].index(step)
    assert ["steps", index, "ProductionVariants"] in flagged(validator, book)


def test_a_wrong_type_and_an_unknown_enum_are_flagged(validator, lab02):
    book = copy.deepcopy(lab02)
    step = first_step(book, "sagemaker.create_endpoint_config")
    step["ProductionVariants"][0]["InitialInstanceCount"] = "two"
    index = book["steps"].index(step)
    assert ["steps", index, "ProductionVariants"] in flagged(validator, book)
    book = copy.deepcopy(lab02)
    book["steps"].append({"kind": "figure", "chart": "pie", "caption": "x", "values": [1]})
    assert ["steps", len(book["steps"]) - 1, "chart"] in flagged(validator, book)


def test_references_are_accepted_where_numbers_go(validator, lab02):
    book = copy.deepcopy(lab02)
    step = first_step(book, "sagemaker.create_endpoint_config")
    step["ProductionVariants"][0]["InitialInstanceCount"] = "${params.count}"
    assert flagged(validator, book) == []


def test_a_missing_required_key_and_an_unknown_kind_are_flagged(validator, lab02):
    book = copy.deepcopy(lab02)
    book["steps"].append({"kind": "s3.put_object", "Bucket": "b", "Body": "x"})  # no Key
    book["steps"].append({"kind": "s3.put_objekt", "Bucket": "b"})
    errors = flagged(validator, book)
    assert ["steps", len(book["steps"]) - 2] in errors
    assert ["steps", len(book["steps"]) - 1, "kind"] in errors
