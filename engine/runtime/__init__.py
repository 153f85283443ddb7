"""The runtime: what moves a case from one wait state to the next inside one transaction.

- ``core``: ``Runtime``, the context every command shares (sessions, clock, parsed specs; it holds the
  ``Localities`` and ``Decisions`` of engine/localities.py and engine/decisions.py) and the one path of a command:
  ``load`` a case once, ``step`` it to its next wait states, ``save`` it once;
- ``service_tasks``: service tasks whose handlers are ready run inside the step; a slow, asynchronous or failed
  one is left as a job;
- ``mirror``: the wait states written into the indexed tables (tasks, jobs, items, subscriptions), only what
  changed; ``inbox``: the clerks' task index it keeps;
- ``cases``, ``jobs``: the collaborators carrying out the façade's commands that move cases (engine/timer_starts.py
  starts them on timers).

See docs/architecture.md for the path of a command.
"""
