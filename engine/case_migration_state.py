"""A case's stored state, rewritten element by element onto the target version's specs (see engine.case_migration).

The state holds one task tree for the main process and one per started sub-process or call activity
(``state["subprocesses"]``, keyed by the id of the task that started it). Each tree is checked against the
spec it will run under in the target: the main spec, the called process's target version, or the embedded
sub-process's spec inside the target. Predicted tasks are dropped (the target predicts its own); every other
task must find its element (by id, or by mapping) with the same kind when the case is at it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask, MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

_PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING
_SUFFIXES = (" [child]", ".BoundaryEventSplit", ".BoundaryEventJoin")   # names Spiff derives from an element id


class Refusal(Exception):
    """The case cannot move; the message says why, naming the element and the process it is in."""


@dataclass
class Tree:
    state: dict                  # the serialized workflow: the main state, or one entry of its subprocesses
    old_spec: object
    new_spec: object
    context: str = ""            # " in called process K" / " in sub-process S" ("" for the main process)
    place: str = ""              # where the target spec lives, for reasons: "version 3", "K version 2"
    old_names: dict = field(default_factory=dict)


@dataclass
class Target:
    """The target version: its parsed specs and the labels reasons use."""
    spec: object
    subprocess_specs: dict
    version: int
    called_versions: dict        # called process key → version of its target definition


def rewrite_state(state: dict, old, new: Target, mappings: dict, waiting_ids: set[str]) -> None:
    """Rewrite ``state`` in place onto ``new`` or raise Refusal. ``old`` is the case's current ProcessSpec."""
    pending = dict(state.get("subprocesses") or {})
    holders = set(pending)  # tasks that started a sub-process: they must keep their kind, finished or not
    for sub in [state, *pending.values()]:
        _prune_predicted(sub)
    trees = [Tree(state, old.spec, new.spec, place=f"version {new.version}")]
    old_specs = [old.spec, *old.subprocess_specs.values()]
    for tree in trees:  # grows while it runs: a tree's sub-processes follow it, as the serializer restores them
        _rewrite_tree(tree, old_specs, mappings, waiting_ids, holders)
        for task_id, task in tree.state["tasks"].items():
            if task_id in pending:
                trees.append(_subtree(tree, task_id, task, pending.pop(task_id), old, new))
    if pending:
        raise Refusal(f"the case has {len(pending)} sub-process(es) whose starting task is not in its state")


def _subtree(parent: Tree, task_id: str, task: dict, sub: dict, old, new: Target) -> Tree:
    old_holder = parent.old_spec.task_specs.get(parent.old_names[task_id])
    new_holder = parent.new_spec.task_specs[task["task_spec"]]
    old_spec = old.subprocess_specs.get(sub["spec"])
    new_spec = new.subprocess_specs.get(new_holder.spec)
    if old_spec is None or new_spec is None:
        missing = sub["spec"] if old_spec is None else new_holder.spec
        raise Refusal(f"the process {missing} that {_element(task['task_spec'])} runs is not deployed")
    if _is_call(old_holder):
        context = f" in called process {new_spec.name}"
        version = new.called_versions.get(new_spec.name, new.version)
        place = f"{new_spec.name} version {version}"
    else:
        context, place = f" in sub-process {new_spec.name}", parent.place
    sub["spec"] = new_spec.name
    return Tree(sub, old_spec, new_spec, context=context, place=place)


def _rewrite_tree(tree: Tree, old_specs: list, mappings: dict, waiting_ids: set[str], holders: set[str]) -> None:
    for task_id, task in tree.state["tasks"].items():
        old_name = task["task_spec"]
        tree.old_names[task_id] = old_name
        new_name = _map_name(tree, old_name, old_specs, mappings)
        new_ts = tree.new_spec.task_specs.get(new_name)
        old_ts = tree.old_spec.task_specs.get(old_name)
        active = bool(task["state"] & _ACTIVE)
        if new_ts is None:
            where = _where(task_id, old_ts, active, waiting_ids)
            raise Refusal(f"{_element(old_name)} ({where}{tree.context}) does not exist in {tree.place}; "
                          f"map it to an element")
        if active and isinstance(old_ts, LoopTask):
            _check_loop(tree, old_name, old_ts, new_ts)
        if old_ts is not None and (active or task_id in holders) and _kind(new_ts) != _kind(old_ts):
            raise Refusal(f"{_element(old_name)}{_paren(tree.context)} is a {_kind(old_ts)} "
                          f"but {_element(new_name)} is a {_kind(new_ts)}")
        task["task_spec"] = new_name


