#!/usr/bin/env bash
# Creates .venv at the repository root with the packages the compatibility tests use
# (Tests/compat/requirements.txt), including llama-cpp-python built from source, CPU only.
#
# apt packages needed (Debian 12): python3 python3-venv build-essential
#   (cmake and ninja come from PyPI as llama-cpp-python's build requirements; no BLAS,
#    curl or OpenSSL development packages are needed with the CMAKE_ARGS below)
#
# Idempotent: when .venv already holds exactly these requirements it returns at once.
# The llama-cpp-python wheel is kept in .cache/wheels (or $GANGWAY_WHEEL_CACHE), so a fresh
# .venv reinstalls in seconds instead of recompiling llama.cpp (5+ minutes on 2 cores).
#
# Environment: PYTHON (default python3), GANGWAY_WHEEL_CACHE, GANGWAY_BUILD_JOBS (default nproc).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$repo/Tests/compat/requirements.txt"
venv="$repo/.venv"
python="${PYTHON:-python3}"
wheels_root="${GANGWAY_WHEEL_CACHE:-$repo/.cache/wheels}"

# Lean, portable build: CPU backend only, no -march=native (the wheel may be cached and used
# on other CI machines; ggml then enables AVX2/FMA/F16C, which every current x86-64 runner has),
# no BLAS, no OpenMP runtime dependency beyond libgomp, no curl/OpenSSL, no tools, examples,
# tests or the multimodal (mtmd) library, which the tests never load.
llama_cmake_args="-DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF \
-DGGML_VULKAN=OFF -DGGML_METAL=OFF -DGGML_RPC=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAVA_BUILD=OFF"

log() { printf 'setup-python: %s\n' "$*" >&2; }

hash_of() { sha256sum | cut -c1-16; }

llama_version="$(sed -n 's/^llama-cpp-python\(\[[^]]*\]\)\{0,1\}==\([^ ]*\).*/\2/p' "$requirements")"
if [[ -z "$llama_version" ]]; then
    log "no pinned llama-cpp-python in $requirements"
    exit 1
fi

# Everything that decides the contents of .venv; a change in any of it reinstalls.
stamp_value="$( { cat "$requirements"; echo "$llama_cmake_args"; "$python" -VV; } | hash_of)"
stamp_file="$venv/.gangway-setup"

if [[ -x "$venv/bin/python" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_value" ]]; then
    log ".venv is up to date"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    log "creating $venv with $("$python" -V)"
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

# A wheel built with other CMake flags must not be reused, so the flags name the folder.
wheels="$wheels_root/llama-cpp-python-$llama_version-$(printf '%s' "$llama_cmake_args" | hash_of)"
mkdir -p "$wheels"
if ! compgen -G "$wheels/llama_cpp_python-$llama_version-*.whl" >/dev/null; then
    log "building llama-cpp-python $llama_version from source (several minutes)"
    started=$SECONDS
    CMAKE_ARGS="$llama_cmake_args" \
    CMAKE_BUILD_PARALLEL_LEVEL="${GANGWAY_BUILD_JOBS:-$(nproc)}" \
        "${pip[@]}" wheel --no-deps --no-binary llama-cpp-python \
        --wheel-dir "$wheels" "llama-cpp-python==$llama_version"
    log "built llama-cpp-python in $((SECONDS - started)) s"
fi

# --only-binary makes pip take the cached wheel and never fall back to a second source build.
"${pip[@]}" install --find-links "$wheels" --only-binary llama-cpp-python -r "$requirements"
"$venv/bin/python" -c 'import llama_cpp, openai, gguf; print("llama_cpp", llama_cpp.__version__, "openai", openai.__version__)'

echo "$stamp_value" >"$stamp_file"
log "done: $venv"
