"""The scorer contract: ``id@version``, batched, pure and deterministic (DESIGN.md)."""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from mobench.cache import NullCache, ResultCache, content_key
from mobench.errors import PackFormatError, UnknownScorerError
from mobench.packs import Item, ObjectiveSpec, Pack
from mobench.sandbox.base import Sandbox


@dataclass(frozen=True)
class ScoreRequest:
    """One response to score: the item it answers and the completion text."""

    item: Item
    completion: str


class Scorer(Protocol):
    """Scores a batch of responses; values lie in the objective's declared bounds."""

    id: str
    version: int

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray: ...


@dataclass
class ScoringEnv:
    """Shared services scorers may need: a sandbox for code, and the result cache."""

    sandbox_factory: Callable[[], Sandbox] | None = None
    cache: ResultCache = field(default_factory=NullCache)
    _sandbox: Sandbox | None = None

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            if self.sandbox_factory is None:
                raise UnknownScorerError("this scorer needs a sandbox, but none was configured")
            self._sandbox = self.sandbox_factory()
        return self._sandbox


ScorerFactory = Callable[[Mapping[str, Any], ScoringEnv], Scorer]
_REGISTRY: dict[tuple[str, int], ScorerFactory] = {}
_DEPENDS: dict[tuple[str, int], Callable[[], str]] = {}


def register_scorer(
    scorer_id: str, version: int, depends: Callable[[], str] | None = None
) -> Callable[[ScorerFactory], ScorerFactory]:
    """Decorator registering a factory ``(params, env) -> Scorer`` under ``id@version``.

    ``depends`` names what else decides the scores (for ``code.pass``: the sandbox runner's
    source digest); its value is part of every cache key, so a change never reuses old scores.
    """

    def wrap(factory: ScorerFactory) -> ScorerFactory:
        _REGISTRY[(scorer_id, version)] = factory
        if depends is not None:
            _DEPENDS[(scorer_id, version)] = depends
        return factory

    return wrap


def _load_builtins() -> None:
    """Import every scorer module of this package; each registers its scorers on import."""
    import mobench.objectives as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "base":
            importlib.import_module(f"{package.__name__}.{module.name}")


def registered_scorers() -> list[str]:
    _load_builtins()
    return sorted(f"{sid}@{ver}" for sid, ver in _REGISTRY)


def scorer_params(
    scorer: str, params: Mapping[str, Any], defaults: Mapping[str, tuple[type, Any]]
) -> dict[str, Any]:
    """Validate objective params against ``{name: (type, default)}``; unknown keys are errors.

    ``int`` values are accepted for ``float`` params; a default of ``None`` makes the param
    optional (``None`` or the type).
    """
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise PackFormatError(
            f"objective params for {scorer}: unknown {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(sorted(defaults))})"
        )
    out: dict[str, Any] = {}
    for name, (kind, default) in defaults.items():
        value = params.get(name, default)
        if value is None and default is None:
            out[name] = None
            continue
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise PackFormatError(
                f"objective params for {scorer}: {name!r} must be {kind.__name__}, got {value!r}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise PackFormatError(f"objective params for {scorer}: {name!r} must be finite")
        out[name] = value
    return out


def make_scorer(spec: ObjectiveSpec, env: ScoringEnv) -> Scorer:
    _load_builtins()
    key = (spec.scorer_id, spec.scorer_version)
    if key not in _REGISTRY:
        raise UnknownScorerError(
            f"objective {spec.name!r} names scorer {spec.scorer}, which is not registered "
            f"(known: {', '.join(registered_scorers())})"
        )
    return _REGISTRY[key](spec.params, env)


def _scorer_dependencies(spec: ObjectiveSpec) -> str:
    _load_builtins()
    depends = _DEPENDS.get((spec.scorer_id, spec.scorer_version))
    return depends() if depends is not None else ""


def score_objectives(pack: Pack, batch: Sequence[ScoreRequest], env: ScoringEnv) -> np.ndarray:
    """Raw objective matrix (len(batch), m) for a pack, through the content-addressed cache."""
    out = np.zeros((len(batch), len(pack.objectives)))
    for j, spec in enumerate(pack.objectives):
        namespace = f"score:{spec.scorer}"
        depends = _scorer_dependencies(spec)
        keys = [
            content_key(dict(spec.params), depends, r.item.to_json(), r.completion) for r in batch
        ]
        cached = env.cache.get_many(namespace, keys)
        missing = [i for i, k in enumerate(keys) if k not in cached]
        if missing:
            scorer = make_scorer(spec, env)
            values = np.asarray(scorer.score([batch[i] for i in missing]), dtype=float)
            if values.shape != (len(missing),) or not np.all(np.isfinite(values)):
                raise UnknownScorerError(
                    f"scorer {spec.scorer} returned shape {values.shape} or non-finite values"
                )
            fresh = {keys[i]: float(v) for i, v in zip(missing, values, strict=True)}
            env.cache.put_many(namespace, fresh)
            cached.update(fresh)
        out[:, j] = [cached[k] for k in keys]
    return out
