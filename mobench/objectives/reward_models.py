"""Reward-model scorers for the dialogue track: ``hh.helpful@1``, ``hh.harmless@1``, ``hh.humor@1``.

The three ids share one implementation; the id says what the objective measures, the params say
which reward model measures it. The score is the reward model's raw value; the pack's declared
bounds map typical values into [0, 1] (values outside are clipped by ``Pack.normalise``).

``{"backend": "bt", "model": FILE, "sha256": HEX}`` (the offline default)
    a Bradley–Terry head over frozen MiniLM features trained by ``mobench rm train``
    (:mod:`mobench.bt_reward`). ``FILE`` is a path, or ``pack:NAME@VERSION/FILE`` for a file
    shipped inside a pack folder. The scorer refuses a file whose sha256 differs from ``HEX``:
    the scorer id@version plus that hash identify the scoring function.
``{"backend": "hf", "model": ID_OR_PATH, ...}``
    any Hugging Face sequence-classification reward model (``AutoModelForSequenceClassification``
    and its tokenizer), e.g. the gpt2-large helpful / harmless reward models of the RiC paper.
    Options: ``revision`` (pin a hub model), ``template`` (``"hh"``: the HH-RLHF transcript
    ``\\n\\nHuman: … \\n\\nAssistant: <response>``; ``"chat"``: the tokenizer's chat template),
    ``label`` (logit index, default 0), ``batch_size`` (8), ``max_length`` (1024; long inputs
    lose their *start*, so the response is always scored), ``device`` (``"auto"``: CUDA when
    available), ``dtype`` (``"float32"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mobench.bt_reward import BTRewardModel, RewardModelError, load_model
from mobench.objectives.base import ScoreRequest, ScoringEnv, register_scorer

SCORER_IDS = ("hh.helpful", "hh.harmless", "hh.humor")
VERSION = 1
_TURN_RE = re.compile(r"\n\nHuman:|\n\nAssistant:")


def resolve_model_path(ref: str) -> Path:
    """A model file: ``pack:NAME@VERSION/FILE`` inside a pack folder, or a plain path."""
    if ref.startswith("pack:"):
        pack_ref, sep, filename = ref[len("pack:") :].partition("/")
        if not sep or not filename:
            raise RewardModelError(f"model {ref!r} must look like pack:NAME@VERSION/FILE")
        from mobench.pack_index import locate

        return locate(pack_ref).path / filename
    return Path(ref).expanduser()


def hh_transcript(prompt: str) -> str:
    """A prompt as an HH-RLHF transcript ending in ``\\n\\nAssistant:``."""
    if "Human:" in prompt:
        text = prompt if prompt.startswith("\n\n") else "\n\n" + prompt.lstrip()
        return text if text.rstrip().endswith("Assistant:") else f"{text.rstrip()}\n\nAssistant:"
    return f"\n\nHuman: {prompt.strip()}\n\nAssistant:"


def chat_messages(prompt: str, response: str) -> list[dict[str, str]]:
    """The turns of an HH transcript plus the response, as chat messages."""
    transcript = hh_transcript(prompt)
    roles = [m.group(0).strip().rstrip(":") for m in _TURN_RE.finditer(transcript)]
    texts = _TURN_RE.split(transcript)[1:]
    messages = [
        {"role": "user" if role == "Human" else "assistant", "content": text.strip()}
        for role, text in zip(roles, texts, strict=True)
        if text.strip()
    ]
    messages.append({"role": "assistant", "content": response.strip()})
    return messages


class BTScorer:
    """Scores with a Bradley–Terry reward model file (hash-checked)."""

    def __init__(self, scorer_id: str, params: Mapping[str, Any]) -> None:
        self.id, self.version = scorer_id, VERSION
        ref, digest = params.get("model"), params.get("sha256")
        if not isinstance(ref, str) or not isinstance(digest, str):
            raise RewardModelError(
                f"{scorer_id}@{VERSION} (backend bt) needs params 'model' (a .npz from "
                "`mobench rm train`) and its 'sha256'"
            )
        self.path = resolve_model_path(ref)
        self.model: BTRewardModel = load_model(self.path, digest)

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        return self.model.score([r.item.prompt for r in batch], [r.completion for r in batch])


_HF_CACHE: dict[tuple[str, str, str, str], Any] = {}


class HFRewardScorer:
    """Scores with a transformers sequence-classification reward model."""

    def __init__(self, scorer_id: str, params: Mapping[str, Any]) -> None:
        self.id, self.version = scorer_id, VERSION
        model = params.get("model")
        if not isinstance(model, str) or not model:
            raise RewardModelError(f"{scorer_id}@{VERSION} (backend hf) needs a 'model' id or path")
        self.model_ref = model
        self.revision = str(params.get("revision", "")) or None
        self.template = str(params.get("template", "hh"))
        if self.template not in ("hh", "chat"):
            raise RewardModelError(f"template must be 'hh' or 'chat', got {self.template!r}")
        self.label = int(params.get("label", 0))
        self.batch_size = int(params.get("batch_size", 8))
        self.max_length = int(params.get("max_length", 1024))
        self.device = str(params.get("device", "auto"))
        self.dtype = str(params.get("dtype", "float32"))
        if self.dtype not in ("float32", "float16", "bfloat16"):
            raise RewardModelError(
                f"dtype must be float32, float16 or bfloat16, got {self.dtype!r}"
            )

    def _load(self) -> tuple[Any, Any, str]:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise RewardModelError(
                f"{self.id}: the hf backend needs transformers ({exc}); pip install 'mobench[hf]'"
            ) from None
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        key = (self.model_ref, self.revision or "", device, self.dtype)
        if key not in _HF_CACHE:
            try:
                tokenizer = AutoTokenizer.from_pretrained(self.model_ref, revision=self.revision)
                model = AutoModelForSequenceClassification.from_pretrained(
                    self.model_ref, revision=self.revision
                )
                model = model.to(getattr(torch, self.dtype))
            except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load"
                raise RewardModelError(
                    f"{self.id}: cannot load reward model {self.model_ref!r} "
                    f"({type(exc).__name__}: {exc})"
                ) from None
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
            tokenizer.truncation_side = "left"  # keep the response, drop the oldest turns
            if model.config.pad_token_id is None:
                model.config.pad_token_id = tokenizer.pad_token_id
            model.to(device).eval()
            _HF_CACHE[key] = (tokenizer, model)
        tokenizer, model = _HF_CACHE[key]
        return tokenizer, model, device

    def texts(self, batch: Sequence[ScoreRequest], tokenizer: Any = None) -> list[str]:
        if self.template == "chat":
            if not getattr(tokenizer, "chat_template", None):
                raise RewardModelError(
                    f"{self.id}: reward model {self.model_ref!r} has no chat template; "
                    "use template 'hh'"
                )
            return [
                tokenizer.apply_chat_template(
                    chat_messages(r.item.prompt, r.completion), tokenize=False
                )
                for r in batch
            ]
        return [f"{hh_transcript(r.item.prompt)} {r.completion.strip()}" for r in batch]

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        import torch

        if not batch:
            return np.zeros(0)
        tokenizer, model, device = self._load()
        texts = self.texts(batch, tokenizer)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros(len(texts))
        limits = [self.max_length, getattr(tokenizer, "model_max_length", None)]
        limits += [
            getattr(model.config, k, None) for k in ("max_position_embeddings", "n_positions")
        ]
        limit = min(int(v) for v in limits if isinstance(v, int) and v > 0)
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                rows = order[start : start + self.batch_size]
                encoded = tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=limit,
                    return_tensors="pt",
                ).to(device)
                logits = model(**encoded).logits.float()
                out[rows] = logits[:, self.label].cpu().numpy()
        return out


def make_reward_scorer(scorer_id: str, params: Mapping[str, Any]) -> BTScorer | HFRewardScorer:
    backend = params.get("backend", "bt")
    if backend == "bt":
        return BTScorer(scorer_id, params)
    if backend == "hf":
        return HFRewardScorer(scorer_id, params)
    raise RewardModelError(f"{scorer_id}@{VERSION}: backend must be 'bt' or 'hf', got {backend!r}")


def _register(scorer_id: str) -> None:
    @register_scorer(scorer_id, VERSION)
    def factory(params: Mapping[str, Any], env: ScoringEnv) -> BTScorer | HFRewardScorer:
        return make_reward_scorer(scorer_id, params)


for _sid in SCORER_IDS:
    _register(_sid)
