"""A CamundaParser that keeps every Camunda 7 attribute our conventions use (design.md).

Each task spec gets ``extensions``: the ``camunda:*`` attributes of its element (candidateGroups,
formRef, dueDate, type, topic, decisionRef, resultVariable, …), ``properties`` (camunda:properties)
and ``inputs`` (camunda:inputOutput/inputParameter, text as written). User, script, business rule, service, manual
tasks and call activities honour ``camunda:asyncAfter="true"`` (task_specs.AsyncAfter).
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import CONDITIONAL_EVENT_XPATH, MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH
from SpiffWorkflow.bpmn.parser.task_parsers import CallActivityParser
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    CamundaTaskParser,
    ScriptTaskParser,
    UserTaskParser,
)

from .expressions import timer_expression
from .task_specs import (
    DecisionTask,
    ExternalServiceTask,
    PassThroughTask,
    RetireCallActivity,
    RetireManualTask,
    RetireScriptTask,
    RetireUserTask,
)

_CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"


def read_extensions(parser) -> dict:
    node = parser.node
    ext: dict = {}
    for key, value in node.attrib.items():
        if key.startswith(_CAMUNDA):
            ext[key[len(_CAMUNDA):]] = value
    props = {}
    for prop in parser.xpath("./bpmn:extensionElements/camunda:properties/camunda:property"):
        props[prop.get("name")] = prop.get("value")
    ext["properties"] = props
    inputs = {}
    for param in parser.xpath("./bpmn:extensionElements/camunda:inputOutput/camunda:inputParameter"):
        inputs[param.get("name")] = (param.text or "").strip()
    ext["inputs"] = inputs
    return ext


class _ExtensionsMixin:
    def parse_extensions(self, node=None):
        return read_extensions(self)


class TaskParser(_ExtensionsMixin, CamundaTaskParser):
    pass


class UserParser(_ExtensionsMixin, UserTaskParser):
    pass


class ScriptParser(_ExtensionsMixin, ScriptTaskParser):
    pass


class CallParser(_ExtensionsMixin, CallActivityParser):
    """A call activity keeps its properties, so it can carry a joint item while the called process runs."""


class DecisionTaskParser(_ExtensionsMixin, CamundaTaskParser):
    @staticmethod
    def get_decision_ref(node):
        return node.get(_CAMUNDA + "decisionRef")

    def create_task(self):
        if self.node.get(_CAMUNDA + "decisionRef") is None:
            self.raise_validation_exception("A business rule task needs camunda:decisionRef naming a DMN decision")
        return DecisionTask(self.spec, self.bpmn_id, **self.bpmn_attributes)


class ServiceParser(_ExtensionsMixin, CamundaTaskParser):
    def create_task(self):
        if self.node.get(_CAMUNDA + "type") != "external" or not self.node.get(_CAMUNDA + "topic"):
            self.raise_validation_exception(
                'A service task needs camunda:type="external" and a camunda:topic "<department>.<operation>"')
        return ExternalServiceTask(self.spec, self.bpmn_id, **self.bpmn_attributes)


class StartParser(_ExtensionsMixin, CamundaStartEventParser):
    """Timer start events are fired by the engine's scheduler (engine.timer_starts), once per time and
    locality; inside the case the start event is a plain one, so a started case never waits on it.
    ``camunda:formRef`` names the start form: its fields' default values fill the variables a start omits."""

    def create_task(self):
        event_definition = self.get_event_definition([MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, CONDITIONAL_EVENT_XPATH])
        task = self._create_task(event_definition)
        self.spec.start.connect(task)
        return task


class _LiteralTimers:
    """A timer value typed as an ISO 8601 literal (``PT5M``, ``2027-01-01T09:00:00+08:00``, ``R3/PT10M``) is
    that literal, as in Camunda 7; any other value stays a Python expression."""

    def parse_timer_event(self, event):
        definition = super().parse_timer_event(event)
        definition.expression = timer_expression(definition.expression)
        return definition


class CatchEventParser(_ExtensionsMixin, _LiteralTimers, CamundaIntermediateCatchEventParser):
    """Keeps camunda:properties (e.g. the party and date a message wait expects, shown in the progress view)."""


class BoundaryParser(_LiteralTimers, CamundaBoundaryEventParser):
    pass


class RetireParser(CamundaParser):
    """The one parser the engine uses; DMN files are evaluated by engine.dmn, not by Spiff."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (StartParser, StartEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (BoundaryParser, BoundaryEvent),
        full_tag("userTask"): (UserParser, RetireUserTask),
        full_tag("task"): (TaskParser, PassThroughTask),
        full_tag("manualTask"): (TaskParser, RetireManualTask),
        full_tag("scriptTask"): (ScriptParser, RetireScriptTask),
        full_tag("serviceTask"): (ServiceParser, ExternalServiceTask),
        full_tag("sendTask"): (ServiceParser, ExternalServiceTask),
        full_tag("businessRuleTask"): (DecisionTaskParser, DecisionTask),
        full_tag("callActivity"): (CallParser, RetireCallActivity),
    }
