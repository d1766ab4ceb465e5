"""The shipped JSON Schemas: valid 2020-12, fully described, closed, versioned, and named by every data file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import bank, make_case, make_condition
from jsonschema import Draft202012Validator

from casebook import validation

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "casebook" / "schemas"
CASES = ROOT / "cases"
KINDS = sorted(validation.SCHEMA_FILES)


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict]]:
    """Every sub-schema (a dict) of a schema with its JSON-pointer-like path, $defs included."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in value.items():
                    yield from walk(sub, f"{path}/{key}/{name}")
            elif key in ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else"):
                yield from walk(value, f"{path}/{key}")
            elif key in ("oneOf", "anyOf", "allOf", "prefixItems"):
                for i, sub in enumerate(value):
                    yield from walk(sub, f"{path}/{key}/{i}")


def resolve(schema: dict, node: dict) -> dict:
    """Follow a local '$ref' ('#/$defs/Name') to its target."""
    while "$ref" in node and node["$ref"].startswith("#/"):
        target: Any = schema
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def data_files() -> list[tuple[str, Path]]:
    """(kind, path) of every data file in cases/."""
    files = [("bank", CASES / "questions.json")]
    files += [("condition", p) for p in sorted((CASES / "conditions").glob("*.json"))]
    files += [("case", p) for p in sorted((CASES / "vignettes").glob("*.json"))]
    return files


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind):
    """Each shipped schema is itself a valid JSON Schema 2020-12 and says so."""
    schema = validation.schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_is_the_file_in_the_package(kind):
    """The schema the validator uses is the file in casebook/schemas/ (package data)."""
    assert validation.schema(kind) == json.loads(
        (SCHEMA_DIR / validation.SCHEMA_FILES[kind]).read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_and_definition_has_a_description(kind):
    """Every property (directly or through its $ref) and every $defs entry has a description, for editors and hints."""
    schema = validation.schema(kind)
    assert schema.get("description")
    missing = []
    for path, node in walk(schema):
        for name, sub in node.get("properties", {}).items():
            if not resolve(schema, sub).get("description") and not sub.get("description"):
                missing.append(f"{path}/properties/{name}")
        for name, sub in node.get("$defs", {}).items():
            if not sub.get("description"):
                missing.append(f"{path}/$defs/{name}")
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_with_properties_is_closed(kind):
    """Every object that lists its properties has additionalProperties false, so a misspelt field is reported."""
    schema = validation.schema(kind)
    open_objects = [
        path for path, node in walk(schema) if "properties" in node and node.get("additionalProperties") is not False
    ]
    assert open_objects == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_map_object_constrains_its_keys(kind):
    """Objects used as maps (additionalProperties is a schema) restrict their keys with propertyNames."""
    schema = validation.schema(kind)
    maps = [
        path
        for path, node in walk(schema)
        if isinstance(node.get("additionalProperties"), dict) and "propertyNames" not in node
    ]
    assert maps == []


@pytest.mark.parametrize("kind", KINDS)
def test_schema_version_is_required_and_fixed(kind):
    """schema_version is a required top-level field with a single allowed value."""
    schema = validation.schema(kind)
    assert "schema_version" in schema["required"]
    version = resolve(schema, schema["properties"]["schema_version"])
    assert version.get("const") == 1


@pytest.mark.parametrize("kind", KINDS)
def test_schema_allows_the_schema_reference_field(kind):
    """ "$schema" is an allowed top-level field, so data files can name their schema."""
    assert "$schema" in validation.schema(kind)["properties"]


@pytest.mark.parametrize(
    "kind, path", data_files(), ids=lambda v: str(v.relative_to(CASES)) if isinstance(v, Path) else v
)
def test_data_file_names_its_shipped_schema_by_relative_path(kind, path):
    """Every data file in cases/ has a relative "$schema" that resolves to the shipped schema of its kind."""
    data = json.loads(path.read_text(encoding="utf-8"))
    ref = data.get("$schema")
    assert isinstance(ref, str), f'{path.name} has no "$schema"'
    assert not ref.startswith(("/", "http:", "https:")), f"{path.name}: {ref} is not a relative path"
    target = (path.parent / ref).resolve()
    assert target == (SCHEMA_DIR / validation.SCHEMA_FILES[kind]).resolve()
    assert target.is_file()


def test_package_data_ships_the_schemas():
    """pyproject.toml ships every *.json of casebook/schemas as package data."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.json" in config["tool"]["setuptools"]["package-data"]["casebook.schemas"]
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(validation.SCHEMA_FILES.values())


# Fields added for the clinical review (issue 10): optional, so files without them stay valid at schema_version 1.
ISSUE_10_FIELDS = [
    ("condition", ("abnormal_findings",)),
    ("condition", ("unsafe_steps",)),
    ("bank", ("questions", "giveaway_words")),
    ("bank", ("questions", "phrasings")),
    ("bank", ("questions", "keywords")),
    ("case", ("next_steps", "not_indicated")),
]


def parent_and_field(kind: str, names: tuple[str, ...]) -> tuple[dict, dict]:
    """The object schema that holds a field (following array items) and the field's own schema."""
    node = validation.schema(kind)
    for name in names[:-1]:
        node = node["properties"][name]
        node = node.get("items", node)
    return node, node["properties"][names[-1]]


@pytest.mark.parametrize(("kind", "names"), ISSUE_10_FIELDS, ids=lambda v: ".".join(v) if isinstance(v, tuple) else v)
def test_issue_10_fields_are_optional_and_say_so(kind, names):
    """Each field added for the clinical review is not required, and its description says it is optional."""
    parent, field = parent_and_field(kind, names)
    assert names[-1] not in parent.get("required", [])
    assert "Optional" in field["description"]


def test_files_using_every_issue_10_field_pass_the_schemas():
    """A condition, a bank question and a case that use all the new fields are schema-valid."""
    condition = make_condition(
        abnormal_findings={"examination": ["ex_calf_circumference"], "investigations": ["inv_ultrasound_veins"]},
        unsafe_steps=[{"step": "ns_self_care", "why": {"en": "It misses a clot.", "nb": "Det overser en blodpropp."}}],
    )
    data = bank()
    data["questions"][0].update(
        giveaway_words={"en": ["swollen"], "nb": ["hoven"]},
        phrasings={"da": ["Er benet hævet?"]},
        keywords={"en": ["swelling", "puffy"]},
    )
    case = make_case(
        next_steps={
            "correct": [{"step": "ns_same_day", "why": "Today."}],
            "not_indicated": [{"step": "ns_emergency", "why": "An ambulance is not needed."}],
        }
    )
    problems = validation.schema_problems(condition, "condition", "c.json")
    problems += validation.schema_problems(data, "bank", "q.json") + validation.schema_problems(case, "case", "k.json")
    assert problems == []


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        ({"en": [""]}, "$.questions[0].giveaway_words.en[0]", "is empty"),
        ({"en": ["pee", "pee"]}, "$.questions[0].giveaway_words.en", "lists the same item twice"),
        ({"en": "pee"}, "$.questions[0].giveaway_words.en", "should be a list, not a string ('pee')"),
        ({"en-GB": ["pee"]}, "$.questions[0].giveaway_words", "'en-GB' is not a language code"),
    ],
    ids=["empty-word", "repeated-word", "not-a-list", "region-code"],
)
def test_word_lists_reject_bad_entries_with_a_clear_message(value, where, message):
    """A word list must map a plain language code to a list of distinct, non-empty strings."""
    data = bank()
    data["questions"][0]["giveaway_words"] = value
    assert [(p.json_path, p.message) for p in validation.schema_problems(data, "bank", "q.json")] == [(where, message)]
