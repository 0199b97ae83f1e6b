#!/usr/bin/python3
"""End-to-end tests of the AWS JSON 1.1 wire layer for Organizations against `iamd serve`, with
boto3's `organizations` client and raw signed requests: X-Amz-Target routing, SigV4 for the
`organizations` scope (its Regions only), session credentials, and AWS's JSON answers for
operations iamd does not serve yet, constraint failures (InvalidInputException with a
Reason), malformed bodies (SerializationException), unknown targets
(UnknownOperationException), unsigned requests (MissingAuthenticationTokenException) and
requests signed for another service (InvalidSignatureException). Prints one line per check
and a closing "N passed, N failed". Run by ctest as e2e_org_protocol:
    tests/e2e/org_protocol_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)
import botocore.config  # noqa: E402

server, tmp = start_server("org-protocol")
TARGET = "AWSOrganizationsV20161128."
# An operation without required members that iamd does not serve (the organization's resource
# policy): a signed request for it reaches the operation and answers UnknownOperationException.
UNSERVED = "DescribeResourcePolicy"


def org(region="us-east-1", key=ROOT_KEY, secret=ROOT_SECRET, token=None, validate=True):
    return boto3.session.Session().client(
        "organizations", endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=botocore.config.Config(parameter_validation=validate, retries={"max_attempts": 1}))


def raw(operation, body, scope="organizations", region="us-east-1", sign=True, target=None,
        content_type="application/x-amz-json-1.1"):
    """POSTs `body` with X-Amz-Target (TARGET + operation unless `target`), signed for
    `scope`/`region` (or unsigned); returns (status, headers, parsed JSON body)."""
    headers = {"Content-Type": content_type, "X-Amz-Target": target if target is not None else TARGET + operation}
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.endpoint + "/", data=body.encode(),
                                         headers=headers)
    if sign:
        creds = botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET)
        botocore.auth.SigV4Auth(creds, scope, region).add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"{}")


# Values that satisfy the model's constraints, by shape name (the rest: an enum's first
# value, or a string of the minimum length).
VALID = {
    "AccountId": "111122223333", "RootId": "r-ab12", "ParentId": "r-ab12", "ChildId": "111122223333",
    "PolicyId": "p-examplepolicy1", "PolicyTargetId": "r-ab12", "TaggableResourceId": "r-ab12",
    "OrganizationalUnitId": "ou-ab12-exampleou", "HandshakeId": "h-examplehandshake",
    "CreateAccountRequestId": "car-examplecreateacc", "Email": "dev@example.com", "ServicePrincipal": "s3.amazonaws.com",
    "RoleName": "OrganizationAccountAccessRole", "CreateAccountName": "Dev", "HandshakePartyId": "111122223333",
}


def valid_value(shape):
    if shape.name in VALID:
        return VALID[shape.name]
    if shape.type_name == "structure":
        return {name: valid_value(shape.members[name]) for name in shape.required_members}
    if shape.type_name == "list":
        return [valid_value(shape.member)]
    if shape.type_name == "string":
        if shape.enum:
            return shape.enum[0]
        return "x" * max(1, shape.metadata.get("min", 1))
    if shape.type_name == "integer":
        return shape.metadata.get("min", 1)
    if shape.type_name == "boolean":
        return True
    raise AssertionError(f"no valid value for {shape.name} ({shape.type_name})")


def not_served():
    """The Organizations operations docs/api-coverage.md lists as not supported yet."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "api-coverage.md")
    section = open(path, encoding="utf-8").read().split("## Organizations", 1)[1]
    return {line.split("|")[1].strip() for line in section.splitlines()
            if line.startswith("| ") and "not supported yet" in line}


@check("every Organizations operation iamd does not serve answers UnknownOperationException in JSON")
def _():
    c = org()
    model = c.meta.service_model
    assert len(model.operation_names) == 55, len(model.operation_names)
    unserved = not_served()
    assert unserved <= set(model.operation_names) and unserved, unserved
    for name in model.operation_names:
        if name not in unserved:
            continue
        op = model.operation_model(name)
        params = valid_value(op.input_shape) if op.input_shape is not None else {}
        method = getattr(c, botocore.xform_name(name))
        try:
            method(**params)
            raise AssertionError(f"{name} succeeded")
        except botocore.exceptions.ClientError as e:
            err, meta = e.response["Error"], e.response["ResponseMetadata"]
            assert err["Code"] == "UnknownOperationException", (name, params, e.response)
            assert err["Message"] == f"The operation {name} is not supported by iamd.", (name, err)
            assert meta["HTTPStatusCode"] == 400, (name, meta)
            assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1", meta
            assert meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"] and meta["RequestId"], meta


