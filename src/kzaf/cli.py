"""The ``kzaf`` command: run notebooks, inspect their parameters, check the data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kzaf import __version__


def _cmd_data_validate(args: argparse.Namespace) -> int:
    from kzaf import data

    try:
        tables = data.load(args.data_dir)
    except data.DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    for name in tables:
        print(f"{name:<16} {len(tables[name]):>5} rows")
    print("data: all tables valid, checksums match")
    return 0


def _cmd_data_rehash(args: argparse.Namespace) -> int:
    from kzaf import data

    changed = data.rehash(args.data_dir)
    print("checksums recorded; changed: " + (", ".join(changed) if changed else "none"))
    if changed:
        print("remember to add a dated line to the change log in data/README.md")
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
    from kzaf import audit, data

    tables = data.load(args.data_dir)
    path = tables.directory / "README.md"
    text = path.read_text(encoding="utf-8")
    for begin, end, block in (
        (data.CODEBOOK_BEGIN, data.CODEBOOK_END, data.codebook_markdown(tables.descriptor)),
        (audit.REPORT_BEGIN, audit.REPORT_END, audit.readme_report(tables)),
    ):
        if begin not in text or end not in text:
            print(f"{path}: markers {begin!r} .. {end!r} not found", file=sys.stderr)
            return 1
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    path.write_text(text, encoding="utf-8")
    print(f"{path}: codebook and data report regenerated")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from kzaf import runner

    return runner.main(args)


def _cmd_params(args: argparse.Namespace) -> int:
    from kzaf import runner

    return runner.show_parameters(args.notebook, args.notebooks_dir, args.json)


class _OrderedParameter(argparse.Action):
    """Keep -p and -r in the order given (later values win)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
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
    )
    parser.add_argument("--version", action="version", version=f"kzaf {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="execute notebooks with papermill into a new folder under reports/",
        description="Execute notebooks in parallel with papermill into a new run folder under\n"
        "reports/: executed notebooks, HTML for readers and for analysts, index.html and\n"
        "manifest.json. Notebook runs whose inputs are unchanged are reused.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="path, stem or number (01); default: every notebooks/NN_*.ipynb",
    )
    run.add_argument(
        "-p",
        "--parameter",
        dest="cli_parameters",
        nargs=2,
        metavar=("NAME", "VALUE"),
        action=_OrderedParameter,
        help="a parameter value, read as papermill/YAML would",
    )
    run.add_argument(
        "-r",
        "--parameter-raw",
        dest="cli_parameters",
        nargs=2,
        metavar=("NAME", "VALUE"),
        action=_OrderedParameter,
        help="a parameter value kept as a string",
    )
    run.add_argument(
        "-f",
        "--parameters-file",
        dest="parameter_files",
        action="append",
        metavar="FILE",
        help="YAML file of parameter values (repeatable)",
    )
    run.add_argument(
        "-y",
        "--parameters-yaml",
        dest="yaml",
        action="append",
        metavar="YAML",
        help="parameter values as a YAML string",
    )
    run.add_argument("--run-file", metavar="FILE", help="YAML run file: parameter sets, output")
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks executed at once (default: number of cores)",
    )
    run.add_argument("--force", action="store_true", help="execute even unchanged notebooks")
    run.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a notebook when one cell runs longer than this",
    )
    run.add_argument(
        "--reports-dir", metavar="DIR", help="where run folders go (default: reports/)"
    )
    run.add_argument(
        "--notebooks-dir", metavar="DIR", help="where notebooks are found (default: notebooks/)"
    )
    run.add_argument("--log", metavar="FILE", help="also append progress lines to FILE")
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="check parameters and data, show what would run or be reused, run nothing",
    )
    run.set_defaults(handler=_cmd_run)

    params = commands.add_parser(
        "params", help="list a notebook's parameters: name, type, default, comment"
    )
    params.add_argument("notebook", metavar="NOTEBOOK", help="path, stem or number (01)")
    params.add_argument("--notebooks-dir", metavar="DIR", help="default: notebooks/")
    params.add_argument("--json", action="store_true", help="print JSON")
    params.set_defaults(handler=_cmd_params)

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
        "readme", help="regenerate the codebook and data report sections of data/README.md"
    ).set_defaults(handler=_cmd_data_readme)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = ["kzaf", *argv]
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
