import ast
import pathlib
import re

import handlers
from handlers.ports import PORT_NAMES

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _diagram_topics() -> set[str]:
    """Every camunda:topic the shipped diagrams call (what a deploy would need a handler for)."""
    found = set()
    for path in (ROOT / "processes").rglob("*.bpmn"):
        found |= set(re.findall(r'camunda:topic="([^"]+)"', path.read_text(encoding="utf-8")))
    return found


PACKAGE = pathlib.Path(handlers.__file__).parent


def test_every_topic_the_diagrams_call_has_a_handler():
    topics = _diagram_topics()
    assert "housing_fund.withdraw" in topics   # the scan reads the shipped diagrams
    assert topics - set(handlers.ALL_HANDLERS) == set()


def test_each_topic_is_registered_by_its_department_module():
    for topic, fn in handlers.ALL_HANDLERS.items():
        assert fn.__module__ == f"handlers.{topic.split('.')[0]}"


def _imports(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_handlers_import_neither_flask_nor_the_engine():
    for path in PACKAGE.rglob("*.py"):
        assert not _imports(path) & {"flask", "engine", "api", "werkzeug"}, path


def test_department_modules_talk_to_ports_not_to_the_database():
    for path in PACKAGE.glob("*.py"):
        assert "sqlalchemy" not in _imports(path), path


def test_fake_ports_fill_every_port():
    ports = handlers.build_ports("fake")
    assert all(getattr(ports, name) is not None for name in PORT_NAMES)
