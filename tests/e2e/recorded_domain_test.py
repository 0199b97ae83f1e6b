#!/usr/bin/python3
"""The IAM domain's errors as AWS recorded them (../shared/spec/aws-recorded-errors.md), one row
per recorded scenario: the call, then AWS's code and message. Placeholders of the recording
(<user-name:1>, 111111111111, <partition>) are the names this file creates, ACCOUNT and `aws`.
The recorded rows not replayed here are listed after ROWS with the reason. Run by ctest as
e2e_recorded_domain:
    tests/e2e/recorded_domain_test.py PATH/TO/iamd
"""
import base64
import hashlib
import hmac
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

server, tmp = start_server("recorded-domain")
pki = os.path.join(tmp, "pki")
os.makedirs(pki)


def self_signed(name):
    """A self-signed EC certificate and its key (PEM), made with the `openssl` command."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "30", "-subj",
                    f"/CN={name}.example.com"], cwd=pki, check=True, capture_output=True)
    with open(os.path.join(pki, f"{name}.pem")) as c, open(os.path.join(pki, f"{name}.key")) as k:
        return c.read(), k.read()


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TRUST = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
ALLOW_S3 = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
ACCOUNT_ARN = f"arn:aws:iam::{ACCOUNT}"
EMR_ROLE = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"

iam = client("iam")

# ---- The entities the rows refer to (the recording's <...:1> names) ----
iam.create_user(UserName="rec-user")
iam.create_user(UserName="rec-lp-user")
iam.create_login_profile(UserName="rec-lp-user", Password="Recorded-Passw0rd!")
iam.create_group(GroupName="rec-group")
iam.create_role(RoleName="rec-role", AssumeRolePolicyDocument=TRUST)
POLICY_ARN = iam.create_policy(PolicyName="rec-policy", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
# The recording's <policy-name:1> is a name of 20 characters or more (the PolicyArn minimum).
LONG_NAME = "rec-policy-of-twenty-characters"
iam.create_policy(PolicyName=LONG_NAME, PolicyDocument=ALLOW_S3)
ATTACHED_ARN = iam.create_policy(PolicyName="rec-attached", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
iam.attach_role_policy(RoleName="rec-role", PolicyArn=ATTACHED_ARN)
iam.create_instance_profile(InstanceProfileName="rec-profile")
iam.create_virtual_mfa_device(VirtualMFADeviceName="rec-mfa")
CERT1, KEY1 = self_signed("one")
CERT2, _ = self_signed("two")
CERT3, _ = self_signed("three")
iam.upload_server_certificate(ServerCertificateName="rec-cert", CertificateBody=CERT1, PrivateKey=KEY1)
iam.create_user(UserName="rec-signer")
iam.upload_signing_certificate(UserName="rec-signer", CertificateBody=CERT1)
iam.upload_signing_certificate(UserName="rec-signer", CertificateBody=CERT2)

# For the delete_* rows: each entity holds the one thing that keeps it from being deleted.
iam.create_user(UserName="del-user-attached")
iam.attach_user_policy(UserName="del-user-attached", PolicyArn=POLICY_ARN)
iam.create_user(UserName="del-user-inline")
iam.put_user_policy(UserName="del-user-inline", PolicyName="p", PolicyDocument=ALLOW_S3)
iam.create_user(UserName="del-user-credential")
iam.create_service_specific_credential(UserName="del-user-credential", ServiceName="codecommit.amazonaws.com")
iam.create_role(RoleName="del-role-attached", AssumeRolePolicyDocument=TRUST)
iam.attach_role_policy(RoleName="del-role-attached", PolicyArn=POLICY_ARN)
iam.create_role(RoleName="del-role-inline", AssumeRolePolicyDocument=TRUST)
iam.put_role_policy(RoleName="del-role-inline", PolicyName="p", PolicyDocument=ALLOW_S3)
iam.create_role(RoleName="del-role-profile", AssumeRolePolicyDocument=TRUST)
iam.create_instance_profile(InstanceProfileName="del-profile")
iam.add_role_to_instance_profile(InstanceProfileName="del-profile", RoleName="del-role-profile")
iam.create_user(UserName="rec-keys")
iam.create_access_key(UserName="rec-keys")
iam.create_access_key(UserName="rec-keys")
VERSIONED_ARN = iam.create_policy(PolicyName="rec-versioned", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
for _ in range(4):
    iam.create_policy_version(PolicyArn=VERSIONED_ARN, PolicyDocument=ALLOW_S3)
iam.create_group(GroupName="rec-group-2")
MFA_SEED = base64.b32decode(iam.create_virtual_mfa_device(VirtualMFADeviceName="rec-mfa-used")["VirtualMFADevice"]
                            ["Base32StringSeed"].decode("ascii"))
iam.create_user(UserName="rec-mfa-owner")


def mfa_codes(seed):
    """Two consecutive RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s steps): the previous and the current."""
    out = []
    for step in (int(time.time()) // 30 - 1, int(time.time()) // 30):
        mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
        value = struct.unpack(">I", mac[mac[19] & 0x0F:(mac[19] & 0x0F) + 4])[0] & 0x7FFFFFFF
        out.append(f"{value % 1000000:06d}")
    return {"AuthenticationCode1": out[0], "AuthenticationCode2": out[1]}


iam.enable_mfa_device(UserName="rec-mfa-owner", SerialNumber=f"{ACCOUNT_ARN}:mfa/rec-mfa-used", **mfa_codes(MFA_SEED))

PATH_MESSAGE = ("The specified value for path is invalid. It must begin and end with / and contain only "
                "alphanumeric characters and/or / characters.")


def user_missing(name="nonexistent-user"):
    return ("NoSuchEntity", f"The user with name {name} cannot be found.")


def role_missing(name):
    return ("NoSuchEntity", f"The role with name {name} cannot be found.")


def profile_missing(name="nonexistent-profile"):
    return ("NoSuchEntity", f"Instance Profile {name} cannot be found.")


NOT_VALID = "not valid."
R = "test-nonexistent-role"

# (scenario / step, call, keyword arguments, (code, message))
ROWS = [
    # iam_users
    ("user_errors / create-duplicate-user-error", iam.create_user, {"UserName": "rec-user"},
     ("EntityAlreadyExists", "User with name rec-user already exists.")),
    ("user_errors / get-nonexistent-user-error", iam.get_user, {"UserName": "nonexistent-user"}, user_missing()),
    ("user_errors / update-nonexistent-user-error", iam.update_user,
     {"UserName": "nonexistent-user", "NewUserName": "x"}, user_missing()),
    ("user_errors / delete-nonexistent-user-error", iam.delete_user, {"UserName": "nonexistent-user"},
     user_missing()),
    ("login_profile_errors / create-login-profile-unknown-user-error", iam.create_login_profile,
     {"UserName": "nonexistent-user", "Password": "Recorded-Passw0rd!"}, user_missing()),
    ("login_profile_errors / create-duplicate-login-profile-error", iam.create_login_profile,
     {"UserName": "rec-lp-user", "Password": "Recorded-Passw0rd!"},
     ("EntityAlreadyExists", "Login Profile for user rec-lp-user already exists.")),
    ("login_profile_errors / delete-nonexistent-login-profile-error", iam.delete_login_profile,
     {"UserName": "rec-user"}, ("NoSuchEntity", "Login Profile for User rec-user cannot be found.")),
    ("login_profile_errors / delete-login-profile-unknown-user-error", iam.delete_login_profile,
     {"UserName": "nonexistent-user"}, user_missing()),
    ("access_key_errors / create-access-key-unknown-user-error", iam.create_access_key,
     {"UserName": "nonexistent-user"}, user_missing()),
    ("access_key_errors / update-nonexistent-access-key-error", iam.update_access_key,
     {"UserName": "rec-user", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Inactive"},
     ("NoSuchEntity", "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.")),
    ("access_key_errors / get-last-used-nonexistent-key-error", iam.get_access_key_last_used,
     {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"},
     ("AccessDenied", f"User: {ROOT_ARN} is not authorized to perform iam:GetAccessKeyLastUsed on resource: "
                      "access key AKIAIOSFODNN7EXAMPLE")),
    ("user_managed_policy_errors / attach-nonexistent-policy-error", iam.attach_user_policy,
     {"UserName": "rec-user", "PolicyArn": f"{ACCOUNT_ARN}:policy/nonexistent"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/nonexistent does not exist or is not attachable.")),
    ("user_managed_policy_errors / detach-unattached-policy-error", iam.detach_user_policy,
     {"UserName": "rec-user", "PolicyArn": POLICY_ARN}, ("NoSuchEntity", f"Policy {POLICY_ARN} was not found.")),
    ("user_attach_policy / non_existent_malformed_policy_arn", iam.attach_user_policy,
     {"UserName": "rec-user", "PolicyArn": "longpolicynamebutnoarn"},
     ("ValidationError", "ARN longpolicynamebutnoarn is not valid.")),
    ("user_attach_policy / existing_policy_name_provided", iam.attach_user_policy,
     {"UserName": "rec-user", "PolicyArn": LONG_NAME}, ("ValidationError", f"ARN {LONG_NAME} is not valid.")),
    ("user_attach_policy / valid_arn_not_existent", iam.attach_user_policy,
     {"UserName": "rec-user", "PolicyArn": POLICY_ARN + "123"},
     ("NoSuchEntity", f"Policy {POLICY_ARN}123 does not exist or is not attachable.")),
    ("user_tag_errors / tag-nonexistent-user-error", iam.tag_user,
     {"UserName": "nonexistent-user", "Tags": [{"Key": "k", "Value": "v"}]}, user_missing()),
    ("user_tag_errors / untag-nonexistent-user-error", iam.untag_user,
     {"UserName": "nonexistent-user", "TagKeys": ["k"]}, user_missing()),
    ("user_tag_errors / list-tags-nonexistent-user-error", iam.list_user_tags, {"UserName": "nonexistent-user"},
     user_missing()),
    ("user_group_errors / add-nonexistent-user-to-group-error", iam.add_user_to_group,
     {"UserName": "nonexistent-user", "GroupName": "rec-group"}, user_missing()),
    ("user_group_errors / add-user-to-nonexistent-group-error", iam.add_user_to_group,
     {"UserName": "rec-user", "GroupName": "nonexistent-group"},
     ("NoSuchEntity", "The group with name nonexistent-group cannot be found.")),
    ("user_group_errors / remove-user-from-nonexistent-group-error", iam.remove_user_from_group,
     {"UserName": "rec-user", "GroupName": "nonexistent-group"},
     ("NoSuchEntity", "The group with name nonexistent-group cannot be found.")),
    ("remove_user_from_unknown_group / remove-from-unknown-group", iam.remove_user_from_group,
     {"UserName": "any-user", "GroupName": "non-existent-group"}, user_missing("any-user")),
    # [IMPL] AddUserToGroup checks in RemoveUserFromGroup's recorded order: the user first.
    ("add_user_to_group, both missing (as remove_user_from_unknown_group)", iam.add_user_to_group,
     {"UserName": "any-user", "GroupName": "non-existent-group"}, user_missing("any-user")),
    ("login_profile_lifecycle / get-deleted-login-profile-error", iam.get_login_profile, {"UserName": "rec-user"},
     ("NoSuchEntity", "Login Profile for User rec-user cannot be found.")),
    ("access_key_limit / create-third-access-key-error", iam.create_access_key, {"UserName": "rec-keys"},
     ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")),
    ("delete_user_with_attached_policy / delete-user-with-attached-policy-error", iam.delete_user,
     {"UserName": "del-user-attached"}, ("DeleteConflict", "Cannot delete entity, must detach all policies first.")),
    ("delete_user_with_inline_policy / delete-user-with-inline-policy-error", iam.delete_user,
     {"UserName": "del-user-inline"}, ("DeleteConflict", "Cannot delete entity, must delete policies first.")),
    ("delete_user_after_service_credential_created / delete-user-existing-credential", iam.delete_user,
     {"UserName": "del-user-credential"},
     ("DeleteConflict", "Cannot delete entity, must remove referenced objects first.")),
    ("create_service_specific_credential_invalid_user / invalid-user-name-exception",
     iam.create_service_specific_credential, {"UserName": "non-existent-user", "ServiceName": "codecommit.amazonaws.com"},
     user_missing("non-existent-user")),
    ("create_service_specific_credential_invalid_service / invalid-service-exception",
     iam.create_service_specific_credential, {"UserName": "rec-user", "ServiceName": "nonexistentservice.amazonaws.com"},
     ("NoSuchEntity", "No such service nonexistentservice.amazonaws.com is supported for Service Specific Credentials")),
    # iam_groups
    ("create_group / create-group-duplicate", iam.create_group, {"GroupName": "rec-group"},
     ("EntityAlreadyExists", "Group with name rec-group already exists.")),
    ("get_group / get-group-not-found", iam.get_group, {"GroupName": "non-existent-group"},
     ("NoSuchEntity", "The group with name non-existent-group cannot be found.")),
    ("delete_unknown_group / delete-unknown-group", iam.delete_group, {"GroupName": "unknown-group"},
     ("NoSuchEntity", "The group with name unknown-group cannot be found.")),
    ("update_group_not_found / update-nonexistent-group", iam.update_group,
     {"GroupName": "nonexisting", "NewGroupName": "x"},
     ("NoSuchEntity", "The group with name nonexisting cannot be found.")),
    ("update_group_duplicate_name / update-duplicate-name", iam.update_group,
     {"GroupName": "rec-group", "NewGroupName": "rec-group-2"},
     ("EntityAlreadyExists", "Group with name rec-group-2 already exists.")),
    ("get_group_policy / get-nonexistent-policy", iam.get_group_policy, {"GroupName": "rec-group", "PolicyName": "p"},
     ("NoSuchEntity", "The group policy with name p cannot be found.")),
    ("detach_unattached_group_policy / detach-unattached-error", iam.detach_group_policy,
     {"GroupName": "rec-group", "PolicyArn": POLICY_ARN}, ("NoSuchEntity", f"Policy {POLICY_ARN} was not found.")),
    # iam_roles
    ("delete_role_with_attached_policy / delete-role-with-policy-error", iam.delete_role,
     {"RoleName": "del-role-attached"}, ("DeleteConflict", "Cannot delete entity, must detach all policies first.")),
    ("delete_role_with_inline_policy / delete-role-with-inline-policy-error", iam.delete_role,
     {"RoleName": "del-role-inline"}, ("DeleteConflict", "Cannot delete entity, must delete policies first.")),
    ("delete_role_with_instance_profile / delete-role-with-instance-profile-error", iam.delete_role,
     {"RoleName": "del-role-profile"},
     ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")),
    ("delete_instance_profile_with_role_error / delete-with-role-error", iam.delete_instance_profile,
     {"InstanceProfileName": "del-profile"},
     ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")),
    ("add_second_role_to_instance_profile_error / add-second-role-error", iam.add_role_to_instance_profile,
     {"InstanceProfileName": "del-profile", "RoleName": "rec-role"},
     ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")),
    ("role_errors / get-role-error", iam.get_role, {"RoleName": R}, role_missing(R)),
    ("role_errors / update-role-error", iam.update_role, {"RoleName": R, "Description": "d"}, role_missing(R)),
    ("role_errors / delete-role-error", iam.delete_role, {"RoleName": R}, role_missing(R)),
    ("role_errors / create-role-already-exists-error", iam.create_role,
     {"RoleName": "rec-role", "AssumeRolePolicyDocument": TRUST},
     ("EntityAlreadyExists", "Role with name rec-role already exists.")),
    ("update_assume_role_policy_errors / invalid-json-error", iam.update_assume_role_policy,
     {"RoleName": "rec-role", "PolicyDocument": "{not json"},
     ("MalformedPolicyDocument", "This policy contains invalid Json")),
    ("update_assume_role_policy_errors / invalid-action-error", iam.update_assume_role_policy,
     {"RoleName": "rec-role", "PolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                     "Action": "s3:GetObject"})},
     ("MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.")),
    ("update_assume_role_policy_errors / resource-field-error", iam.update_assume_role_policy,
     {"RoleName": "rec-role", "PolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                     "Action": "sts:AssumeRole", "Resource": "*"})},
     ("MalformedPolicyDocument", "Has prohibited field Resource")),
    ("create_role_with_malformed_assume_role_policy_document / invalid-json", iam.create_role,
     {"RoleName": "rec-bad-trust", "AssumeRolePolicyDocument": "{not json"},
     ("MalformedPolicyDocument", "This policy contains invalid Json")),
    ("role_managed_policy_errors / detach-not-attached-policy-error", iam.detach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": POLICY_ARN}, ("NoSuchEntity", f"Policy {POLICY_ARN} was not found.")),
    ("role_managed_policy_errors / non-existent-malformed-policy-arn", iam.attach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": "longpolicynamebutnoarn"},
     ("ValidationError", "ARN longpolicynamebutnoarn is not valid.")),
    ("role_managed_policy_errors / existing-policy-name-provided", iam.attach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": LONG_NAME}, ("ValidationError", f"ARN {LONG_NAME} is not valid.")),
    ("role_managed_policy_errors / attach-nonexistent-policy-error", iam.attach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": f"{ACCOUNT_ARN}:policy/nonexistent-policy"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/nonexistent-policy does not exist or is not attachable.")),
    ("role_managed_policy_errors / delete-attached-policy-error", iam.delete_policy, {"PolicyArn": ATTACHED_ARN},
     ("DeleteConflict", "Cannot delete a policy attached to entities.")),
    ("role_tag_errors / tag-nonexistent-role-error", iam.tag_role,
     {"RoleName": R, "Tags": [{"Key": "k", "Value": "v"}]}, role_missing(R)),
    ("role_tag_errors / untag-nonexistent-role-error", iam.untag_role, {"RoleName": R, "TagKeys": ["k"]},
     role_missing(R)),
    ("role_tag_errors / list-tags-nonexistent-role-error", iam.list_role_tags, {"RoleName": R}, role_missing(R)),
    ("role_tag_errors / create-role-duplicate-tags", iam.create_role,
     {"RoleName": "rec-tagged", "AssumeRolePolicyDocument": TRUST,
      "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")),
    ("role_tag_errors / create-role-duplicate-tags-different-case", iam.create_role,
     {"RoleName": "rec-tagged", "AssumeRolePolicyDocument": TRUST,
      "Tags": [{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")),
    ("role_tag_errors / tag-role-duplicate-tags", iam.tag_role,
     {"RoleName": "rec-role", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")),
    ("role_tag_errors / tag-role-duplicate-tags-different-case", iam.tag_role,
     {"RoleName": "rec-role", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")),
    ("role_permissions_boundary_errors / put-invalid-boundary-error", iam.put_role_permissions_boundary,
     {"RoleName": "rec-role", "PermissionsBoundary": f"{ACCOUNT_ARN}:not_a_policy/invalid"},
     ("InvalidInput", f"ARN {ACCOUNT_ARN}:not_a_policy/invalid is not valid.")),
    ("role_permissions_boundary_errors / create-role-invalid-boundary-error", iam.create_role,
     {"RoleName": "rec-bounded", "AssumeRolePolicyDocument": TRUST,
      "PermissionsBoundary": f"{ACCOUNT_ARN}:not_a_policy/invalid"},
     ("InvalidInput", f"ARN {ACCOUNT_ARN}:not_a_policy/invalid is not valid.")),
    ("role_permissions_boundary_errors / put-nonexistent-policy-error", iam.put_role_permissions_boundary,
     {"RoleName": "rec-role", "PermissionsBoundary": f"{ACCOUNT_ARN}:policy/nonexistent-policy"},
     ("NoSuchEntity", f"Scope ARN: {ACCOUNT_ARN}:policy/nonexistent-policy does not exist or is not attachable.")),
    ("role_permissions_boundary_errors / create-role-nonexistent-policy-error", iam.create_role,
     {"RoleName": "rec-bounded", "AssumeRolePolicyDocument": TRUST,
      "PermissionsBoundary": f"{ACCOUNT_ARN}:policy/nonexistent-policy"},
     ("NoSuchEntity", f"Scope ARN: {ACCOUNT_ARN}:policy/nonexistent-policy does not exist or is not attachable.")),
    ("role_permissions_boundary_errors / put-boundary-nonexistent-role-error", iam.put_role_permissions_boundary,
     {"RoleName": "nonexistent-role", "PermissionsBoundary": POLICY_ARN}, role_missing("nonexistent-role")),
    ("role_inline_policy_errors / get-nonexistent-policy-error", iam.get_role_policy,
     {"RoleName": "rec-role", "PolicyName": "non-existent-policy"},
     ("NoSuchEntity", "The role policy with name non-existent-policy cannot be found.")),
    ("role_inline_policy_errors / delete-nonexistent-policy-error", iam.delete_role_policy,
     {"RoleName": "rec-role", "PolicyName": "non-existent-policy"},
     ("NoSuchEntity", "The role policy with name non-existent-policy cannot be found.")),
    ("role_inline_policy_errors / put-policy-nonexistent-role-error", iam.put_role_policy,
     {"RoleName": "nonexistent-role", "PolicyName": "p", "PolicyDocument": ALLOW_S3},
     role_missing("nonexistent-role")),
    ("role_inline_policy_errors / get-policy-nonexistent-role-error", iam.get_role_policy,
     {"RoleName": "nonexistent-role", "PolicyName": "p"}, role_missing("nonexistent-role")),
    ("role_inline_policy_errors / delete-policy-nonexistent-role-error", iam.delete_role_policy,
     {"RoleName": "nonexistent-role", "PolicyName": "p"}, role_missing("nonexistent-role")),
    ("attach_detach_aws_managed_policy_role / detach-already-detached-error", iam.detach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": EMR_ROLE}, ("NoSuchEntity", f"Policy {EMR_ROLE} was not found.")),
    ("attach_detach_aws_managed_policy_role / detach-nonexistent-policy-error", iam.detach_role_policy,
     {"RoleName": "rec-role", "PolicyArn": "arn:aws:iam::aws:policy/Nonexistent"},
     ("NoSuchEntity", "Policy arn:aws:iam::aws:policy/Nonexistent was not found.")),
    # iam_managed_policies, iam_policies
    ("aws_managed_policy_errors / delete-managed-policy-error", iam.delete_policy, {"PolicyArn": EMR_ROLE},
     ("AccessDenied", "Cannot delete policies outside your own account.")),
    ("aws_managed_policy_errors / delete-managed-policy-version-error", iam.delete_policy_version,
     {"PolicyArn": EMR_ROLE, "VersionId": "v1"},
     ("AccessDenied", "Cannot delete policy versions for policies outside your own account.")),
    ("aws_managed_policy_errors / set-default-managed-policy-version-error", iam.set_default_policy_version,
     {"PolicyArn": EMR_ROLE, "VersionId": "v1"}, ("AccessDenied", "Cannot update policies outside your own account.")),
    ("policy_errors / policy-already-exists", iam.create_policy,
     {"PolicyName": "rec-policy", "PolicyDocument": ALLOW_S3},
     ("EntityAlreadyExists", "A policy called rec-policy already exists. Duplicate names are not allowed.")),
    ("delete_non_existent_policy_returns_no_such_entity / delete-non-existent-policy-exc", iam.delete_policy,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/non-existent-policy"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/non-existent-policy was not found.")),
    ("policy_version_limit / err-version-limit-exceeded", iam.create_policy_version,
     {"PolicyArn": VERSIONED_ARN, "PolicyDocument": ALLOW_S3},
     ("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must "
                       "delete an existing version.")),
    ("policy_version_errors / err-get-version-nonexistent-policy", iam.get_policy_version,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/TestNonExistingPolicy", "VersionId": "v1"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/TestNonExistingPolicy version v1 does not exist or is not "
                      "attachable.")),
    ("policy_version_errors / err-get-nonexistent-version", iam.get_policy_version,
     {"PolicyArn": POLICY_ARN, "VersionId": "v9"},
     ("NoSuchEntity", f"Policy {POLICY_ARN} version v9 does not exist or is not attachable.")),
    ("policy_version_errors / err-delete-default-version", iam.delete_policy_version,
     {"PolicyArn": POLICY_ARN, "VersionId": "v1"}, ("DeleteConflict", "Cannot delete the default version of a policy.")),
    ("policy_version_errors / err-delete-nonexistent-version", iam.delete_policy_version,
     {"PolicyArn": POLICY_ARN, "VersionId": "v9"},
     ("NoSuchEntity", f"Policy {POLICY_ARN} version v9 does not exist or is not attachable.")),
    ("policy_version_errors / err-set-default-nonexistent-policy", iam.set_default_policy_version,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/TestNonExistingPolicy", "VersionId": "v1"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/TestNonExistingPolicy version v1 does not exist or is not "
                      "attachable.")),
    ("policy_version_errors / err-set-default-nonexistent-version", iam.set_default_policy_version,
     {"PolicyArn": POLICY_ARN, "VersionId": "v4"},
     ("NoSuchEntity", f"Policy {POLICY_ARN} version v4 does not exist or is not attachable.")),
    ("policy_tag_create_errors / err-duplicate-keys", iam.create_policy,
     {"PolicyName": "rec-tagged", "PolicyDocument": ALLOW_S3,
      "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found.")),
    ("policy_tag_update_errors / err-tag-duplicate-keys", iam.tag_policy,
     {"PolicyArn": POLICY_ARN, "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     ("InvalidInput", "Duplicate tag keys found.")),
    ("policy_tag_update_errors / err-tag-nonexistent-policy", iam.tag_policy,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/NotAPolicy", "Tags": [{"Key": "k", "Value": "v"}]},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/NotAPolicy was not found.")),
    ("policy_tag_update_errors / err-untag-nonexistent-policy", iam.untag_policy,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/NotAPolicy", "TagKeys": ["k"]},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/NotAPolicy was not found.")),
    ("list_entities_for_policy_errors / err-nonexistent-policy", iam.list_entities_for_policy,
     {"PolicyArn": f"{ACCOUNT_ARN}:policy/NonExistentPolicy"},
     ("NoSuchEntity", f"Policy {ACCOUNT_ARN}:policy/NonExistentPolicy does not exist or is not attachable.")),
    # iam_instance_profiles
    ("instance_profile_errors / get-nonexistent-error", iam.get_instance_profile,
     {"InstanceProfileName": "nonexistent-profile"}, profile_missing()),
    ("instance_profile_errors / create-duplicate-error", iam.create_instance_profile,
     {"InstanceProfileName": "rec-profile"}, ("EntityAlreadyExists", "Instance Profile rec-profile already exists.")),
    ("instance_profile_errors / delete-nonexistent-error", iam.delete_instance_profile,
     {"InstanceProfileName": "nonexistent-profile"}, profile_missing()),
    ("role_instance_profile_operations_errors / add-role-nonexistent-profile-error", iam.add_role_to_instance_profile,
     {"InstanceProfileName": "nonexistent-profile", "RoleName": "rec-role"}, profile_missing()),
    ("role_instance_profile_operations_errors / add-nonexistent-role-error", iam.add_role_to_instance_profile,
     {"InstanceProfileName": "rec-profile", "RoleName": "nonexistent-role"}, role_missing("nonexistent-role")),
    ("role_instance_profile_operations_errors / remove-role-nonexistent-profile-error",
     iam.remove_role_from_instance_profile, {"InstanceProfileName": "nonexistent-profile", "RoleName": "rec-role"},
     profile_missing()),
    ("role_instance_profile_operations_errors / remove-nonexistent-role-error", iam.remove_role_from_instance_profile,
     {"InstanceProfileName": "rec-profile", "RoleName": "nonexistent-role"}, role_missing("nonexistent-role")),
    ("role_instance_profile_operations_errors / remove-unattached-role-error", iam.remove_role_from_instance_profile,
     {"InstanceProfileName": "rec-profile", "RoleName": "rec-role"},
     ("NoSuchEntity", "Role rec-role in Instance Profile rec-profile cannot be found.")),
    ("role_instance_profile_operations_errors / list-profiles-nonexistent-role-error",
     iam.list_instance_profiles_for_role, {"RoleName": "nonexistent-role"}, role_missing("nonexistent-role")),
    ("instance_profile_tag_errors / tag-nonexistent-error", iam.tag_instance_profile,
     {"InstanceProfileName": "nonexistent-profile", "Tags": [{"Key": "k", "Value": "v"}]}, profile_missing()),
    ("instance_profile_tag_errors / untag-nonexistent-error", iam.untag_instance_profile,
     {"InstanceProfileName": "nonexistent-profile", "TagKeys": ["k"]}, profile_missing()),
    ("instance_profile_tag_errors / list-tags-nonexistent-error", iam.list_instance_profile_tags,
     {"InstanceProfileName": "nonexistent-profile"}, profile_missing()),
    # iam_signing_certificates, iam_server_certificates
    ("signing_certificate_errors / upload-nonexistent-user-error", iam.upload_signing_certificate,
     {"UserName": "nonexistent-user", "CertificateBody": CERT3}, user_missing()),
    ("signing_certificate_errors / list-certificates-nonexistent-user-error", iam.list_signing_certificates,
     {"UserName": "nonexistent-user"}, user_missing()),
    ("signing_certificate_errors / delete-certificate-nonexistent-user-error", iam.delete_signing_certificate,
     {"UserName": "nonexistent-user", "CertificateId": "NONEXISTENTCERTID12345678901"}, user_missing()),
    ("signing_certificate_errors / update-certificate-nonexistent-user-error", iam.update_signing_certificate,
     {"UserName": "nonexistent-user", "CertificateId": "NONEXISTENTCERTID12345678901", "Status": "Inactive"},
     user_missing()),
    ("signing_certificate_errors / upload-invalid-certificate-error", iam.upload_signing_certificate,
     {"UserName": "rec-user", "CertificateBody": "invalid-certificate-body"},
     ("MalformedCertificate", "Certificate invalid-certificate-body is malformed.")),
    ("signing_certificate_errors / update-nonexistent-certificate-error", iam.update_signing_certificate,
     {"UserName": "rec-user", "CertificateId": "NONEXISTENTCERTID12345678901", "Status": "Inactive"},
     ("NoSuchEntity", "The Certificate with id NONEXISTENTCERTID12345678901 cannot be found.")),
    ("signing_certificate_errors / delete-nonexistent-certificate-error", iam.delete_signing_certificate,
     {"UserName": "rec-user", "CertificateId": "NONEXISTENTCERTID12345678901"},
     ("NoSuchEntity", "The Certificate with id NONEXISTENTCERTID12345678901 cannot be found.")),
    ("signing_certificate_errors / upload-exceeds-limit-error", iam.upload_signing_certificate,
     {"UserName": "rec-signer", "CertificateBody": CERT3},
     ("LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2")),
    ("server_certificate_errors / get-nonexistent-certificate-error", iam.get_server_certificate,
     {"ServerCertificateName": "nonexistent-certificate"},
     ("NoSuchEntity", "The Server Certificate with name nonexistent-certificate cannot be found.")),
    ("server_certificate_errors / delete-nonexistent-certificate-error", iam.delete_server_certificate,
     {"ServerCertificateName": "nonexistent-certificate"},
     ("NoSuchEntity", "The Server Certificate with name nonexistent-certificate cannot be found.")),
    ("server_certificate_errors / upload-duplicate-certificate-error", iam.upload_server_certificate,
     {"ServerCertificateName": "rec-cert", "CertificateBody": CERT1, "PrivateKey": KEY1},
     ("EntityAlreadyExists", "The Server Certificate with name rec-cert already exists.")),
    # iam_mfa
    ("virtual_mfa_device_errors / create-duplicate-error", iam.create_virtual_mfa_device,
     {"VirtualMFADeviceName": "rec-mfa"}, ("EntityAlreadyExists", "MFA device already exists.")),
    ("virtual_mfa_device_errors / create-invalid-path-no-leading-slash-error", iam.create_virtual_mfa_device,
     {"VirtualMFADeviceName": "rec-mfa-2", "Path": "invalid-path/"}, ("ValidationError", PATH_MESSAGE)),
    ("virtual_mfa_device_errors / create-invalid-path-no-trailing-slash-error", iam.create_virtual_mfa_device,
     {"VirtualMFADeviceName": "rec-mfa-2", "Path": "/invalid-path"}, ("ValidationError", PATH_MESSAGE)),
    ("virtual_mfa_device_errors / delete-nonexistent-error", iam.delete_virtual_mfa_device,
     {"SerialNumber": f"{ACCOUNT_ARN}:mfa/nonexistent-device"},
     ("NoSuchEntity", f"MFA Device with serial number {ACCOUNT_ARN}:mfa/nonexistent-device does not exist.")),
    ("enable_mfa_device_already_attached / enable-mfa-already-attached-error", iam.enable_mfa_device,
     {"UserName": "rec-user", "SerialNumber": f"{ACCOUNT_ARN}:mfa/rec-mfa-used", **mfa_codes(MFA_SEED)},
     ("EntityAlreadyExists", "MFA Device is already in use.")),
    ("enable_mfa_device_errors / enable-mfa-nonexistent-user-error", iam.enable_mfa_device,
     {"UserName": "nonexistent-user", "SerialNumber": f"{ACCOUNT_ARN}:mfa/rec-mfa", "AuthenticationCode1": "123456",
      "AuthenticationCode2": "654321"}, user_missing()),
    ("enable_mfa_device_errors / deactivate-mfa-nonexistent-user-error", iam.deactivate_mfa_device,
     {"UserName": "nonexistent-user", "SerialNumber": f"{ACCOUNT_ARN}:mfa/rec-mfa"}, user_missing()),
    ("enable_mfa_device_errors / deactivate-nonexistent-mfa-error", iam.deactivate_mfa_device,
     {"UserName": "rec-user", "SerialNumber": f"{ACCOUNT_ARN}:mfa/nonexistent-mfa"},
     ("NoSuchEntity", f"MFA Device with serial number {ACCOUNT_ARN}:mfa/nonexistent-mfa does not exist.")),
    # One definition of a valid path for every operation with a Path or PathPrefix member.
    ("invalid path: CreateUser", iam.create_user, {"UserName": "rec-p", "Path": "no-slash"},
     ("ValidationError", PATH_MESSAGE)),
    ("invalid path: CreateRole", iam.create_role,
     {"RoleName": "rec-p", "Path": "a/", "AssumeRolePolicyDocument": TRUST}, ("ValidationError", PATH_MESSAGE)),
    ("invalid path: CreateInstanceProfile, an empty segment", iam.create_instance_profile,
     {"InstanceProfileName": "rec-p", "Path": "/a//b/"}, ("ValidationError", PATH_MESSAGE)),
    ("invalid path: ListEntitiesForPolicy PathPrefix", iam.list_entities_for_policy,
     {"PolicyArn": POLICY_ARN, "PathPrefix": "/no-trailing"}, ("ValidationError", PATH_MESSAGE)),
    ("invalid path: CreateGroup", iam.create_group, {"GroupName": "rec-p", "Path": "/no-trailing"},
     ("ValidationError", PATH_MESSAGE)),
    ("invalid path: UpdateUser NewPath", iam.update_user, {"UserName": "rec-user", "NewPath": "x/"},
     ("ValidationError", PATH_MESSAGE)),
    # iam_account_password_policy, iam_credential_report
    ("get_account_password_policy_not_found / policy-not-found", iam.get_account_password_policy, {},
     ("NoSuchEntity", f"The Password Policy with domain name {ACCOUNT} cannot be found.")),
    ("delete_account_password_policy_not_found / delete-not-found", iam.delete_account_password_policy, {},
     ("NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.")),
    ("get_credential_report_before_generated / get-credential-report-without-generate-error",
     iam.get_credential_report, {}, ("ReportNotPresent", None)),
]

# Recorded rows this file does not replay, and why:
# - access_key_errors / delete-access-key-without-username-error: needs non-User (role session)
#   credentials; iamd has no STS sessions yet.
# - *_tag_errors rows of ValidationError (tag counts, lengths, patterns) and
#   virtual_mfa_device_errors / create-path-too-long-error: the generated input validation
#   (tests of the protocol generator), not the domain.

STATUS = {"NoSuchEntity": 404, "EntityAlreadyExists": 409, "DeleteConflict": 409, "LimitExceeded": 409,
          "AccessDenied": 403, "ValidationError": 400, "InvalidInput": 400, "MalformedPolicyDocument": 400,
          "MalformedCertificate": 400, "ReportNotPresent": 410}
# The HTTP status AWS sends with each code (its service model; 410 as recorded for ReportNotPresent).


def aws_error(fn, **kwargs):
    """(code, message, HTTP status) of a refused call; message None when AWS sends none."""
    try:
        fn(**kwargs)
    except botocore.exceptions.ClientError as e:
        err = e.response["Error"]
        return err["Code"], err.get("Message"), e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("the call succeeded")


for scenario, fn, kwargs, expected in ROWS:
    @check(scenario)
    def _(fn=fn, kwargs=kwargs, expected=expected):
        code, message, status = aws_error(fn, **kwargs)
        assert (code, message) == expected, (code, message)
        assert status == STATUS[code], status

@check("RemoveUserFromGroup of a user who is not a member succeeds (issue 11)")
def _():
    iam.remove_user_from_group(GroupName="rec-group", UserName="rec-user")
    assert iam.get_group(GroupName="rec-group")["Users"] == []


@check("UpdateAccountPasswordPolicy with defaults: GetAccountPasswordPolicy as AWS recorded it (no HardExpiry)")
def _():
    iam.update_account_password_policy()
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "AllowUsersToChangePassword": False, "ExpirePasswords": False, "MinimumPasswordLength": 6,
        "RequireLowercaseCharacters": False, "RequireNumbers": False, "RequireSymbols": False,
        "RequireUppercaseCharacters": False}
    iam.update_account_password_policy(MaxPasswordAge=60, HardExpiry=True)
    p = iam.get_account_password_policy()["PasswordPolicy"]
    assert p["HardExpiry"] is True and p["ExpirePasswords"] is True and p["MaxPasswordAge"] == 60, p
    iam.delete_account_password_policy()


@check("GetAccountSummary has AWS's recorded keys, AccountPasswordPresent among them")
def _():
    keys = {"AccessKeysPerUserQuota", "AccountAccessKeysPresent", "AccountMFAEnabled", "AccountPasswordPresent",
            "AccountSigningCertificatesPresent", "AssumeRolePolicySizeQuota", "AttachedPoliciesPerGroupQuota",
            "AttachedPoliciesPerRoleQuota", "AttachedPoliciesPerUserQuota", "GlobalEndpointTokenVersion",
            "GroupPolicySizeQuota", "Groups", "GroupsPerUserQuota", "GroupsQuota", "InstanceProfiles",
            "InstanceProfilesQuota", "MFADevices", "MFADevicesInUse", "Policies", "PoliciesQuota", "PolicySizeQuota",
            "PolicyVersionsInUse", "PolicyVersionsInUseQuota", "Providers", "RolePolicySizeQuota", "Roles",
            "RolesQuota", "ServerCertificates", "ServerCertificatesQuota", "SigningCertificatesPerUserQuota",
            "UserPolicySizeQuota", "Users", "UsersQuota", "VersionsPerPolicyQuota"}
    summary = iam.get_account_summary()["SummaryMap"]
    assert set(summary) == keys, set(summary) ^ keys
    # The server's own account gets the root user's console password at first start
    # (docs/console.md), as an AWS account has one.
    assert summary["AccountPasswordPresent"] == 1


@check("credential report: signing certificates as they are (root and users), times as 2014-02-07T00:22:29+00:00")
def _():
    import base64, csv, io, re  # noqa: E401
    root_cert = iam.upload_signing_certificate(CertificateBody=CERT3)["Certificate"]
    iam.update_signing_certificate(CertificateId=root_cert["CertificateId"], Status="Inactive")
    first = iam.list_signing_certificates(UserName="rec-signer")["Certificates"][0]
    iam.update_signing_certificate(UserName="rec-signer", CertificateId=first["CertificateId"], Status="Inactive")
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"]
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(content.decode()))}
    time = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
    root = rows["<root_account>"]
    assert (root["cert_1_active"], root["cert_2_active"], root["cert_2_last_rotated"]) == ("false", "false", "N/A"), root
    assert time.match(root["cert_1_last_rotated"]), root
    certs = {c["CertificateId"]: c for c in iam.list_signing_certificates(UserName="rec-signer")["Certificates"]}
    signer = rows["rec-signer"]
    assert [signer["cert_1_active"], signer["cert_2_active"]].count("true") == 1, signer
    assert sorted([signer["cert_1_active"], signer["cert_2_active"]]) == \
        sorted(["true" if c["Status"] == "Active" else "false" for c in certs.values()]), signer
    for row in rows.values():
        for column in ("user_creation_time", "cert_1_last_rotated", "cert_2_last_rotated",
                       "access_key_1_last_rotated", "password_last_changed"):
            value = row[column]
            assert value in ("N/A", "not_supported", "no_information") or time.match(value), (column, value)
    assert rows["rec-user"]["cert_1_active"] == "false" and rows["rec-user"]["cert_1_last_rotated"] == "N/A"
    iam.delete_signing_certificate(CertificateId=root_cert["CertificateId"])


# The refused calls changed nothing.
@check("refused calls leave state untouched")
def _():
    assert [u["UserName"] for u in iam.list_users()["Users"]] == [
        "del-user-attached", "del-user-credential", "del-user-inline", "rec-keys", "rec-lp-user", "rec-mfa-owner",
        "rec-signer", "rec-user"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == [
        "del-role-attached", "del-role-inline", "del-role-profile", "rec-role"]
    assert len(iam.list_virtual_mfa_devices()["VirtualMFADevices"]) == 2
    assert len(iam.list_policy_versions(PolicyArn=VERSIONED_ARN)["Versions"]) == 5
    assert len(iam.get_instance_profile(InstanceProfileName="del-profile")["InstanceProfile"]["Roles"]) == 1
    assert len(iam.list_signing_certificates(UserName="rec-signer")["Certificates"]) == 2
    assert iam.get_role(RoleName="rec-role")["Role"].get("Tags", []) == []

finish(tmp)
