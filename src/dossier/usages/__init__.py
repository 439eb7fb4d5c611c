"""Usage targets and the balance request: measures file, indicators, report (usages.md)."""
