"""The `retire` command: serve, worker, up, migrate, deploy, users, import, demo, decide, simulate."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from .config import Config


def _engine(worker_id: str | None = None, clock=None):
    from engine.bootstrap import bootstrap

    return bootstrap(Config.DATABASE_URL, processes_dir=Config.PROCESSES_DIR, forms_dir=Config.FORMS_DIR,
                     ports_kind=Config.PORTS, worker_id=worker_id, clock=clock)


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _require_secret_key() -> str:
    """The signing key (RETIRE_SECRET_KEY, or var/secret_key in demo mode), or exit with one line saying why not."""
    from .config import SecretKeyError, resolve_secret_key

    try:
        key = resolve_secret_key(os.environ, Config.VAR_DIR)
    except SecretKeyError as exc:
        _fail(str(exc))
    Config.SECRET_KEY = key
    return key


def _refuse_demo_passwords() -> None:
    """Outside demo mode, exit while a demo account still logs in with its public <role>123 password."""
    import sqlalchemy as sa

    from .config import demo_mode
    from .demo import demo_passwords_in_use

    if demo_mode():
        return
    eng = _engine()
    try:
        left = demo_passwords_in_use(eng)
    except sa.exc.SQLAlchemyError:      # no schema yet: the server itself says so
        return
    finally:
        eng.runtime.db.dispose()
    if left:
        _fail(f"演示账户仍使用演示密码 (demo accounts still have their <role>123 passwords outside demo mode: "
              f"{', '.join(left)}): disable them with retire users disable NAME, or run in demo mode (RETIRE_DEMO=1)")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="log more")
def main(verbose: bool):
    """退休一件事一次办 — the retirement 'one thing' engine."""
    from .logs import configure

    configure(json_lines=os.environ.get("RETIRE_LOG_FORMAT", "text") == "json",
              level=logging.DEBUG if verbose else logging.INFO)
    if not verbose:   # every 2-second poll would be two lines; the worker logs what it did itself
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


@main.command()
def migrate():
    """Create or upgrade the database schema (Alembic, to head)."""
    from engine.store.migrate import upgrade

    _ensure_sqlite_folder(Config.DATABASE_URL)
    upgrade(Config.DATABASE_URL)
    click.echo(f"database at head: {_safe_url(Config.DATABASE_URL)}")


@main.command("cleanup-history")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="rows removed per transaction")
def cleanup_history_command(batch: int):
    """Remove the history of cases that ended longer ago than their locality's history.retention_days."""
    from engine.retention import cleanup_history

    removed = cleanup_history(_engine().runtime, batch=batch)
    click.echo(f"removed {removed} history event(s) of long-finished cases")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--production", is_flag=True,
              help="run under gunicorn ('api.wsgi:app') with several worker processes and JSON-line logs")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes (with --production)")
def serve(host: str, port: int, production: bool, workers: int):
    """Run the HTTP API: Flask's server, or with --production gunicorn serving 'api.wsgi:app'."""
    _require_secret_key()
    _refuse_demo_passwords()
    if production:
        os.execvpe(sys.executable, gunicorn_command(host, port, workers), production_environment())
    from . import create_app

    app = create_app(Config)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """gunicorn serving api.wsgi:app; the app is built in each worker process (no preload: engines hold pools)."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--timeout", "60", "--graceful-timeout", "20",
            "--config", "python:api.gunicorn_conf", "api.wsgi:app"]


def production_environment() -> dict:
    """JSON-line logs, and a fresh folder where the worker processes sum their Prometheus counts."""
    import tempfile

    env = {**os.environ, "RETIRE_LOG_FORMAT": "json", "RETIRE_SECRET_KEY": Config.SECRET_KEY}
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="retire-metrics-")
    return env


@main.command()
@click.option("--poll", default=Config.WORKER_POLL_SECONDS, show_default=True, type=float, help="seconds")
def worker(poll: float):
    """Run a worker: jobs, timers and timer start events (several may run on one database)."""
    from .worker import run_worker

    from handlers import progress_link

    progress_link.configure(_require_secret_key(), Config.PUBLIC_BASE_URL)
    run_worker(_engine(), poll, cleanup_hours=Config.HISTORY_CLEANUP_HOURS)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def up(host: str, port: int):
    """Start a worker in the background and the server in the foreground; print the URL (and demo accounts)."""
    from .config import demo_mode
    from .demo import DEMO_USERS, demo_password

    key = _require_secret_key()
    _refuse_demo_passwords()
    url = f"http://{host}:{port}"
    if not os.environ.get("RETIRE_PUBLIC_BASE_URL"):   # the links in the demo's SMS open this server
        os.environ["RETIRE_PUBLIC_BASE_URL"] = Config.PUBLIC_BASE_URL = url
    worker_proc = subprocess.Popen([sys.executable, "-m", "api.cli", "worker"],
                                   env={**os.environ, "RETIRE_SECRET_KEY": key}, preexec_fn=_end_with_parent)
    click.echo("")
    click.echo(f"  退休一件事 is running at {url}")
    click.echo(f"  API docs {url}/api/docs · clerk inbox {url}/inbox · modeler {url}/modeler · console {url}/console")
    if demo_mode():
        click.echo("  demo mode (RETIRE_DEMO=1) — demo accounts (username / password):")
        for username, role, locality, groups, name in DEMO_USERS:
            click.echo(f"    {username:<14} {demo_password(role):<12} {role:<8} {locality} {','.join(groups):<28} "
                       f"{name}")
        _banner_cases(key, url)
    click.echo("")

    def stop(signum, _frame):  # SIGTERM ends the server like Ctrl-C does, so the worker is stopped below
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        from . import create_app

        create_app(Config).run(host=host, port=port, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        stop_worker(worker_proc)


def _end_with_parent() -> None:
    """In the worker child (Linux): SIGTERM it when `retire up` dies, even by SIGKILL, so no worker is orphaned."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_worker(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM (it finishes its running job and hands back the rest), then SIGKILL if it does not end in time."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@main.command()
