"""The coding track's objectives (the LRF paper's pass / cost / quality) shared by coding packs."""

from __future__ import annotations

from mobench.packs import ObjectiveSpec

#: The LRF paper's scalarisation λ, used to label training pairs and as the pack's preference.
LRF_LAMBDA = (0.5, 0.25, 0.25)

CODING_OBJECTIVES = (
    ObjectiveSpec(name="pass", scorer="code.pass@1", bounds=(0.0, 1.0)),
    ObjectiveSpec(
        name="cost",
        scorer="code.cost@1",
        bounds=(0.0, 1.0),
        params={"tau": 300.0, "encoding": "o200k_base"},
    ),
    ObjectiveSpec(
        name="quality",
        scorer="code.quality@1",
        bounds=(0.0, 1.0),
        params={
            "alpha": 0.1,
            "beta": 0.25,
            "kappa0": 5.0,
            "ruff_select": "E,W,F,B,SIM,C4,UP,N",
            "line_length": 100,
        },
    ),
)
