"""Three hints per exercise, in English and Portuguese: a nudge, then the rule, then the shape of the code."""

HINTS = {}