@click.option("--if-empty", is_flag=True, help="only when no user exists yet")
@click.option("--people", default=2000, show_default=True, type=int, help="roster size per locality")
@click.option("--cases/--no-cases", default=True, show_default=True,
              help="pre-run the last weeks on a demo clock, so every inbox has work and some cases are finished")
def demo(if_empty: bool, people: int, cases: bool):
    """Load definitions, demo accounts and a synthetic roster per locality, and cases at every stage (demo mode
    only: RETIRE_DEMO=1)."""
    from .config import demo_mode
    from .demo import DEMO_ONLY, is_empty, load_demo

    if not demo_mode():
        _fail(DEMO_ONLY)
    eng = _engine()
    if if_empty and not is_empty(eng):
        _report_kept(eng.deploy_folders("demo"))
        click.echo("demo data already loaded; new definition files loaded, deployed ones kept")
        return
    if cases:   # first: it deploys the folders on the demo clock's first morning, so timer starts fire in it
        from .demo_cases import prerun

        click.echo("running the last weeks on a demo clock (cases at every stage)…")
        ran = prerun(Config.DATABASE_URL, Config.PROCESSES_DIR, Config.FORMS_DIR)
        for code in ("340722", "220000"):
            c = ran[code]
            click.echo(f"  {code}: {c['cases']} cases, {c['completed']} finished, {c['open_tasks']} tasks waiting")
        click.echo(f"  ({ran['seconds']} s)")
    summary = load_demo(eng, people=people)
    _report_kept(summary.get("folders") or [])
    click.echo(f"demo loaded: {summary['users']} users, roster {summary['roster']}")


def _banner_cases(key: str, url: str) -> None:
    """A few demo business keys per locality and state, and one applicant's link (the page /progress)."""
    from datetime import datetime, timezone

    from handlers import progress_link

    from .demo_cases import sample_cases, window_open_person

    try:
        cases = sample_cases(_engine(), limit=2)
    except Exception:  # noqa: BLE001 — the banner never stops the server
        return
    if not cases:
        return
    click.echo("  demo cases (business key · state):")
    for c in cases:
        click.echo(f"    {c['locality']}  {c['business_key']:<24} {c['status']}")
    first = cases[0]
    token = progress_link.issue(first["business_key"], first["instance_id"], datetime.now(timezone.utc), secret=key)
    click.echo(f"  the applicant's page of {first['business_key']}: {url}/progress?t={token}")
    try:
        person = window_open_person(_engine())
    except Exception:  # noqa: BLE001 — the banner never stops the server
        person = None
    if person:
        click.echo(f"  to file one at the window: {url}/apply as zy_community, ID number {person['id_number']} "
                   f"({person['name']}, window open, no case yet)")


def _report_kept(results) -> None:
    """One line per folder file a start did not deploy, and what to do about it."""
    for r in results:
        for k in r.kept:
            where = f"{k['locality']}/{k['file']}"
            if k["reason"] == "newer_deployment":
                click.echo(f"  kept: {where}: v{k['latest_version']} deployed by {k['latest_author']} (modeler or API) "
                           f"stays the latest; the folder's file differs — 'retire deploy' would deploy it on top")
            else:
                click.echo(f"  changed on disk: {where} differs from v{k['latest_version']} loaded from the folder; "
                           f"not deployed — run 'retire deploy' to deploy it")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--locality", help="locality code to deploy to (default: the folder name)")
