"""The ``Method`` protocol, the contexts methods see, and the entry-point registry.

A method adapter is a class with ``name``, ``kind``, ``version``, a frozen hyper-parameter
dataclass ``Params`` holding its paper's defaults, ``train(ctx)`` and ``respond(ctx)``. Reference
adapters and third-party ones register the same way: an entry point in the ``mobench.methods``
group that names the class.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from mobench.errors import MethodError
from mobench.packs import Candidate, Item, Pack

ENTRY_POINT_GROUP = "mobench.methods"
KINDS = ("selector", "online", "offline")


@dataclass(frozen=True)
class ScoredPool:
    """Candidates per item with their normalised objective vectors (rows in [0, 1]^m)."""

    candidates: Mapping[str, tuple[Candidate, ...]]
    objectives: Mapping[str, np.ndarray] = field(hash=False)

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str], int]:
        return {
            (item_id, c.candidate_id): k
            for item_id, cands in self.candidates.items()
            for k, c in enumerate(cands)
        }

    def vector(self, item_id: str, candidate_id: str | None) -> np.ndarray | None:
        """The objective vector of a pool candidate, or None when it is not in the pool."""
        k = self._index.get((item_id, candidate_id or ""))
        return None if k is None else self.objectives[item_id][k]

    def restrict(self, item_ids: set[str]) -> ScoredPool:
        return ScoredPool(
            {k: v for k, v in self.candidates.items() if k in item_ids},
            {k: v for k, v in self.objectives.items() if k in item_ids},
        )


@dataclass(frozen=True)
class TrainContext:
    """What a selector sees while training: train/val items and their scored candidates."""

    pack: Pack
    train: tuple[Item, ...]
    val: tuple[Item, ...]
    pool: ScoredPool
    seed: int
    scalarisation: tuple[float, ...]
    device: str = "cpu"
    # normalised objective vectors (len, m) in [0, 1] for fresh text; the runner fills it
    score_texts: Callable[[Sequence[Item], Sequence[str]], np.ndarray] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True)
class RespondContext:
    """What a method sees at test time. ``revealed`` holds test objectives for the oracle only."""

    pack: Pack
    items: tuple[Item, ...]
    candidates: Mapping[str, tuple[Candidate, ...]]
    preference: tuple[float, ...]
    seed: int
    revealed: Mapping[str, np.ndarray] | None = None


@dataclass(frozen=True)
class Response:
    """A method's answer to one item (for selectors, the chosen candidate)."""

    item_id: str
    text: str
    candidate_id: str | None = None


@dataclass(frozen=True)
class TrainReport:
    """What training reports: counts, learned weights, losses (JSON-serialisable values)."""

    metrics: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Method(Protocol):
    """A method adapter (DESIGN.md, Method contract)."""

    name: ClassVar[str]
    kind: ClassVar[str]
    version: ClassVar[str]
    summary: ClassVar[str]
    Params: ClassVar[type]
    privileged: ClassVar[bool]

    params: Any

    def __init__(self, params: Any = None) -> None: ...

    def supports(self, pack: Pack) -> bool: ...

    def train(self, ctx: TrainContext) -> TrainReport: ...

    def respond(self, ctx: RespondContext) -> list[Response]: ...


@dataclass(frozen=True)
class MethodEntry:
    """One registered method, or the reason it could not be loaded."""

    name: str
    target: str
    cls: type[Method] | None
    error: str = ""


def _check_adapter(name: str, cls: Any) -> None:
    for attr in ("name", "kind", "version", "summary", "Params", "train", "respond", "supports"):
        if not hasattr(cls, attr):
            raise MethodError(f"method {name!r}: adapter {cls!r} has no attribute {attr!r}")
    if cls.kind not in KINDS:
        raise MethodError(f"method {name!r}: kind {cls.kind!r} is not one of {KINDS}")
    params_cls = cls.Params
    frozen = getattr(getattr(params_cls, "__dataclass_params__", None), "frozen", False)
    if not (isinstance(params_cls, type) and dataclasses.is_dataclass(params_cls) and frozen):
        raise MethodError(f"method {name!r}: Params must be a frozen dataclass")
    if cls.name != name:
        raise MethodError(f"method {name!r}: entry point name differs from {cls.name!r}")


