"""Report files are written atomically, never overwrite without force, and leave no debris."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lca.cli import app
from lca.errors import OutputError
from lca.reporting.output import (
    STALE_AFTER_S,
    TEMP_SUFFIX,
    _host,
    cleanup_on_signals,
    remove_stale_temporaries,
    write_atomically,
)

ROOT = Path(__file__).resolve().parent.parent
PARACETAMOL = ROOT / "processes" / "paracetamol-linear.toml"


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


# -- write failures, temporary files and signals (issue 16, items 8 and 11) ----------------------

# runs the real CLI (lca.cli.main) with the sweep's CSV writer (it writes block by block,
# lca.sweeps) slowed down: it writes part of the file to the temporary file, says so, and waits
# to be killed
SLOW_CLI = """
import contextlib, sys, time
from pathlib import Path
import lca.sweeps

started = Path(sys.argv.pop(1))

@contextlib.contextmanager
def slow(path, names):
    assert str(path).endswith("{suffix}")
    Path(path).write_text("half a table")
    started.write_text("writing")
    time.sleep(60)
    yield None

lca.sweeps._csv_writer = slow
sys.argv[0] = "lca"
from lca.cli import main
main()
""".replace("{suffix}", TEMP_SUFFIX)


def debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def start_slow_sweep(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    started = tmp_path / "started"
    out = tmp_path / "sweep.csv"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, str(started), "sweep", str(PARACETAMOL),
         "--vary", "acetylation.product.yield=0.7:0.9:3", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not started.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sweep never started writing"
        time.sleep(0.05)
    started.unlink()
    assert len(debris(tmp_path)) == 1  # the temporary file exists, mid-write
    return process, out


def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path):
    process, out = start_slow_sweep(tmp_path)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in stderr
    assert debris(tmp_path) == [] and not out.exists()


def test_a_temporary_file_left_by_sigkill_is_removed_by_the_next_write(tmp_path):
    process, out = start_slow_sweep(tmp_path)
    process.kill()
    process.communicate(timeout=30)
    (left,) = debris(tmp_path)
    assert f"-{process.pid}." in left and not out.exists()
    result = CliRunner().invoke(
        app,
        ["sweep", str(PARACETAMOL), "--vary", "acetylation.product.yield=0.7:0.9:3",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert debris(tmp_path) == [] and out.exists()


def test_only_stale_temporary_files_are_removed(tmp_path):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        mine = tmp_path / f".a.csv.{_host()}-{os.getpid()}.x1{TEMP_SUFFIX}"
        running = tmp_path / f".b.csv.{_host()}-{alive.pid}.x2{TEMP_SUFFIX}"
        other_host = tmp_path / f".c.csv.0badc0de-{alive.pid}.x3{TEMP_SUFFIX}"
        old = tmp_path / f".d.csv.0badc0de-1.x4{TEMP_SUFFIX}"
        unrelated = tmp_path / ".e.csv.tmp"
        for path in (mine, running, other_host, old, unrelated):
            path.write_text("x")
        day_ago = time.time() - STALE_AFTER_S - 60
        os.utime(old, (day_ago, day_ago))
        assert remove_stale_temporaries(tmp_path) == [old]
        alive.kill()
        alive.wait()
        assert remove_stale_temporaries(tmp_path) == [running]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            p.name for p in (mine, other_host, unrelated)
        )
    finally:
        alive.kill()


def test_signal_handlers_are_installed_only_inside_and_restored():
    before = signal.getsignal(signal.SIGTERM)
    with cleanup_on_signals():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before
    import lca.reporting.output  # noqa: F401  (importing the library changes nothing)

    assert signal.getsignal(signal.SIGTERM) is before


def test_an_os_refusal_is_a_one_line_error_and_no_debris(tmp_path, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(OutputError, match=r"cannot write .*report.txt: Permission denied"):
        write_atomically(tmp_path / "report.txt", lambda tmp: tmp.write_text("x"))
    monkeypatch.undo()

    def disk_full(tmp):
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        write_atomically(tmp_path / "report.txt", disk_full)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["report", str(PARACETAMOL), "--html", "{folder}/r.html"],
        ["report", str(PARACETAMOL), "--xlsx", "{folder}/r.xlsx"],
        [
            "sweep",
            str(PARACETAMOL),
            "--vary",
            "acetylation.product.yield=0.7:0.9:3",
            "--out",
            "{folder}/s.csv",
        ],
        ["examples", "copy", "paracetamol-linear", "{folder}"],
    ],
    ids=["report-html", "report-xlsx", "sweep", "examples-copy"],
)
def test_unwritable_folder_is_one_line_per_command(tmp_path, monkeypatch, command):
    """A read-only folder: as root (CI containers) permissions do not stop a write, so the
    operating system's refusal is simulated where greenroute creates files."""
    import shutil
    import tempfile

    folder = tmp_path / "read-only"
    folder.mkdir()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    monkeypatch.setattr(shutil, "copyfile", refused)
    result = CliRunner().invoke(app, [c.replace("{folder}", str(folder)) for c in command])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Permission denied" in errors[0], result.output
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_folder_is_refused_before_the_work(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(
            app, ["report", str(PARACETAMOL), "--html", str(folder / "r.html")]
        )
        assert result.exit_code == 1 and "cannot write to the folder" in result.stderr
        assert "assessing" not in result.stderr  # refused before the long work
    finally:
        folder.chmod(0o755)


def test_examples_copy_into_a_file_is_one_line(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("mine")
    result = CliRunner().invoke(app, ["examples", "copy", "paracetamol-linear", str(afile)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {afile} is a file; give the folder to copy into\n"
    assert afile.read_text() == "mine"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("output", ["table", "json", "csv"])
def test_stdout_on_a_full_device_is_one_line(output):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "lca", "assess", str(PARACETAMOL), "--format", output],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: cannot write the output: No space left on device"
    )
    assert "Traceback" not in result.stderr