def _map_name(tree: Tree, name: str, old_specs: list, mappings: dict) -> str:
    """The target name of a task spec: its element mapped (qualified ``process:element`` first), with the
    suffix Spiff derived from it kept; a tree's own end join follows the tree's spec."""
    if name == f"{tree.old_spec.name}.EndJoin":
        return f"{tree.new_spec.name}.EndJoin"
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return _map_element(tree, name[:-len(suffix)], old_specs, mappings) + suffix
    return _map_element(tree, name, old_specs, mappings)


def _map_element(tree: Tree, element: str, old_specs: list, mappings: dict) -> str:
    qualified = f"{tree.old_spec.name}:{element}"
    if qualified in mappings:
        return mappings[qualified]
    if element not in mappings:
        return element
    processes = sorted({s.name for s in old_specs if element in s.task_specs})
    if len(processes) > 1:
        raise Refusal(f"the mapping {element} → {mappings[element]} is ambiguous: {element} is an element of "
                      f"{' and '.join(processes)}; write it as {' or '.join(f'{p}:{element}' for p in processes)}")
    return mappings[element]


def _check_loop(tree: Tree, old_name: str, old_ts, new_ts) -> None:
    """A multi-instance or loop body moves only if the target runs it the same way (its progress is kept as
    the old settings counted it)."""
    kind = "a multi-instance body" if isinstance(old_ts, MultiInstanceTask) else "a loop body"
    head = f"the case waits inside {kind}: {_element(old_name)}{_paren(tree.context)}"
    if type(new_ts) is not type(old_ts):
        raise Refusal(f"{head} is a {_bpmn_class(old_ts)} in its version, a {_bpmn_class(new_ts)} "
                      f"in {tree.place}")
    if _loop_settings(old_ts) != _loop_settings(new_ts):
        raise Refusal(f"{head} counts or collects its instances differently in {tree.place}")


def _loop_settings(ts) -> tuple:
    def ref(value):
        return (type(value).__name__, getattr(value, "bpmn_id", value))

    names = ("cardinality", "data_input", "data_output", "input_item", "output_item", "condition",
             "maximum", "test_before")
    return tuple(ref(getattr(ts, n, None)) for n in names)


def _where(task_id: str, old_ts, active: bool, waiting_ids: set[str]) -> str:
    if task_id in waiting_ids:
        return "a wait state"
    if active and _is_call(old_ts):
        return "the call activity the case waits in"
    if active and isinstance(old_ts, SubWorkflowTask):
        return "the sub-process the case waits in"
    if active:
        return "an element the case is at"
    return "an element the case already passed"


def _is_call(ts) -> bool:
    # Camunda's parser builds embedded sub-processes with the CallActivity class too; the element's
    # description (from its BPMN tag) tells a bpmn:callActivity from a bpmn:subProcess.
    return isinstance(ts, SubWorkflowTask) and getattr(ts, "description", None) == "Call Activity"


def _kind(ts) -> str:
    if isinstance(ts, SubWorkflowTask):
        return getattr(ts, "description", None) or _bpmn_class(ts)
    return _bpmn_class(ts)


def _bpmn_class(ts) -> str:
    """The element's SpiffWorkflow class name (ours only add behaviour, e.g. asyncAfter, to the same element)."""
    return next((c.__name__ for c in type(ts).__mro__ if c.__module__.startswith("SpiffWorkflow")),
                type(ts).__name__)


def _element(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def _paren(context: str) -> str:
    return f" ({context.strip()})" if context else ""


def _prune_predicted(tree: dict) -> None:
    """Forget the tasks Spiff only predicted (not reached yet): the target version predicts its own."""
    tasks = tree["tasks"]
    gone = {tid for tid, t in tasks.items() if t["state"] & _PREDICTED}
    for tid in gone:
        tasks.pop(tid)
    for t in tasks.values():
        t["children"] = [c for c in t["children"] if c not in gone]
