"""One module per lint rule; :func:`flowzip.lint.engine.all_rules` finds them."""
