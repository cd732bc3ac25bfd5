"""Shared fixtures: paths to the shared seeds and dev corpus, and a scratch raw folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from .eval_gate import shared_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED = shared_dir() or ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DEV_CORPUS = SHARED / "dev-corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def needs(path: Path):
    """Skip a test whose shared data is not beside the checkout."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not found (shared/ must sit beside the repo)")


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The bundled raw/ extracted once per test process into a folder named ``processed/`` (the exports
    and the report are written into it by the tests that need them)."""
    import shutil

    from typer.testing import CliRunner

    from pipeline.cli import app

    base = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "raw", base / "raw")
    out = base / "processed"
    result = CliRunner().invoke(app, ["extract", str(base / "raw"), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    return out
