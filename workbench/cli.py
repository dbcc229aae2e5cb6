"""``workbench`` on the command line: a thin layer over the Python API.

    workbench run [-m 3911 ...] [-a calculator ...] [--workers 2]
    workbench validate
    workbench app [calculator|personas|housing|allocation]
    workbench fetch -m 3911 [--tables population,projection,kostra,care] [--offline]
    workbench new -m 0301 [--offline]
    workbench fleet [-m 3911 ...]
    workbench list

Exit codes: 0 all well, 1 some report failed (or a bug in the workbench: one line saying so,
the traceback in a log file under ``.cache/feil/``), 2 invalid input or usage
(``InputError``: «Feil: …»), 130 stopped with Ctrl-C (finished reports kept; ``--resume``
makes the rest).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from workbench import analyses
from workbench.argparse_nb import Parser
from workbench.errors import InputError, display_path
from workbench.formatting import number
from workbench.project import Project
from workbench.server import WARM_KERNELS

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130
"""Stopped with Ctrl-C (as shells report a process ended by SIGINT)."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    project = None
    try:
        project = Project.locate(args.project)
        return args.handler(project, args)
    except InputError as exc:  # the user's to fix: a file, a number or an option
        print(f"Feil: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # anything else is a bug: one line here, the traceback in a log
        log = bug_log(project, traceback.format_exc())
        print(
            f"Feil i workbench, ikke i filene dine ({type(exc).__name__}). Detaljene står i "
            f"{log}; send den filen til den som vedlikeholder verktøyet.",
            file=sys.stderr,
        )
        return EXIT_FAILED


def bug_log(project: Project | None, text: str) -> Path:
    """Write a bug's traceback to ``.cache/feil/`` in the project (the temporary folder when
    there is no project) and return the file's path."""
    folder = project.root / ".cache" / "feil" if project else Path(tempfile.gettempdir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"workbench-feil-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    path.write_text(text, encoding="utf-8")
    return path


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="workbench", description="innsatstrapp workbench")
    parser.add_argument("--project", help="prosjektmappe (standard: finn automatisk)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="lag rapporter med papermill")
    run.add_argument(
        "-m", "--municipality", action="append", help="kommunenummer (flere: gjenta); standard alle"
    )
    run.add_argument(
        "-a",
        "--analysis",
        action="append",
        choices=[*analyses.ANALYSES, "deliverables"],
        help="analyse, eller deliverables for Excel og lysark (flere: gjenta); standard alt kommunen har satt opp",
    )
    run.add_argument(
        "--no-deliverables",
        action="store_true",
        help="bare rapportene: uten Excel-arbeidsbok og lysark (og uten figurene til lysarkene)",
    )
    run.add_argument(
        "-w", "--workers", type=int, default=1, help="antall parallelle prosesser (standard 1)"
    )
    run.add_argument("--reports", type=Path, help="rapportmappe (standard reports/)")
    run.add_argument("--no-progress", action="store_true", help="uten fremdriftsindikator")
    run.add_argument("--resume", action="store_true", help="kjør bare det som feilet eller mangler")
    run.add_argument(
        "--cold",
        action="store_true",
        help="start en ny Jupyter-kjerne for hver notatbok (tregere; samme rapporter som "
        "standard, der hver prosess gjenbruker én kjerne)",
    )
    run.add_argument(
        "--scheduler",
        help="kjør på Dask: «local» for en lokal klynge med --workers prosesser, eller "
        "adressen til en planlegger, f.eks. tcp://maskin:8786",
    )
    run.set_defaults(handler=_run)

    validate = commands.add_parser("validate", help="kontroller alle parameter- og datafiler")
    validate.set_defaults(handler=_validate)

    app = commands.add_parser("app", help="start en analyse som Voilà-app i nettleseren")
    app.add_argument(
        "name",
        nargs="?",
        metavar="APP",
        help=f"appen: {', '.join(analyses.ANALYSES)} (standard: en side med alle)",
    )
    app.add_argument("--port", type=int, default=8866, help="porten (standard 8866)")
    app.add_argument(
        "--host",
        default="127.0.0.1",
        help="adressen appene lytter på; 0.0.0.0 for et verksted (krever --token)",
    )
    app.add_argument("--token", default="", help="passord deltakerne legger til i adressen")
    app.add_argument(
        "--warm",
        type=int,
        default=WARM_KERNELS,
        metavar="ANTALL",
        help=f"kjerner per app som står klare for de neste som åpner den (standard "
        f"{WARM_KERNELS}; 0 for ingen). Et verksted der mange åpner samme app samtidig "
        "trenger flere; de regnes med i --max-kernels",
    )
    app.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        help="flest kjerner samtidig for alle appene (standard: etter maskinens minne); "
        "en side over taket får «Rommet er fullt»",
    )
    app.set_defaults(handler=_app)

    fetch = commands.add_parser(
        "fetch", help="hent kommunens tall fra SSB (og legg dem i hurtigbufferen)"
    )
    fetch.add_argument("-m", "--municipality", required=True, help="kommunenummer")
    fetch.add_argument(
        "--tables",
        default="population,projection,kostra",
        help="tabeller, kommaseparert: population, projection, kostra, care (standard de tre "
        "første)",
    )
    fetch.add_argument(
        "--offline", action="store_true", help="bruk bare hurtigbufferen (ingen nett)"
    )
    fetch.add_argument("--base-url", default=None, help="PxWebApi-adresse (standard SSBs)")
    fetch.set_defaults(handler=_fetch)

    new = commands.add_parser(
        "new", help="sett opp en ny kommune fra SSBs statistikk (parameterfil, data og maler)"
    )
    new.add_argument("-m", "--municipality", required=True, help="kommunenummer, fire sifre")
    new.add_argument(
        "--offline",
        "--from-cache",
        dest="offline",
        action="store_true",
        help="bruk bare hurtigbufferen (.cache/ssb), uten nett",
    )
    new.add_argument("--base-url", default=None, help="PxWebApi-adresse (standard SSBs)")
    new.add_argument("--klass-url", default=None, help="KLASS-adresse (standard SSBs)")
    new.add_argument(
        "--staffed-share",
        type=float,
        default=None,
        help="andel av omsorgsboligene med personell hele døgnet der statistikken ikke "
        "skiller (standard 0,5)",
    )
    new.set_defaults(handler=_new)

    synth = commands.add_parser(
        "synth", help="lag et prosjekt med N syntetiske kommuner (for målinger)"
    )
    synth.add_argument(
        "-n", "--municipalities", type=int, default=357, help="antall kommuner (standard 357)"
    )
    synth.add_argument("--to", type=Path, required=True, help="mappen prosjektet skrives til")
    synth.add_argument("--seed", type=int, default=357, help="frø (samme frø gir samme prosjekt)")
    synth.set_defaults(handler=_synth)

    overview = commands.add_parser(
        "fleet",
        help="nøkkeltall for alle kommuner på én gang (tabeller til reports/all-municipalities)",
    )
    overview.add_argument(
        "-m", "--municipality", action="append", help="kommunenummer (flere: gjenta); standard alle"
    )
    overview.add_argument("--reports", type=Path, help="rapportmappe (standard reports/)")
    overview.set_defaults(handler=_fleet)

    calibrate = commands.add_parser(
        "calibrate",
        help="kalibrer boligprofilens inndata mot kildens sammendrag (skriver de kalibrerte filene)",
    )
    calibrate.add_argument("-m", "--municipality", required=True, help="kommunenummer")
    calibrate.set_defaults(handler=_calibrate)

    listing = commands.add_parser("list", help="vis kommuner og analyser")
    listing.set_defaults(handler=_list)
    return parser


def _analysis_keys(args: argparse.Namespace) -> list[str] | None:
    """The analyses ``run`` was asked for: ``--no-deliverables`` is every analysis (or those
    named) without the deliverables.

    Raises:
        InputError: ``--no-deliverables`` together with ``-a deliverables``.
    """
    if not args.no_deliverables:
        return args.analysis
    if args.analysis and "deliverables" in args.analysis:
        raise InputError(None, "--no-deliverables og -a deliverables kan ikke brukes sammen")
    return args.analysis or list(analyses.ANALYSES)


def _run(project: Project, args: argparse.Namespace) -> int:
    from workbench.batch import done, plan, run_batch
    from workbench.index_page import write_index

    if args.workers < 1:
        raise InputError(None, "--workers må være minst 1")
    if args.scheduler:
        from workbench.cluster import validate_scheduler

        args.scheduler = validate_scheduler(args.scheduler)
    reports = (args.reports or project.reports_dir).resolve()
    chosen = plan(project, args.municipality, _analysis_keys(args))
    jobs = [job for job in chosen.jobs if not (args.resume and done(reports, job))]
    if args.resume:
        print(f"{len(chosen.jobs) - len(jobs)} rapporter er allerede laget; kjører {len(jobs)}.")
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, _stop)  # a stop from outside (a timeout, systemd) is Ctrl-C
    try:
        results = chosen.settled + run_batch(
            project,
            jobs,
            workers=args.workers,
            execution="cold" if args.cold else "warm",
            scheduler=args.scheduler,
            reports_dir=reports,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        finished = sum(done(reports, job) for job in chosen.jobs)
        write_index(project, reports)
        print(
            f"\nAvbrutt. {finished} av {len(chosen.jobs)} rapporter er ferdige i "
            f"{display_path(reports)}; rapporter som var påbegynt er forkastet, og tidligere "
            "versjoner av dem ligger urørt. Kjør `workbench run --resume` for å lage resten.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    index = write_index(project, reports)
    elapsed = time.perf_counter() - started
    ok = [r for r in results if r.status == "ok"]
    failed = [r for r in results if r.status == "failed"]
    skipped = [r for r in results if r.status == "skipped"]
    print(
        f"{len(ok)} av {len(ok) + len(failed)} rapporter laget på {number(elapsed, 1)} s "
        f"{_where(args)}."
    )
    for result in skipped:
        print(f"  hoppet over {result.job.label}: {result.message}")
    for result in failed:
        where = f"\n    notatbok: {display_path(result.notebook)}" if result.notebook else ""
        print(f"  FEILET {result.job.label}: {result.message}{where}")
    print(f"Oversikt: {display_path(index)}")
    if failed and all(r.invalid_input for r in failed):
        print(
            "Stoppet på ugyldige inndata: rett filene over (`workbench validate` viser alle "
            "feilene); tidligere rapporter for disse ligger urørt.",
            file=sys.stderr,
        )
        return EXIT_INPUT
    return EXIT_FAILED if failed else EXIT_OK


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _where(args: argparse.Namespace) -> str:
    if args.scheduler and args.scheduler != "local":
        return f"på Dask-klyngen {args.scheduler}"
    processes = f"{args.workers} prosess{'er' if args.workers > 1 else ''}"
    return f"på en lokal Dask-klynge med {processes}" if args.scheduler else f"med {processes}"


def _app(project: Project, args: argparse.Namespace) -> int:
    from workbench.server import environment, serve, voila_command

    if args.warm < 0:
        raise InputError(None, f"--warm må være 0 eller mer (kjerner per app), ikke {args.warm}")
    command = voila_command(
        project,
        args.name,
        port=args.port,
        warm=args.warm,
        host=args.host,
        token=args.token,
        max_kernels=args.max_kernels,
    )
    shown = "127.0.0.1" if args.host in ("127.0.0.1", "localhost") else "<maskinens adresse>"
    query = f"?token={args.token}" if args.token else ""
    print(f"Appene startes på http://{shown}:{args.port}/{query} (Ctrl-C avslutter)", flush=True)
    return serve(command, environment(project), project.root)


def _fetch(project: Project, args: argparse.Namespace) -> int:
    from workbench import ssb
    from workbench.config import Municipality, parameter_file

    municipality = Municipality.from_file(parameter_file(project.parameters_dir, args.municipality))
    client = ssb.Client(
        project.root / ".cache" / "ssb",
        base_url=args.base_url or ssb.BASE_URL,
        offline=args.offline,
    )
    changes = ssb.read_number_changes(
        project.data_dir / "reference" / "kommunenummer-endringer.csv"
    )
    folder = project.data_dir / "municipalities" / municipality.key / "ssb"
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    try:
        written = ssb.write_inputs(client, municipality, folder, changes, tables)
    except ssb.SsbError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(f"Skrev {display_path(path)}")
    relative = folder.relative_to(project.data_dir).as_posix()
    print(
        f"Bruk tallene ved å vise til dem i {display_path(municipality.source_file)}, f.eks. population: {relative}/befolkning.csv"
    )
    return EXIT_OK


def _new(project: Project, args: argparse.Namespace) -> int:
    from datetime import date

    from workbench import scaffold, ssb

    share = scaffold.DEFAULT_STAFFED_SHARE if args.staffed_share is None else args.staffed_share
    if not 0 <= share <= 1:
        raise InputError(None, "--staffed-share må være mellom 0 og 1, f.eks. 0.5")
    client = ssb.Client(
        project.root / ".cache" / "ssb",
        base_url=args.base_url or ssb.BASE_URL,
        klass_url=args.klass_url or ssb.KLASS_URL,
        offline=args.offline,
    )
    try:
        created = scaffold.new_municipality(
            project, args.municipality, client, today=date.today(), staffed_share=share
        )
    except ssb.SsbError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Skrev {display_path(created.parameters)}")
    for path in created.files:
        print(f"Skrev {display_path(path)}")
    for note in created.notes:
        print(f"Merk: {note}")
    print(
        f"Basisår {created.base_year}. Kjør `workbench validate` og `workbench run -m "
        f"{args.municipality}`; rapportene sier hva som fortsatt er maler."
    )
    return EXIT_OK


def _fleet(project: Project, args: argparse.Namespace) -> int:
    from workbench import fleet
    from workbench.config import parameter_file

    for wanted in args.municipality or []:
        parameter_file(project.parameters_dir, wanted)  # an unknown number is an InputError
    started = time.process_time()
    inputs = fleet.load(project, args.municipality)
    loaded = time.process_time()
    results = fleet.compute(inputs)
    computed = time.process_time()
    folder = (args.reports or project.reports_dir).resolve() / fleet.FOLDER
    paths = fleet.write_tables(results, folder, inputs.municipalities)
    print(
        f"{len(inputs.municipalities)} kommuner: lest på {number(loaded - started, 1)} s, "
        f"beregnet på {number(computed - loaded, 2)} s (prosessortid)."
    )
    for path in paths:
        print(f"  {display_path(path)}")
    if any(any(m.illustrative.values()) for m in inputs.municipalities):
        print(
            "Merk: tall for fiktive kommuner eller fra illustrative data er merket «ja» i "
            "kolonnen «Illustrative tall»."
        )
    return EXIT_OK


def _synth(project: Project, args: argparse.Namespace) -> int:
    from workbench import synthetic

    if args.to.exists() and any(args.to.iterdir()):
        raise InputError(args.to, "mappen finnes og er ikke tom; velg en ny mappe")
    made = synthetic.project(
        args.to, args.municipalities, random_state=args.seed, source=project.root
    )
    print(
        f"Laget {args.municipalities} syntetiske kommuner i {display_path(made.root)}; kjør "
        f"`workbench --project {display_path(made.root)} run`"
    )
    return EXIT_OK


def _calibrate(project: Project, args: argparse.Namespace) -> int:
    from workbench.analyses.housing import calibrate

    written, rows = calibrate.calibrate_municipality(project, args.municipality)
    for path in written:
        print(f"Skrev {display_path(path)}")
    print("Kildens tall mot modellen med de kalibrerte inndataene:")
    width = max(len(r[0]) for r in rows)
    for label, source, model in rows:
        print(f"  {label:<{width}}  {source:>16}  {model:>16}")
    return EXIT_OK


def _validate(project: Project, args: argparse.Namespace) -> int:
    from workbench.validation import validate_project

    errors, checked, notes = validate_project(project)
    for note in notes:  # suspicious, not wrong: said, and validate still passes
        print(f"Merk: {note}", file=sys.stderr)
    for error in errors:
        print(str(error), file=sys.stderr)
    if errors:
        print(f"{len(errors)} fil(er) med feil av {checked} kontrollert.", file=sys.stderr)
        return EXIT_INPUT
    print(f"Alle {checked} filer er i orden.")
    return EXIT_OK


def _list(project: Project, args: argparse.Namespace) -> int:
    from workbench.config import Municipality, municipality_files

    for path in municipality_files(project.parameters_dir):
        try:
            m = Municipality.from_file(path)
        except InputError:
            print(f"{path.stem}: ugyldig parameterfil")
            continue
        enabled = [a.key for a in analyses.ANALYSES.values() if a.enabled_for(m)]
        print(
            f"{m.title}{' (fiktiv)' if m.fictional else ''}: {', '.join(enabled) or 'ingen analyser'}"
        )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
