#!/usr/bin/env python3
"""Generates Tests/GangwayCoreTests/SigV4/SigV4Vectors.swift: known answers made by botocore.

Every expected value comes from the reference implementations themselves, with the clock frozen:
  * header-signed requests from botocore's SigV4Auth (hand-built AWSRequests) and from real
    botocore clients (sagemaker-runtime, iam, sts) whose requests are captured before sending;
  * bearer tokens from sagemaker-core's public generate_token().

Usage (from the repository root):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install sagemaker-core botocore
    /tmp/venv/bin/python Tests/vectors/generate_sigv4_vectors.py

The output is deterministic: rerunning it with the same library versions rewrites the same file.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import os
import sys
import uuid
from unittest import mock

import botocore
import botocore.session
from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth, _host_from_url
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials

import sagemaker.core.token_generator as token_generator

OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "GangwayCoreTests", "SigV4", "SigV4Vectors.swift"
)

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TEMP_AKID = "ASIAQEXAMPLEEXAMPLE1"
TEMP_SECRET = "9drTJvcXLB89EXAMPLELB8923FB892xMFI+/EXAMPLE"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes=="
FIXED_USER_AGENT = "Botocore/test"


def frozen(when: datetime.datetime):
    """Freezes the clock botocore's signers read (naive UTC, as botocore uses it)."""
    return mock.patch("botocore.auth.get_current_datetime", return_value=when)


def epoch(when: datetime.datetime) -> float:
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


class RecordingSigV4Auth(SigV4Auth):
    """SigV4Auth that remembers the canonical request it signed."""

    canonical = None

    def string_to_sign(self, request, canonical_request):
        self.canonical = canonical_request
        return super().string_to_sign(request, canonical_request)


def text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def header_vector(name, service, region, when, method, path, query, headers, body, creds):
    """Signs a hand-built request. `headers` is a list so a name may repeat."""
    url = f"https://gangway.test{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body.encode("utf-8"))
    for key, value in headers:
        request.headers[key] = value  # HTTPHeaders appends, so repeats are kept.
    signer_input = list(request.headers.items())
    auth = RecordingSigV4Auth(creds, service, region)
    with frozen(when):
        auth.add_auth(request)
    return {
        "name": name,
        "service": service,
        "region": region,
        "akid": creds.access_key,
        "secret": creds.secret_key,
        "token": creds.token,
        "now": epoch(when),
        "method": method,
        "path": path,
        "query": query,
        "body": body,
        "input": [(k, text(v)) for k, v in signer_input],
        "wire": [(k, text(v)) for k, v in request.headers.items()],
        "authorization": text(request.headers["Authorization"]),
        "canonical": auth.canonical,
    }


def client_vector(name, service, region, when, call, creds):
    """Captures the request a real botocore client sends, as the server would receive it."""
    captured = []

    def before_send(request, **_):
        captured.append(request)

        class Raw:
            def stream(self, *args, **kwargs):
                return iter([b"{}"])

        return AWSResponse(request.url, 200, {}, Raw())

    session = botocore.session.get_session()
    client = session.create_client(
        service if service != "sagemaker" else "sagemaker-runtime",
        region_name=region,
        endpoint_url="http://127.0.0.1:8080",
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
    )
    client.meta.events.register("before-send", before_send)
    fixed_uuid = uuid.UUID("00000000-0000-4000-8000-000000000000")
    with frozen(when), mock.patch("uuid.uuid4", return_value=fixed_uuid):
        try:
            call(client)
        except Exception:  # The fake response may not parse; the request is what matters.
            pass
    request = captured[0]
    split = botocore.compat.urlsplit(request.url)
    # The HTTP client adds Host after signing; botocore signed the value it derives from the URL.
    wire = [("Host", _host_from_url(request.url))]
    for key, value in request.headers.items():
        value = FIXED_USER_AGENT if key.lower() == "user-agent" else text(value)
        wire.append((key, value))
    authorization = dict((k.lower(), v) for k, v in wire)["authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    signer_input = [
        (k, v)
        for k, v in wire
        if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")
        and (k.lower() in signed or k.lower() in SIGNED_HEADERS_BLACKLIST)
    ]
    body = request.body or b""
    return {
        "name": name,
        "service": service,
        "region": region,
        "akid": creds.access_key,
        "secret": creds.secret_key,
        "token": creds.token,
        "now": epoch(when),
        "method": request.method,
        "path": split.path,
        "query": split.query,
        "body": text(body),
        "input": signer_input,
        "wire": wire,
        "authorization": authorization,
        "canonical": None,
    }


