"""The ``kzaf`` command: run notebooks, inspect their parameters, check the data."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzaf import __version__, startup  # noqa: F401  (startup: before anything loads nbformat)

if TYPE_CHECKING:
    from kzaf.runner.plan.options import RunOptions

# What the commands report as they work goes to the log (plain lines on stdout; -q silences
# it); what a command is asked to print (a codebook, a parameter list) goes to stdout as is.
_LOG = logging.getLogger("kzaf.cli")

# Exit statuses, the same for every subcommand: 0 done; 1 the work itself failed (a notebook,
# the network, the API); 2 bad input (arguments, parameters, data, files): nothing was done.
EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


EXIT_EPILOG = """exit status (every subcommand):
  0  done
  1  the work itself failed: a notebook (kzaf run, kzaf sweep), the network or the API
     (kzaf fetch); everything written so far is kept
  2  bad input or usage: arguments, parameters, run file, notebooks, data, a missing data
     folder, a bad import file; nothing was done
  130/143  interrupted (Ctrl-C / SIGTERM)

-q keeps only warnings and errors; -v adds debug lines. On a terminal, runs, fetches and
imports show a progress bar; elsewhere (cron, a pipe) plain lines only.
"""


def _positive_float(text: str) -> float:
    """A number of seconds above zero (argparse type: a bad value exits 2 with one line)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _pause(text: str) -> float:
    """Seconds between API calls: 0 to an hour (``inf`` would make ``time.sleep`` overflow)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 3600:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"must be 0 to 3600 seconds, got {text}")
    return value


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _cmd_data_validate(args: argparse.Namespace) -> int:
    from kzaf import data

    try:
        tables = data.load(args.data_dir)
    except data.DataValidationError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INPUT
    for name in tables:
        _LOG.info(f"{name:<16} {len(tables[name]):>5} rows")
    _LOG.info("data: all tables valid, checksums match")
    return 0


def _cmd_data_rehash(args: argparse.Namespace) -> int:
    from kzaf import data

    changed = data.rehash(args.data_dir)
    _LOG.info("checksums recorded; changed: " + (", ".join(changed) if changed else "none"))
    if changed:
        _LOG.warning("remember to add a dated line to the change log in data/README.md")
    return 0


def _cmd_data_codebook(args: argparse.Namespace) -> int:
    from kzaf import data

    print(data.codebook_markdown(data.read_descriptor(args.data_dir)))
    return 0


def _cmd_data_report(args: argparse.Namespace) -> int:
    from kzaf import audit, data

    print(audit.readme_report(data.load(args.data_dir)))
    return 0


def _cmd_data_readme(args: argparse.Namespace) -> int:
    from kzaf import audit, claims, data

    tables = data.load(args.data_dir)
    path = tables.directory / "README.md"
    text = path.read_text(encoding="utf-8")
    for begin, end, block in (
        (data.CODEBOOK_BEGIN, data.CODEBOOK_END, data.codebook_markdown(tables.descriptor)),
        (audit.REPORT_BEGIN, audit.REPORT_END, audit.readme_report(tables)),
        (claims.RULE_BEGIN, claims.RULE_END, claims.rule_markdown()),
    ):
        if begin not in text or end not in text:
            print(f"{path}: markers {begin!r} .. {end!r} not found", file=sys.stderr)
            return EXIT_INPUT
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    path.write_text(text, encoding="utf-8")
    _LOG.info(f"{path}: codebook, data report and verdict rule regenerated")
    return 0


def _cmd_fetch_comtrade(args: argparse.Namespace) -> int:
    from kzaf import comtrade

    def listed(text: str) -> list[str]:
        return [part.strip() for part in text.split(",") if part.strip()]

    try:
        result = comtrade.fetch(
            listed(args.reporter), listed(args.partner), args.frequency, args.start, args.end,
            listed(args.flows), listed(args.hs), out_dir=args.out_dir, base_url=args.base_url,
            timeout=args.timeout, retries=args.retries, min_interval=args.min_interval,
        )  # fmt: skip
        for line in result.lines():
            _LOG.info(line)
        if args.import_ and result.records:
            summary = comtrade.import_responses(
                result.files, args.import_dir, name=result.import_name, replace=True,
            )  # fmt: skip
            for line in summary.lines():
                _LOG.info(line)
        elif args.import_:
            _LOG.warning(
                "nothing imported: the API returned no records (no figures, not zero trade)"
            )
    except comtrade.ComtradeQueryError as exc:  # a bad selection: nothing was requested
        print(f"kzaf fetch comtrade: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except comtrade.ComtradeError as exc:  # the network or the API failed
        print(f"kzaf fetch comtrade: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_import_comtrade(args: argparse.Namespace) -> int:
    import datetime as dt

    from kzaf import comtrade

    try:
        accessed = dt.date.fromisoformat(args.accessed) if args.accessed else None
    except ValueError:
        print(f"kzaf import comtrade: bad --accessed {args.accessed!r}", file=sys.stderr)
        return EXIT_INPUT
    try:
        summary = comtrade.import_file(
            args.file, args.out_dir, synthetic=True if args.synthetic else None,
            accessed=accessed, replace=args.replace, max_problems=args.max_problems,
        )  # fmt: skip
    except comtrade.ComtradeError as exc:  # the file is bad: nothing was imported
        print(f"kzaf import comtrade: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except FileNotFoundError:  # no such file to import: bad input, as for every subcommand
        raise
    except OSError as exc:  # the import could not be written (a full disk): the work failed
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"kzaf import comtrade: cannot write the import{where}: {exc.strerror or exc}",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    for line in summary.lines():
        _LOG.info(line)
    return 0


def run_options(args: argparse.Namespace) -> RunOptions:
    """``kzaf run`` / ``kzaf sweep``'s flags as the runner's typed options (the only place a
    Namespace is read: nothing below the CLI sees argparse)."""
    from kzaf.runner.plan.options import RunOptions

    def paths(values: Sequence[str] | None) -> tuple[Path, ...]:
        return tuple(Path(v) for v in values or ())

    return RunOptions(
        notebooks=tuple(args.notebooks or ()),
        parameters=tuple(tuple(p) for p in args.cli_parameters or ()),
        parameter_files=paths(args.parameter_files),
        parameter_yaml=tuple(args.yaml or ()),
        run_file=Path(args.run_file) if args.run_file else None,
        grid=tuple(getattr(args, "grid", None) or ()),
        jobs=args.jobs,
        force=args.force,
        timeout=args.timeout,
        reports_dir=args.reports_dir,
        notebooks_dir=Path(args.notebooks_dir) if args.notebooks_dir else None,
        log=Path(args.log) if args.log else None,
        dry_run=args.dry_run,
        engine=args.engine,
        scheduler=args.scheduler,
        argv=tuple(getattr(args, "argv", ()) or ()),
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from kzaf import runner

    return runner.main(run_options(args))


def _cmd_sweep(args: argparse.Namespace) -> int:
    from kzaf import runner

    if not args.grid and not args.run_file:
        print("kzaf sweep: give at least one --grid NAME=V1,V2 (or a run file with grid:)",
              file=sys.stderr)  # fmt: skip
        return EXIT_INPUT
    return runner.main(run_options(args))


def _cmd_params(args: argparse.Namespace) -> int:
    from kzaf import runner

    return runner.show_parameters(args.notebook, args.notebooks_dir, args.json)


class _OrderedParameter(argparse.Action):
    """Keep -p and -r in the order given (later values win)."""

    def __call__(self, parser, namespace, values, option_string=None):
        kind = "r" if option_string in ("-r", "--parameter-raw") else "p"
        found = list(getattr(namespace, self.dest, None) or [])
        found.append((kind, values[0], values[1]))
        setattr(namespace, self.dest, found)


RUN_EPILOG = """parameters:
  -p NAME VALUE                 for every notebook run that declares NAME
  -p NOTEBOOK:NAME VALUE        for one notebook (stem, file name or number: 01)
  -f params.yaml                NAME: VALUE lines; a section per notebook:
                                  01_trade_trajectory: {reporter: UZB}
  Values are checked against each notebook's parameters cell before anything runs
  (see `kzaf params NOTEBOOK`). Per-notebook values beat values for all notebooks; later
  sources beat earlier ones (run file, -f, -y, then -p/-r in order).