@click.option("--note", default="", help="change note")
@click.option("--check", is_flag=True, help="validate only, deploy nothing")
@click.option("--author", default=os.environ.get("USER", "cli"), show_default=True)
def deploy(paths, locality, note, check, author):
    """Deploy files (or every locality folder of processes/ and forms/ when no path is given)."""
    from engine.definitions import DefinitionFile, kind_of
    from engine.errors import EngineError, InvalidDefinition

    eng = _engine()
    try:
        if not paths:
            if check:
                _fail("--check needs files or folders to check")
            for r in eng.deploy_folders(author, deploy_changed=True):
                click.echo(f"deployment {r.deployment_id}: {len(r.deployed)} new, {len(r.unchanged)} unchanged")
            return
        groups: dict[str, list] = {}       # each folder goes to its own locality unless --locality says one
        for p in paths:
            chosen = sorted(p.iterdir()) if p.is_dir() else [p]
            target = locality or (p.name if p.is_dir() else p.parent.name)
            groups.setdefault(target, []).extend(
                DefinitionFile(f.name, f.read_text(encoding="utf-8")) for f in chosen if kind_of(f.name))
        for target in groups:
            if target not in eng.runtime.localities.all():
                _fail(f"unknown locality {target}: name it with --locality, or load the locality tree first "
                      f"(retire deploy with no path, or retire demo)")
        order = sorted(groups, key=lambda code: len(eng.runtime.localities.chain(code)))   # parents first
        if check:
            errors = 0
            for target in order:
                problems = eng.validate(target, groups[target])
                for pr in problems:
                    click.echo(f"{pr['severity']}: {target}/{pr['file']}: {pr.get('element_id') or '-'}: "
                               f"{pr['message']}")
                errors += sum(1 for pr in problems if pr["severity"] == "error")
            count = sum(len(files) for files in groups.values())
            if errors:
                _fail(f"{errors} problem(s) in {count} file(s)")
            click.echo(f"ok: {count} file(s) valid for {', '.join(order)}")
            return
        for target in order:
            r = eng.deploy(target, groups[target], author, note)
            for d in r.deployed:
                click.echo(f"deployed {d.kind} {d.key} v{d.version} at {d.locality}")
            for d in r.unchanged:
                click.echo(f"unchanged {d.kind} {d.key} v{d.version} at {d.locality}")
    except InvalidDefinition as exc:
        for pr in exc.problems:
            click.echo(f"{pr.get('severity', 'error')}: {pr['file']}: {pr.get('element_id') or '-'}: {pr['message']}",
                       err=True)
        _fail(exc.message)
    except EngineError as exc:
        _fail(exc.message)


@main.group()
def users():
    """Manage accounts."""


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "policy", "clerk", "channel", "auditor"]))
@click.option("--locality", required=True)
@click.option("--group", "groups", multiple=True, help="department group (clerks), repeatable")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="12+ characters of three kinds (lower, upper, digits, symbols), or a 16+ character passphrase")
def users_create(username, role, locality, groups, password):
    """Create a user."""
    from engine.errors import EngineError
    from engine.validation import DEPARTMENTS

    from .auth import password_problem
    from .demo import ensure_user

    problem = password_problem(password, username, Config.PASSWORD_MIN_LENGTH)
    if problem:
        _fail(problem)
    bad = [g for g in groups if g not in DEPARTMENTS]
    if bad:
        _fail(f"unknown group {bad[0]} (one of {', '.join(DEPARTMENTS)})")
    eng = _engine()
    try:
        eng.runtime.localities.require(locality)
    except EngineError as exc:
        _fail(exc.message)
    if not ensure_user(eng, username, role, locality, groups, password=password):
        _fail(f"user {username} exists")
    click.echo(f"created {role} {username} at {locality}")


@users.command("list")
def users_list():
    """List users."""
    import sqlalchemy as sa

    from engine.store.models import User

    with _engine().runtime.reading() as session:
        for u in session.scalars(sa.select(User).order_by(User.username)):
            click.echo(f"{u.username:<16} {u.role:<8} {u.locality} {','.join(u.groups or []):<28} "
                       f"{'' if u.active else 'disabled'}".rstrip())


