"""Randomly initialised causal LMs and a local byte-level tokenizer: no download, any size.

For tests (a 2-layer, 32-wide Llama) and the GPU check (a SmolLM2-135M-sized Llama). The
tokenizer encodes any text as bytes (the GPT-2 byte-to-unicode alphabet, no merges) and pads its
vocabulary with filler tokens ``<|fN|>`` up to the model's vocabulary size, so every id a random
model samples decodes to text.
"""

from __future__ import annotations

from typing import Any

import torch

from mobench.errors import MethodError

EOS = "<|endoftext|>"

# SmolLM2-135M's architecture (its config.json): 30 layers, hidden 576, 9 heads, 3 kv heads
SMOLLM2_135M = {
    "vocab_size": 49152,
    "hidden_size": 576,
    "intermediate_size": 1536,
    "num_hidden_layers": 30,
    "num_attention_heads": 9,
    "num_key_value_heads": 3,
    "max_position_embeddings": 8192,
    "rms_norm_eps": 1e-5,
    "rope_theta": 100000.0,
    "tie_word_embeddings": True,
}
TINY_LLAMA = {
    "vocab_size": 300,
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 2048,
    "tie_word_embeddings": False,
}


def byte_tokenizer(vocab_size: int = 300) -> Any:
    """A ``PreTrainedTokenizerFast`` over bytes with ``<|endoftext|>`` as eos and pad (id 256)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    if vocab_size < len(alphabet) + 1:
        raise MethodError(f"byte tokenizer: vocab_size must be >= {len(alphabet) + 1}")
    vocab = {ch: i for i, ch in enumerate(alphabet)}
    vocab[EOS] = len(vocab)
    while len(vocab) < vocab_size:
        vocab[f"<|f{len(vocab)}|>"] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=EOS)


def random_llama(config: dict[str, Any] | None = None, seed: int = 0, **overrides: Any) -> Any:
    """A randomly initialised ``LlamaForCausalLM`` (``TINY_LLAMA`` unless ``config`` is given)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    settings = {**(config or TINY_LLAMA), **overrides}
    cfg = LlamaConfig(**settings, bos_token_id=None, eos_token_id=256, pad_token_id=256)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlamaForCausalLM(cfg)
    model.generation_config.eos_token_id = 256
    model.generation_config.pad_token_id = 256
    return model
