"""Every internal link of a built site opens from files (and so when served)."""

from __future__ import annotations

from pathlib import Path

from scaleup.publish.links import broken_links


def test_a_built_site_has_no_broken_link_and_a_finder_page(build) -> None:
    result, _ = build(strict=True)
    assert broken_links(result.out) == []
    finder = (result.out / "finder" / "index.html").read_text()
    assert "scaleup serve" in finder
    front = (result.out / "index.html").read_text()
    assert 'href="./finder/index.html"' in front


def test_broken_links_are_named_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "areas" / "x").mkdir(parents=True)
    (tmp_path / "areas" / "x" / "index.html").write_text("ok")
    (tmp_path / "index.html").write_text(
        '<a href="areas/x/index.html">fine</a>\n<a href="#top">fine</a>\n'
        '<a href="https://example.org/">fine</a>\n<a href="finder/">folder missing</a>\n'
        '<a href="areas/x/">folder</a> <a href="/areas/x/index.html">rooted</a>\n'
        '<link rel="stylesheet" href="static/site.css">\n'
    )
    found = [(p.file, p.lines, p.message.split(":")[0]) for p in broken_links(tmp_path)]
    assert found == [
        ("index.html", (4,), "broken link 'finder/'"),
        ("index.html", (5,), "broken link 'areas/x/'"),
        ("index.html", (5,), "broken link '/areas/x/index.html'"),
        ("index.html", (6,), "broken link 'static/site.css'"),
    ]


def test_links_up_and_out_of_the_site_and_through_dot_dot(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "x.html").write_text("ok")
    (site / "a" / "b" / "index.html").write_text(
        '<a href="../x.html">up</a>\n<a href="../../a/./b/../x.html">round</a>\n'
        '<a href="../../../outside.html">out</a>\n<a href="../../">root folder</a>\n'
        '<a href="../x%2Ehtml?q=1#part">quoted</a>\n<img src="../missing.png">\n'
    )
    (tmp_path / "outside.html").write_text("not in the site")
    found = [(p.file, p.lines, p.message) for p in broken_links(site)]
    assert found == [
        ("a/b/index.html", (3,), "broken link '../../../outside.html': outside the site"),
        (
            "a/b/index.html",
            (4,),
            "broken link '../../': a folder, not a file (add index.html)",
        ),
        ("a/b/index.html", (6,), "broken link '../missing.png': no such file in the site"),
    ]
