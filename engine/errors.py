"""Engine errors: one base class; each carries what a user needs to act on it."""
from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""
    status = 400

    def __init__(self, message: str, *, field: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}


class NotFound(EngineError):
    """An unknown id, key or locality."""
    status = 404


class DefinitionNotDeployed(NotFound, LookupError):
    """No definition of that key is in force for the locality (a LookupError too, so handlers can fall back)."""


class Conflict(EngineError):
    """Someone else changed the instance or the task first (stale version, task no longer open, claimed)."""
    status = 409


class InvalidInput(EngineError):
    """Form data or variables that fail validation; ``errors`` maps field → messages."""
    status = 422

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, **kw):
        super().__init__(message, **kw)
        self.errors = errors or {}


class InvalidDefinition(EngineError):
    """A BPMN / DMN / form file that must not be deployed; ``problems`` name file, element and reason."""
    status = 422

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(message)
        self.problems = problems


class Forbidden(EngineError):
    status = 403


class HandlerFailed(EngineError):
    """A service-task handler raised; carries the topic, the activity and the case."""
    status = 500

    def __init__(self, message: str, *, topic: str, activity_id: str, instance_id: str):
        super().__init__(message)
        self.topic, self.activity_id, self.instance_id = topic, activity_id, instance_id


class ProcessFailed(EngineError):
    """The diagram itself failed while running (an expression, a missing variable): nothing was saved."""
    status = 422

    def __init__(self, message: str, *, activity_id: str | None = None, file: str | None = None):
        super().__init__(message)
        self.activity_id, self.file = activity_id, file
