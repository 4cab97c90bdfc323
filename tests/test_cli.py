"""The CLI on bad input: one clear line per skipped input, the rest analysed, honest exit status."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from storylens.cli import EXIT_SKIPPED, main


def _bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "title": "T"\n')
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav></body></html>")
    return ["empty.txt", "binary.txt", "latin1.txt", "bad.jsonl", "nav.html", "missing.txt"]


def test_bad_inputs_are_named_and_the_rest_is_analysed(tmp_path, seed_dir):
    names = _bad_inputs(tmp_path)
    for f in sorted(seed_dir.glob("00[0-2]*.txt")):
        shutil.copy(f, tmp_path / f.name)
    result = CliRunner().invoke(main, ["analyze", *[str(tmp_path / n) for n in names],
                                       *[str(p) for p in sorted(tmp_path.glob("00*.txt"))], "--format", "json"])
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped: ")]
    assert len(skipped) == len(names), result.stderr
    for name in names:
        assert sum(name in line for line in skipped) == 1
    assert "Traceback" not in result.output
    reasons = " ".join(skipped)
    for reason in ("empty", "binary", "UTF-8", "no such file"):
        assert reason in reasons
    assert '"schema": "storylens.brief/1"' in result.stdout


def test_strict_exits_non_zero_when_something_was_skipped(tmp_path, seed_dir):
    (tmp_path / "empty.txt").write_text("")
    args = ["analyze", str(tmp_path / "empty.txt"), str(min(seed_dir.glob("*.txt"))), "--format", "json"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, [*args, "--strict"]).exit_code == EXIT_SKIPPED


def test_nothing_readable_is_one_error_line(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "empty.txt"), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "no article could be read" in errors[0]
    assert "Traceback" not in result.output


def test_relate_json_and_text():
    runner = CliRunner()
    agree = runner.invoke(main, ["relate", "The minister resigned on Monday after the vote.",
                                 "On Monday the minister stepped down following the vote.", "--format", "json"])
    assert agree.exit_code == 0 and '"kind": "agree"' in agree.stdout
    contra = runner.invoke(main, ["relate", "The company said it would close the plant.",
                                  "The company said it would not close the plant."])
    assert contra.exit_code == 0 and contra.stdout.startswith("contradict") and "negation" in contra.stdout
    unrelated = runner.invoke(main, ["relate", "The minister resigned on Monday.", "Heavy rain flooded the valley."])
    assert unrelated.stdout.startswith("unrelated")


def test_extract_json_from_a_text_file(seed_dir):
    result = CliRunner().invoke(main, ["extract", str(sorted(seed_dir.glob("*.txt"))[1]), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"schema": "storylens.article/1"' in result.stdout and '"language": "en"' in result.stdout


def test_jsonl_story_field_gives_one_brief_per_story_in_input_order(tmp_path, seed_dir):
    import json

    files = sorted(seed_dir.glob("00*.txt"))[:4]
    labels = ["late", "early", "late", "early"]  # stories come out in order of first appearance
    lines = [json.dumps({"id": f.stem[:3], "text": f.read_text(), "story": label}) for f, label in zip(files, labels)]
    src = tmp_path / "stories.jsonl"
    src.write_text("\n".join(lines) + "\n{broken\n")
    result = CliRunner().invoke(main, ["analyze", str(src), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    briefs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [b["story"]["id"] for b in briefs] == ["late", "early"]
    assert [[a["id"] for a in b["articles"]] for b in briefs] == [["000", "002"], ["001", "003"]]
    assert all(b["schema"] == "storylens.brief/1" and b["summary"] for b in briefs)
    assert "stories.jsonl:5" in result.stderr
    one_doc = CliRunner().invoke(main, ["analyze", str(src), "--format", "json"])
    assert one_doc.exit_code == 1 and "2 stories" in one_doc.stderr
