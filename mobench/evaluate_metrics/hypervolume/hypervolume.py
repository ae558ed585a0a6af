"""Hypervolume of a set of objective vectors, computed by mobench (moocore underneath).

Every objective is maximised; mobench normalises objectives to [0, 1] and uses the pack's
reference point (the origin unless the pack says otherwise). Points that do not strictly
dominate the reference point add nothing. A method's front HV on the mobench leaderboard is
this metric over the test-set mean objective vectors of its runs, one per preference.
"""

import datasets
import evaluate

from mobench.metrics import hypervolume

_DESCRIPTION = __doc__

_KWARGS_DESCRIPTION = """
Args:
    predictions: objective vectors, one list of m floats per point (larger is better).
    reference_point: m floats, or one float for every objective (default: the origin).
Returns:
    hypervolume: the volume the points dominate above the reference point (a float >= 0).
Examples:
    >>> hv = evaluate.load(mobench.evaluate_path("hypervolume"))
    >>> hv.compute(predictions=[[1.0, 0.5], [0.5, 1.0]], reference_point=[0.0, 0.0])
    {'hypervolume': 0.75}
"""

_CITATION = """\
@misc{mobench,
  title = {mobench: a benchmark suite for multi-objective alignment of language models},
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Hypervolume(evaluate.Metric):
    """mobench.metrics.hypervolume as an evaluate metric."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Sequence(datasets.Value("float64"))}
            ),
            reference_urls=["https://multi-objective.github.io/moocore/python/"],
        )

    def _compute(
        self, predictions: list[list[float]], reference_point: float | list[float] | None = None
    ) -> dict[str, float]:
        return {"hypervolume": hypervolume([list(p) for p in predictions], reference_point)}
