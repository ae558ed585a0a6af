"""Rich progress bars behind the runner's ``ProgressSink`` interface."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RichProgress:
    """One bar per key; ``advance(key, completed)`` sets absolute progress when given."""

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, key: str, description: str, total: int) -> None:
        if key in self._tasks:
            self._progress.remove_task(self._tasks[key])
        self._tasks[key] = self._progress.add_task(description, total=total)

    def advance(self, key: str, completed: int | None = None) -> None:
        if completed is None:
            self._progress.advance(self._tasks[key])
        else:
            self._progress.update(self._tasks[key], completed=completed)

    def note(self, message: str) -> None:
        self._progress.console.print(message)
