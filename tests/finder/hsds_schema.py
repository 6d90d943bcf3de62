"""Validate documents against the HSDS 3.0 JSON Schemas kept in ``tests/finder/hsds-3.0``
(a copy of ``spec/hsds-3.0``: the schema files, the two compiled list schemas and the API's
``openapi.json``), with a Draft 2020-12 validator and format checks."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).with_name("hsds-3.0")
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
FORMATS = Draft202012Validator.FORMAT_CHECKER
"""The format checks: uri and date-time only where their libraries are installed."""


@cache
def registry() -> Registry:
    resources = []
    for path in [*HERE.glob("*.json"), *HERE.glob("compiled/*.json")]:
        if path.name == "openapi.json":
            continue
        uri = BASE + str(path.relative_to(HERE))
        resources.append((uri, Resource.from_contents(json.loads(path.read_text()), DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """``name``: a schema file, e.g. ``service.json`` or ``compiled/service_list.json``."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": BASE + name}
    return Draft202012Validator(schema, registry=registry(), format_checker=FORMATS)


def errors(name: str, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(document)
    ]


PAGE_KEYS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
}


def page_errors(document: Any, item_schema: str) -> list[str]:
    """A paged response of the HSDS API (openapi.json's ``Page`` with ``contents``)."""
    api = json.loads((HERE / "openapi.json").read_text())
    page = api["components"]["schemas"]["Page"]["properties"]
    assert set(page) == set(PAGE_KEYS)
    out = [f"{k}: not {t.__name__}" for k, t in PAGE_KEYS.items()
           if type(document.get(k)) is not t]  # fmt: skip
    if not isinstance(document.get("contents"), list):
        return [*out, "contents: not a list"]
    for i, item in enumerate(document["contents"]):
        out.extend(f"contents/{i}/{e}" for e in errors(item_schema, item))
    return out
