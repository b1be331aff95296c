#!/usr/bin/env python3
"""Generates Tests/GangwayCoreTests/Framing/EventStreamVectors.swift: AWS event-stream known answers.

Each message is framed here from the format's definition (struct + zlib's CRC-32), then decoded
by botocore's own `botocore.eventstream.EventStreamBuffer`, which checks both CRC-32s, the
lengths and the header encoding; a vector is written only if botocore reads back exactly the
headers and payload it was made from. CRC-32 answers come from zlib.

Usage (from the repository root; botocore is in the compat venv):
    .venv/bin/python Tests/vectors/generate_eventstream_vectors.py

The output is deterministic.
"""

from __future__ import annotations

import os
import struct
import zlib

import botocore
from botocore.eventstream import EventStreamBuffer

OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "GangwayCoreTests", "Framing", "EventStreamVectors.swift"
)

PAYLOAD_PART = [(":message-type", "event"), (":event-type", "PayloadPart"), (":content-type", "application/octet-stream")]


def exception_headers(kind: str) -> list[tuple[str, str]]:
    return [(":message-type", "exception"), (":exception-type", kind), (":content-type", "application/json")]


def frame(headers: list[tuple[str, str]], payload: bytes) -> bytes:
    encoded = b""
    for name, value in headers:
        name_bytes, value_bytes = name.encode(), value.encode()
        encoded += struct.pack(">B", len(name_bytes)) + name_bytes + b"\x07" + struct.pack(">H", len(value_bytes)) + value_bytes
    total = 16 + len(encoded) + len(payload)
    prelude = struct.pack(">II", total, len(encoded))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + encoded + payload
    return body + struct.pack(">I", zlib.crc32(body))


def decoded_by_botocore(message: bytes) -> tuple[list[tuple[str, str]], bytes]:
    buffer = EventStreamBuffer()
    buffer.add_data(message)
    events = list(buffer)
    assert len(events) == 1, events
    event = events[0]
    return list(event.headers.items()), event.payload


CASES: list[tuple[str, list[tuple[str, str]], bytes]] = [
    ("PayloadPart, empty payload", PAYLOAD_PART, b""),
    ("PayloadPart, ASCII", PAYLOAD_PART, b"hello"),
    ("PayloadPart, SSE chunk", PAYLOAD_PART, b'data: {"choices":[{"index":0,"delta":{"content":" caf\xc3\xa9"}}]}\n\n'),
    ("PayloadPart, multi-byte character split", PAYLOAD_PART, "日本".encode()[:4]),
    ("PayloadPart, every byte value", PAYLOAD_PART, bytes(range(256))),
    ("PayloadPart, 4096 bytes", PAYLOAD_PART, bytes((i * 7) % 251 for i in range(4096))),
    (
        "ModelStreamError, timeout",
        exception_headers("ModelStreamError"),
        b'{"Message":"Your model did not respond in time.","ErrorCode":"ModelInvocationTimeExceeded"}',
    ),
    (
        "InternalStreamFailure",
        exception_headers("InternalStreamFailure"),
        b'{"Message":"Gangway failed."}',
    ),
    ("no headers", [], b"x"),
    ("unicode header value", [("note", "café ☕")], b""),
]

CRC_CASES: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("a", b"a"),
    ("check string", b"123456789"),
    ("sentence", b"The quick brown fox jumps over the lazy dog"),
    ("every byte value", bytes(range(256))),
    ("zeros", bytes(64)),
]


def swift_bytes(data: bytes) -> str:
    return '"' + data.hex() + '"'


def swift_string(text: str) -> str:
    out = '"'
    for char in text:
        if char == '"':
            out += '\\"'
        elif char == "\\":
            out += "\\\\"
        elif char == "\n":
            out += "\\n"
        elif ord(char) < 0x20 or ord(char) > 0x7E:
            out += "\\u{%x}" % ord(char)
        else:
            out += char
    return out + '"'


def main() -> None:
    lines = [
        "// GENERATED FILE: do not edit by hand.",
        f"// Made by Tests/vectors/generate_eventstream_vectors.py; every message decoded by botocore {botocore.__version__}'s",
        "// eventstream parser (CRC-32s and lengths checked) before it was written here.",
        "",
        "enum EventStreamVectors {",
        "    static let messages: [EventStreamVector] = [",
    ]
    for name, headers, payload in CASES:
        message = frame(headers, payload)
        decoded_headers, decoded_payload = decoded_by_botocore(message)
        assert decoded_headers == headers, (name, decoded_headers)
        assert decoded_payload == payload, name
        header_list = ", ".join(f"({swift_string(k)}, {swift_string(v)})" for k, v in headers)
        lines += [
            "        EventStreamVector(",
            f"            name: {swift_string(name)},",
            f"            headers: [{header_list}],",
            f"            payloadHex: {swift_bytes(payload)},",
            f"            messageHex: {swift_bytes(message)}",
            "        ),",
        ]
    lines += ["    ]", "", "    static let checksums: [CRC32Vector] = ["]
    for name, data in CRC_CASES:
        lines.append(f"        CRC32Vector(name: {swift_string(name)}, inputHex: {swift_bytes(data)}, checksum: 0x{zlib.crc32(data):08X}),")
    lines += ["    ]", "}", ""]
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    print(f"wrote {os.path.normpath(OUTPUT)}")


if __name__ == "__main__":
    main()
