"""``Decisions``: the DMN decisions in force for a locality at a deployment, parsed once per definition."""
from __future__ import annotations

from .store.models import Definition


class Decisions:
    """Evaluates the decision in force for a locality (as of a deployment ``seq``) through the ``DefinitionStore``;
    a parsed table is cached by definition id."""

    def __init__(self, definitions, reading):
        self._definitions = definitions
        self._reading = reading  # () -> context manager of a reading session (Runtime.reading)
        self._parsed: dict[int, dict] = {}

    def decision(self, session, decision_id: str, locality: str, seq: int):
        """→ (its definition row, the parsed decision)."""
        d = self._definitions.require(session, "dmn", decision_id, locality, seq)
        return d, self._parsed_decision(session, d.id, decision_id)

    def _parsed_decision(self, session, definition_id: int, decision_id: str):
        from .parsed import decisions, parsed as parsed_form

        parsed = self._parsed.get(definition_id)
        if parsed is None:
            d = session.get(Definition, definition_id)
            parsed = decisions(parsed_form("dmn", d.content, d.content_hash), d.file_name)
            self._parsed[definition_id] = parsed
        return parsed[decision_id]

    def decide(self, decision_id: str, locality: str, variables: dict, *, seq: int | None = None,
               session=None, with_rules: bool = False):
        """Evaluate a DMN decision in force for ``locality`` (as of deployment ``seq``; default latest)."""
        def run(s):
            at = seq if seq is not None else self._definitions.latest_seq(s)
            if with_rules:
                definition, dec = self.decision(s, decision_id, locality, at)
                return dec.evaluate(variables), definition
            # a case's decisions: the parsed table is cached by definition id, so the row is not loaded
            dec = self._parsed_decision(s, self._definitions.require_id(s, "dmn", decision_id, locality, at),
                                        decision_id)
            return dec.evaluate(variables).outputs

        if session is not None:
            return run(session)
        with self._reading() as s:
            return run(s)
