"""Report files are written atomically and never overwrite without force."""

from __future__ import annotations

import pytest

from lca.errors import OutputError
from lca.reporting.output import write_atomically


def test_new_file_is_written(tmp_path):
    target = tmp_path / "report.txt"
    write_atomically(target, lambda tmp: tmp.write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left


def test_existing_file_is_kept_without_force_and_replaced_with_it(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("mine")
    with pytest.raises(OutputError, match="already exists; pass --force"):
        write_atomically(target, lambda tmp: tmp.write_text("new"))
    assert target.read_text() == "mine"
    write_atomically(target, lambda tmp: tmp.write_text("new"), force=True)
    assert target.read_text() == "new"


def test_a_failing_writer_leaves_the_old_file_and_no_debris(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("mine")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken, force=True)
    assert target.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist; create the folder first"):
        write_atomically(tmp_path / "no" / "report.txt", lambda tmp: None)


def test_report_gets_ordinary_file_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        target = write_atomically(tmp_path / "report.txt", lambda tmp: tmp.write_text("x"))
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644
