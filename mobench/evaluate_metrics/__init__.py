"""mobench's hypervolume and collapse rate as Hugging Face ``evaluate`` metric modules.

The modules live in this package as data (``<name>/<name>.py``) and are loaded by local path,
since modules cannot be fetched from the hub offline::

    import evaluate, mobench
    hv = evaluate.load(mobench.evaluate_path("hypervolume"))
    hv.compute(predictions=[[0.9, 0.2], [0.4, 0.7]], reference_point=[0.0, 0.0])

Both call mobench's own functions (:func:`mobench.metrics.hypervolume`,
:func:`mobench.objectives.text.collapse_rate`), so the numbers are mobench's exactly.
"""

from __future__ import annotations

from pathlib import Path

METRICS = ("hypervolume", "collapse_rate")


def evaluate_path(name: str) -> str:
    """The installed folder of the ``evaluate`` module ``name`` (pass it to ``evaluate.load``)."""
    if name not in METRICS:
        raise ValueError(f"no evaluate module {name!r} in mobench (it ships: {', '.join(METRICS)})")
    return str(Path(__file__).resolve().parent / name)