class StaticProvider:
    """The smallest credential provider generate_token accepts."""

    def __init__(self, creds):
        self.creds = creds

    def load(self):
        return self.creds


def token_vector(name, region, when, expires, creds):
    with frozen(when):
        token = token_generator.generate_token(
            region=region, aws_credentials_provider=StaticProvider(creds), expiry=datetime.timedelta(seconds=expires)
        )
    return {
        "name": name,
        "region": region,
        "akid": creds.access_key,
        "secret": creds.secret_key,
        "token": creds.token,
        "now": epoch(when),
        "expires": expires,
        "bearer": token,
    }


def header_vectors():
    static = Credentials(AKID, SECRET)
    temporary = Credentials(TEMP_AKID, TEMP_SECRET, SESSION_TOKEN)
    t1 = datetime.datetime(2024, 5, 6, 7, 8, 9)
    t2 = datetime.datetime(2025, 12, 31, 23, 59, 59, 987654)  # fractions are dropped
    t3 = datetime.datetime(2024, 2, 29, 0, 0, 0)
    host = ("Host", "gangway.test")
    json_type = ("Content-Type", "application/json")
    return [
        header_vector(
            "POST JSON invocations", "sagemaker", "us-east-1", t1, "POST", "/endpoints/my-endpoint/invocations", "",
            [host, json_type], '{"inputs":"hello"}', static,
        ),
        header_vector(
            "POST chat completions with component header", "sagemaker", "us-east-1", t2, "POST",
            "/endpoints/shared/inference-components/general/openai/v1/chat/completions", "",
            [host, json_type, ("X-Amzn-SageMaker-Inference-Component", "general"), ("User-Agent", "test/1.0")],
            '{"model":"","messages":[{"role":"user","content":"caf\u00e9 \u2615"}],"stream":true}', static,
        ),
        header_vector(
            "GET models with query", "sagemaker", "eu-west-1", t1, "GET", "/endpoints/qwen/openai/v1/models",
            "limit=10&after=model%2Fa%20b&flag&a=2&a=1&tilde=~x", [host], "", static,
        ),
        header_vector(
            "path with percent-encoded space and unicode", "sagemaker", "us-east-1", t3, "POST",
            "/endpoints/my%20model/caf%C3%A9/invocations", "", [host, json_type], "{}", static,
        ),
        header_vector(
            "path with dot segments and double slashes", "sagemaker", "us-east-1", t1, "GET",
            "/a/./b/../c//d/", "", [host], "", static,
        ),
        header_vector(
            "path with reserved characters", "sagemaker", "us-east-1", t1, "GET",
            "/weird/a:b@c!$'()*+,;=~", "", [host], "", static,
        ),
        header_vector(
            "session token and repeated, padded headers", "sagemaker", "us-west-2", t2, "POST",
            "/endpoints/e/invocations", "",
            [host, json_type, ("X-Custom", "  first   value  "), ("X-Custom", "second\tvalue")], '{"x":1}', temporary,
        ),
        header_vector(
            "Date header instead of X-Amz-Date", "sagemaker", "us-east-1", t1, "POST", "/endpoints/e/invocations", "",
            [host, json_type, ("Date", "Thu, 01 Jan 1970 00:00:00 GMT")], "{}", static,
        ),
        header_vector(
            "signed X-Amz-Content-Sha256", "sagemaker", "us-east-1", t1, "POST", "/endpoints/e/invocations", "",
            [host, json_type, ("X-Amz-Content-Sha256", hashlib.sha256(b'{"signed":"payload"}').hexdigest())],
            '{"signed":"payload"}', static,
        ),
        header_vector(
            "IAM query protocol form", "iam", "us-east-1", t1, "POST", "/", "",
            [host, ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            "Action=CreateUser&UserName=alice&Version=2010-05-08", static,
        ),
        client_vector(
            "botocore sagemaker-runtime invoke_endpoint", "sagemaker", "us-east-1", t1,
            lambda c: c.invoke_endpoint(
                EndpointName="my-endpoint", Body=b'{"inputs":"hi"}', ContentType="application/json",
                InferenceComponentName="ic1",
            ),
            static,
        ),
        client_vector(
            "botocore sagemaker-runtime with session token", "sagemaker", "ap-southeast-2", t2,
            lambda c: c.invoke_endpoint(EndpointName="e", Body=b"{}", ContentType="application/json"),
            temporary,
        ),
        client_vector(
            "botocore iam create_user", "iam", "us-east-1", t1, lambda c: c.create_user(UserName="alice"), static,
        ),
        client_vector(
            "botocore sts get_caller_identity", "sts", "us-east-1", t3, lambda c: c.get_caller_identity(), static,
        ),
    ]


def token_vectors():
    static = Credentials(AKID, SECRET)
    temporary = Credentials(TEMP_AKID, TEMP_SECRET, SESSION_TOKEN)
    return [
        token_vector("default 12 hours", "us-east-1", datetime.datetime(2024, 5, 6, 7, 8, 9), 43200, static),
        token_vector("15 minutes", "us-east-1", datetime.datetime(2024, 12, 31, 23, 59, 59, 500000), 900, static),
        token_vector("one second", "us-east-1", datetime.datetime(2025, 1, 1, 0, 0, 0), 1, static),
        token_vector("other region", "eu-central-1", datetime.datetime(2024, 2, 29, 12, 0, 0), 3600, static),
        token_vector("session token", "us-west-2", datetime.datetime(2026, 3, 1, 8, 30, 0), 7200, temporary),
    ]


def primitive_vectors():
    """Smaller known answers: path and query canonicalisation, key derivation, dates, base64."""
    auth = SigV4Auth(Credentials(AKID, SECRET), "sagemaker", "us-east-1")
    paths = [
        "", "/", "/endpoints/e/invocations", "/a%20b", "/a b", "/caf%C3%A9", "/a/./b/../../c", "/../x",
        "//double//slash//", "/trailing/", "/~user/x_y-z.w", "/a:b@c!$'()*+,;=", "/percent%25", "/%7E",
    ]
    queries = [
        "", "a=1", "b=2&a=1", "a=2&a=1&a=10", "flag", "x=a%20b&y=%2F", "k%20ey=v", "z=&a=",
        "Action=ListUsers&Version=2010-05-08", "a=%E2%9C%93",
    ]
    keys = []
    for secret, date, region, service in [
        (SECRET, "20240506", "us-east-1", "sagemaker"),
        (TEMP_SECRET, "20251231", "eu-west-1", "iam"),
        ("", "20000101", "x", "y"),
    ]:
        k = auth._sign(f"AWS4{secret}".encode(), date)
        k = auth._sign(k, region)
        k = auth._sign(k, service)
        k = auth._sign(k, "aws4_request")
        keys.append((secret, date, region, service, k.hex()))
    instants = [0.0, 951782400.0, 1709164799.0, 1714979289.75, 4102444800.0, -86400.0]
    dates = [(t, datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
              email.utils.formatdate(int(t // 1))) for t in instants]
    blobs = ["", "f", "fo", "foo", "foob", "fooba", "foobar", "sagemaker.amazonaws.com/?Action=x", "\u00ff\u00fe"]
    base64s = [(b, base64.b64encode(b.encode("utf-8")).decode()) for b in blobs]
    return {
        "paths": [(p, auth._normalize_url_path(p)) for p in paths],
        "queries": [(q, auth._canonical_query_string_url(botocore.compat.urlsplit("https://h/?" + q))) for q in queries],
        "keys": keys,
        "dates": dates,
        "base64": base64s,
    }


def swift_string(value) -> str:
    if value is None:
        return "nil"
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def swift_headers(headers) -> str:
    items = ", ".join(f"({swift_string(k)}, {swift_string(v)})" for k, v in headers)
    return f"[{items}]"


def render(headers, tokens, primitives) -> str:
    lines = [
        "// GENERATED FILE: do not edit by hand.",
        "// Made by Tests/vectors/generate_sigv4_vectors.py with"
        f" botocore {botocore.__version__} and sagemaker-core's generate_token, clock frozen.",
        "// Regenerate with: python3 Tests/vectors/generate_sigv4_vectors.py (see the script's header).",
        "// The credentials are AWS documentation examples, not real keys.",
        "",
        "enum SigV4Vectors {",
        "    static let headerSigned: [HeaderSigningVector] = [",
    ]
    for v in headers:
        lines += [
            "        HeaderSigningVector(",
            f"            name: {swift_string(v['name'])},",
            f"            service: {swift_string(v['service'])}, region: {swift_string(v['region'])},",
            f"            accessKeyId: {swift_string(v['akid'])}, secretAccessKey: {swift_string(v['secret'])},",
            f"            sessionToken: {swift_string(v['token'])},",
            f"            now: {v['now']!r},",
            f"            method: {swift_string(v['method'])}, rawPath: {swift_string(v['path'])},",
            f"            rawQuery: {swift_string(v['query'])},",
            f"            body: {swift_string(v['body'])},",
            f"            signerInput: {swift_headers(v['input'])},",
            f"            wireHeaders: {swift_headers(v['wire'])},",
            f"            authorization: {swift_string(v['authorization'])},",
            f"            canonicalRequest: {swift_string(v['canonical'])}",
            "        ),",
        ]
    lines += ["    ]", "", "    static let bearerTokens: [BearerTokenVector] = ["]
    for v in tokens:
        lines += [
            "        BearerTokenVector(",
            f"            name: {swift_string(v['name'])}, region: {swift_string(v['region'])},",
            f"            accessKeyId: {swift_string(v['akid'])}, secretAccessKey: {swift_string(v['secret'])},",
            f"            sessionToken: {swift_string(v['token'])},",
            f"            issuedAt: {v['now']!r}, expiresInSeconds: {v['expires']},",
            f"            token: {swift_string(v['bearer'])}",
            "        ),",
        ]
    lines += ["    ]", ""]
    pairs = ", ".join(f"({swift_string(a)}, {swift_string(b)})" for a, b in primitives["paths"])
    lines += [f"    static let canonicalPaths: [(raw: String, canonical: String)] = [{pairs}]", ""]
    pairs = ", ".join(f"({swift_string(a)}, {swift_string(b)})" for a, b in primitives["queries"])
    lines += [f"    static let canonicalQueries: [(raw: String, canonical: String)] = [{pairs}]", ""]
    items = ", ".join(
        f"({swift_string(a)}, {swift_string(b)}, {swift_string(c)}, {swift_string(d)}, {swift_string(e)})"
        for a, b, c, d, e in primitives["keys"])
    lines += [
        "    static let signingKeys: [(secret: String, dateStamp: String, region: String, service: String, hex: String)] = ",
        f"        [{items}]", ""]
    items = ", ".join(f"({t!r}, {swift_string(a)}, {swift_string(h)})" for t, a, h in primitives["dates"])
    lines += [f"    static let dates: [(epoch: Double, amzDate: String, httpDate: String)] = [{items}]", ""]
    pairs = ", ".join(f"({swift_string(a)}, {swift_string(b)})" for a, b in primitives["base64"])
    lines += [f"    static let base64: [(plain: String, encoded: String)] = [{pairs}]", "}", ""]
    return "\n".join(lines)


def main() -> int:
    source = render(header_vectors(), token_vectors(), primitive_vectors())
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write(source)
    print(f"wrote {os.path.normpath(OUTPUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
