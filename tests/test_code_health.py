"""Checks that cannot pass by accident (issue 12, defect 9): no guards around the package's own modules."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "textanalyse"


def own_imports_guarded_by_import_error() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches = [h.type for h in node.handlers if h.type is not None]
            if not any(isinstance(t, ast.Name) and t.id in ("ImportError", "ModuleNotFoundError") for t in catches):
                continue
            for statement in node.body:
                module = (statement.module if isinstance(statement, ast.ImportFrom) else
                          statement.names[0].name if isinstance(statement, ast.Import) else "") or ""
                if module.startswith("textanalyse"):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{statement.lineno}")
    return found


def test_the_package_never_guards_its_own_imports():
    assert own_imports_guarded_by_import_error() == []


def test_the_report_reads_the_manifest_keys_run_writes(tmp_path):
    import datetime as dt

    from textanalyse.analysis import RunResult
    from textanalyse.report.sections import _run_date, _version
    from textanalyse.run import build_manifest

    (tmp_path / "svar.csv").write_text("id;bra\n1;God hjelp\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text('[[material]]\nsurvey = "svar.csv"\ntext_columns = ["bra"]\n', encoding="utf-8")
    from textanalyse.config import load_config

    manifest = build_manifest(load_config(tmp_path / "a.toml"), [], {},
                              now=dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.timezone.utc))
    result = RunResult(title="t", materials=[], config={}, manifest=manifest)
    expected = dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.timezone.utc).astimezone().strftime("%d.%m.%Y kl. %H:%M")
    assert _run_date(result) == expected
    assert _version(RunResult(title="t", materials=[], config={}, manifest={"version": "9.9"})) == "9.9"
