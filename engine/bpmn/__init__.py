"""The three SpiffWorkflow seams, customised in one place: parser, script engine, serializer."""