exit status: 0 all notebooks ok; 1 a notebook failed (outputs kept, latest unchanged);
  2 bad parameters, notebooks, run file or data (nothing ran); 130/143 interrupted.

environment: KZAF_NOTEBOOKS_DIR, KZAF_REPORTS_DIR, KZAF_DATA_DIR move the folders;
  secrets (e.g. COMTRADE_API_KEY) are read from the environment only and redacted from outputs.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzaf",
        description="Kazakhstan–Afghanistan trade notebooks: run them, check their parameters "
        "and the sourced data they read.",
        epilog=EXIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kzaf {__version__}")
    _add_loudness(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = _run_flags()
    _add_run_commands(commands, common)
    _add_params_command(commands)
    _add_data_commands(commands)
    _add_fetch_command(commands)
    _add_import_command(commands)
    for command in commands.choices.values():  # -v/-q after the subcommand too
        _add_loudness(command, default=argparse.SUPPRESS)
    return parser


def _run_flags() -> argparse.ArgumentParser:
    """The flags ``kzaf run`` and ``kzaf sweep`` share (a parent parser)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="path, stem or number (01); default: every notebooks/NN_*.ipynb",
    )
    common.add_argument(
        "-p",
        "--parameter",
        dest="cli_parameters",
        nargs=2,
        metavar=("NAME", "VALUE"),
        action=_OrderedParameter,
        help="a parameter value, read as papermill/YAML would",
    )
    common.add_argument(
        "-r",
        "--parameter-raw",
        dest="cli_parameters",
        nargs=2,
        metavar=("NAME", "VALUE"),
        action=_OrderedParameter,
        help="a parameter value kept as a string",
    )
    common.add_argument(
        "-f",
        "--parameters-file",
        dest="parameter_files",
        action="append",
        metavar="FILE",
        help="YAML file of parameter values (repeatable)",
    )
    common.add_argument(
        "-y",
        "--parameters-yaml",
        dest="yaml",
        action="append",
        metavar="YAML",
        help="parameter values as a YAML string",
    )
    _add_run_flags(common)
    return common


def _add_run_flags(common: argparse.ArgumentParser) -> None:
    """Where and how a run goes: run file, parallelism, reuse, timeout, folders, engine."""
    common.add_argument("--run-file", metavar="FILE", help="YAML run file: parameter sets, output")
    common.add_argument(
        "-j",
        "--jobs",
        type=_count(1),
        default=None,
        metavar="N",
        help="notebooks executed at once (default: number of cores)",
    )
    common.add_argument("--force", action="store_true", help="execute even unchanged notebooks")
    common.add_argument(
        "--timeout",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="stop a notebook when one cell runs longer than this",
    )
    common.add_argument(
        "--reports-dir",
        metavar="DIR|URL",
        help="where run folders go: a folder (default: reports/) or an fsspec URL (s3://...)",
    )
    common.add_argument(
        "--notebooks-dir", metavar="DIR", help="where notebooks are found (default: notebooks/)"
    )
    common.add_argument("--log", metavar="FILE", help="also append progress lines to FILE")
    common.add_argument(
        "--dry-run",
        action="store_true",
        help="check parameters and data, show what would run or be reused, run nothing",
    )
    common.add_argument(
        "--engine",
        choices=["local", "dask"],
        default=None,
        help="where notebooks execute: local worker processes (default) or a Dask "
        "LocalCluster started for the run (needs the kzaf[dask] extra)",
    )
    common.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on an existing Dask cluster (tcp://HOST:8786; default: "
        "$DASK_SCHEDULER_ADDRESS if set)",
    )


def _add_run_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="execute notebooks with papermill into a new folder under reports/",
        description="Execute notebooks in parallel with papermill into a new run folder under\n"
        "reports/: executed notebooks, HTML for readers and for analysts, index.html and\n"
        "manifest.json. Notebook runs whose inputs are unchanged are reused.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.set_defaults(handler=_cmd_run)

    sweep = commands.add_parser(
        "sweep",
        parents=[common],
        help="run notebooks over a grid of parameter values; adds a comparison page",
        description="Expand a grid of parameter values (every combination of the --grid\n"
        "options, and a run file's grid:) into parameter sets, check every set, run the\n"
        "notebooks for each, and write compare.html beside index.html: one row per set with\n"
        "its headline numbers and links, and a chart comparing them. A sweep never moves\n"
        "'latest'.",
        epilog="example: kzaf sweep 01 --grid reporter=KAZ,UZB,TKM,KGZ,TJK --grid partner=AFG\n\n"
        + RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument(
        "--grid",
        action="append",
        metavar="NAME=V1,V2",
        help="a parameter and its values (repeatable; NOTEBOOK:NAME for one notebook)",
    )
    sweep.set_defaults(handler=_cmd_sweep)


def _add_params_command(commands: Any) -> None:
    params = commands.add_parser(
        "params", help="list a notebook's parameters: name, type, default, comment"
    )
    params.add_argument("notebook", metavar="NOTEBOOK", help="path, stem or number (01)")
    params.add_argument("--notebooks-dir", metavar="DIR", help="default: notebooks/")
    params.add_argument("--json", action="store_true", help="print JSON")
    params.set_defaults(handler=_cmd_params)


def _add_data_commands(commands: Any) -> None:
    data_cmd = commands.add_parser("data", help="validate the data tables or record checksums")
    data_cmd.add_argument("--data-dir", default=None, help="default: the project's data/")
    data_sub = data_cmd.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    data_sub.add_parser("validate", help="load every table and report every problem").set_defaults(
        handler=_cmd_data_validate
    )
    data_sub.add_parser(
        "rehash", help="record each table's sha256 in data/datapackage.json after an edit"
    ).set_defaults(handler=_cmd_data_rehash)
    data_sub.add_parser(
        "codebook", help="print the codebook tables for data/README.md"
    ).set_defaults(handler=_cmd_data_codebook)
    data_sub.add_parser(
        "report", help="print the coverage, conflicts and gaps sections for data/README.md"
    ).set_defaults(handler=_cmd_data_report)
    data_sub.add_parser(
        "readme", help="regenerate the codebook, data report and verdict rule in data/README.md"
    ).set_defaults(handler=_cmd_data_readme)


def _add_loudness(parser: argparse.ArgumentParser, default: object = None) -> None:
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if default is None else default,
        help="more detail (debug lines)",
    )
    loudness.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if default is None else default,
        help="only warnings and errors (no progress lines or bar)",
    )


def _add_fetch_command(commands: Any) -> None:
    fetch = commands.add_parser("fetch", help="download data from an outside source")
    fetch_sub = fetch.add_subparsers(dest="fetch_source", metavar="SOURCE", required=True)
    comtrade = fetch_sub.add_parser(
        "comtrade",
        help="query the UN Comtrade API; save raw responses under data/raw/comtrade/<date>/",
        description="Query the UN Comtrade API and save every raw response with a metadata "
        "file. Uses the public preview endpoint (500 records a call) unless the environment "
        "variable COMTRADE_API_KEY holds a subscription key (never pass a key as an argument).",
    )
    comtrade.add_argument("--reporter", default="KAZ", help="ISO3, name or code; comma list")
    comtrade.add_argument("--partner", default="AFG", help="ISO3, name or code (WLD = world)")
    comtrade.add_argument("--frequency", default="M", choices=["A", "M"], help="annual or monthly")
    comtrade.add_argument("--start", required=True, help="first period: YYYY or YYYY-MM")
    comtrade.add_argument("--end", required=True, help="last period: YYYY or YYYY-MM")
    comtrade.add_argument("--flows", default="M,X", help="M, X, RM, RX (comma list)")
    comtrade.add_argument("--hs", default="TOTAL", help="TOTAL or HS codes, e.g. TOTAL,8602,1101")
    comtrade.add_argument(
        "--base-url", default=None, help="default: $KZAF_COMTRADE_BASE_URL, else the real API"
    )
    comtrade.add_argument("--out-dir", default=None, help="default: data/raw/comtrade")
    comtrade.add_argument(
        "--timeout", type=_positive_float, default=60.0, help="seconds per attempt, all reads"
    )
    comtrade.add_argument(
        "--retries", type=_count(0), default=4, help="retries on 429, 5xx, timeouts"
    )
    comtrade.add_argument(
        "--min-interval", type=_pause, default=1.0, help="seconds between calls (rate limit)"
    )
    comtrade.add_argument(
        "--import", dest="import_", action="store_true", help="also import what was fetched"
    )
    comtrade.add_argument("--import-dir", default=None, help="default: data/imported/comtrade")
    comtrade.set_defaults(handler=_cmd_fetch_comtrade)


def _add_import_command(commands: Any) -> None:
    import_cmd = commands.add_parser("import", help="import a file from an outside source")
    import_sub = import_cmd.add_subparsers(dest="import_source", metavar="SOURCE", required=True)
    comtrade_import = import_sub.add_parser(
        "comtrade",
        help="normalise a UN Comtrade CSV export (or fetched responses) into observations",
        description="Read a UN Comtrade CSV export (any size), a saved API response (.json) or "
        "a folder written by `kzaf fetch comtrade`, check every row, and write the observations "
        "to data/imported/comtrade/<name>.parquet with <name>.json describing the import.",
    )
    comtrade_import.add_argument("file", metavar="FILE")
    comtrade_import.add_argument("--out-dir", default=None, help="default: data/imported/comtrade")
    comtrade_import.add_argument(
        "--synthetic", action="store_true",
        help="label the import a synthetic test fixture (automatic if the name says SYNTHETIC)",
    )  # fmt: skip
    comtrade_import.add_argument(
        "--accessed", default=None, help="day the export was downloaded (default: file date)"
    )
    comtrade_import.add_argument(
        "--replace", action="store_true", help="rebuild an import of the same name"
    )
    comtrade_import.add_argument(
        "--max-problems",
        type=_count(1),
        default=50,
        help="bad rows listed before the summary stops",
    )
    comtrade_import.set_defaults(handler=_cmd_import_comtrade)


def main(argv: Sequence[str] | None = None) -> int:
    from kzaf import logs

    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)  # bad usage: argparse exits 2 with one line
    args.argv = ["kzaf", *argv]
    logs.configure(-1 if args.quiet else args.verbose)
    try:
        return int(args.handler(args) or EXIT_OK)
    except _input_errors() as exc:  # any subcommand: bad data or a missing folder
        print(f"kzaf {args.command}: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _input_errors() -> tuple[type[Exception], ...]:
    """Bad input from any subcommand: invalid data, a missing file or data folder
    (kzaf.paths.DataDirNotFound is a FileNotFoundError), YAML refused by its limits."""
    from kzaf.data import DataValidationError
    from kzaf.safe_yaml import YamlInputError

    return (DataValidationError, FileNotFoundError, YamlInputError)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
