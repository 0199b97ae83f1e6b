#!/usr/bin/python3
"""Replays, with boto3 against one `iamd serve`, every error scenario recorded against real AWS
(spec/aws-recorded-errors.md, copied verbatim to recorded_errors.json beside this file) whose
operations iamd serves, and compares the error code, the message (after putting this run's
account id, partition, region and generated names in for the placeholders) and the HTTP status.

The scenarios were recorded by LocalStack's snapshot tests (tests/aws/services/iam/*.py and
sts); a scenario's name is "<test function>[<param>] / <snapshot key>". Each one here repeats
that test's setup and its failing call, in isolation (fresh names per scenario).

Two recorded messages are cut at 400 characters in the spec (marked "truncated" in the JSON):
those compare as a prefix. Scenarios marked "Reconstructed" repeat steps newer than the
LocalStack sources at hand, rebuilt from the scenario name and the recorded answer.

Every row of the JSON is accounted for: replayed (SCENARIOS), or NOT_COVERED with a reason.
A replayed scenario that does not match fails the test unless it is listed in
  PENDING             iamd answers wrong today (others are fixing it; the lead moves items out),
  EXPECTED_DIFFERENT  iamd deliberately answers otherwise (the reason says why).
Prints each mismatch (scenario, expected, got), then the counts: total rows, replayed, matching,
pending, expected-different, not covered. Run by ctest as e2e_recorded_errors:
    tests/e2e/recorded_errors_test.py PATH/TO/iamd
"""
import base64
import hashlib
import hmac
import itertools
import struct
import sys

import botocore.config

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "recorded_errors.json")) as f:
    ROWS = json.load(f)

# ---------------------------------------------------------------------------------------------
# Scenario table: name -> function(c) that does the setup with client c.iam and returns the
# failing call (a function of no arguments). Expected code and message: the row of
# recorded_errors.json with that name.
# ---------------------------------------------------------------------------------------------
SCENARIOS = {}


def scenario(name, fn=None):
    def add(f):
        assert name not in SCENARIOS, name
        SCENARIOS[name] = f
        return f
    return add(fn) if fn is not None else add


_serial = itertools.count(1)


class Ctx:
    """One scenario's run: the IAM client, fresh names, and what the recorded placeholders
    (`<user-name:1>`, ...) stand for in this run."""

    _iam = None  # one client for all scenarios (making one costs more than most scenarios)

    def __init__(self):
        if Ctx._iam is None:
            Ctx._iam = client("iam")
        self.iam = Ctx._iam
        self.subs = {}

    def name(self, prefix, placeholder=None):
        """A name not used before in this run, as long as the recorded one (LocalStack's tests
        add short_uid(), 8 characters): lengths matter to boto3's and the server's checks."""
        n = f"{prefix}-{next(_serial):08x}"
        if placeholder:
            self.subs[placeholder] = n
        return n


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
MOCK_POLICY = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}})
SAMPLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Statement1", "Effect": "Allow", "Action": ["iam:ListUsers"], "Resource": "*"}]})
SAMPLE_POLICY_2 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Statement1", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "*"}]})


def arn(kind_and_name):
    return f"arn:aws:iam::{ACCOUNT}:{kind_and_name}"


def new_user(c, placeholder=None):
    n = c.name("user", placeholder)
    c.iam.create_user(UserName=n)
    return n


def new_group(c, placeholder=None):
    n = c.name("group", placeholder)
    c.iam.create_group(GroupName=n)
    return n


def new_role(c, placeholder=None, prefix="role"):
    n = c.name(prefix, placeholder)
    c.iam.create_role(RoleName=n, AssumeRolePolicyDocument=TRUST)
    return n


def new_policy(c, placeholder=None, document=MOCK_POLICY, prefix="policy"):
    n = c.name(prefix, placeholder)
    return n, c.iam.create_policy(PolicyName=n, PolicyDocument=document)["Policy"]["Arn"]


def new_profile(c, placeholder=None):
    n = c.name("profile", placeholder)
    c.iam.create_instance_profile(InstanceProfileName=n)
    return n


# ---- section iam (test_iam.py) ---------------------------------------------------------------

