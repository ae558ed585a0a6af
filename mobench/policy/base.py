"""The ``Policy`` protocol every online and offline method is written against (DESIGN.md).

A policy maps an item (a prompt) to a distribution over responses. Two backends implement it:
``pool`` (a softmax over the item's pre-generated candidates; CPU, milliseconds) and ``hf`` (a
transformers causal LM; real generation). Methods only use the calls below, so one adapter runs
on both.

Conditions: an optional float array of shape (len(items), c) — e.g. RiC's target rewards. The
pool policy concatenates the row to its scorer network's input; the hf policy writes it into
the prompt.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import torch

from mobench.errors import MethodError
from mobench.packs import Item

POLICY_KINDS = ("pool", "hf")
POOL_ARCHS = ("mlp", "tabular")


@dataclass(frozen=True)
class Sample:
    """One response drawn from a policy: the item it answers, its text, and (pool) its candidate."""

    item_id: str
    text: str
    candidate_id: str | None = None


@dataclass(frozen=True)
class PolicySpec:
    """How to build a policy (:func:`mobench.policy.make_policy`).

    ``kind`` "pool": ``arch`` "mlp" (logits from an MLP over frozen embeddings of (prompt,
    candidate), ``hidden`` units, ``embedder`` names the :mod:`mobench.embeddings` backend) or
    "tabular" (a free logit per (item, candidate)).
    ``kind`` "hf": ``model`` is a local path or hub id; ``gguf_file`` a GGUF file inside it (or
    an absolute path to one; ``model`` may then be empty); ``lora`` adds LoRA adapters (peft) of
    rank ``lora_rank`` and trains only them; ``max_new_tokens`` and ``temperature`` drive
    sampling; ``dtype`` is "auto" (float32; or "bfloat16" / "float16"); ``batch_size`` bounds
    the sequences per forward / generate call.
    ``condition_dim`` is the width c of the condition rows (0: no conditions).
    ``device`` "auto" picks cuda when available for hf, and the cpu for the (tiny) pool policy.
    """

    kind: str = "pool"
    arch: str = "mlp"
    hidden: int = 64
    embedder: str = "hashed"
    model: str = ""
    gguf_file: str = ""
    lora: bool = False
    lora_rank: int = 8
    max_new_tokens: int = 64
    temperature: float = 1.0
    dtype: str = "auto"
    batch_size: int = 16
    condition_dim: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.kind not in POLICY_KINDS:
            raise MethodError(f"policy kind {self.kind!r} is not one of {POLICY_KINDS}")
        if self.kind == "pool" and self.arch not in POOL_ARCHS:
            raise MethodError(f"pool policy arch {self.arch!r} is not one of {POOL_ARCHS}")
        if min(self.hidden, self.lora_rank, self.max_new_tokens, self.batch_size) < 1:
            raise MethodError("policy hidden, lora_rank, max_new_tokens, batch_size must be >= 1")
        if self.condition_dim < 0:
            raise MethodError(f"condition_dim must be >= 0, got {self.condition_dim}")
        if not self.temperature > 0:
            raise MethodError(f"temperature must be > 0, got {self.temperature}")
        if self.dtype not in ("auto", "float32", "bfloat16", "float16"):
            raise MethodError(f"dtype {self.dtype!r} is not auto, float32, bfloat16 or float16")


@dataclass(frozen=True)
class PolicyParams:
    """The policy hyper-parameters a policy-backed method declares: ``pool`` (default; ``arch``
    mlp | tabular, ``hidden``) or ``hf`` (a causal LM: ``model`` path or hub id, ``gguf_file``,
    ``lora``, ``max_new_tokens``; ``device`` auto picks cuda when available)."""

    policy: str = "pool"
    arch: str = "mlp"
    hidden: int = 32
    model: str = ""
    gguf_file: str = ""
    lora: bool = False
    max_new_tokens: int = 64
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.policy not in ("pool", "hf"):
            raise MethodError(f"policy must be 'pool' or 'hf', got {self.policy!r}")

    def policy_spec(self, condition_dim: int = 0, temperature: float = 1.0) -> PolicySpec:
        """The :class:`PolicySpec` these parameters describe."""
        return PolicySpec(
            kind=self.policy,
            arch=self.arch,
            hidden=self.hidden,
            model=self.model,
            gguf_file=self.gguf_file,
            lora=self.lora,
            max_new_tokens=self.max_new_tokens,
            temperature=temperature,
            device=self.device,
            condition_dim=condition_dim,
        )


@runtime_checkable
class Policy(Protocol):
    """A stochastic policy over responses (see the module docstring for ``conditions``)."""

    spec: PolicySpec

    @property
    def device(self) -> torch.device: ...

    def sample(
        self,
        items: Sequence[Item],
        n: int,
        generator: torch.Generator,
        conditions: np.ndarray | None = None,
    ) -> list[list[Sample]]:
        """``n`` samples per item (drawn with ``generator``), one inner list per item."""
        ...

    def logprob(
        self,
        items: Sequence[Item],
        samples: Sequence[Sample],
        conditions: np.ndarray | None = None,
    ) -> torch.Tensor:
        """Differentiable summed sequence log-probability, one per sample (``items[i]`` answers
        ``samples[i]``; ``conditions[i]`` is its condition row)."""
        ...

    def greedy(self, items: Sequence[Item], conditions: np.ndarray | None = None) -> list[Sample]:
        """The most likely response per item (pool: argmax candidate; hf: greedy decoding)."""
        ...

    def parameters(self) -> Iterator[torch.nn.Parameter]:
        """The trainable parameters (with LoRA: only the adapters)."""
        ...

    def shared_parameters(self) -> list[torch.nn.Parameter]:
        """The shared representation (MGDA-UB's Z, drw-grad's layer subset)."""
        ...

    def state_dict(self) -> dict[str, torch.Tensor]: ...

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None: ...

    def frozen_copy(self) -> Policy:
        """An independent copy with gradients off (the KL reference)."""
        ...


def check_conditions(
    conditions: np.ndarray | None, rows: int, dim: int, who: str
) -> np.ndarray | None:
    """Validate a condition array: None when ``dim`` is 0, else finite (rows, dim) floats."""
    if conditions is None:
        if dim:
            raise MethodError(f"{who}: this policy needs conditions of width {dim}")
        return None
    array = np.asarray(conditions, dtype=np.float32)
    if dim == 0:
        raise MethodError(f"{who}: conditions given but the policy has condition_dim=0")
    if array.shape != (rows, dim):
        raise MethodError(f"{who}: conditions of shape {array.shape}, expected ({rows}, {dim})")
    if not np.all(np.isfinite(array)):
        raise MethodError(f"{who}: conditions contain NaN or inf")
    return array