@users.command("disable")
@click.argument("username")
def users_disable(username):
    """Disable a user: their tokens stop working at once."""
    import sqlalchemy as sa

    from engine.store.models import User

    with _engine().runtime.transaction() as session:
        done = session.execute(sa.update(User).where(User.username == username)
                               .values(active=False, token_generation=User.token_generation + 1)).rowcount
    if not done:
        _fail(f"没有这个用户 (no user {username})")
    click.echo(f"disabled {username}; their sessions have ended")


@main.group(name="import")
def import_():
    """Import data."""


@import_.command("roster")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="no progress bar")
def import_roster_cmd(path: Path, quiet: bool):
    """Import insured persons from a CSV or XLSX file (progress bar on stderr)."""
    from handlers.ledger.roster_import import ImportRefused, import_roster

    if path.suffix.lower() not in (".csv", ".xlsx"):
        _fail("花名册须为 .csv 或 .xlsx 文件 (the roster must be a .csv or .xlsx file)")
    try:
        report = import_roster(_engine().runtime.db, path, progress=not quiet)
    except ImportRefused as exc:
        _fail(exc.reason, 3 if exc.too_large else 2)
    click.echo(f"accepted {report.accepted}, rejected {report.rejected_count}")
    for e in report.rejected[:50]:
        click.echo(f"  row {e['row']}: {e['reason']}")
    if report.rejected_count and not report.accepted:
        sys.exit(1)


@main.command()
@click.argument("decision_id")
@click.option("--locality", default="000000", show_default=True)
@click.option("--input", "inputs", multiple=True, metavar="NAME=VALUE", help="repeatable")
def decide(decision_id, locality, inputs):
    """Evaluate a decision table and print its outputs as one JSON object."""
    from engine.dmn.errors import DecisionError
    from engine.errors import EngineError

    values = {}
    for item in inputs:
        if "=" not in item:
            _fail(f"--input {item!r} is not NAME=VALUE", 2)
        name, raw = item.split("=", 1)
        values[name.strip()] = _typed(raw)
    try:
        result, _d = _engine().runtime.decisions.decide(decision_id, locality, values, with_rules=True)
    except (DecisionError, EngineError) as exc:
        _fail(str(getattr(exc, "message", exc)).split("\n")[0])
    click.echo(json.dumps(result.outputs, ensure_ascii=False, default=str))
    if result.outputs is None or result.outputs == []:
        from engine.dmn import UNMATCHED
        _fail(str(UNMATCHED.get() or f"decision {decision_id} gave no result"))


def _typed(raw: str):
    text = raw.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if any(c in text for c in ".eE") and text.replace(".", "", 1).replace("-", "", 1).isdigit() else text
    except ValueError:
        return text


@main.command()
@click.option("--locality", default="340722", show_default=True)
@click.option("--start", "start", default=None, help="first day, YYYY-MM-DD (default: today)")
@click.option("--days", default=92, show_default=True, type=int)
@click.option("--people", default=2000, show_default=True, type=int)
@click.option("--database", default=None, help="database URL (default: a fresh temporary SQLite file)")
def simulate(locality, start, days, people, database):
    """Run one locality over a period with a fake clock and print what happened."""
    from .simulate import run_simulation

    summary = run_simulation(locality=locality, start=start, days=days, people=people, database_url=database,
                             echo=click.echo)
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))


@main.group()
def instances():
    """Running cases."""


@instances.command("migrate")
@click.option("--from", "from_definition", required=True, type=int, help="definition id the cases run on")
@click.option("--to", "to_definition", required=True, type=int, help="definition id to move them to")
@click.option("--map", "mappings", multiple=True, metavar="OLD=NEW",
              help="element mapping, repeatable; OLD may be PROCESS:OLD when an id is in several processes")
@click.option("--run", is_flag=True, help="really move them (default: a dry run)")
def instances_migrate(from_definition, to_definition, mappings, run):
    """Move running cases to another version; prints one line per case (dry run unless --run)."""
    from engine.errors import EngineError

    pairs = {}
    for m in mappings:
        if "=" not in m:
            _fail(f"--map {m!r} is not OLD=NEW", 2)
        old, new = m.split("=", 1)
        pairs[old.strip()] = new.strip()
    try:
        outcomes = _engine().migrate_instances(from_definition, to_definition, pairs, dry_run=not run,
                                               actor=os.environ.get("USER", "cli"))
    except EngineError as exc:
        _fail(exc.message)
    for o in outcomes:
        click.echo(f"{o.outcome:<6} {o.instance_id} {o.business_key} {','.join(o.from_activities)} -> "
                   f"{','.join(o.to_activities) or '-'} {o.reason}")
    moved = sum(1 for o in outcomes if o.outcome == "move")
    click.echo(f"{'moved' if run else 'would move'} {moved}, refused {len(outcomes) - moved}")


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    main()
