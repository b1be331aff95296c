"""Writes a tiny llama-architecture GGUF model with random weights, for tests.

The model is nonsense by design: it exists so a real llama.cpp server can be started in
seconds, without downloading anything, and answer OpenAI requests with real framing.
Same seed, same bytes: the file is a pure function of the arguments.

Usage: python make_tiny_gguf.py OUT.gguf [--seed N]
"""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path

import numpy as np
from gguf import GGUFWriter, MODEL_TENSOR, TENSOR_NAMES, TokenType

# Shape of the model: small enough to load and generate instantly on one CPU core.
N_LAYERS = 2
N_EMBD = 64
N_HEAD = 4
N_HEAD_KV = 4
N_FF = 128
CONTEXT_LENGTH = 512

# ChatML, the format most current open models use; llama-cpp-python's server renders
# prompts with the model's own template when the GGUF carries one.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

SPACE = "\u2581"  # SentencePiece's word-boundary mark


def vocabulary() -> tuple[list[str], list[float], list[int]]:
    """A SentencePiece ("llama") vocabulary: specials, all 256 byte-fallback pieces (so any
    text tokenizes), then a few ordinary pieces so plain English is not all bytes."""
    tokens: list[str] = []
    scores: list[float] = []
    types: list[int] = []

    def add(piece: str, kind: TokenType, score: float = 0.0) -> None:
        tokens.append(piece)
        scores.append(score)
        types.append(int(kind))

    add("<unk>", TokenType.UNKNOWN)
    add("<s>", TokenType.CONTROL)
    add("</s>", TokenType.CONTROL)
    add("<|im_start|>", TokenType.CONTROL)
    add("<|im_end|>", TokenType.CONTROL)
    for byte in range(256):
        add(f"<0x{byte:02X}>", TokenType.BYTE)
    pieces = [SPACE, *string.ascii_letters, *string.digits, *".,!?'-:"]
    pieces += [SPACE + letter for letter in string.ascii_lowercase]
    for rank, piece in enumerate(pieces):
        # Higher score merges first; longer pieces come later and so rank lower, which
        # is fine: the tokenizer only needs every merge result to exist.
        add(piece, TokenType.NORMAL, score=-float(rank))
    return tokens, scores, types


BOS_ID, EOS_ID, UNK_ID = 1, 4, 0  # EOS is <|im_end|> so a ChatML turn ends generation


def tensor_name(kind: MODEL_TENSOR, layer: int | None = None) -> str:
    name = TENSOR_NAMES[kind]
    return (name.format(bid=layer) if layer is not None else name) + ".weight"


def weights(n_vocab: int, rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """Tensors as numpy arrays in (rows=out, cols=in) order; gguf reverses the shape into
    ggml's order itself. Matrices are f16 and norms f32, as converted checkpoints store them."""
    head_dim = N_EMBD // N_HEAD

    def matrix(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * 0.02).astype(np.float16)

    def norm() -> np.ndarray:
        return np.ones(N_EMBD, dtype=np.float32)

    out = [
        (tensor_name(MODEL_TENSOR.TOKEN_EMBD), matrix(n_vocab, N_EMBD)),
        (tensor_name(MODEL_TENSOR.OUTPUT_NORM), norm()),
        (tensor_name(MODEL_TENSOR.OUTPUT), matrix(n_vocab, N_EMBD)),
    ]
    for layer in range(N_LAYERS):
        out += [
            (tensor_name(MODEL_TENSOR.ATTN_NORM, layer), norm()),
            (tensor_name(MODEL_TENSOR.ATTN_Q, layer), matrix(N_HEAD * head_dim, N_EMBD)),
            (tensor_name(MODEL_TENSOR.ATTN_K, layer), matrix(N_HEAD_KV * head_dim, N_EMBD)),
            (tensor_name(MODEL_TENSOR.ATTN_V, layer), matrix(N_HEAD_KV * head_dim, N_EMBD)),
            (tensor_name(MODEL_TENSOR.ATTN_OUT, layer), matrix(N_EMBD, N_HEAD * head_dim)),
            (tensor_name(MODEL_TENSOR.FFN_NORM, layer), norm()),
            (tensor_name(MODEL_TENSOR.FFN_GATE, layer), matrix(N_FF, N_EMBD)),
            (tensor_name(MODEL_TENSOR.FFN_UP, layer), matrix(N_FF, N_EMBD)),
            (tensor_name(MODEL_TENSOR.FFN_DOWN, layer), matrix(N_EMBD, N_FF)),
        ]
    return out


def write_tiny_gguf(path: Path, seed: int = 0) -> Path:
    tokens, scores, types = vocabulary()
    rng = np.random.default_rng(seed)

    writer = GGUFWriter(str(path), "llama")
    writer.add_name("gangway-tiny-llama")
    writer.add_context_length(CONTEXT_LENGTH)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYERS)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(tokens))
    writer.add_file_type(1)  # mostly f16

    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(BOS_ID)
    writer.add_eos_token_id(EOS_ID)
    writer.add_unk_token_id(UNK_ID)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    for name, array in weights(len(tokens), rng):
        writer.add_tensor(name, array)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_tiny_gguf(args.out, args.seed)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
