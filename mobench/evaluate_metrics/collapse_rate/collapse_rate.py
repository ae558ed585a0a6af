"""Collapse rate: the share of responses that mobench's ``collapse@1`` detector flags.

A response is collapsed when it is empty, too short for a prompt that asks for more than a
yes/no answer, dominated by a repeated n-gram, or of low n-gram diversity (mobench's
docs/metrics.md gives the rules and thresholds). Computed by
``mobench.objectives.text.collapse_rate``.
"""

import datasets
import evaluate

from mobench.objectives.text import collapse_rate

_DESCRIPTION = __doc__

_KWARGS_DESCRIPTION = """
Args:
    predictions: the responses (strings).
    prompts: the prompt each response answers (strings, same length as predictions).
Returns:
    collapse_rate: the share of collapsed responses, in [0, 1] (0.0 for no responses).
Examples:
    >>> rate = evaluate.load(mobench.evaluate_path("collapse_rate"))
    >>> answer = "Tides rise and fall twice a day because the moon pulls on the oceans."
    >>> rate.compute(predictions=["", answer], prompts=["Explain tides."] * 2)
    {'collapse_rate': 0.5}
"""

_CITATION = """\
@misc{mobench,
  title = {mobench: a benchmark suite for multi-objective alignment of language models},
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class CollapseRate(evaluate.Metric):
    """mobench.objectives.text.collapse_rate (collapse@1) as an evaluate metric."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "prompts": datasets.Value("string")}
            ),
        )

    def _compute(self, predictions: list[str], prompts: list[str]) -> dict[str, float]:
        return {"collapse_rate": collapse_rate(list(prompts), list(predictions))}
