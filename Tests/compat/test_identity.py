"""Identity through real AWS tooling: tokens from the SageMaker SDK's generator used by the
`openai` package, IAM administration with boto3 and the AWS CLI, and policies that scope
users to endpoints, all against a real `gangway serve` process."""

from __future__ import annotations

import configparser
import datetime
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import botocore.exceptions
import openai
import pytest

from conftest import Door

MESSAGES = [{"role": "user", "content": "Hello through an IAM door"}]
ARN = "arn:aws:sagemaker:us-east-1:123456789012"


def admin_keys(gangway) -> tuple[str, str]:
    parser = configparser.ConfigParser()
    parser.read(gangway.credentials_file)
    return parser["gangway"]["aws_access_key_id"], parser["gangway"]["aws_secret_access_key"]


def aws_client(gangway, service: str, keys: tuple[str, str] | None = None):
    key_id, secret = keys or admin_keys(gangway)
    return boto3.client(
        service,
        endpoint_url=gangway.root,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def sdk_token(monkeypatch, keys: tuple[str, str], expiry: datetime.timedelta = datetime.timedelta(minutes=15)) -> str:
    """A token made by the SageMaker SDK itself from the standard credential chain."""
    from sagemaker.core.token_generator import generate_token

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys[1])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return generate_token(region="us-east-1", expiry=expiry)


