"""`mobench rm`: reward models (placeholder until the HH track lands)."""

import typer

app = typer.Typer(help="Train and inspect reward models.", no_args_is_help=True)
