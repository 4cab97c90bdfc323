"""Issue 18: seeded hostile inputs (hostile_gen.py) through the API and the CLI. Nothing but
StorylensError escapes, every problem line names its input and a reason, the good articles beside the
bad ones are read and analysed, and a whole ingest stays under a memory bound.

The 10,000-input version is ``benchmarks/bench_hostile.py --part generated``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hostile_gen as hg
import pytest
from click.testing import CliRunner

import storylens
from storylens.cli import main, one_line
from storylens.errors import StorylensError
from storylens.ingest import read_inputs, shown_name
from storylens.store import Store

SEED = 18
# Small and fast: 52 cases at a tenth of the benchmark's sizes cover every kind (each twice by case
# 28) and 6 good articles, and read in a few seconds; the benchmark runs 10,000 at full size.
N, SCALE = 52, 0.1
# Peak RSS of the whole `storylens ingest` of the folder (models included): 331 MB measured here
# (/usr/bin/time, 2 cores, Python 3.12); the bound is twice that, and still catches a bomb that is not
# bounded (one such input took 1.9-2.9 GB before the limits of issue 18).
PEAK_MB = 700


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[hg.Case, Path]]]:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    folder.mkdir()
    return folder, [(case, hg.write(case, folder)) for case in hg.cases(SEED, N, SCALE)]


def _names(case: hg.Case, path: Path) -> list[str]:
    return [one_line(shown_name(str(path))), *hg.listed_urls(case)]


def _good_ids(cases: list[tuple[hg.Case, Path]]) -> set[str]:
    ids = set()
    for case, path in cases:
        if case.good:
            ids.add(json.loads(case.data)["id"] if path.suffix == ".jsonl" else path.stem)
    return ids


def test_the_generator_is_seeded_and_covers_every_kind() -> None:
    first, again = list(hg.cases(SEED, N, SCALE)), list(hg.cases(SEED, N, SCALE))
    assert first == again
    assert {c.kind for c in first} == {*hg.KINDS, "good"}
    assert list(hg.cases(SEED + 1, N, SCALE)) != first


def test_each_input_read_through_the_api_fails_only_with_storylens_error(generated: tuple) -> None:
    _, cases = generated
    for case, path in cases:
        articles, problems = read_inputs([str(path)], timeout=2)  # never raises
        for problem in problems:
            why = hg.unclear(one_line(str(problem)), _names(case, path))
            assert why is None, (case.kind, str(problem), why)
        if case.good:
            assert len(articles) == 1 and not problems, case.name
        try:
            storylens.extract(str(path), timeout=2)
        except StorylensError as exc:
            assert hg.unclear(one_line(str(exc)), _names(case, path)) is None, (case.kind, str(exc))


def test_the_cli_extract_gives_one_clear_line_or_the_article(generated: tuple) -> None:
    _, cases = generated
    runner = CliRunner()
    for case, path in cases:
        result = runner.invoke(main, ["extract", str(path), "--format", "json"])
        assert result.exit_code in (0, 1), (case.name, result.output[-500:])
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            case.name, repr(result.exception))
        if result.exit_code == 1:
            line = result.output.strip()
            assert line.startswith("Error: ") and "\n" not in line, (case.name, line)
            assert hg.unclear(line[len("Error: "):], _names(case, path)) is None, (case.kind, line)


def test_the_api_analyses_the_good_articles_among_the_bad(generated: tuple) -> None:
    folder, cases = generated
    brief = storylens.analyze(str(folder))
    assert _good_ids(cases) <= {a.id for a in brief.articles}
    json.dumps(brief.to_dict(), ensure_ascii=True)  # every field encodable
    for problem in brief.skipped:
        assert any(hg.unclear(one_line(str(problem)), _names(c, p)) is None for c, p in cases), str(problem)


# The child's own high-water mark (VmHWM: the memory of this program image), not ru_maxrss, which on
# Linux keeps the peak of the process before exec: a child forked from pytest holding the models read
# 864 MB that way against 331 MB measured alone.
_PEAK = ("import atexit, re, sys\n"
         "atexit.register(lambda: sys.stderr.write('PEAK_KB ' + re.search(r'VmHWM:\\s*(\\d+)', "
         "open('/proc/self/status').read()).group(1) + '\\n'))\n"
         "from storylens.cli import main\nmain()\n")


def test_cli_ingest_of_the_folder_stores_the_good_ones_in_bounded_memory(generated: tuple, tmp_path: Path) -> None:
    folder, cases = generated
    db = tmp_path / "s.db"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-c", _PEAK, "ingest", str(folder), "--db", str(db), "--format", "json"],
                         check=False, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    peak_mb = int(lines.pop()[len("PEAK_KB "):]) / 1000
    assert peak_mb < PEAK_MB
    names = [n for c, p in cases for n in _names(c, p)]
    for line in lines:
        kind, _, rest = line.partition(": ")
        assert kind in ("Skipped", "Warning"), line
        assert hg.unclear(rest, names) is None, line
    report = json.loads(run.stdout)
    assert report["read"] >= len(_good_ids(cases))
    with Store(db) as store:
        stored = {store.article(a).id for s in store.stories() for a in store.members(s.id)}
    assert _good_ids(cases) <= stored


def test_a_malformed_url_in_a_list_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    # found by the generator: urllib's Request raised ValueError outside fetch_bytes' try, and the
    # whole read_inputs call was lost; and 'http://%ff/' gave the codec's own message as the reason
    urls = tmp_path / "urls.txt"
    urls.write_text("http://[::1\nhttp://%ff/\n", encoding="utf-8")
    articles, problems = read_inputs([str(urls)], timeout=2)
    assert articles == []
    assert [(p.source, p.reason) for p in problems] == [
        ("http://[::1", "invalid URL (Invalid IPv6 URL)"),
        ("http://%ff/", "invalid URL (a character the host name or request line cannot carry)")]


def test_strict_skips_an_article_cut_at_a_limit_instead_of_storing_it(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # the issue: past a limit, truncate with a warning, skip with --strict (before: exit 3, but stored)
    sentence = "The council said its budget for the roads of the district would rise next year. "
    long, short = tmp_path / "in" / "long.txt", tmp_path / "in" / "short.txt"
    long.parent.mkdir()
    long.write_text("Budget rises\n\n" + sentence * 30)
    short.write_text("Bridge closed\n\nThe mayor closed the old river bridge on Tuesday after two days of floods.")
    monkeypatch.setenv("STORYLENS_MAX_ARTICLE_CHARS", "1000")
    note = "text cut at a sentence end before 1,000 characters (max_article_chars)"
    stories, problems = storylens.api.read_stories([str(long.parent)], strict=True)
    assert [a.id for a in stories[None]] == ["short"]
    assert [(p.source, p.reason) for p in problems] == [(str(long), f"{note}; skipped (strict)")]
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(long.parent), "--db", str(db), "--strict", "--format", "json"])
    assert result.exit_code == 3, result.output
    assert f"Skipped: {long}: {note}; skipped (strict)" in result.stderr.splitlines()
    with Store(db) as store:
        assert [store.article(a).id for s in store.stories() for a in store.members(s.id)] == ["short"]
    result = CliRunner().invoke(main, ["ingest", str(long), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0 and f"Warning: {long}: {note}" in result.stderr.splitlines()  # kept without it


def test_extract_names_a_file_that_is_not_utf8_escaped(tmp_path: Path) -> None:
    # found by the 10,000-input benchmark: 'holds 2 articles' named the file with its lone surrogate,
    # which no terminal or JSON writer can encode, where every other line shows it escaped
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xe9.jsonl"
    with open(name, "wb") as f:
        f.writelines(b'{"id": "' + key + b'", "text": "The mayor closed the old river bridge on Tuesday after '
                    b'two days of floods, officials said."}\n' for key in (b"a", b"b"))
    with pytest.raises(StorylensError) as err:
        storylens.extract(os.fsdecode(name))
    assert err.value.source == f"{tmp_path}/caf\\xe9.jsonl"
    result = CliRunner().invoke(main, ["extract", os.fsdecode(name)])
    assert (result.exit_code, result.output) == (1, f"Error: {tmp_path}/caf\\xe9.jsonl: holds 2 articles; extract reads one\n")