def test_sdk_token_works_with_the_openai_package_streaming_included(gangway, monkeypatch):
    token = sdk_token(monkeypatch, admin_keys(gangway))
    assert token.startswith("sagemaker-api-key-")
    client = gangway.door("single", api_key=token).client()
    answer = client.chat.completions.create(model="", messages=MESSAGES)
    assert answer.choices[0].message.content
    chunks = list(
        client.chat.completions.create(
            model="", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == answer.choices[0].message.content
    assert chunks[-1].usage is not None


def test_gangway_token_and_sdk_token_are_the_same_format(gangway, monkeypatch):
    ours = gangway.token("15m")
    theirs = sdk_token(monkeypatch, admin_keys(gangway))
    import base64

    decode = lambda t: base64.b64decode(t.removeprefix("sagemaker-api-key-")).decode()
    ours_url, theirs_url = decode(ours), decode(theirs)
    strip = lambda url: sorted(p.split("=")[0] for p in url.split("?", 1)[1].split("&"))
    assert ours_url.split("?")[0] == theirs_url.split("?")[0] == "sagemaker.amazonaws.com/"
    assert strip(ours_url) == strip(theirs_url)


def test_missing_and_bad_tokens_raise_authentication_error(gangway):
    client = gangway.door("single", api_key="sagemaker-api-key-bm90LWEtdG9rZW4=").client()
    with pytest.raises(openai.AuthenticationError) as raised:
        client.chat.completions.create(model="", messages=MESSAGES)
    assert raised.value.status_code == 401
    assert raised.value.body["code"] == "invalid_token"


def test_sts_get_caller_identity(gangway):
    identity = aws_client(gangway, "sts").get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/admin"
    assert identity["UserId"].startswith("AIDA")


def test_boto3_iam_flow_scopes_a_user_to_one_endpoint(gangway, monkeypatch):
    iam = aws_client(gangway, "iam")
    name = f"alice-{uuid.uuid4().hex[:8]}"
    user = iam.create_user(UserName=name)["User"]
    assert user["Arn"] == f"arn:aws:iam::123456789012:user/{name}"
    iam.put_user_policy(
        UserName=name,
        PolicyName="invoke-single",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["sagemaker:InvokeEndpoint", "sagemaker:CallWithBearerToken"],
                        "Resource": f"{ARN}:endpoint/single",
                    }
                ],
            }
        ),
    )
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["invoke-single"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    keys = (key["AccessKeyId"], key["SecretAccessKey"])
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40

    token = sdk_token(monkeypatch, keys)
    allowed = gangway.door("single", api_key=token).client()
    assert allowed.chat.completions.create(model="", messages=MESSAGES).choices
    with pytest.raises(openai.PermissionDeniedError) as denied:
        gangway.door("hosting", "general", api_key=token).client().chat.completions.create(model="", messages=MESSAGES)
    assert "is not authorized to perform" in denied.value.message

    # A non-admin gets AccessDenied from the IAM API.
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        aws_client(gangway, "iam", keys).create_user(UserName=f"mallory-{uuid.uuid4().hex[:6]}")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert aws_client(gangway, "sts", keys).get_caller_identity()["Arn"].endswith(f"user/{name}")

    # Deactivation takes effect on the next request, with the same token.
    iam.update_access_key(UserName=name, AccessKeyId=keys[0], Status="Inactive")
    with pytest.raises(openai.AuthenticationError):
        allowed.chat.completions.create(model="", messages=MESSAGES)
    iam.update_access_key(UserName=name, AccessKeyId=keys[0], Status="Active")
    assert allowed.chat.completions.create(model="", messages=MESSAGES).choices

    # Deletion too; then the user can go.
    iam.delete_access_key(UserName=name, AccessKeyId=keys[0])
    with pytest.raises(openai.AuthenticationError):
        allowed.chat.completions.create(model="", messages=MESSAGES)
    with pytest.raises(botocore.exceptions.ClientError) as conflict:
        iam.delete_user(UserName=name)
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
    iam.delete_user_policy(UserName=name, PolicyName="invoke-single")
    iam.delete_user(UserName=name)
    with pytest.raises(botocore.exceptions.ClientError) as gone:
        iam.get_user(UserName=name)
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"


def test_iam_errors_come_back_as_aws_errors(gangway):
    iam = aws_client(gangway, "iam")
    name = f"bob-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    with pytest.raises(botocore.exceptions.ClientError) as exists:
        iam.create_user(UserName=name)
    assert exists.value.response["Error"]["Code"] == "EntityAlreadyExists"
    with pytest.raises(botocore.exceptions.ClientError) as malformed:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument='{"Version":"2012-10-17","Statement":[]}')
    assert malformed.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    iam.create_access_key(UserName=name)
    iam.create_access_key(UserName=name)
    with pytest.raises(botocore.exceptions.ClientError) as limit:
        iam.create_access_key(UserName=name)
    assert limit.value.response["Error"]["Code"] == "LimitExceeded"
    bad = aws_client(gangway, "iam", (admin_keys(gangway)[0], "x" * 40))
    with pytest.raises(botocore.exceptions.ClientError) as signature:
        bad.list_users()
    assert signature.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    unknown = aws_client(gangway, "iam", ("AKIAIOSFODNN7EXAMPLE", "x" * 40))
    with pytest.raises(botocore.exceptions.ClientError) as invalid:
        unknown.list_users()
    assert invalid.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_aws_cli_flow(gangway, tmp_path):
    env = {
        **os.environ,
        "AWS_SHARED_CREDENTIALS_FILE": str(gangway.credentials_file),
        "AWS_PROFILE": "gangway",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
    }
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(key, None)
    aws = [str(Path(sys.executable).parent / "aws"), "--endpoint-url", gangway.root, "--output", "json"]
    name = f"carol-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> dict:
        result = subprocess.run([*aws, *args], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    assert run("iam", "create-user", "--user-name", name)["User"]["UserName"] == name
    assert name in [u["UserName"] for u in run("iam", "list-users")["Users"]]
    key = run("iam", "create-access-key", "--user-name", name)["AccessKey"]
    assert run("iam", "list-access-keys", "--user-name", name)["AccessKeyMetadata"][0]["AccessKeyId"] == key["AccessKeyId"]
    assert run("sts", "get-caller-identity")["Account"] == "123456789012"
    failed = subprocess.run([*aws, "iam", "get-user", "--user-name", "nobody-here"], env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode != 0 and "NoSuchEntity" in failed.stderr