def registry() -> dict[str, MethodEntry]:
    """All methods registered under the ``mobench.methods`` entry-point group."""
    out: dict[str, MethodEntry] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
            _check_adapter(ep.name, cls)
            out[ep.name] = MethodEntry(ep.name, ep.value, cls)
        except Exception as exc:  # a broken third-party adapter must not break the listing
            out[ep.name] = MethodEntry(ep.name, ep.value, None, f"{type(exc).__name__}: {exc}")
    return dict(sorted(out.items()))


def get_method(name: str) -> type[Method]:
    entries = registry()
    if name not in entries:
        known = ", ".join(entries) or "none"
        raise MethodError(f"no method {name!r} is registered (known: {known})")
    entry = entries[name]
    if entry.cls is None:
        raise MethodError(f"method {name!r} ({entry.target}) failed to load: {entry.error}")
    return entry.cls


def default_params(cls: type[Method]) -> dict[str, Any]:
    return dataclasses.asdict(cls.Params())


def build_params(cls: type[Method], overrides: Mapping[str, str]) -> Any:
    """The adapter's ``Params`` with string overrides (``key=value`` from the CLI) applied."""
    params_cls = cls.Params
    hints = typing.get_type_hints(params_cls)
    fields = {f.name for f in dataclasses.fields(params_cls)}
    converted: dict[str, Any] = {}
    for key, raw in overrides.items():
        if key not in fields:
            raise MethodError(
                f"method {cls.name!r} has no hyper-parameter {key!r} "
                f"(it has: {', '.join(sorted(fields))})"
            )
        converted[key] = _convert(raw, hints[key], key)
    return params_cls(**converted)


def _convert(raw: str, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    try:
        if hint is bool:
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1", "yes")
        if hint in (int, float, str):
            return hint(raw)
        if origin is tuple:
            (inner, *_rest) = typing.get_args(hint)
            return tuple(inner(v) for v in raw.split(","))
    except ValueError:
        raise MethodError(f"hyper-parameter {key}={raw!r} is not a valid {hint}") from None
    raise MethodError(f"hyper-parameter {key} of type {hint} cannot be set from the command line")


class Selector:
    """Base for selector adapters: score each test item's candidates, answer with the argmax.

    Subclasses set ``name``, ``summary`` and ``Params`` and implement ``candidate_scores``;
    ``respond`` checks every item has candidates and every score vector is well-formed, so a
    broken adapter fails with a clear error instead of a silent wrong pick. Ties go to the first
    candidate.
    """

    name: ClassVar[str]
    kind: ClassVar[str] = "selector"
    version: ClassVar[str] = "1"
    summary: ClassVar[str]
    privileged: ClassVar[bool] = False
    Params: ClassVar[type]

    def __init__(self, params: Any = None) -> None:
        self.params = params if params is not None else self.Params()

    def supports(self, pack: Pack) -> bool:
        return bool(pack.candidates)

    def train(self, ctx: TrainContext) -> TrainReport:
        """Selectors without a model have nothing to learn."""
        return TrainReport({})

    def candidate_scores(self, ctx: RespondContext) -> Mapping[str, np.ndarray]:
        """A score per candidate for every item of ``ctx.items`` (higher is picked)."""
        raise NotImplementedError

    def respond(self, ctx: RespondContext) -> list[Response]:
        for item in ctx.items:
            if not ctx.candidates.get(item.id):
                raise MethodError(f"{self.name}: item {item.id!r} has no candidates to choose from")
        scores = self.candidate_scores(ctx)
        responses = []
        for item in ctx.items:
            candidates = ctx.candidates[item.id]
            values = np.asarray(scores.get(item.id, ()), dtype=float)
            if values.shape != (len(candidates),) or not np.all(np.isfinite(values)):
                raise MethodError(
                    f"{self.name}: scores for item {item.id!r} have shape {values.shape} or are "
                    f"not finite; expected {len(candidates)} finite values"
                )
            chosen = candidates[int(np.argmax(values))]
            responses.append(Response(item.id, chosen.completion, chosen.candidate_id))
        return responses
