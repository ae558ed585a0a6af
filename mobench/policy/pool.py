"""The pool policy: for each prompt, a softmax over that prompt's pre-generated candidates.

π(y | x, c) = softmax_y(z(x, y, c) / T) over the candidate set Y(x) of item x, where

* ``arch="mlp"``: z = w₂ᵀ tanh(W₁ [φ(x, y); c] + b₁) + b₂, φ the frozen ``hashed`` embedding
  of (prompt, candidate) (:mod:`mobench.embeddings`, computed once per pack and cached in the
  process); the first layer (W₁, b₁) is the shared representation.
* ``arch="tabular"``: z = θ_{x,y} + cᵀ v_{x,y}, a free logit per (item, candidate) (and a free
  condition slope when ``condition_dim > 0``), initialised to 0 (the uniform policy).

A sample is a candidate; its log-probability is exact (a categorical over the candidate set),
so ``logprob`` is the summed sequence log-probability of that response. Parameters are
initialised from ``seed`` inside a forked RNG state; sampling draws only from the caller's
``torch.Generator``, so the same seed and generator give the same samples.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mobench.embeddings import make_embedder, pair_text
from mobench.errors import MethodError
from mobench.packs import Candidate, Item, Pack
from mobench.policy.base import PolicySpec, Sample, check_conditions


@dataclass(frozen=True)
class PoolTable:
    """A pack's candidates in one flat order, the rows of each item, and (mlp) their φ(x, y)."""

    candidates: tuple[Candidate, ...]
    rows: Mapping[str, tuple[int, ...]]  # item id -> flat rows of its candidates (pack order)
    position: Mapping[str, Mapping[str, int]]  # item id -> candidate id -> index in its set
    embeddings: torch.Tensor | None  # (N, d) float32, None for the tabular policy


_TABLES: dict[tuple[str, str, str], PoolTable] = {}


def pool_table(pack: Pack, embedder: str | None) -> PoolTable:
    """The candidate table of ``pack`` (embedded with ``embedder`` unless None), cached."""
    key = (pack.ref, pack.sha256, embedder or "")
    if key in _TABLES:
        return _TABLES[key]
    by_item = pack.candidates_by_item()
    flat: list[Candidate] = []
    rows: dict[str, tuple[int, ...]] = {}
    position: dict[str, dict[str, int]] = {}
    for item_id, cands in by_item.items():
        rows[item_id] = tuple(range(len(flat), len(flat) + len(cands)))
        position[item_id] = {c.candidate_id: k for k, c in enumerate(cands)}
        flat.extend(cands)
    embeddings = None
    if embedder is not None:
        prompts = {item.id: item.prompt for item in pack.items}
        texts = [pair_text(prompts[c.item_id], c.completion) for c in flat]
        embeddings = torch.from_numpy(make_embedder(embedder).embed(texts)).float()
    table = PoolTable(tuple(flat), rows, position, embeddings)
    _TABLES[key] = table
    return table


class _MLPScorer(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(dim, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.hidden(x))).squeeze(-1)


class _TabularScorer(nn.Module):
    def __init__(self, rows: int, condition_dim: int) -> None:
        super().__init__()
        self.logit = nn.Parameter(torch.zeros(rows))
        self.slope = nn.Parameter(torch.zeros(rows, condition_dim)) if condition_dim else None


