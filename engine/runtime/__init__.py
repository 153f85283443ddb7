"""The runtime: what moves a case from one wait state to the next inside one transaction.

``stepper`` runs a restored workflow until it truly waits, calling ready service-task handlers in the same
transaction (``service_tasks``); a task whose handler is slow, asynchronous by the model, or failed is left
for a job. See docs/architecture.md for the path of a command.
"""
