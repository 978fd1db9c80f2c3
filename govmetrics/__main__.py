"""`python -m govmetrics …`: the same as the `govmetrics` command."""

from govmetrics.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised in a subprocess test
    main(prog_name="govmetrics")
