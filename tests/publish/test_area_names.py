"""Areas that share a name in one edition are told apart on every page and download."""

from __future__ import annotations

from scaleup.publish.pages import area_groups
from scaleup.publish.site import distinct_names


def test_a_shared_name_is_followed_by_the_area_type() -> None:
    names = distinct_names(
        [
            ("E47000011", "North East"),
            ("E12000001", "North East"),
            ("E47000001", "Greater Manchester"),
        ],
        {
            "E47000011": "combined_authority",
            "E12000001": "region",
            "E47000001": "combined_authority",
        },
    )
    assert names == {
        "E47000011": "North East (combined authority)",
        "E12000001": "North East (region)",
        "E47000001": "Greater Manchester",
    }


def test_a_shared_name_and_type_is_followed_by_the_code() -> None:
    names = distinct_names(
        [("E47000011", "North East"), ("E47000099", "North East"), ("E12000001", "North East")],
        {"E47000011": "growth_zone", "E47000099": "growth_zone"},
    )
    assert names == {
        "E47000011": "North East (E47000011)",
        "E47000099": "North East (E47000099)",
        "E12000001": "North East",
    }


class _Area:
    def __init__(self, code: str) -> None:
        self.code = code


def test_front_page_sections_by_type_only_when_there_are_several() -> None:
    a, b, c = _Area("A"), _Area("B"), _Area("C")
    one = area_groups([a, b], {"A": "region", "B": "region"})  # type: ignore[list-item]
    assert one == [(None, [a, b])]
    many = area_groups(
        [a, b, c],  # type: ignore[list-item]
        {"A": "combined_authority", "B": "region", "C": "combined_authority"},
    )
    assert many == [("Combined authorities (2)", [a, c]), ("Region (1)", [b])]
    custom = area_groups([a, b], {"A": "growth_zone"})  # type: ignore[list-item]
    assert custom == [("Growth zone (1)", [a]), ("Other area (1)", [b])]
