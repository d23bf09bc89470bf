"""kzaf logs through the standard logging tree; a run's progress bar (on a terminal only)
follows its finished notebooks and estimates the time left from earlier runs' durations."""

import io
import logging

from kzaf import logs


def test_run_log_writes_stamped_lines_to_its_files_and_redacts(tmp_path, capsys):
    logs.configure()
    log = logs.RunLog(secrets={"COMTRADE_API_KEY": "sekret-value-123"})
    log("before the file is attached")
    log.attach(tmp_path / "run.log")
    log("key sekret-value-123 in a line", error=True)
    log.close()
    written = (tmp_path / "run.log").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 1)[1] for line in written] == [
        "before the file is attached",
        "key [redacted $COMTRADE_API_KEY] in a line",
    ]
    captured = capsys.readouterr()
    assert captured.out == "before the file is attached\n"
    assert "sekret" not in captured.err
    assert "key [redacted $COMTRADE_API_KEY] in a line" in captured.err


def test_progress_bar_follows_finished_notebooks_with_an_estimate(monkeypatch):
    terminal = io.StringIO()
    monkeypatch.setattr(logs, "on_terminal", lambda: True)
    monkeypatch.setattr("sys.stderr", terminal)
    logs.configure()
    log = logs.RunLog(secrets={})
    log.expect({"default/00_a": 30.0, "default/01_b": 90.0}, slots=1)
    assert "about 120 s left" in terminal.getvalue()
    log("  ok      default/01_b  88.0 s  [1/2]")
    assert "1/2" in terminal.getvalue() and "about 30 s left" in terminal.getvalue()
    log.close()


def test_no_bar_without_a_terminal(monkeypatch):
    monkeypatch.setattr(logs, "on_terminal", lambda: False)
    with logs.progress_bar(10, "work") as bar:
        bar.update(5)  # does nothing, draws nothing
    log = logs.RunLog(secrets={})
    log.expect({"default/00_a": 30.0}, slots=1)
    assert log._progress is None
    log.close()


def test_quiet_keeps_warnings_only(capsys):
    logs.configure(-1)
    logging.getLogger("kzaf.x").info("progress")
    logging.getLogger("kzaf.x").warning("attention")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "attention\n"
    logs.configure()
