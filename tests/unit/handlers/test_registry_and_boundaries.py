import ast
import pathlib

import handlers
from handlers.ports import PORT_NAMES

TOPICS = {
    "hrss.verify_birth_date", "hrss.register_acceptance", "hrss.submit_monthly_batch", "hrss.record_approval",
    "hrss.certify_deemed_years", "social_insurance.list_upcoming", "social_insurance.check_contributions",
    "social_insurance.compute_pension", "social_insurance.award_pension", "notification.notify_upcoming",
    "notification.send_sms", "notification.correct_phone", "medical_insurance.check_retiree_years", "medical_insurance.record_top_up",
    "medical_insurance.switch_to_retiree", "housing_fund.seal_account", "housing_fund.withdraw",
    "public_security.verify_household", "health.only_child_reward", "data_bureau.push_case", "contact.person",
    "health.only_child_policy", "health.record_only_child_claim", "employer.list_declarations_due",
}
PACKAGE = pathlib.Path(handlers.__file__).parent


def test_every_topic_the_diagrams_call_has_a_handler():
    assert set(handlers.ALL_HANDLERS) == TOPICS


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