@scenario("create_role_with_malformed_assume_role_policy_document / invalid-json")
def _(c):
    # The error in this document is the trailing comma after "Effect": "Allow".
    document = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Action": "sts:AssumeRole",
              "Principal": "*",
              "Effect": "Allow",
            }
          ]
        }
        """
    return lambda: c.iam.create_role(RoleName=c.name("role"), AssumeRolePolicyDocument=document)


def _user_attach(kind):
    def run(c):
        user = c.name("test-role")
        c.iam.create_user(UserName=user)
        document = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:ListFunctions"], "Resource": ["*"]}]})
        name, policy_arn = new_policy(c, "<policy-name:1>", document, "test-policy")
        target = {"malformed": "longpolicynamebutnoarn", "name": name, "missing": policy_arn + "123"}[kind]
        return lambda: c.iam.attach_user_policy(UserName=user, PolicyArn=target)
    return run


scenario("user_attach_policy / non_existent_malformed_policy_arn", _user_attach("malformed"))
scenario("user_attach_policy / existing_policy_name_provided", _user_attach("name"))
scenario("user_attach_policy / valid_arn_not_existent", _user_attach("missing"))


@scenario("delete_non_existent_policy_returns_no_such_entity / delete-non-existent-policy-exc")
def _(c):
    return lambda: c.iam.delete_policy(PolicyArn=arn("policy/non-existent-policy"))


@scenario("create_service_specific_credential_invalid_user / invalid-user-name-exception")
def _(c):
    return lambda: c.iam.create_service_specific_credential(UserName="non-existent-user",
                                                            ServiceName="codecommit.amazonaws.com")


@scenario("create_service_specific_credential_invalid_user / invalid-user-and-service-exception")
def _(c):
    return lambda: c.iam.create_service_specific_credential(UserName="non-existent-user",
                                                            ServiceName="nonexistentservice.amazonaws.com")


for _key, _service in (("invalid-service-exception", "nonexistentservice.amazonaws.com"),
                       ("invalid-service-completely-malformed-exception", "o3on3n3onosneo"),
                       ("invalid-service-existing-but-unsupported-exception", "lambda.amazonaws.com")):
    def _run(c, service=_service):
        user = new_user(c)
        return lambda: c.iam.create_service_specific_credential(UserName=user, ServiceName=service)
    scenario(f"create_service_specific_credential_invalid_service / {_key}", _run)


@scenario("list_service_specific_credential_different_service / list-service-specific-credentials-invalid-service")
def _(c):
    user = new_user(c)
    return lambda: c.iam.list_service_specific_credentials(UserName=user,
                                                           ServiceName="nonexistentservice.amazonaws.com")


@scenario("delete_user_after_service_credential_created / delete-user-existing-credential")
def _(c):
    user = new_user(c)
    c.iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    return lambda: c.iam.delete_user(UserName=user)


def _credential_call(c, op, user, credential_id):
    if op == "update":
        return lambda: c.iam.update_service_specific_credential(
            UserName=user, ServiceSpecificCredentialId=credential_id, Status="Inactive")
    if op == "reset":
        return lambda: c.iam.reset_service_specific_credential(UserName=user,
                                                               ServiceSpecificCredentialId=credential_id)
    return lambda: c.iam.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=credential_id)


for _wrong_id in ("totally-wrong-credential-id-with-hyphens", "satisfiesregexbutstillinvalid"):
    for _op in ("update", "reset", "delete"):
        def _run(c, op=_op, wrong_id=_wrong_id):
            user = new_user(c)
            c.iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
            return _credential_call(c, op, user, wrong_id)
        scenario(f"user_match_id_mismatch[{_wrong_id}] / {_op}-wrong-id", _run)

for _op in ("update", "reset", "delete"):
    def _run(c, op=_op):
        user = new_user(c)
        cred = c.iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
        credential_id = cred["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
        return _credential_call(c, op, "wrong-user-name", credential_id)
    scenario(f"id_match_user_mismatch / {_op}-wrong-user-name", _run)


@scenario("invalid_update_parameters / update-invalid-status")
def _(c):
    user = new_user(c)
    cred = c.iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    credential_id = cred["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    # Without UserName (as recorded): the caller's own credential, with a Status outside the enum.
    return lambda: c.iam.update_service_specific_credential(ServiceSpecificCredentialId=credential_id,
                                                            Status="Invalid")


for _row in ROWS:
    _name = _row["scenario"]
    if _name.startswith("service_role_lifecycle_custom_suffix_not_allowed["):
        _service = _name[_name.index("[") + 1:_name.index("]")]
        scenario(_name, lambda c, service=_service: lambda: c.iam.create_service_linked_role(
            AWSServiceName=service, CustomSuffix="testsuffix"))


@scenario("service_role_already_exists / role-already-exists-error")
def _(c):
    c.iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")
    return lambda: c.iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")


# ---- iam_account_password_policy -------------------------------------------------------------

def _no_password_policy(c):
    try:
        c.iam.delete_account_password_policy()
    except botocore.exceptions.ClientError:
        pass


@scenario("update_account_password_policy_validation_errors / validation-errors")
def _(c):
    return lambda: c.iam.update_account_password_policy(MaxPasswordAge=1096, MinimumPasswordLength=129,
                                                        PasswordReusePrevention=25)


@scenario("get_account_password_policy_not_found / policy-not-found")
def _(c):
    _no_password_policy(c)
    return lambda: c.iam.get_account_password_policy()


@scenario("delete_account_password_policy / policy-deleted-not-found")
def _(c):
    c.iam.update_account_password_policy(MinimumPasswordLength=12)
    c.iam.delete_account_password_policy()
    return lambda: c.iam.get_account_password_policy()


@scenario("delete_account_password_policy_not_found / delete-not-found")
def _(c):
    _no_password_policy(c)
    return lambda: c.iam.delete_account_password_policy()


# ---- iam_credential_report -------------------------------------------------------------------

@scenario("get_credential_report_before_generated / get-credential-report-without-generate-error")
def _(c):
    return lambda: c.iam.get_credential_report()  # no scenario here generates one


# ---- iam_groups ------------------------------------------------------------------------------

@scenario("create_group / create-group-duplicate")
def _(c):
    g = new_group(c, "<group-name:1>")
    return lambda: c.iam.create_group(GroupName=g)


@scenario("get_group / get-group-not-found")
def _(c):
    new_group(c)
    return lambda: c.iam.get_group(GroupName="non-existent-group")


@scenario("delete_unknown_group / delete-unknown-group")
def _(c):
    return lambda: c.iam.delete_group(GroupName="unknown-group")


@scenario("update_group_name / old-group-not-found")
def _(c):
    g = new_group(c, "<group-name:1>")
    c.iam.update_group(GroupName=g, NewGroupName=c.name("group"))
    return lambda: c.iam.get_group(GroupName=g)


@scenario("update_group_not_found / update-nonexistent-group")
def _(c):
    return lambda: c.iam.update_group(GroupName="nonexisting", NewGroupName="new-name")


@scenario("update_group_duplicate_name / update-duplicate-name")
def _(c):
    g1 = new_group(c)
    g2 = new_group(c, "<group-name-2>")
    return lambda: c.iam.update_group(GroupName=g1, NewGroupName=g2)


@scenario("add_unknown_user_to_group / add-unknown-user")
def _(c):
    g = new_group(c)
    return lambda: c.iam.add_user_to_group(GroupName=g, UserName="non-existent-user")


@scenario("add_user_to_unknown_group / add-user-unknown-group")
def _(c):
    u = new_user(c)
    return lambda: c.iam.add_user_to_group(GroupName="non-existent-group", UserName=u)


@scenario("remove_user_from_unknown_group / remove-from-unknown-group")
def _(c):
    return lambda: c.iam.remove_user_from_group(GroupName="non-existent-group", UserName="any-user")


@scenario("get_group_policy / get-nonexistent-policy")
def _(c):
    g = new_group(c)
    p = c.name("policy", "<policy-name:1>")
    return lambda: c.iam.get_group_policy(GroupName=g, PolicyName=p)


@scenario("detach_unattached_group_policy / detach-unattached-error")
def _(c):
    g = new_group(c)
    _, policy_arn = new_policy(c, "<policy-name>")
    return lambda: c.iam.detach_group_policy(GroupName=g, PolicyArn=policy_arn)


@scenario("user_rename_preserves_group_membership / old-user-not-found")
def _(c):
    # Reconstructed: a member of a group renamed with UpdateUser, then GetUser of the old name.
    u = new_user(c, "<user-name:1>")
    g = new_group(c)
    c.iam.add_user_to_group(GroupName=g, UserName=u)
    c.iam.update_user(UserName=u, NewUserName=c.name("user"))
    return lambda: c.iam.get_user(UserName=u)


# ---- iam_instance_profiles -------------------------------------------------------------------

@scenario("instance_profile_lifecycle / get-deleted-error")
def _(c):
    p = c.name("profile", "<instance-profile-name:1>")
    c.iam.create_instance_profile(InstanceProfileName=p, Path=f"/test-path-{next(_serial)}/")
    c.iam.delete_instance_profile(InstanceProfileName=p)
    return lambda: c.iam.get_instance_profile(InstanceProfileName=p)


@scenario("instance_profile_errors / get-nonexistent-error")
def _(c):
    return lambda: c.iam.get_instance_profile(InstanceProfileName="nonexistent-profile")


@scenario("instance_profile_errors / create-duplicate-error")
def _(c):
    p = new_profile(c, "<instance-profile-name:1>")
    return lambda: c.iam.create_instance_profile(InstanceProfileName=p)


@scenario("instance_profile_errors / delete-nonexistent-error")
def _(c):
    return lambda: c.iam.delete_instance_profile(InstanceProfileName="nonexistent-profile")


@scenario("add_second_role_to_instance_profile_error / add-second-role-error")
def _(c):
    p = new_profile(c)
    r1, r2 = new_role(c), new_role(c)
    c.iam.add_role_to_instance_profile(InstanceProfileName=p, RoleName=r1)
    return lambda: c.iam.add_role_to_instance_profile(InstanceProfileName=p, RoleName=r2)


def _profile_with_role(c):
    p = new_profile(c, "<instance-profile-name:1>")
    r = new_role(c, "<role-name:1>")
    c.iam.add_role_to_instance_profile(InstanceProfileName=p, RoleName=r)
    return p, r


@scenario("delete_instance_profile_with_role_error / delete-with-role-error")
def _(c):
    p, _ = _profile_with_role(c)
    return lambda: c.iam.delete_instance_profile(InstanceProfileName=p)


@scenario("delete_instance_profile_with_role_error / get-deleted-error")
def _(c):
    p, r = _profile_with_role(c)
    c.iam.remove_role_from_instance_profile(InstanceProfileName=p, RoleName=r)
    c.iam.delete_instance_profile(InstanceProfileName=p)
    return lambda: c.iam.get_instance_profile(InstanceProfileName=p)


def _profile_ops(key):
    def run(c):
        p = new_profile(c, "<instance-profile-name:1>")
        r = new_role(c, "<role-name:1>")
        return {
            "add-role-nonexistent-profile-error": lambda: c.iam.add_role_to_instance_profile(
                InstanceProfileName="nonexistent-profile", RoleName=r),
            "add-nonexistent-role-error": lambda: c.iam.add_role_to_instance_profile(
                InstanceProfileName=p, RoleName="nonexistent-role"),
            "remove-role-nonexistent-profile-error": lambda: c.iam.remove_role_from_instance_profile(
                InstanceProfileName="nonexistent-profile", RoleName=r),
            "remove-nonexistent-role-error": lambda: c.iam.remove_role_from_instance_profile(
                InstanceProfileName=p, RoleName="nonexistent-role"),
            "remove-unattached-role-error": lambda: c.iam.remove_role_from_instance_profile(
                InstanceProfileName=p, RoleName=r),
            "list-profiles-nonexistent-role-error": lambda: c.iam.list_instance_profiles_for_role(
                RoleName="nonexistent-role"),
        }[key]
    return run


for _key in ("add-role-nonexistent-profile-error", "add-nonexistent-role-error",
             "remove-role-nonexistent-profile-error", "remove-nonexistent-role-error",
             "remove-unattached-role-error", "list-profiles-nonexistent-role-error"):
    scenario(f"role_instance_profile_operations_errors / {_key}", _profile_ops(_key))


@scenario("instance_profile_tag_errors / tag-nonexistent-error")
def _(c):
    return lambda: c.iam.tag_instance_profile(InstanceProfileName="nonexistent-profile",
                                              Tags=[{"Key": "Key", "Value": "Value"}])


@scenario("instance_profile_tag_errors / untag-nonexistent-error")
def _(c):
    return lambda: c.iam.untag_instance_profile(InstanceProfileName="nonexistent-profile", TagKeys=["Key"])


@scenario("instance_profile_tag_errors / list-tags-nonexistent-error")
def _(c):
    return lambda: c.iam.list_instance_profile_tags(InstanceProfileName="nonexistent-profile")


# ---- iam_managed_policies --------------------------------------------------------------------

LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


@scenario("get_aws_managed_policy_version / get-version-error")
def _(c):
    return lambda: c.iam.get_policy_version(PolicyArn=LAMBDA_BASIC, VersionId="v2-does-not-exist")


@scenario("aws_managed_policy_errors / delete-managed-policy-error")
def _(c):
    return lambda: c.iam.delete_policy(PolicyArn=LAMBDA_BASIC)


@scenario("aws_managed_policy_errors / delete-managed-policy-version-error")
def _(c):
    return lambda: c.iam.delete_policy_version(PolicyArn=LAMBDA_BASIC, VersionId="v2")


@scenario("aws_managed_policy_errors / set-default-managed-policy-version-error")
def _(c):
    return lambda: c.iam.set_default_policy_version(PolicyArn=LAMBDA_BASIC, VersionId="v2")


@scenario("aws_managed_policy_errors / get-version-error")
def _(c):
    return lambda: c.iam.get_policy_version(PolicyArn=LAMBDA_BASIC, VersionId="v2-does-not-exist")


# ---- iam_mfa ---------------------------------------------------------------------------------

def totp(seed, step):
    """RFC 6238 with HMAC-SHA1, 6 digits, for the 30 s time step `step`."""
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def new_mfa(c):
    return c.iam.create_virtual_mfa_device(VirtualMFADeviceName=c.name("mfa"))["VirtualMFADevice"]


def enable_mfa(c, user, device):
    seed = base64.b32decode(device["Base32StringSeed"])
    step = int(time.time()) // 30 - 1
    c.iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                            AuthenticationCode1=totp(seed, step), AuthenticationCode2=totp(seed, step + 1))


@scenario("list_virtual_mfa_devices / list-invalid-marker-error")
def _(c):
    for _ in range(3):
        new_mfa(c)
    return lambda: c.iam.list_virtual_mfa_devices(Marker="invalid-marker-value")


@scenario("enable_mfa_device_errors / enable-mfa-nonexistent-user-error")
def _(c):
    serial = new_mfa(c)["SerialNumber"]
    return lambda: c.iam.enable_mfa_device(UserName="nonexistent-user", SerialNumber=serial,
                                           AuthenticationCode1="123456", AuthenticationCode2="654321")


@scenario("enable_mfa_device_errors / deactivate-mfa-nonexistent-user-error")
def _(c):
    serial = new_mfa(c)["SerialNumber"]
    return lambda: c.iam.deactivate_mfa_device(UserName="nonexistent-user", SerialNumber=serial)


@scenario("enable_mfa_device_errors / deactivate-nonexistent-mfa-error")
def _(c):
    new_mfa(c)
    u = new_user(c)
    return lambda: c.iam.deactivate_mfa_device(UserName=u, SerialNumber=arn("mfa/nonexistent-mfa"))


@scenario("virtual_mfa_device_errors / create-duplicate-error")
def _(c):
    name = c.name("mfa")
    c.iam.create_virtual_mfa_device(VirtualMFADeviceName=name)
    return lambda: c.iam.create_virtual_mfa_device(VirtualMFADeviceName=name)


for _key, _path in (("create-invalid-path-no-leading-slash-error", "invalid-path/"),
                    ("create-invalid-path-no-trailing-slash-error", "/invalid-path"),
                    ("create-path-too-long-error", "/" + "a" * 512 + "/")):
    def _run(c, path=_path):
        new_mfa(c)
        return lambda: c.iam.create_virtual_mfa_device(VirtualMFADeviceName=c.name("mfa"), Path=path)
    scenario(f"virtual_mfa_device_errors / {_key}", _run)


@scenario("virtual_mfa_device_errors / delete-nonexistent-error")
def _(c):
    new_mfa(c)
    return lambda: c.iam.delete_virtual_mfa_device(SerialNumber=arn("mfa/nonexistent-device"))


@scenario("enable_mfa_device_already_attached / enable-mfa-already-attached-error")
def _(c):
    # Reconstructed (the test is newer than the sources at hand): the device is enabled for one
    # user, then enabled for another.
    device = new_mfa(c)
    enable_mfa(c, new_user(c), device)
    other = new_user(c)
    return lambda: enable_mfa(c, other, device)


# ---- iam_oidc --------------------------------------------------------------------------------

@scenario("create_open_id_connect_provider_duplicate_error / duplicate-error")
def _(c):
    host = c.name("oidc-dup")
    c.subs["oidc-dup-04669428"] = host  # the recorded run's generated host
    url = f"https://{host}.example.com"
    c.iam.create_open_id_connect_provider(Url=url, ThumbprintList=["a" * 40])
    return lambda: c.iam.create_open_id_connect_provider(Url=url, ThumbprintList=["a" * 40])


@scenario("create_open_id_connect_provider_too_many_thumbprints / too-many-thumbprints")
def _(c):
    return lambda: c.iam.create_open_id_connect_provider(
        Url=f"https://{c.name('oidc-thumbs')}.example.com", ThumbprintList=[ch * 40 for ch in "abcdef"])


@scenario("create_open_id_connect_provider_quota_error / quota-error")
def _(c):
    return lambda: c.iam.create_open_id_connect_provider(
        Url=f"https://{c.name('oidc-clients')}.example.com", ThumbprintList=["a" * 40],
        ClientIDList=[f"{i}" for i in range(101)])


@scenario("create_open_id_connect_provider_validation_errors / multiple-validation-errors")
def _(c):
    return lambda: c.iam.create_open_id_connect_provider(Url="b" * 256, ThumbprintList=["b" * 41],
                                                         ClientIDList=["b" * 256])


@scenario("get_open_id_connect_provider_not_found / not-found-error")
def _(c):
    return lambda: c.iam.get_open_id_connect_provider(
        OpenIDConnectProviderArn=arn("oidc-provider/non-existent.example.com"))


def _deleted_oidc(c):
    domain = f"{c.name('oidc-delete')}.example.com"
    c.subs["<domain>"] = domain
    provider = c.iam.create_open_id_connect_provider(Url=f"https://{domain}", ThumbprintList=["a" * 40])
    c.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider["OpenIDConnectProviderArn"])
    return provider["OpenIDConnectProviderArn"]


@scenario("delete_open_id_connect_provider / get-not-found-error")
def _(c):
    provider_arn = _deleted_oidc(c)
    return lambda: c.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)


@scenario("delete_open_id_connect_provider / deletion-not-found-error")
def _(c):
    provider_arn = _deleted_oidc(c)
    return lambda: c.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)


@scenario("create_open_id_connect_provider_invalid_url / invalid-url")
def _(c):
    return lambda: c.iam.create_open_id_connect_provider(Url="example.org", ThumbprintList=["a" * 40])


@scenario("open_id_connect_provider_tags_limit / tags-limit-error")
def _(c):
    provider_arn = c.iam.create_open_id_connect_provider(
        Url=f"https://{c.name('oidc-tagsmax')}.example.com", ThumbprintList=["a" * 40],
        Tags=[{"Key": f"k{i:02d}", "Value": f"v{i}"} for i in range(50)])["OpenIDConnectProviderArn"]
    return lambda: c.iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn,
                                                      Tags=[{"Key": "string", "Value": "string"}])


# ---- iam_policies (test_iam_policies.py) -----------------------------------------------------

@scenario("policy_errors / policy-already-exists")
def _(c):
    name, _ = new_policy(c, "<policy-name:1>", SAMPLE_POLICY)
    return lambda: c.iam.create_policy(PolicyName=name, PolicyDocument=SAMPLE_POLICY)


@scenario("policy_version_limit / err-version-limit-exceeded")
def _(c):
    _, policy_arn = new_policy(c, None, SAMPLE_POLICY)
    for _ in range(4):
        c.iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=SAMPLE_POLICY)
    return lambda: c.iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=SAMPLE_POLICY)


def _version_errors(key):
    def run(c):
        _, policy_arn = new_policy(c, "<policy-name:1>", SAMPLE_POLICY)
        c.iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=SAMPLE_POLICY_2)
        missing = arn("policy/TestNonExistingPolicy")
        return {
            "err-get-version-nonexistent-policy": lambda: c.iam.get_policy_version(PolicyArn=missing, VersionId="v1"),
            "err-get-nonexistent-version": lambda: c.iam.get_policy_version(PolicyArn=policy_arn, VersionId="v9"),
            "err-delete-default-version": lambda: c.iam.delete_policy_version(PolicyArn=policy_arn, VersionId="v1"),
            "err-delete-nonexistent-version": lambda: c.iam.delete_policy_version(PolicyArn=policy_arn,
                                                                                  VersionId="v9"),
            "err-set-default-nonexistent-policy": lambda: c.iam.set_default_policy_version(PolicyArn=missing,
                                                                                           VersionId="v1"),
            "err-set-default-invalid-version-format": lambda: c.iam.set_default_policy_version(
                PolicyArn=policy_arn, VersionId="wrong_version_id"),
            "err-set-default-nonexistent-version": lambda: c.iam.set_default_policy_version(PolicyArn=policy_arn,
                                                                                            VersionId="v4"),
        }[key]
    return run


for _key in ("err-get-version-nonexistent-policy", "err-get-nonexistent-version", "err-delete-default-version",
             "err-delete-nonexistent-version", "err-set-default-nonexistent-policy",
             "err-set-default-invalid-version-format", "err-set-default-nonexistent-version"):
    scenario(f"policy_version_errors / {_key}", _version_errors(_key))

TOO_MANY_TAGS = [{"Key": str(x), "Value": str(x)} for x in range(51)]
BAD_TAGS = {  # suffix of the snapshot key -> Tags
    "too-many": TOO_MANY_TAGS, "duplicate-keys": [{"Key": "0", "Value": ""}, {"Key": "0", "Value": ""}],
    "large-key": [{"Key": "0" * 129, "Value": ""}], "large-value": [{"Key": "0", "Value": "0" * 257}],
    "invalid-character": [{"Key": "NOWAY!", "Value": ""}]}

for _key, _tags_key in (("err-too-many-tags", "too-many"), ("err-duplicate-keys", "duplicate-keys"),
                        ("err-large-key", "large-key"), ("err-large-value", "large-value"),
                        ("err-invalid-character", "invalid-character")):
    scenario(f"policy_tag_create_errors / {_key}", lambda c, tags=BAD_TAGS[_tags_key]: lambda: c.iam.create_policy(
        PolicyName=c.name("test-policy"), PolicyDocument=SAMPLE_POLICY, Tags=tags))


def _tagged_policy(c):
    _, policy_arn = new_policy(c, None, SAMPLE_POLICY)
    c.iam.tag_policy(PolicyArn=policy_arn, Tags=[{"Key": "somekey", "Value": "somevalue"},
                                                 {"Key": "someotherkey", "Value": "someothervalue"}])
    return policy_arn


for _key, _tags_key in (("err-tag-too-many", "too-many"), ("err-tag-duplicate-keys", "duplicate-keys"),
                        ("err-tag-large-key", "large-key"), ("err-tag-large-value", "large-value"),
                        ("err-tag-invalid-character", "invalid-character")):
    def _run(c, tags=BAD_TAGS[_tags_key]):
        policy_arn = _tagged_policy(c)
        return lambda: c.iam.tag_policy(PolicyArn=policy_arn, Tags=tags)
    scenario(f"policy_tag_update_errors / {_key}", _run)

for _key, _keys in (("err-untag-too-many-keys", [str(x) for x in range(51)]), ("err-untag-large-key", ["0" * 129]),
                    ("err-untag-invalid-character", ["NOWAY!"])):
    def _run(c, keys=_keys):
        policy_arn = _tagged_policy(c)
        return lambda: c.iam.untag_policy(PolicyArn=policy_arn, TagKeys=keys)
    scenario(f"policy_tag_update_errors / {_key}", _run)


@scenario("policy_tag_update_errors / err-tag-nonexistent-policy")
def _(c):
    _tagged_policy(c)
    return lambda: c.iam.tag_policy(PolicyArn=arn("policy/NotAPolicy"), Tags=[{"Key": "some", "Value": "value"}])


@scenario("policy_tag_update_errors / err-untag-nonexistent-policy")
def _(c):
    _tagged_policy(c)
    return lambda: c.iam.untag_policy(PolicyArn=arn("policy/NotAPolicy"), TagKeys=["somevalue"])


# TestPolicyDocumentValidity.INVALID_POLICY_DOCUMENTS, in its order (invalid-N is item N).
B = "arn:aws:s3:::example_bucket"
V = "2012-10-17"
INVALID_POLICY_DOCUMENTS = [
    "This is not a json document",  # 0
    {"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": "2013-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V},
    {"Version": V, "Statement": ["afd"]},  # 5
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B},
     "Extra field": "value"},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Extra field": "value"}},
    {"Version": V, "Id": ["cd3a324d2343d942772346-34234234423404-4c2242343242349d1642ee"],
     "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Id": {}, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "invalid", "Action": "s3:ListBucket", "Resource": B}},  # 10
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "invalid", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "a a:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:List:Bucket", "Resource": B}},
    {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3s:ListBucket", "Resource": B},  # 15
                                 {"Effect": "Allow", "Action": "s:3s:ListBucket", "Resource": B}]},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "invalid resource"}},
    {"Version": V, "Statement": [
        {"Sid": "EnableDisableHongKong", "Effect": "Allow", "Action": ["account:EnableRegion", "account:DisableRegion"],
         "Resource": "", "Condition": {"StringEquals": {"account:TargetRegion": "ap-east-1"}}},
        {"Sid": "ViewConsole", "Effect": "Allow", "Action": ["aws-portal:ViewAccount", "account:ListRegions"],
         "Resource": ""}]},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s:3:ListBucket", "Resource": "sdfsadf"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["adf"]}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ""}},  # 20
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:bsdfdsafsad"}},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:cadfsdf"}},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:c:d:e:f:g:h"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "aws:s3:::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",  # 25
                                 "Resource": ["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]}},
    {"Version": V, "Statement": []},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": []}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "invalid"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Resource": B}},  # 30
    {"Version": V, "Statement": {"Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": [], "Resource": B}},
    {"Version": V, "Statement": [{"Effect": "Deny"}, {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}]},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",  # 35
                                 "Resource": "arn:aws:iam:::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
                                 "Resource": "arn:aws:s3::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Resource": "arn:aws:s3::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"a": B}}},
    {"Version": V, "Statement": {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": ["adfdf", {}]}},  # 40
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": B, "NotResource": []}},
    {"Version": V, "Statement": {"Effect": "Deny", "Action": [[]], "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Action": [], "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": {}, "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,  # 45
                                 "Condition": []}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B, "Condition": "a"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"a": "b"}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateGreaterThan": "b"}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateGreaterThan": []}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,  # 50
                                 "Condition": {"DateGreaterThan": {"a": {}}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Resource": B, "Condition": {"DateGreaterThan": {"a": {}}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"x": {"a": "1"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"ForAnyValue::StringEqualsIfExists": {"a": "asf"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": [{"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}]}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",  # 55
                                 "Resource": "arn:aws:iam:us-east-1::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
                                 "Resource": "arn:aws:s3:us-east-1::example_bucket"}},
    {"Version": V, "Statement": {"Sid": {}, "Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Sid": [], "Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": [{"Sid": "sdf", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": B},
                                 {"Sid": "sdf", "Effect": "Allow"}]},
    {"Statement": [{"Sid": "sdf", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": B},  # 60
                   {"Sid": "sdf", "Effect": "Allow"}]},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Action": "iam:dsf",
                                 "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B, "NotResource": "*"}},
    {"Version": V, "Statement": {"Effect": "denY", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}},
    {"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,  # 65
                   "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}},
    {"Statement": {"Effect": "denY", "Action": "s3:ListBucket", "Resource": B}},
    {"Version": V, "Statement": {"Effect": "Allow", "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket",
                                 "Resource": "arn:aws::::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "allow", "Resource": "arn:aws:s3:us-east-1::example_bucket"}},
    {"Version": V, "Statement": [{"Sid": "sdf", "Effect": "aLLow", "Action": "s3:ListBucket", "Resource": B},  # 70
                                 {"Sid": "sdf", "Effect": "Allow"}]},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
                                 "NotResource": "arn:aws:s3::example_bucket"}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateLessThanEquals": {"a": "234-13"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,
                                 "Condition": {"DateLessThanEquals": {"a": "2016-12-13t2:00:00.1999999999+10:59"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B,  # 75
                                 "Condition": {"DateLessThan": {"a": "9223372036854775808"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
                                 "Resource": "arn:error:s3:::example_bucket",
                                 "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}},
    {"Version": V, "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws::fdsasf"}},
]
assert len(INVALID_POLICY_DOCUMENTS) == 78

for _i, _doc in enumerate(INVALID_POLICY_DOCUMENTS):
    _text = _doc if isinstance(_doc, str) else json.dumps(_doc)
    scenario(f"create_policy_invalid_document[invalid-{_i}] / error", lambda c, text=_text: lambda: c.iam.create_policy(
        PolicyName=c.name("test-policy"), PolicyDocument=text))


@scenario("list_entities_for_policy_errors / err-nonexistent-policy")
def _(c):
    return lambda: c.iam.list_entities_for_policy(PolicyArn=arn("policy/NonExistentPolicy"))


# ---- iam_roles (test_iam_roles.py) -----------------------------------------------------------

for _key, _call in (("get-role-error", lambda c: lambda: c.iam.get_role(RoleName="test-nonexistent-role")),
                    ("update-role-error", lambda c: lambda: c.iam.update_role(RoleName="test-nonexistent-role",
                                                                              Description="test")),
                    ("delete-role-error", lambda c: lambda: c.iam.delete_role(RoleName="test-nonexistent-role"))):
    scenario(f"role_errors / {_key}", _call)


@scenario("role_errors / create-role-already-exists-error")
def _(c):
    r = new_role(c, "<role-name:1>")
    return lambda: c.iam.create_role(RoleName=r, AssumeRolePolicyDocument=TRUST)


def _role_with(c, what):
    r = new_role(c, "<role-name:1>")
    if what == "managed":
        _, policy_arn = new_policy(c)
        c.iam.attach_role_policy(RoleName=r, PolicyArn=policy_arn)
        undo = lambda: c.iam.detach_role_policy(RoleName=r, PolicyArn=policy_arn)  # noqa: E731
    elif what == "inline":
        p = c.name("inline-policy")
        c.iam.put_role_policy(RoleName=r, PolicyName=p, PolicyDocument=MOCK_POLICY)
        undo = lambda: c.iam.delete_role_policy(RoleName=r, PolicyName=p)  # noqa: E731
    else:
        p = new_profile(c)
        c.iam.add_role_to_instance_profile(InstanceProfileName=p, RoleName=r)
        undo = lambda: c.iam.remove_role_from_instance_profile(InstanceProfileName=p, RoleName=r)  # noqa: E731
    return r, undo


def _deleted_role(what):
    def run(c):
        r, undo = _role_with(c, what)
        undo()
        c.iam.delete_role(RoleName=r)
        return lambda: c.iam.get_role(RoleName=r)
    return run


for _test, _what, _key in (("delete_role_with_attached_policy", "managed", "delete-role-with-policy-error"),
                           ("delete_role_with_inline_policy", "inline", "delete-role-with-inline-policy-error"),
                           ("delete_role_with_instance_profile", "profile",
                            "delete-role-with-instance-profile-error")):
    scenario(f"{_test} / {_key}", lambda c, what=_what: (lambda r: lambda: c.iam.delete_role(RoleName=r))(
        _role_with(c, what)[0]))
    scenario(f"{_test} / get-role-after-deletion-error", _deleted_role(_what))

_TRUST_WITH = {
    "invalid-json-error": "not valid json",
    "invalid-action-error": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:InvalidAction"}]}),
    "resource-field-error": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Resource": "arn:aws:s3:::example_bucket"}]}),
}
for _key, _document in _TRUST_WITH.items():
    def _run(c, document=_document):
        r = new_role(c)
        return lambda: c.iam.update_assume_role_policy(RoleName=r, PolicyDocument=document)
    scenario(f"update_assume_role_policy_errors / {_key}", _run)


def _inline_lifecycle(c):
    r = new_role(c)
    p1 = c.name("policy-1", "<policy-name:1>")
    p2 = c.name("policy-2")
    for p in (p1, p2):
        c.iam.put_role_policy(RoleName=r, PolicyName=p, PolicyDocument=MOCK_POLICY)
    c.iam.delete_role_policy(RoleName=r, PolicyName=p1)
    return r, p1


@scenario("role_inline_policy_lifecycle / get-deleted-policy-error")
def _(c):
    r, p1 = _inline_lifecycle(c)
    return lambda: c.iam.get_role_policy(RoleName=r, PolicyName=p1)


@scenario("role_inline_policy_lifecycle / delete-nonexistent-policy-error")
def _(c):
    r, p1 = _inline_lifecycle(c)
    return lambda: c.iam.delete_role_policy(RoleName=r, PolicyName=p1)


def _role_managed(key):
    def run(c):
        r = new_role(c)
        name, policy_arn = new_policy(c, "<policy-name:1>", prefix="test-policy")
        if key == "detach-not-attached-policy-error":
            return lambda: c.iam.detach_role_policy(RoleName=r, PolicyArn=policy_arn)
        if key == "non-existent-malformed-policy-arn":
            return lambda: c.iam.attach_role_policy(RoleName=r, PolicyArn="longpolicynamebutnoarn")
        if key == "existing-policy-name-provided":
            return lambda: c.iam.attach_role_policy(RoleName=r, PolicyArn=name)
        if key == "attach-nonexistent-policy-error":
            missing = policy_arn.replace(name, "nonexistent-policy")
            return lambda: c.iam.attach_role_policy(RoleName=r, PolicyArn=missing)
        # Reconstructed: delete-attached-policy-error (newer than the test source at hand): the
        # policy attached to the role, then DeletePolicy.
        c.iam.attach_role_policy(RoleName=r, PolicyArn=policy_arn)
        return lambda: c.iam.delete_policy(PolicyArn=policy_arn)
    return run


for _key in ("detach-not-attached-policy-error", "non-existent-malformed-policy-arn", "existing-policy-name-provided",
             "attach-nonexistent-policy-error", "delete-attached-policy-error"):
    scenario(f"role_managed_policy_errors / {_key}", _role_managed(_key))

for _key, _call in (
        ("tag-nonexistent-role-error", lambda c: lambda: c.iam.tag_role(
            RoleName="test-nonexistent-role", Tags=[{"Key": "somekey", "Value": "somevalue"}])),
        ("untag-nonexistent-role-error", lambda c: lambda: c.iam.untag_role(RoleName="test-nonexistent-role",
                                                                            TagKeys=["somekey"])),
        ("list-tags-nonexistent-role-error", lambda c: lambda: c.iam.list_role_tags(RoleName="test-nonexistent-role")),
        ("create-role-too-many-tags", lambda c: lambda: c.iam.create_role(
            RoleName=c.name("role"), AssumeRolePolicyDocument=TRUST, Tags=TOO_MANY_TAGS)),
        # As recorded: TagRole with 51 tags on the missing role; the tag count is checked first.
        ("tag-role-too-many-tags", lambda c: lambda: c.iam.tag_role(RoleName="test-nonexistent-role",
                                                                    Tags=TOO_MANY_TAGS))):
    scenario(f"role_tag_errors / {_key}", _call)

ROLE_BAD_TAGS = {
    "duplicate-tags": [{"Key": "dupkey", "Value": "val1"}, {"Key": "dupkey", "Value": "val2"}],
    "duplicate-tags-different-case": [{"Key": "mykey", "Value": "val1"}, {"Key": "MyKey", "Value": "val2"}],
    "tag-key-too-long": [{"Key": "k" * 129, "Value": "value"}],
    "tag-value-too-long": [{"Key": "key", "Value": "v" * 257}],
    "tag-invalid-char": [{"Key": "invalid!key", "Value": "value"}],
}
for _suffix, _tags in ROLE_BAD_TAGS.items():
    scenario(f"role_tag_errors / create-role-{_suffix}", lambda c, tags=_tags: lambda: c.iam.create_role(
        RoleName=c.name("role"), AssumeRolePolicyDocument=TRUST, Tags=tags))

    def _run(c, tags=_tags):
        r = new_role(c)
        return lambda: c.iam.tag_role(RoleName=r, Tags=tags)
    scenario(f"role_tag_errors / tag-role-{_suffix}", _run)

for _key, _keys in (("untag-role-too-many-keys", [str(x) for x in range(51)]), ("untag-role-key-too-long", ["k" * 129]),
                    ("untag-role-invalid-char", ["invalid!key"])):
    def _run(c, keys=_keys):
        r = new_role(c)
        return lambda: c.iam.untag_role(RoleName=r, TagKeys=keys)
    scenario(f"role_tag_errors / {_key}", _run)


def _boundary(key):
    def run(c):
        r = new_role(c)
        _, valid = new_policy(c)
        invalid = arn("not_a_policy/invalid")
        missing = arn("policy/nonexistent-policy")
        return {
            "put-invalid-boundary-error": lambda: c.iam.put_role_permissions_boundary(
                RoleName=r, PermissionsBoundary=invalid),
            "create-role-invalid-boundary-error": lambda: c.iam.create_role(
                RoleName=c.name("role-invalid"), AssumeRolePolicyDocument=TRUST, PermissionsBoundary=invalid),
            "put-nonexistent-policy-error": lambda: c.iam.put_role_permissions_boundary(
                RoleName=r, PermissionsBoundary=missing),
            "create-role-nonexistent-policy-error": lambda: c.iam.create_role(
                RoleName=c.name("role-nonexistent"), AssumeRolePolicyDocument=TRUST, PermissionsBoundary=missing),
            "put-boundary-nonexistent-role-error": lambda: c.iam.put_role_permissions_boundary(
                RoleName="nonexistent-role", PermissionsBoundary=valid),
        }[key]
    return run


for _key in ("put-invalid-boundary-error", "create-role-invalid-boundary-error", "put-nonexistent-policy-error",
             "create-role-nonexistent-policy-error", "put-boundary-nonexistent-role-error"):
    scenario(f"role_permissions_boundary_errors / {_key}", _boundary(_key))


def _inline_errors(key):
    def run(c):
        r = new_role(c)
        p = "non-existent-policy"
        return {
            "get-nonexistent-policy-error": lambda: c.iam.get_role_policy(RoleName=r, PolicyName=p),
            "delete-nonexistent-policy-error": lambda: c.iam.delete_role_policy(RoleName=r, PolicyName=p),
            "put-policy-nonexistent-role-error": lambda: c.iam.put_role_policy(
                RoleName="nonexistent-role", PolicyName=p, PolicyDocument=MOCK_POLICY),
            "get-policy-nonexistent-role-error": lambda: c.iam.get_role_policy(RoleName="nonexistent-role",
                                                                               PolicyName=p),
            "delete-policy-nonexistent-role-error": lambda: c.iam.delete_role_policy(RoleName="nonexistent-role",
                                                                                     PolicyName=p),
        }[key]
    return run


for _key in ("get-nonexistent-policy-error", "delete-nonexistent-policy-error", "put-policy-nonexistent-role-error",
             "get-policy-nonexistent-role-error", "delete-policy-nonexistent-role-error"):
    scenario(f"role_inline_policy_errors / {_key}", _inline_errors(_key))

EMR_ROLE = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole"
CT_ROLE = "arn:aws:iam::aws:policy/service-role/AWSControlTowerServiceRolePolicy"


def _aws_managed_role(key):
    def run(c):
        r = new_role(c)
        c.iam.attach_role_policy(RoleName=r, PolicyArn=EMR_ROLE)
        c.iam.attach_role_policy(RoleName=r, PolicyArn=CT_ROLE)
        c.iam.detach_role_policy(RoleName=r, PolicyArn=EMR_ROLE)
        c.subs["<policy-name:1>"] = "AmazonElasticMapReduceRole"
        if key == "detach-already-detached-error":
            return lambda: c.iam.detach_role_policy(RoleName=r, PolicyArn=EMR_ROLE)
        return lambda: c.iam.detach_role_policy(RoleName=r, PolicyArn="arn:aws:iam::aws:policy/Nonexistent")
    return run


for _key in ("detach-already-detached-error", "detach-nonexistent-policy-error"):
    scenario(f"attach_detach_aws_managed_policy_role / {_key}", _aws_managed_role(_key))


# ---- iam_saml_providers ----------------------------------------------------------------------

@scenario("get_saml_provider_not_found / get-not-found")
def _(c):
    return lambda: c.iam.get_saml_provider(SAMLProviderArn=arn("saml-provider/NonExistentProvider"))


@scenario("delete_saml_provider_not_found / delete-not-found")
def _(c):
    return lambda: c.iam.delete_saml_provider(SAMLProviderArn=arn("saml-provider/NonExistentProvider"))


# ---- iam_server_certificates and iam_signing_certificates ------------------------------------

PKI = None


def certificate():
    """A fresh self-signed RSA certificate and its key (PEM), made with the openssl command."""
    n = next(_serial)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"c{n}.key", "-out",
                    f"c{n}.pem", "-days", "30", "-subj", f"/CN=c{n}.example.com"], cwd=PKI, check=True,
                   capture_output=True)
    with open(os.path.join(PKI, f"c{n}.pem")) as f, open(os.path.join(PKI, f"c{n}.key")) as k:
        return f.read(), k.read()


def new_server_certificate(c, **kwargs):
    name = c.name("cert", "<server-certificate-name:1>")
    body, key = certificate()
    c.iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=key, **kwargs)
    return name


for _path in (None, "/", "/test-path/"):
    def _run(c, path=_path):
        name = new_server_certificate(c, **({"Path": path} if path else {}))
        c.iam.delete_server_certificate(ServerCertificateName=name)
        return lambda: c.iam.get_server_certificate(ServerCertificateName=name)
    scenario(f"server_certificate_lifecycle[{_path}] / get-deleted-certificate-error", _run)


@scenario("server_certificate_errors / get-nonexistent-certificate-error")
def _(c):
    return lambda: c.iam.get_server_certificate(ServerCertificateName="nonexistent-certificate")


@scenario("server_certificate_errors / delete-nonexistent-certificate-error")
def _(c):
    return lambda: c.iam.delete_server_certificate(ServerCertificateName="nonexistent-certificate")


@scenario("server_certificate_errors / upload-duplicate-certificate-error")
def _(c):
    name = new_server_certificate(c)
    body, key = certificate()
    return lambda: c.iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=key)


NO_CERT = "NONEXISTENTCERTID12345678901"


def _signing(key):
    def run(c):
        u = new_user(c)
        if key == "upload-nonexistent-user-error":
            body, _ = certificate()
            return lambda: c.iam.upload_signing_certificate(UserName="nonexistent-user", CertificateBody=body)
        if key == "upload-exceeds-limit-error":
            for _ in range(2):
                c.iam.upload_signing_certificate(UserName=u, CertificateBody=certificate()[0])
            body, _ = certificate()
            return lambda: c.iam.upload_signing_certificate(UserName=u, CertificateBody=body)
        return {
            "list-certificates-nonexistent-user-error": lambda: c.iam.list_signing_certificates(
                UserName="nonexistent-user"),
            "delete-certificate-nonexistent-user-error": lambda: c.iam.delete_signing_certificate(
                UserName="nonexistent-user", CertificateId=NO_CERT),
            "update-certificate-nonexistent-user-error": lambda: c.iam.update_signing_certificate(
                UserName="nonexistent-user", CertificateId=NO_CERT, Status="Inactive"),
            "upload-invalid-certificate-error": lambda: c.iam.upload_signing_certificate(
                UserName=u, CertificateBody="invalid-certificate-body"),
            "update-nonexistent-certificate-error": lambda: c.iam.update_signing_certificate(
                UserName=u, CertificateId=NO_CERT, Status="Inactive"),
            "delete-nonexistent-certificate-error": lambda: c.iam.delete_signing_certificate(
                UserName=u, CertificateId=NO_CERT),
        }[key]
    return run


for _key in ("upload-nonexistent-user-error", "list-certificates-nonexistent-user-error",
             "delete-certificate-nonexistent-user-error", "update-certificate-nonexistent-user-error",
             "upload-invalid-certificate-error", "update-nonexistent-certificate-error",
             "delete-nonexistent-certificate-error", "upload-exceeds-limit-error"):
    scenario(f"signing_certificate_errors / {_key}", _signing(_key))


# ---- iam_ssh_public_keys ---------------------------------------------------------------------

NO_KEY = "APKAXXXXXXXXXXXXXXXXX"
for _test, _key, _call in (
        ("get_ssh_public_key_not_found", "get-not-found",
         lambda c, u: c.iam.get_ssh_public_key(UserName=u, SSHPublicKeyId=NO_KEY, Encoding="SSH")),
        ("update_ssh_public_key_not_found", "update-not-found",
         lambda c, u: c.iam.update_ssh_public_key(UserName=u, SSHPublicKeyId=NO_KEY, Status="Inactive")),
        ("delete_ssh_public_key_not_found", "delete-not-found",
         lambda c, u: c.iam.delete_ssh_public_key(UserName=u, SSHPublicKeyId=NO_KEY))):
    scenario(f"{_test} / {_key}", lambda c, call=_call: (lambda u: lambda: call(c, u))(new_user(c)))


# ---- iam_users (test_iam_users.py) -----------------------------------------------------------

for _path in (None, "/", "/test-lifecycle-path/"):
    def _run(c, path=_path):
        u = c.name("user", "<user-name:1>")
        c.iam.create_user(UserName=u, **({"Path": path} if path else {}))
        c.iam.delete_user(UserName=u)
        return lambda: c.iam.get_user(UserName=u)
    scenario(f"user_lifecycle[{_path}] / get-deleted-user-error", _run)


@scenario("user_update / get-old-user-error")
def _(c):
    u = new_user(c, "<user-name:1>")
    c.iam.update_user(UserName=u, NewUserName=c.name("user-new"), NewPath=f"/new-path-{next(_serial)}/")
    return lambda: c.iam.get_user(UserName=u)


@scenario("user_errors / create-duplicate-user-error")
def _(c):
    u = new_user(c, "<user-name:1>")
    return lambda: c.iam.create_user(UserName=u)


for _key, _call in (("get-nonexistent-user-error", lambda c: lambda: c.iam.get_user(UserName="nonexistent-user")),
                    ("update-nonexistent-user-error", lambda c: lambda: c.iam.update_user(
                        UserName="nonexistent-user", NewUserName="new-name")),
                    ("delete-nonexistent-user-error",
                     lambda c: lambda: c.iam.delete_user(UserName="nonexistent-user"))):
    scenario(f"user_errors / {_key}", _call)


def _user_with(c, what):
    u = new_user(c, "<user-name:1>")
    if what == "managed":
        _, policy_arn = new_policy(c, None, SAMPLE_POLICY)
        c.iam.attach_user_policy(UserName=u, PolicyArn=policy_arn)
        return u, lambda: c.iam.detach_user_policy(UserName=u, PolicyArn=policy_arn)
    p = c.name("policy")
    c.iam.put_user_policy(UserName=u, PolicyName=p, PolicyDocument=SAMPLE_POLICY)
    return u, lambda: c.iam.delete_user_policy(UserName=u, PolicyName=p)


def _deleted_user(what):
    def run(c):
        u, undo = _user_with(c, what)
        undo()
        c.iam.delete_user(UserName=u)
        return lambda: c.iam.get_user(UserName=u)
    return run


for _test, _what, _key in (("delete_user_with_attached_policy", "managed", "delete-user-with-attached-policy-error"),
                           ("delete_user_with_inline_policy", "inline", "delete-user-with-inline-policy-error")):
    scenario(f"{_test} / {_key}", lambda c, what=_what: (lambda u: lambda: c.iam.delete_user(UserName=u))(
        _user_with(c, what)[0]))
    scenario(f"{_test} / get-deleted-user-error", _deleted_user(_what))


@scenario("login_profile_lifecycle / get-deleted-login-profile-error")
def _(c):
    u = new_user(c, "<user-name:1>")
    c.iam.create_login_profile(UserName=u, Password="TestPassword123!", PasswordResetRequired=False)
    c.iam.update_login_profile(UserName=u, Password="NewPassword456!", PasswordResetRequired=True)
    c.iam.delete_login_profile(UserName=u)
    return lambda: c.iam.get_login_profile(UserName=u)


@scenario("login_profile_errors / create-login-profile-unknown-user-error")
def _(c):
    new_user(c)
    return lambda: c.iam.create_login_profile(UserName="nonexistent-user", Password="TestPassword123!")


@scenario("login_profile_errors / create-duplicate-login-profile-error")
def _(c):
    u = new_user(c, "<user-name:1>")
    c.iam.create_login_profile(UserName=u, Password="TestPassword123!", PasswordResetRequired=False)
    return lambda: c.iam.create_login_profile(UserName=u, Password="AnotherPassword123!")


@scenario("login_profile_errors / delete-nonexistent-login-profile-error")
def _(c):
    u = new_user(c, "<user-name:1>")
    c.iam.create_login_profile(UserName=u, Password="TestPassword123!", PasswordResetRequired=False)
    c.iam.delete_login_profile(UserName=u)
    return lambda: c.iam.delete_login_profile(UserName=u)


@scenario("login_profile_errors / delete-login-profile-unknown-user-error")
def _(c):
    new_user(c)
    return lambda: c.iam.delete_login_profile(UserName="nonexistent-user")


@scenario("access_key_limit / create-third-access-key-error")
def _(c):
    u = new_user(c)
    for _ in range(2):
        c.iam.create_access_key(UserName=u)
    return lambda: c.iam.create_access_key(UserName=u)


@scenario("access_key_errors / create-access-key-unknown-user-error")
def _(c):
    new_user(c)
    return lambda: c.iam.create_access_key(UserName="nonexistent-user")


@scenario("access_key_errors / update-nonexistent-access-key-error")
def _(c):
    u = new_user(c)
    return lambda: c.iam.update_access_key(UserName=u, AccessKeyId="AKIAIOSFODNN7EXAMPLE", Status="Inactive")


@scenario("access_key_errors / get-last-used-nonexistent-key-error")
def _(c):
    new_user(c)
    c.subs["<caller>"] = client("sts").get_caller_identity()["Arn"]
    return lambda: c.iam.get_access_key_last_used(AccessKeyId="AKIAIOSFODNN7EXAMPLE")


@scenario("access_key_errors / delete-access-key-without-username-error")
def _(c):
    # A role session (STS AssumeRole by a user the role trusts) deleting "its" key.
    u = new_user(c)
    key = c.iam.create_access_key(UserName=u)["AccessKey"]
    r = c.name("role")
    c.iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn(f"user/{u}")}, "Action": "sts:AssumeRole"}]}))
    c.iam.put_role_policy(RoleName=r, PolicyName="all", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}))
    creds = client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
        RoleArn=arn(f"role/{r}"), RoleSessionName="session")["Credentials"]
    session = boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return lambda: session.delete_access_key(AccessKeyId=key["AccessKeyId"])


@scenario("user_managed_policy_errors / attach-nonexistent-policy-error")
def _(c):
    u = new_user(c)
    new_policy(c, "<policy-name:1>", SAMPLE_POLICY)
    return lambda: c.iam.attach_user_policy(UserName=u, PolicyArn=arn("policy/nonexistent"))


@scenario("user_managed_policy_errors / detach-unattached-policy-error")
def _(c):
    u = new_user(c)
    _, policy_arn = new_policy(c, "<policy-name:1>", SAMPLE_POLICY)
    return lambda: c.iam.detach_user_policy(UserName=u, PolicyArn=policy_arn)


for _key, _call in (
        ("tag-nonexistent-user-error", lambda c: lambda: c.iam.tag_user(
            UserName="nonexistent-user", Tags=[{"Key": "key", "Value": "value"}])),
        ("untag-nonexistent-user-error", lambda c: lambda: c.iam.untag_user(UserName="nonexistent-user",
                                                                            TagKeys=["key"])),
        ("list-tags-nonexistent-user-error", lambda c: lambda: c.iam.list_user_tags(UserName="nonexistent-user"))):
    scenario(f"user_tag_errors / {_key}", _call)


def _user_group(key):
    def run(c):
        u, g = new_user(c), new_group(c)
        return {
            "add-nonexistent-user-to-group-error": lambda: c.iam.add_user_to_group(GroupName=g,
                                                                                   UserName="nonexistent-user"),
            "add-user-to-nonexistent-group-error": lambda: c.iam.add_user_to_group(GroupName="nonexistent-group",
                                                                                   UserName=u),
            "remove-user-from-nonexistent-group-error": lambda: c.iam.remove_user_from_group(
                GroupName="nonexistent-group", UserName=u),
        }[key]
    return run


for _key in ("add-nonexistent-user-to-group-error", "add-user-to-nonexistent-group-error",
             "remove-user-from-nonexistent-group-error"):
    scenario(f"user_group_errors / {_key}", _user_group(_key))


# ---- section sts (tests/aws/services/sts) ----------------------------------------------------

def _assumer(c, transitive_from=None):
    """A user the new role trusts (and, for chaining, the role trusts its own sessions), with
    its STS client; returns (sts client of the user, role ARN)."""
    u = new_user(c)
    key = c.iam.create_access_key(UserName=u)["AccessKey"]
    r = c.name("role")
    statement = {"Effect": "Allow", "Principal": {"AWS": arn(f"user/{u}")},
                 "Action": ["sts:AssumeRole", "sts:TagSession"]}
    c.iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                       "Statement": [statement]}))
    role_arn = arn(f"role/{r}")
    chained = dict(statement, Principal={"AWS": role_arn})
    c.iam.update_assume_role_policy(RoleName=r, PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                           "Statement": [statement, chained]}))
    return client("sts", key["AccessKeyId"], key["SecretAccessKey"]), role_arn


def _session(creds):
    return boto3.session.Session().client(
        "sts", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


@scenario("assume_role_tag_validation / invalid-transitive-tag-keys")
def _(c):
    sts, role_arn = _assumer(c)
    return lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="session", Tags=[{"Key": "k1", "Value": "v"}],
                                   TransitiveTagKeys=["k2"])


@scenario("assume_role_tag_validation / duplicate-tag-keys-different-casing")
def _(c):
    sts, role_arn = _assumer(c)
    return lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="session",
                                   Tags=[{"Key": "SessionTag", "Value": "1"}, {"Key": "sessiontag", "Value": "2"}])


def _override_transitive(key):
    def run(c):
        sts, role_arn = _assumer(c)
        first = sts.assume_role(RoleArn=role_arn, RoleSessionName="session1",
                                Tags=[{"Key": "SessionTag1", "Value": "one"}], TransitiveTagKeys=["SessionTag1"])
        chained = _session(first["Credentials"])
        return lambda: chained.assume_role(RoleArn=role_arn, RoleSessionName="session2",
                                           Tags=[{"Key": key, "Value": "two"}])
    return run


scenario("iam_role_chaining_override_transitive_tags / override-transitive-tag-error",
         _override_transitive("SessionTag1"))
scenario("iam_role_chaining_override_transitive_tags / override-transitive-tag-case-ignore-error",
         _override_transitive("sessiontag1"))

for _key, _arn in (("malformed-arn", "nothing-valid-in-here"), ("no-partition", "arn::b:::something/test-role"),
                   ("no-service", "arn:a::::something/test-role"), ("not-enough-colons", "arn:a:::something/test-role"),
                   ("no-resource", "arn:a:a::aaaaaaaaaa:")):
    scenario(f"sts_invalid_parameters / {_key}",
             lambda c, a=_arn: (lambda: client("sts").assume_role(RoleArn=a, RoleSessionName="Session1")))


@scenario("sts_invalid_parameters / invalid-session-name")
def _(c):
    _, role_arn = _assumer(c)
    return lambda: client("sts").assume_role(RoleArn=role_arn, RoleSessionName="Session1:2")


@scenario("assume_role_session_name_too_long / session-name-too-long-error")
def _(c):
    sts, role_arn = _assumer(c)
    return lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s" * 65)


@scenario("federation_token_policy_too_long / policy-too-long-error")
def _(c):
    u = new_user(c)
    key = c.iam.create_access_key(UserName=u)["AccessKey"]
    statements = [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                   "Resource": f"arn:aws:s3:::my-example-bucket-with-long-name/folder-name-{i}/*"} for i in range(30)]
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    raw = boto3.session.Session().client(  # boto3 checks the length itself: send it anyway
        "sts", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(parameter_validation=False))
    return lambda: raw.get_federation_token(Name="federated-user", Policy=policy)


# ---------------------------------------------------------------------------------------------
# Rows not replayed, with the reason.
# ---------------------------------------------------------------------------------------------
NOT_COVERED = {
}

# Scenarios iamd answers wrong today (scenario -> the difference). The runner tolerates them,
# reports them, and says which now match (move those out). Empty: every recorded row matches.
PENDING = {
}

# Scenarios iamd deliberately answers otherwise (scenario -> why).
EXPECTED_DIFFERENT = {
}


# ---------------------------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------------------------
def http_statuses():
    """Error code -> HTTP status, from the IAM model botocore carries (AWS's own table), plus the
    two common errors the model does not list."""
    model = botocore.session.get_session().get_service_model("iam")
    statuses = {"ValidationError": 400, "AccessDenied": 403}
    for name in model.error_shapes if hasattr(model, "error_shapes") else []:
        error = name.metadata.get("error", {})
        if "code" in error and "httpStatusCode" in error:
            statuses[error["code"]] = error["httpStatusCode"]
    return statuses


STATUS = http_statuses()


def expected_message(row, ctx):
    message = row["message"].replace("111111111111", ACCOUNT).replace("<partition>", "aws")
    message = message.replace("<region>", "us-east-1")
    for placeholder, value in ctx.subs.items():
        message = message.replace(placeholder, value)
    return message


def replay(row):
    """Runs one scenario; returns (expected, got, mismatch) where mismatch is '' on a match."""
    ctx = Ctx()
    try:
        call = SCENARIOS[row["scenario"]](ctx)
    except Exception as e:  # the setup must succeed; a failure there is a mismatch too
        return None, None, f"setup failed: {e!r}"
    want = (row["code"], expected_message(row, ctx), STATUS.get(row["code"]))
    try:
        call()
        return want, None, "the call succeeded"
    except botocore.exceptions.ClientError as e:
        err = e.response.get("Error", {})
        got = (err.get("Code"), err.get("Message", ""), e.response["ResponseMetadata"]["HTTPStatusCode"])
    except Exception as e:
        return want, None, f"the call raised {e!r}"
    problems = []
    if got[0] != want[0]:
        problems.append("code")
    if not (got[1].startswith(want[1]) if row.get("truncated") else got[1] == want[1]):
        problems.append("message")
    if want[2] is not None and got[2] != want[2]:
        problems.append("status")
    return want, got, ", ".join(problems) and "different " + ", ".join(problems)


names = [r["scenario"] for r in ROWS]
outcome = {}


@check("every recorded row is replayed or listed as not covered, and the lists name recorded rows")
def _():
    assert len(names) == len(set(names)), "duplicate scenario names in recorded_errors.json"
    known = set(names)
    for label, table in (("SCENARIOS", SCENARIOS), ("NOT_COVERED", NOT_COVERED), ("PENDING", PENDING),
                         ("EXPECTED_DIFFERENT", EXPECTED_DIFFERENT)):
        unknown = sorted(set(table) - known)
        assert not unknown, f"{label} names rows that are not recorded: {unknown}"
    both = sorted(set(SCENARIOS) & set(NOT_COVERED))
    assert not both, f"both replayed and not covered: {both}"
    neither = [n for n in names if n not in SCENARIOS and n not in NOT_COVERED]
    assert not neither, f"rows neither replayed nor listed as not covered: {neither}"
    for label, table in (("PENDING", PENDING), ("EXPECTED_DIFFERENT", EXPECTED_DIFFERENT)):
        outside = sorted(set(table) - set(SCENARIOS))
        assert not outside, f"{label} lists rows that are not replayed: {outside}"
    both = sorted(set(PENDING) & set(EXPECTED_DIFFERENT))
    assert not both, f"both PENDING and EXPECTED_DIFFERENT: {both}"
    assert all(NOT_COVERED.values()) and all(PENDING.values()) and all(EXPECTED_DIFFERENT.values()), \
        "every listed row needs its reason"


server, tmp = start_server("recorded-errors")
PKI = os.path.join(tmp, "pki")
os.makedirs(PKI)


@check("every replayed scenario answers as recorded, or is listed in PENDING or EXPECTED_DIFFERENT")
def _():
    unexpected = []
    for row in ROWS:
        name = row["scenario"]
        if name not in SCENARIOS:
            continue
        want, got, mismatch = replay(row)
        outcome[name] = mismatch
        if not mismatch:
            continue
        label = "PENDING" if name in PENDING else "EXPECTED-DIFFERENT" if name in EXPECTED_DIFFERENT else "MISMATCH"
        print(f"{label} {name}: {mismatch}", flush=True)
        if want:
            print(f"    expected: {want[0]} {want[2]} {want[1]!r}")
        if got:
            print(f"    got:      {got[0]} {got[2]} {got[1]!r}")
        if label == "MISMATCH":
            unexpected.append(name)
    stale = [n for n in PENDING if outcome.get(n) == ""]
    for n in stale:
        print(f"NOW MATCHES (move out of PENDING): {n}")
    for n in (n for n in EXPECTED_DIFFERENT if outcome.get(n) == ""):
        print(f"NOW MATCHES (listed in EXPECTED_DIFFERENT): {n}")
    replayed = len(outcome)
    matching = sum(1 for m in outcome.values() if not m)
    pending = sum(1 for n, m in outcome.items() if m and n in PENDING)
    different = sum(1 for n, m in outcome.items() if m and n in EXPECTED_DIFFERENT)
    print(f"recorded rows: {len(ROWS)}, replayed: {replayed}, matching: {matching}, pending: {pending}, "
          f"expected-different: {different}, unexpected mismatches: {len(unexpected)}, "
          f"not covered: {len(NOT_COVERED)}", flush=True)
    assert not unexpected, f"{len(unexpected)} scenarios answer other than recorded: {unexpected}"


finish(tmp)
