"""Templates: the office's overrides win, autoescape is on for HTML, and a built wheel carries the templates."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mediawatch import templating

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("notice.html", "notice.txt", "notice_subject.txt", "_evidence.html", "_evidence.txt", "_warning.html",
           "_notice.css", "bulletin.html", "_bulletin.css", "_trend_chart.html", "_bar_chart.html", "_unit_table.html")


def test_every_template_is_in_the_top_level_folder():
    for name in SHIPPED:
        assert (ROOT / "templates" / name).is_file(), name
    assert templating.packaged_dir() in (ROOT / "templates", templating.PACKAGED)


def test_the_office_overrides_a_template_or_a_partial(tmp_path):
    env = templating.environment(tmp_path)
    item = {"rule": "severe_typo", "source": None, "evidence": {"hits": [{"page": "p", "wrong": "A", "right": "B",
                                                                           "context": "xAx"}]},
            "message": "", "warning_id": 1, "account_name": "n"}
    assert "“A”应为“B”" in env.get_template("_evidence.txt").render(item=item)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_evidence.txt").write_text("本单位格式：{{ item.rule }}\n", encoding="utf-8")
    assert templating.search_path(tmp_path)[0] == tmp_path / "templates"
    assert templating.environment(tmp_path).get_template("_evidence.txt").render(item=item) == "本单位格式：severe_typo\n"
    # a partial overridden alone is picked up by the packaged template that includes it
    (tmp_path / "templates" / "_bar_chart.html").write_text("<p>office chart</p>", encoding="utf-8")
    page = templating.environment(tmp_path).get_template("_bar_chart.html").render(chart={})
    assert page == "<p>office chart</p>"


def test_html_is_escaped_and_text_is_not(tmp_path):
    env = templating.environment(None)
    chart = {"width": 100, "height": 20, "x": 10, "label_x": 8, "bars": [
        {"y": 1, "h": 5, "w": 5, "text_y": 5, "label": "<b>&", "value": "1", "value_x": 20}]}
    assert "&lt;b&gt;&amp;" in env.get_template("_bar_chart.html").render(chart=chart)
    item = {"rule": "name_mismatch", "source": None, "evidence": {"registered": "<a>", "reported": "<b>"},
            "message": "", "warning_id": 1, "account_name": "n"}
    assert "“<a>”" in env.get_template("_evidence.txt").render(item=item)
    assert "“&lt;a&gt;”" in env.get_template("_evidence.html").render(item=item)


@pytest.mark.parametrize("value,expected", [
    (0.071428, "7.14%"), (0.125, "12.50%"), ("37.50", "37.50%"), (None, "—"), (0.00005, "0.01%")])
def test_percent_rounds_half_up(value, expected):
    assert templating.percent(value) == expected


def test_dates_show_in_shanghai():
    assert templating.cn_date("2026-10-31T17:00:00+00:00") == "2026年11月1日"
    assert templating.ymd("2026-11-01") == "2026-11-01"
    assert templating.cn_datetime("2026-10-31T17:00:00Z") == "2026年11月1日 01:00"
    assert templating.cn_date(None) == "—"


def _can_build_wheels() -> bool:
    import setuptools

    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return importlib.util.find_spec("wheel") is not None or (major, minor) >= (70, 1)


def _source_copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "mediawatch", src / "mediawatch", ignore=ignore)
    shutil.copytree(ROOT / "templates", src / "templates", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", src / "pyproject.toml")
    readme = ROOT / "README.md"
    (src / "README.md").write_text(readme.read_text(encoding="utf-8") if readme.exists() else "mediawatch\n",
                                   encoding="utf-8")
    return src


@pytest.mark.parametrize("build", ["wheel", "build_py"])
def test_a_built_package_carries_and_renders_the_templates(tmp_path, build):
    """A non-editable install renders from its own copy of templates/, not from a checkout.

    ``wheel`` builds the wheel pip installs (needs bdist_wheel: setuptools >= 70.1 or the ``wheel``
    package); ``build_py`` runs the same build step alone, which any setuptools can.
    """
    src = _source_copy(tmp_path)
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    site = tmp_path / "site"
    if build == "wheel":
        if not _can_build_wheels():
            pytest.skip("no bdist_wheel here: install the wheel package (a build requirement in pyproject.toml)")
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(tmp_path / "dist"), str(src)], check=True, env=env, capture_output=True, timeout=240)
        wheel = next((tmp_path / "dist").glob("mediawatch-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            archive.extractall(site)
        for name in SHIPPED:
            assert f"mediawatch/templates/{name}" in names, name
    else:
        subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                        "--build-lib", str(site)], cwd=src, check=True, env=env, capture_output=True, timeout=240)
        for name in SHIPPED:
            assert (site / "mediawatch" / "templates" / name).is_file(), name

    probe = ("import mediawatch, mediawatch.templating as t\n"
             "print(mediawatch.__file__)\n"
             "print(t.packaged_dir())\n"
             "chart = {'width': 1, 'height': 1, 'x': 0, 'label_x': 0, 'bars': []}\n"
             "print(t.render(None, '_bar_chart.html', chart=chart).split()[0])\n")
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(site)))
    assert run.returncode == 0, run.stderr
    module, folder, first = run.stdout.splitlines()
    assert module.startswith(str(site))
    assert folder == str(site / "mediawatch" / "templates")
    assert first == "<svg"
