"""The Flask app: one blueprint per resource under /api, OpenAPI at /api/openapi.json, docs at /api/docs."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, abort, send_from_directory
from flask_smorest import Api

from .config import Config
from .converters import install as install_converters
from .errors import register_error_handlers
from .input_guard import install as install_input_guard

STATIC = Path(__file__).parent / "static"


def create_app(config: type[Config] | dict | None = Config, *, engine=None) -> Flask:
    """Build the app around an engine (built from the config when not given)."""
    app = Flask(__name__, static_folder=None)
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config or Config)
    if engine is None:
        from engine.bootstrap import bootstrap

        engine = bootstrap(app.config["DATABASE_URL"], processes_dir=app.config["PROCESSES_DIR"],
                           forms_dir=app.config["FORMS_DIR"], ports_kind=app.config["PORTS"], worker_id="api")
    app.extensions["retire_engine"] = engine
    from handlers import progress_link

    progress_link.configure(app.config.get("SECRET_KEY"), app.config.get("PUBLIC_BASE_URL"))
    install_converters(app)   # before the blueprints: their rules are built with the app's converters
    api = Api(app)
    from .views import (applications, audit, case_migrations, decisions, definitions, drafts, incidents, instances,
                        liveness, localities, messages, notifications, persons, reports, tasks, tokens, users)

    from .views import case_search, person_lookup, public
    for module in (liveness, tokens, localities, definitions, drafts, case_search, instances, tasks, messages, incidents,
                   applications, persons, person_lookup, reports, notifications, decisions, users, case_migrations,
                   audit, public):
        api.register_blueprint(module.blp)
    from .views import documents; api.register_blueprint(documents.blp)  # noqa: E702
    from .views import console; api.register_blueprint(console.blp)  # noqa: E702
    from .views import monthly_reports, report_files
    api.register_blueprint(monthly_reports.blp)
    api.register_blueprint(report_files.blp)
    from .openapi_forms import document_application_data

    document_application_data(api, engine)
    register_error_handlers(app)
    from .observability import install as install_observability
    install_observability(app, engine)  # first: a request the input guard refuses still has its request id
    install_input_guard(app)
    _static_routes(app)
    retire_log = logging.getLogger("retire")
    if retire_log.level == logging.NOTSET:  # INFO unless the process chose a level (a bench or a test silencing it)
        retire_log.setLevel(logging.INFO)
    return app


# The pages of the one front end (modeler/*.html), each served at /<name>.
UI_PAGES = ("inbox", "apply", "progress", "console", "reports")


def _static_routes(app: Flask) -> None:
    import swagger_ui_bundle

    @app.get("/api/docs/assets/<path:name>")
    def swagger_assets(name):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, name)

    built = STATIC / "modeler"  # the one front end's build (modeler/ with npm): one HTML file per page

    def page(html):
        if not (built / html).exists():
            abort(404, description="the front end is not built: run ./dev run (it builds modeler/ with npm)")
        return send_from_directory(built, html)

    @app.get("/modeler")
    @app.get("/modeler/")
    def modeler_index():
        return page("index.html")

    @app.get("/modeler/<path:name>")
    def modeler_assets(name):
        return send_from_directory(built, name)

    for name in UI_PAGES:
        app.add_url_rule(f"/{name}", f"page_{name}", lambda name=name: page(f"{name}.html"))

    @app.get("/")
    def index():
        return send_from_directory(STATIC, "index.html")