class PoolPolicy:
    """Softmax policy over each item's candidate set (module docstring)."""

    def __init__(self, spec: PolicySpec, pack: Pack, seed: int, *, _net: nn.Module | None = None):
        if spec.kind != "pool":
            raise MethodError(f"PoolPolicy needs a pool spec, got kind {spec.kind!r}")
        if not pack.candidates:
            raise MethodError(f"pack {pack.ref} has no candidates: the pool policy needs them")
        self.spec = spec
        self.pack = pack
        self.table = pool_table(pack, spec.embedder if spec.arch == "mlp" else None)
        self._device = torch.device("cpu" if spec.device == "auto" else spec.device)
        if _net is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                if spec.arch == "mlp":
                    assert self.table.embeddings is not None
                    dim = self.table.embeddings.shape[1] + spec.condition_dim
                    _net = _MLPScorer(dim, spec.hidden)
                else:
                    _net = _TabularScorer(len(self.table.candidates), spec.condition_dim)
        self.net = _net.to(self._device)
        self._embeddings = (
            self.table.embeddings.to(self._device) if self.table.embeddings is not None else None
        )

    # -- protocol ---------------------------------------------------------------------------

    @property
    def device(self) -> torch.device:
        return self._device

    def parameters(self) -> Iterator[nn.Parameter]:
        return self.net.parameters()

    def shared_parameters(self) -> list[nn.Parameter]:
        if isinstance(self.net, _MLPScorer):
            return list(self.net.hidden.parameters())
        return list(self.net.parameters())

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.net.state_dict().items()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        self.net.load_state_dict(dict(state))

    def frozen_copy(self) -> PoolPolicy:
        net = copy.deepcopy(self.net)
        for p in net.parameters():
            p.requires_grad_(False)
        return PoolPolicy(self.spec, self.pack, 0, _net=net)

    def sample(
        self,
        items: Sequence[Item],
        n: int,
        generator: torch.Generator,
        conditions: np.ndarray | None = None,
    ) -> list[list[Sample]]:
        if n < 1:
            raise MethodError(f"sample: n must be >= 1, got {n}")
        with torch.no_grad():
            logp = self.candidate_logprobs(items, conditions)
            picks = [
                torch.multinomial(lp.exp(), n, replacement=True, generator=generator).tolist()
                for lp in logp
            ]
        return [
            [self._sample(item.id, k) for k in chosen]
            for item, chosen in zip(items, picks, strict=True)
        ]

    def logprob(
        self,
        items: Sequence[Item],
        samples: Sequence[Sample],
        conditions: np.ndarray | None = None,
    ) -> torch.Tensor:
        if len(items) != len(samples):
            raise MethodError(f"logprob: {len(items)} items for {len(samples)} samples")
        conds = check_conditions(conditions, len(items), self.spec.condition_dim, "logprob")
        # one log-softmax per distinct (item, condition row)
        groups: dict[tuple[str, bytes], int] = {}
        group_items: list[Item] = []
        group_rows: list[int] = []
        slots: list[tuple[int, int]] = []
        for i, (item, sample) in enumerate(zip(items, samples, strict=True)):
            if sample.item_id != item.id:
                raise MethodError(f"logprob: sample for {sample.item_id!r} paired with {item.id!r}")
            key = (item.id, b"" if conds is None else conds[i].tobytes())
            if key not in groups:
                groups[key] = len(group_items)
                group_items.append(item)
                group_rows.append(i)
            slots.append((groups[key], self._position(item.id, sample)))
        group_conds = None if conds is None else conds[group_rows]
        logp = self.candidate_logprobs(group_items, group_conds)
        return torch.stack([logp[g][k] for g, k in slots])

    def greedy(self, items: Sequence[Item], conditions: np.ndarray | None = None) -> list[Sample]:
        with torch.no_grad():
            logp = self.candidate_logprobs(items, conditions)
        return [
            self._sample(item.id, int(torch.argmax(lp)))
            for item, lp in zip(items, logp, strict=True)
        ]

    # -- pool-specific ----------------------------------------------------------------------

    def candidates(self, item_id: str) -> tuple[Candidate, ...]:
        """The candidate set of an item, in pack order (the order of ``candidate_logprobs``)."""
        return tuple(self.table.candidates[r] for r in self._rows(item_id))

    def candidate_logprobs(
        self, items: Sequence[Item], conditions: np.ndarray | None = None
    ) -> list[torch.Tensor]:
        """Differentiable log π(· | x, c) over each item's candidate set, in pack order."""
        conds = check_conditions(conditions, len(items), self.spec.condition_dim, "pool policy")
        rows = [self._rows(item.id) for item in items]
        sizes = [len(r) for r in rows]
        flat = torch.tensor([r for rs in rows for r in rs], dtype=torch.long, device=self._device)
        cond_rows = None
        if conds is not None:
            cond_rows = torch.from_numpy(np.repeat(conds, sizes, axis=0)).to(self._device)
        logits = self._logits(flat, cond_rows) / self.spec.temperature
        return [torch.log_softmax(z, dim=0) for z in torch.split(logits, sizes)]

    def _logits(self, flat: torch.Tensor, cond_rows: torch.Tensor | None) -> torch.Tensor:
        net = self.net
        if isinstance(net, _MLPScorer):
            assert self._embeddings is not None
            x = self._embeddings[flat]
            if cond_rows is not None:
                x = torch.cat([x, cond_rows], dim=1)
            return net(x)
        assert isinstance(net, _TabularScorer)
        z = net.logit[flat]
        if net.slope is not None and cond_rows is not None:
            z = z + (net.slope[flat] * cond_rows).sum(dim=1)
        return z

    def _rows(self, item_id: str) -> tuple[int, ...]:
        rows = self.table.rows.get(item_id)
        if not rows:
            raise MethodError(f"pool policy: item {item_id!r} has no candidates in {self.pack.ref}")
        return rows

    def _position(self, item_id: str, sample: Sample) -> int:
        if sample.candidate_id is None:
            raise MethodError(f"pool policy: sample for {item_id!r} names no candidate")
        try:
            return self.table.position[item_id][sample.candidate_id]
        except KeyError:
            raise MethodError(
                f"pool policy: {sample.candidate_id!r} is not a candidate of {item_id!r}"
            ) from None

    def _sample(self, item_id: str, k: int) -> Sample:
        cand = self.table.candidates[self._rows(item_id)[k]]
        return Sample(item_id, cand.completion, cand.candidate_id)