@check("a constraint failure: InvalidInputException with its Reason (Name '' of create_organizational_unit)")
def _():
    c = org(validate=False)
    try:
        c.create_organizational_unit(ParentId="r-ab12", Name="")
        raise AssertionError("accepted")
    except c.exceptions.InvalidInputException as e:
        assert e.response["Error"] == {
            "Code": "InvalidInputException",
            "Message": "You provided a string parameter that is shorter than allowed."}, e.response
        assert e.response["Reason"] == "MIN_LENGTH_EXCEEDED", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    for call, kwargs, reason, message in (
            (c.describe_account, {"AccountId": "12"}, "INVALID_PATTERN",
             "You provided a value that does not match the required pattern."),
            (c.list_accounts, {"MaxResults": 21}, "MAX_VALUE_EXCEEDED",
             "You provided a numeric parameter that has a larger value than allowed."),
            (c.list_policies_for_target, {"TargetId": "r-ab12", "Filter": "NOPE"}, "INVALID_ENUM",
             "You specified an invalid value."),
            (c.create_account, {"Email": "dev@example.com", "AccountName": "Dev", "Tags": [{"Key": "k"}]},
             "INPUT_REQUIRED", "You must include a value for all required parameters.")):
        try:
            call(**kwargs)
            raise AssertionError(f"accepted {kwargs}")
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "InvalidInputException", e.response
            assert e.response["Error"]["Message"] == message, e.response
            assert e.response["Reason"] == reason, e.response


@check("malformed JSON, a value of the wrong type: SerializationException")
def _():
    for body in ("{", '{"MaxResults":"5"}', "[]", '{"MaxResults":1,"MaxResults":2}'):
        status, headers, doc = raw("ListAccounts", body)
        assert status == 400, (body, status, doc)
        assert doc["__type"].rsplit("#", 1)[-1] == "SerializationException", (body, doc)
        assert headers["Content-Type"] == "application/x-amz-json-1.1", headers
    # An empty body is the empty object: the operation is reached.
    status, _, doc = raw(UNSERVED, "")
    assert (status, doc["__type"].rsplit("#", 1)[-1]) == (400, "UnknownOperationException"), doc
    assert doc["message"] == f"The operation {UNSERVED} is not supported by iamd.", doc


@check("an unknown X-Amz-Target: UnknownOperationException")
def _():
    status, _, doc = raw("NoSuchOperation", "{}")
    assert status == 400 and doc["__type"] == "com.amazon.coral.service#UnknownOperationException", doc
    status, _, doc = raw("", "{}", target="DynamoDB_20120810.ListTables")
    assert status == 400 and doc["__type"] == "com.amazon.coral.service#UnknownOperationException", doc


@check("an unsigned request: MissingAuthenticationTokenException in JSON")
def _():
    status, headers, doc = raw("ListRoots", "{}", sign=False)
    assert status == 400, (status, doc)
    assert doc == {"__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
                   "message": "Request is missing Authentication Token"}, doc
    assert headers["Content-Type"] == "application/x-amz-json-1.1", headers
    try:
        boto3.session.Session().client(
            "organizations", endpoint_url=server.endpoint, region_name="us-east-1",
            config=botocore.config.Config(signature_version=botocore.UNSIGNED)).list_roots()
        raise AssertionError("accepted")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "MissingAuthenticationTokenException", e.response


@check("a request signed for iam (or sts) with an Organizations target is refused")
def _():
    for scope in ("iam", "sts"):
        status, _, doc = raw("ListRoots", "{}", scope=scope)
        assert status == 400, (scope, status, doc)
        assert doc == {"__type": "com.amazon.coral.service#InvalidSignatureException",
                       "message": "Credential should be scoped to correct service: 'organizations'. "}, doc


@check("the credential scope's Region: the partitions' Organizations Regions only")
def _():
    err = error_of(org("eu-west-1").list_roots)
    assert err == ("InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. ",
                   400), err
    for region in ("us-east-1", "cn-northwest-1", "us-gov-west-1"):
        # Reached and authorized: the caller's account is in no organization.
        assert error_of(org(region).describe_organization)[0] == "AWSOrganizationsNotInUseException", region
    assert error_of(org("us-gov-east-1").list_roots)[0] == "InvalidSignatureException"


@check("unknown, bad and temporary credentials")
def _():
    err = error_of(org(key="AKIAUNKNOWNEXAMPLE00", secret="x" * 40).list_roots)
    assert err == ("UnrecognizedClientException", "The security token included in the request is invalid.", 400), err
    err = error_of(org(secret="wrong" * 8).list_roots)
    assert err[0] == "InvalidSignatureException" and err[2] == 400, err
    creds = client("sts").get_session_token()["Credentials"]
    session = org(key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
    # GetSessionToken credentials may call Organizations (only IAM needs MFA, STS is limited).
    assert error_of(session.describe_organization)[0] == "AWSOrganizationsNotInUseException"
    tampered = org(key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"][:-4] + "AAAA")
    assert error_of(tampered.list_roots)[0] == "UnrecognizedClientException"


@check("the Query services are untouched beside it")
def _():
    assert client("sts").get_caller_identity()["Account"] == ACCOUNT
    client("iam").create_user(UserName="beside-org")
    assert "beside-org" in [u["UserName"] for u in client("iam").list_users()["Users"]]


finish(tmp)
