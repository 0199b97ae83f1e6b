#!/usr/bin/python3
"""End-to-end tests of IAM roles against `iamd serve`, with boto3.

Covers every role operation, AWS's error codes, messages and HTTP statuses, trust policy
validation, the returned (URL-encoded) AssumeRolePolicyDocument, pagination, quotas,
DeleteConflict, tags, and the condition keys of role operations. Prints one line per check
and a closing "N passed, N failed". Run by ctest as e2e_roles:
    tests/e2e/roles_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def trust(principal=None, **extra):
    principal = principal if principal is not None else {"Service": "ec2.amazonaws.com"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        dict({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}, **extra)]})


def sized_doc(n_resources):
    """An Allow policy whose size grows by ~120 bytes per resource."""
    return doc(allow("s3:GetObject", [f"arn:aws:s3:::bucket/{'k' * 100}-{i:04d}" for i in range(n_resources)]))


def arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


MANAGED = [f"arn:aws:iam::aws:policy/{n}" for n in (
    "IAMReadOnlyAccess", "AdministratorAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess", "AmazonEC2ReadOnlyAccess", "AmazonEC2FullAccess", "AmazonDynamoDBReadOnlyAccess",
    "AmazonDynamoDBFullAccess", "AmazonSQSFullAccess")]
IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
# A trust policy with whitespace, a "%", "+", "&" and non-ASCII text: it must come back as sent.
ODD_TRUST = ('{\n  "Version": "2012-10-17",\n  "Statement": [{"Sid": "A1", "Effect": "Allow",\n'
             '   "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",\n'
             '   "Condition": {"StringLike": {"sts:ExternalId": "a%20b+c&d <é>"}}}]\n}')


server, tmp = start_server("roles")


def raw_client():
    """An IAM client without boto3's own parameter checks, so the server's are seen."""
    import botocore.config
    return boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=ROOT_KEY,
        aws_secret_access_key=ROOT_SECRET, config=botocore.config.Config(parameter_validation=False))


@check("CreateRole: fields, ARN with path, AROA id, no MaxSessionDuration/RoleLastUsed")
def _():
    iam = client("iam")
    r = iam.create_role(RoleName="App", AssumeRolePolicyDocument=trust())["Role"]
    assert r["RoleName"] == "App" and r["Path"] == "/" and r["Arn"] == arn("App"), r
    assert r["RoleId"].startswith("AROA") and len(r["RoleId"]) == 21, r
    assert all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in r["RoleId"][4:]), r
    assert r["AssumeRolePolicyDocument"] == json.loads(trust()), r
    assert "CreateDate" in r
    for absent in ("MaxSessionDuration", "RoleLastUsed", "Description", "PermissionsBoundary", "Tags"):
        assert absent not in r, (absent, r)
    full = iam.create_role(RoleName="Full", Path="/svc/team/", AssumeRolePolicyDocument=trust(),
                           Description="the full one", MaxSessionDuration=7200, PermissionsBoundary=IAM_READ,
                           Tags=[{"Key": "team", "Value": "core"}, {"Key": "env", "Value": ""}])["Role"]
    assert full["Arn"] == arn("Full", "/svc/team/") and full["Path"] == "/svc/team/", full
    assert full["Description"] == "the full one", full
    assert full["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                           "PermissionsBoundaryArn": IAM_READ}, full
    # Tags sorted by key, AWS's order (protocol_test.py).
    assert full["Tags"] == [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "core"}], full
    assert "MaxSessionDuration" not in full


@check("GetRole: everything, RoleLastUsed empty, lookups ignore case; AssumeRolePolicyDocument round-trips")
def _():
    iam = client("iam")
    g = iam.get_role(RoleName="full")["Role"]
    assert g["RoleName"] == "Full" and g["MaxSessionDuration"] == 7200 and g["RoleLastUsed"] == {}, g
    assert g["PermissionsBoundary"]["PermissionsBoundaryArn"] == IAM_READ and g["Description"] == "the full one"
    assert g["Tags"] == [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "core"}], g
    app = iam.get_role(RoleName="App")["Role"]
    # Untagged: GetRole leaves Tags out, as AWS does (models/empty_lists.txt: Role.Tags keeps the default).
    assert app["MaxSessionDuration"] == 3600 and "Tags" not in app, app
    created = iam.create_role(RoleName="Odd", AssumeRolePolicyDocument=ODD_TRUST)["Role"]
    assert created["AssumeRolePolicyDocument"] == json.loads(ODD_TRUST), created
    assert iam.get_role(RoleName="Odd")["Role"]["AssumeRolePolicyDocument"] == json.loads(ODD_TRUST)
    listed = [x for x in iam.list_roles()["Roles"] if x["RoleName"] == "Odd"]
    assert listed[0]["AssumeRolePolicyDocument"] == json.loads(ODD_TRUST), listed
    # On the wire the document is percent-encoded, exactly as stored (api.md §3).
    iam_raw = client("iam")
    raw = {}
    iam_raw.meta.events.register("after-call.iam.GetRole",
                                 lambda http_response, **kw: raw.setdefault("body", http_response.text))
    iam_raw.get_role(RoleName="Odd")
    import urllib.parse
    body = raw["body"]
    start = body.index("<AssumeRolePolicyDocument>") + len("<AssumeRolePolicyDocument>")
    encoded = body[start:body.index("</AssumeRolePolicyDocument>")]
    assert "%7B" in encoded and " " not in encoded and "+" not in encoded, encoded
    assert urllib.parse.unquote(encoded) == ODD_TRUST, encoded


@check("CreateRole: EntityAlreadyExists (case-insensitive), ValidationError on name and MaxSessionDuration")
def _():
    iam = client("iam")
    assert error_of(iam.create_role, RoleName="APP", AssumeRolePolicyDocument=trust()) == \
        ("EntityAlreadyExists", "Role with name APP already exists.", 409)
    for kwargs in ({"RoleName": "bad name!"}, {"RoleName": "x" * 65}, {"RoleName": "ok", "MaxSessionDuration": 3599},
                   {"RoleName": "ok", "MaxSessionDuration": 43201}):
        code, _, status = error_of(raw_client().create_role, AssumeRolePolicyDocument=trust(), **kwargs)
        assert (code, status) == ("ValidationError", 400), (kwargs, code)
    iam.create_role(RoleName="x" * 64, AssumeRolePolicyDocument=trust(), MaxSessionDuration=43200)
    assert iam.get_role(RoleName="x" * 64)["Role"]["MaxSessionDuration"] == 43200
    iam.delete_role(RoleName="x" * 64)
    nope = "arn:aws:iam::aws:policy/Nope"
    assert error_of(iam.create_role, RoleName="bounded", AssumeRolePolicyDocument=trust(), PermissionsBoundary=nope) \
        == ("NoSuchEntity", f"Scope ARN: {nope} does not exist or is not attachable.", 404)  # as recorded
    assert error_of(iam.create_role, RoleName="dup-tags", AssumeRolePolicyDocument=trust(),
                    Tags=[{"Key": "Team", "Value": "a"}, {"Key": "team", "Value": "b"}]) == \
        ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)


@check("trust policy validation: invalid Json, Resource, no principal, missing principals, wildcards, size")
def _():
    iam = client("iam")
    iam.create_user(UserName="truster", Path="/people/")

    def err(document):
        return error_of(iam.create_role, RoleName="t", AssumeRolePolicyDocument=document)

    malformed = lambda m: ("MalformedPolicyDocument", m, 400)  # noqa: E731
    assert err("{not json") == malformed("This policy contains invalid Json")
    assert err(trust(Resource="*")) == malformed("Has prohibited field Resource")
    no_principal = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
    assert err(no_principal) == malformed(
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
        "The passed in policy has a statement with no principals!")
    ghost_role = "arn:aws:iam::111122223333:role/X"
    assert err(trust({"AWS": ghost_role})) == malformed(f'Invalid principal in policy: "AWS":"{ghost_role}"')
    ghost_user = f"arn:aws:iam::{ACCOUNT}:user/ghost"
    assert err(trust({"AWS": ghost_user})) == malformed(f'Invalid principal in policy: "AWS":"{ghost_user}"')
    wrong_path = f"arn:aws:iam::{ACCOUNT}:user/truster"  # the user lives under /people/
    assert err(trust({"AWS": wrong_path})) == malformed(f'Invalid principal in policy: "AWS":"{wrong_path}"')
    assert err(trust({"AWS": "not-an-arn"})) == malformed('Invalid principal in policy: "AWS":"not-an-arn"')
    wild = f"arn:aws:iam::{ACCOUNT}:user/*"
    assert err(trust({"AWS": wild})) == malformed(f'Invalid principal in policy: "AWS":"{wild}"')
    big = trust({"Service": [f"s{i:04d}{'x' * 40}.amazonaws.com" for i in range(60)]})
    assert err(big) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)
    assert "t" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    # Principals that exist, accounts, services and federated providers are accepted.
    ok = trust({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/people/truster", arn("App"), ACCOUNT,
                        f"arn:aws:iam::{ACCOUNT}:root", "*"],
                "Service": "lambda.amazonaws.com", "Federated": "accounts.google.com"})
    iam.create_role(RoleName="trusting", AssumeRolePolicyDocument=ok)
    assert iam.get_role(RoleName="trusting")["Role"]["AssumeRolePolicyDocument"] == json.loads(ok)


@check("UpdateAssumeRolePolicy: replaces the trust policy, validated the same way")
def _():
    iam = client("iam")
    new = trust({"AWS": arn("Full", "/svc/team/")})
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=new)
    assert iam.get_role(RoleName="App")["Role"]["AssumeRolePolicyDocument"] == json.loads(new)
    assert error_of(iam.update_assume_role_policy, RoleName="App", PolicyDocument=trust(Resource="*")) == \
        ("MalformedPolicyDocument", "Has prohibited field Resource", 400)
    assert iam.get_role(RoleName="App")["Role"]["AssumeRolePolicyDocument"] == json.loads(new)


def cli_validate_trust(document):
    """(code, message) of `iamd policy validate --type trust FILE`, or "valid"."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(document)
    try:
        r = subprocess.run([IAMD, "policy", "validate", "--type", "trust", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode == 0:
        return "valid"
    code, _, message = r.stdout.splitlines()[0].partition(": ")
    return code, message


def trust_with(statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [dict({"Effect": "Allow"}, **statement)]})


# Bad trust policies that need no stored state: the API's answer (CreateRole and
# UpdateAssumeRolePolicy) must be the CLI's, word for word.
BAD_TRUST = [
    ("invalid JSON", "{not json", "This policy contains invalid Json"),
    ("Resource", trust(Resource="*"), "Has prohibited field Resource"),
    ("NotResource", trust(NotResource="*"), "Has prohibited field NotResource"),
    ("non-STS action", trust_with({"Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject"}),
     "AssumeRole policy may only specify STS AssumeRole actions."),
    ("sts:*", trust_with({"Principal": {"AWS": ACCOUNT}, "Action": "sts:*"}),
     "AssumeRole policy may only specify STS AssumeRole actions."),
    ("no principal", trust_with({"Action": "sts:AssumeRole"}),
     "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
     "The passed in policy has a statement with no principals!"),
    ("NotPrincipal", trust_with({"NotPrincipal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}),
     'Invalid principal in policy: "NotPrincipal"'),
    ("short account id", trust({"AWS": "12345"}), 'Invalid principal in policy: "AWS":"12345"'),
    ("group ARN", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:group/g"}),
     f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT}:group/g"'),
    ("other partition", trust({"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}),
     f'Invalid principal in policy: "AWS":"arn:aws-cn:iam::{ACCOUNT}:root"'),
    ("wildcard in ARN", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/*"}),
     f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT}:user/*"'),
    ("bare service name", trust({"Service": "lambda"}), 'Invalid principal in policy: "SERVICE":"lambda"'),
    ("empty service", trust({"Service": ""}), 'Invalid principal in policy: "SERVICE":""'),
    ("unknown federated host", trust({"Federated": "login.example.com"}),
     'Invalid principal in policy: "FEDERATED":"login.example.com"'),
    ("canonical user", trust({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
     'Invalid principal in policy: "CANONICALUSER":'
     '"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"'),
]


@check("trust policies: CreateRole, UpdateAssumeRolePolicy and `iamd policy validate --type trust` agree")
def _():
    iam = client("iam")
    iam.create_role(RoleName="trust-target", AssumeRolePolicyDocument=trust())
    before = iam.get_role(RoleName="trust-target")["Role"]["AssumeRolePolicyDocument"]
    for name, document, message in BAD_TRUST:
        want = ("MalformedPolicyDocument", message)
        assert cli_validate_trust(document) == want, (name, cli_validate_trust(document))
        code, msg, status = error_of(iam.create_role, RoleName="trust-bad", AssumeRolePolicyDocument=document)
        assert (code, msg, status) == want + (400,), (name, code, msg)
        code, msg, status = error_of(iam.update_assume_role_policy, RoleName="trust-target", PolicyDocument=document)
        assert (code, msg, status) == want + (400,), (name, code, msg)
    assert "trust-bad" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert iam.get_role(RoleName="trust-target")["Role"]["AssumeRolePolicyDocument"] == before
    # Every principal form and STS action AWS accepts passes both.
    good = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", "*",
                                                  f"arn:aws:sts::{ACCOUNT}:assumed-role/R/s",
                                                  f"arn:aws:sts::{ACCOUNT}:federated-user/f"],
                                          "Service": ["lambda.amazonaws.com", "states.eu-west-1.amazonaws.com"]},
         "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]},
        {"Effect": "Allow", "Principal": {"Federated": [f"arn:aws:iam::{ACCOUNT}:saml-provider/idp",
                                                        "cognito-identity.amazonaws.com"]},
         "Action": ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]}]})
    assert cli_validate_trust(good) == "valid"
    iam.update_assume_role_policy(RoleName="trust-target", PolicyDocument=good)
    assert iam.get_role(RoleName="trust-target")["Role"]["AssumeRolePolicyDocument"] == json.loads(good)
    iam.delete_role(RoleName="trust-target")


@check("UpdateRole and UpdateRoleDescription")
def _():
    iam = client("iam")
    iam.update_role(RoleName="App", Description="described", MaxSessionDuration=10800)
    g = iam.get_role(RoleName="App")["Role"]
    assert g["Description"] == "described" and g["MaxSessionDuration"] == 10800, g
    iam.update_role(RoleName="App", MaxSessionDuration=3600)
    g = iam.get_role(RoleName="App")["Role"]
    assert g["Description"] == "described" and g["MaxSessionDuration"] == 3600, g
    assert error_of(raw_client().update_role, RoleName="App", MaxSessionDuration=100)[0:3:2] == \
        ("ValidationError", 400)
    r = iam.update_role_description(RoleName="app", Description="again")["Role"]
    assert r["RoleName"] == "App" and r["Description"] == "again" and r["Arn"] == arn("App"), r
    assert r["AssumeRolePolicyDocument"] == iam.get_role(RoleName="App")["Role"]["AssumeRolePolicyDocument"]


@check("NoSuchEntity for every role operation on a missing role")
def _():
    iam = client("iam")
    missing = ("NoSuchEntity", "The role with name nope cannot be found.", 404)
    calls = [
        (iam.get_role, {}), (iam.delete_role, {}), (iam.update_role, {"Description": "x"}),
        (iam.update_role_description, {"Description": "x"}),
        (iam.update_assume_role_policy, {"PolicyDocument": trust()}),
        (iam.put_role_policy, {"PolicyName": "p", "PolicyDocument": doc(allow("s3:*"))}),
        (iam.get_role_policy, {"PolicyName": "p"}), (iam.delete_role_policy, {"PolicyName": "p"}),
        (iam.list_role_policies, {}), (iam.attach_role_policy, {"PolicyArn": IAM_READ}),
        (iam.detach_role_policy, {"PolicyArn": IAM_READ}), (iam.list_attached_role_policies, {}),
        (iam.tag_role, {"Tags": [{"Key": "a", "Value": "b"}]}), (iam.untag_role, {"TagKeys": ["a"]}),
        (iam.list_role_tags, {}),
    ]
    for fn, kwargs in calls:
        got = error_of(fn, RoleName="nope", **kwargs)
        assert got == missing, (fn.__name__, got)


@check("ListRoles: fields, PathPrefix, pagination with MaxItems/Marker and the paginator")
def _():
    iam = client("iam")
    for i in range(5):
        iam.create_role(RoleName=f"page-{i}", Path="/paged/", AssumeRolePolicyDocument=trust(),
                        Tags=[{"Key": "k", "Value": "v"}], PermissionsBoundary=IAM_READ, Description=f"d{i}")
    seen, marker = [], None
    while True:
        kwargs = {"PathPrefix": "/paged/", "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        r = iam.list_roles(**kwargs)
        seen += [x["RoleName"] for x in r["Roles"]]
        if not r["IsTruncated"]:
            assert "Marker" not in r
            break
        assert len(r["Roles"]) == 2
        marker = r["Marker"]
    assert seen == [f"page-{i}" for i in range(5)], seen
    full = iam.get_paginator("list_roles").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 3})
    assert [x["RoleName"] for x in full.build_full_result()["Roles"]] == seen
    one = iam.list_roles(PathPrefix="/paged/", MaxItems=1)["Roles"][0]
    assert one["Description"] == "d0" and one["MaxSessionDuration"] == 3600 and one["Arn"] == arn("page-0", "/paged/")
    assert one["AssumeRolePolicyDocument"] == json.loads(trust())
    for absent in ("Tags", "PermissionsBoundary", "RoleLastUsed"):
        assert absent not in one, (absent, one)
    assert [x["RoleName"] for x in iam.list_roles(PathPrefix="/svc/")["Roles"]] == ["Full"]
    assert iam.list_roles(PathPrefix="/nothing/")["Roles"] == []
    names = [x["RoleName"] for x in iam.list_roles()["Roles"]]
    assert names == sorted(names, key=str.lower) and "App" in names and "page-4" in names, names


@check("role inline policies: put (replace), get, list paginated, delete, messages")
def _():
    iam = client("iam")
    iam.create_role(RoleName="inline", AssumeRolePolicyDocument=trust())
    d1 = doc(allow("s3:GetObject"))
    iam.put_role_policy(RoleName="inline", PolicyName="read", PolicyDocument=d1)
    got = iam.get_role_policy(RoleName="INLINE", PolicyName="read")
    assert got["RoleName"] == "inline" and got["PolicyName"] == "read" and got["PolicyDocument"] == json.loads(d1), got
    d2 = doc(allow("s3:PutObject"))
    iam.put_role_policy(RoleName="inline", PolicyName="read", PolicyDocument=d2)  # replaces
    assert iam.get_role_policy(RoleName="inline", PolicyName="read")["PolicyDocument"] == json.loads(d2)
    for name in ("b", "c"):
        iam.put_role_policy(RoleName="inline", PolicyName=name, PolicyDocument=d1)
    assert iam.list_role_policies(RoleName="inline")["PolicyNames"] == ["b", "c", "read"]
    page = iam.list_role_policies(RoleName="inline", MaxItems=2)
    assert page["PolicyNames"] == ["b", "c"] and page["IsTruncated"], page
    rest = iam.list_role_policies(RoleName="inline", Marker=page["Marker"])
    assert rest["PolicyNames"] == ["read"] and not rest["IsTruncated"], rest
    iam.delete_role_policy(RoleName="inline", PolicyName="b")
    assert iam.list_role_policies(RoleName="inline")["PolicyNames"] == ["c", "read"]
    missing = ("NoSuchEntity", "The role policy with name b cannot be found.", 404)
    assert error_of(iam.get_role_policy, RoleName="inline", PolicyName="b") == missing
    assert error_of(iam.delete_role_policy, RoleName="inline", PolicyName="b") == missing
    assert error_of(iam.put_role_policy, RoleName="inline", PolicyName="bad",
                    PolicyDocument=trust(Resource="*")) == \
        ("MalformedPolicyDocument", "Policy document should not specify a principal.", 400)
    code, message, status = error_of(iam.put_role_policy, RoleName="inline", PolicyName="bad",
                                     PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}')
    assert (code, message, status) == ("MalformedPolicyDocument", "The policy failed legacy parsing", 400), message


@check("role inline aggregate quota: 10240 bytes, a replaced policy not counted twice")
def _():
    iam = client("iam")
    iam.create_role(RoleName="big", AssumeRolePolicyDocument=trust())
    big = sized_doc(48)  # ~5,900 bytes: one fits in 10,240, two do not
    assert 5200 < len(big) < 10240, len(big)
    iam.put_role_policy(RoleName="big", PolicyName="one", PolicyDocument=big)
    iam.put_role_policy(RoleName="big", PolicyName="one", PolicyDocument=big)  # a replacement: same total
    assert error_of(iam.put_role_policy, RoleName="big", PolicyName="two", PolicyDocument=big) == \
        ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role big", 409)
    assert iam.list_role_policies(RoleName="big")["PolicyNames"] == ["one"]
    iam.put_role_policy(RoleName="big", PolicyName="two", PolicyDocument=sized_doc(8))
    code, message, _ = error_of(iam.put_role_policy, RoleName="big", PolicyName="huge", PolicyDocument=sized_doc(90))
    assert (code, message) == ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role big"), message


@check("attached role policies: attach (idempotent), list with PathPrefix/pagination, detach, errors")
def _():
    iam = client("iam")
    iam.create_role(RoleName="managed", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="managed", PolicyArn=IAM_READ)
    iam.attach_role_policy(RoleName="managed", PolicyArn=IAM_READ)  # again: no-op
    iam.attach_role_policy(RoleName="managed", PolicyArn=ADMIN)
    r = iam.list_attached_role_policies(RoleName="managed")
    assert r["AttachedPolicies"] == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN},
                                     {"PolicyName": "IAMReadOnlyAccess", "PolicyArn": IAM_READ}], r
    page = iam.list_attached_role_policies(RoleName="managed", MaxItems=1)
    assert page["IsTruncated"] and [p["PolicyName"] for p in page["AttachedPolicies"]] == ["AdministratorAccess"]
    rest = iam.list_attached_role_policies(RoleName="managed", Marker=page["Marker"])
    assert [p["PolicyName"] for p in rest["AttachedPolicies"]] == ["IAMReadOnlyAccess"] and not rest["IsTruncated"]
    empty = iam.list_attached_role_policies(RoleName="managed", PathPrefix="/service-role/")
    assert empty["AttachedPolicies"] == [] and not empty["IsTruncated"], empty
    entities = iam.list_entities_for_policy(PolicyArn=ADMIN)["PolicyRoles"]
    assert any(e["RoleName"] == "managed" for e in entities), entities
    iam.detach_role_policy(RoleName="managed", PolicyArn=ADMIN)
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="managed")["AttachedPolicies"]] == \
        [IAM_READ]
    assert error_of(iam.detach_role_policy, RoleName="managed", PolicyArn=ADMIN) == \
        ("NoSuchEntity", f"Policy {ADMIN} was not found.", 404)
    nope = "arn:aws:iam::aws:policy/Nope"
    assert error_of(iam.attach_role_policy, RoleName="managed", PolicyArn=nope) == \
        ("NoSuchEntity", f"Policy {nope} does not exist or is not attachable.", 404)


@check("PoliciesPerRole quota: the 11th attached policy is LimitExceeded 409")
def _():
    iam = client("iam")
    iam.create_role(RoleName="many", AssumeRolePolicyDocument=trust())
    for p in MANAGED[:10]:
        iam.attach_role_policy(RoleName="many", PolicyArn=p)
    assert error_of(iam.attach_role_policy, RoleName="many", PolicyArn=MANAGED[10]) == \
        ("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409)
    iam.attach_role_policy(RoleName="many", PolicyArn=MANAGED[0])  # attached already: fine at the quota
    assert len(iam.list_attached_role_policies(RoleName="many")["AttachedPolicies"]) == 10


@check("TagRole (replaces case-insensitively), UntagRole, ListRoleTags paginated, tag errors")
def _():
    iam = client("iam")
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust(), Tags=[{"Key": "Dept", "Value": "fin"}])
    iam.tag_role(RoleName="tagged", Tags=[{"Key": "a", "Value": "1"}, {"Key": "dept", "Value": "hr"}])
    tags = iam.list_role_tags(RoleName="TAGGED")
    assert tags["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "dept", "Value": "hr"}] and not tags["IsTruncated"], tags
    iam.tag_role(RoleName="tagged", Tags=[{"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}])
    page = iam.list_role_tags(RoleName="tagged", MaxItems=2)
    assert [t["Key"] for t in page["Tags"]] == ["a", "b"] and page["IsTruncated"], page
    rest = iam.list_role_tags(RoleName="tagged", Marker=page["Marker"])
    assert [t["Key"] for t in rest["Tags"]] == ["c", "dept"] and not rest["IsTruncated"], rest
    iam.untag_role(RoleName="tagged", TagKeys=["A", "c", "absent"])
    assert [t["Key"] for t in iam.list_role_tags(RoleName="tagged")["Tags"]] == ["b", "dept"]
    assert iam.get_role(RoleName="tagged")["Role"]["Tags"] == [{"Key": "b", "Value": "2"},
                                                               {"Key": "dept", "Value": "hr"}]
    assert error_of(iam.tag_role, RoleName="tagged", Tags=[{"Key": "x", "Value": "1"}, {"Key": "X", "Value": "2"}]) == \
        ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
    many = [{"Key": f"k{i:02d}", "Value": "v"} for i in range(49)]
    assert error_of(iam.tag_role, RoleName="tagged", Tags=many) == \
        ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    iam.tag_role(RoleName="tagged", Tags=many[:48])
    assert len(iam.list_role_tags(RoleName="tagged")["Tags"]) == 50


@check("DeleteRole: DeleteConflict for inline, then attached policies; gone afterwards")
def _():
    iam = client("iam")
    iam.create_role(RoleName="doomed", AssumeRolePolicyDocument=trust(), PermissionsBoundary=IAM_READ)
    iam.put_role_policy(RoleName="doomed", PolicyName="p", PolicyDocument=doc(allow("s3:*")))
    iam.attach_role_policy(RoleName="doomed", PolicyArn=ADMIN)
    assert error_of(iam.delete_role, RoleName="doomed") == \
        ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_role_policy(RoleName="doomed", PolicyName="p")
    assert error_of(iam.delete_role, RoleName="doomed") == \
        ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_role_policy(RoleName="doomed", PolicyArn=ADMIN)
    iam.delete_role(RoleName="DOOMED")
    assert error_of(iam.get_role, RoleName="doomed")[0] == "NoSuchEntity"
    assert "doomed" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    iam.create_role(RoleName="doomed", AssumeRolePolicyDocument=trust())  # the name is free again
    iam.delete_role(RoleName="doomed")


@check("authorization: ListRoles against role/ + PathPrefix, GetRole on the role's ARN with its path")
def _():
    key, secret = user_with_key("role-reader", inline=json.loads(doc(
        allow("iam:ListRoles", f"arn:aws:iam::{ACCOUNT}:role/paged/*"),
        allow("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/svc/*"))))
    c = client("iam", key, secret)
    assert [x["RoleName"] for x in c.list_roles(PathPrefix="/paged/")["Roles"]][:1] == ["page-0"]
    code, message, status = error_of(c.list_roles)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/role-reader is not authorized to perform: iam:ListRoles "
                       f"on resource: arn:aws:iam::{ACCOUNT}:role/ because no identity-based policy allows the "
                       "iam:ListRoles action"), message
    assert c.get_role(RoleName="Full")["Role"]["RoleName"] == "Full"
    code, message, _ = error_of(c.get_role, RoleName="App")
    assert code == "AccessDenied" and f"on resource: {arn('App')} " in message, message
    # A missing role is denied on role/<name>, not reported as missing.
    code, message, _ = error_of(c.get_role, RoleName="missing")
    assert code == "AccessDenied" and f"on resource: {arn('missing')} " in message, message


@check("authorization: iam:PermissionsBoundary and aws:RequestTag on CreateRole, iam:PolicyARN on Attach")
def _():
    role_arns = f"arn:aws:iam::{ACCOUNT}:role/*"
    key, secret = user_with_key("role-admin", inline=json.loads(doc(
        allow("iam:CreateRole", role_arns,
              Condition={"StringEquals": {"iam:PermissionsBoundary": IAM_READ, "aws:RequestTag/team": "core"}}),
        allow(["iam:AttachRolePolicy", "iam:DetachRolePolicy"], role_arns,
              Condition={"ArnEquals": {"iam:PolicyARN": IAM_READ}}),
        allow("iam:PutRolePolicy", role_arns, Condition={"StringEquals": {"iam:PermissionsBoundary": IAM_READ}}),
        allow("iam:TagRole", role_arns, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))))
    c = client("iam", key, secret)
    core = [{"Key": "team", "Value": "core"}]
    assert error_of(c.create_role, RoleName="delegated", AssumeRolePolicyDocument=trust(), Tags=core)[0] == \
        "AccessDenied"
    assert error_of(c.create_role, RoleName="delegated", AssumeRolePolicyDocument=trust(),
                    PermissionsBoundary=IAM_READ, Tags=[{"Key": "team", "Value": "other"}])[0] == "AccessDenied"
    c.create_role(RoleName="delegated", AssumeRolePolicyDocument=trust(), PermissionsBoundary=IAM_READ, Tags=core)
    c.attach_role_policy(RoleName="delegated", PolicyArn=IAM_READ)
    assert error_of(c.attach_role_policy, RoleName="delegated", PolicyArn=ADMIN)[0] == "AccessDenied"
    c.detach_role_policy(RoleName="delegated", PolicyArn=IAM_READ)
    # The role's current boundary is iam:PermissionsBoundary for PutRolePolicy.
    c.put_role_policy(RoleName="delegated", PolicyName="p", PolicyDocument=doc(allow("s3:*")))
    assert error_of(c.put_role_policy, RoleName="App", PolicyName="p", PolicyDocument=doc(allow("s3:*")))[0] == \
        "AccessDenied"
    c.tag_role(RoleName="delegated", Tags=[{"Key": "team", "Value": "x"}])
    assert error_of(c.tag_role, RoleName="delegated", Tags=[{"Key": "owner", "Value": "x"}])[0] == "AccessDenied"
    assert error_of(c.delete_role, RoleName="delegated")[0] == "AccessDenied"


finish(tmp)
