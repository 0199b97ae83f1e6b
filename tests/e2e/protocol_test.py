#!/usr/bin/python3
"""End-to-end tests of the wire layer's answers against `iamd serve`, with boto3 (issue 11):
ValidationError texts as AWS sends them now (IAM without the value, STS with it, a list of
strings as the whole list, several failures in AWS's order), "Invalid Marker." on every
paginated operation, IsTruncated in every paginated answer, and which empty lists are sent.
Prints one line per check and a closing "N passed, N failed". Run by ctest as e2e_protocol:
    tests/e2e/protocol_test.py PATH/TO/iamd
"""
import base64
import sys

import botocore.config

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

server, tmp = start_server("protocol")


def raw_client(service):
    """A client that sends what it is given: the server, not botocore, validates."""
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=ROOT_KEY,
        aws_secret_access_key=ROOT_SECRET, config=botocore.config.Config(parameter_validation=False))


TAG_KEY_CONSTRAINTS = (
    "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length "
    "greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, "
    "Member must not be null]")

POLICY_DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                               "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
                                                          "Action": "sts:AssumeRole"}]})


@check("ValidationError: the recorded AWS texts (IAM without the value, AWS's order, lists as a whole)")
def _():
    iam = raw_client("iam")
    iam.create_role(RoleName="tagged-role", AssumeRolePolicyDocument=TRUST)
    cases = [
        # aws-recorded-errors.md: update_account_password_policy_validation_errors
        (iam.update_account_password_policy, dict(MinimumPasswordLength=129, MaxPasswordAge=1096,
                                                  PasswordReusePrevention=25),
         "3 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must "
         "have value less than or equal to 128; Value at 'passwordReusePrevention' failed to satisfy constraint: "
         "Member must have value less than or equal to 24; Value at 'maxPasswordAge' failed to satisfy constraint: "
         "Member must have value less than or equal to 1095"),
        # create_open_id_connect_provider_validation_errors
        (iam.create_open_id_connect_provider, dict(Url="https://" + "u" * 260 + ".example.com",
                                                   ClientIDList=["c" * 256], ThumbprintList=["short"]),
         "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy "
         "constraint: [Member must have length less than or equal to 255, Member must have length greater than or "
         "equal to 1]; Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: "
         "[Member must have length less than or equal to 40, Member must have length greater than or equal to 40]; "
         "Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"),
        # role_tag_errors / untag-role-key-too-long, untag-role-invalid-char, tag-role-too-many-tags
        (iam.untag_role, dict(RoleName="tagged-role", TagKeys=["k" * 129]),
         "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: " + TAG_KEY_CONSTRAINTS),
        (iam.untag_role, dict(RoleName="tagged-role", TagKeys=["ok", "bad!"]),
         "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: " + TAG_KEY_CONSTRAINTS),
        (iam.tag_role, dict(RoleName="tagged-role", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]),
         "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less "
         "than or equal to 50"),
        (iam.tag_role, dict(RoleName="tagged-role", Tags=[{"Key": "k" * 129, "Value": "v"}]),
         "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have "
         "length less than or equal to 128"),
        # invalid_update_parameters / update-invalid-status
        (iam.update_service_specific_credential, dict(ServiceSpecificCredentialId="ACCA1234567890EXAMPLE",
                                                      Status="Invalid"),
         "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum "
         "value set"),
        # user_match_id_mismatch / delete-wrong-id
        (iam.delete_service_specific_credential,
         dict(ServiceSpecificCredentialId="totally-wrong-credential-id-with-hyphens"),
         "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member "
         "must satisfy regular expression pattern: [\\w]+"),
        # policy_version_errors / err-set-default-invalid-version-format
        (iam.set_default_policy_version, dict(PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/p", VersionId="1"),
         "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy "
         "regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"),
    ]
    for fn, kwargs, message in cases:
        assert error_of(fn, **kwargs) == ("ValidationError", message, 400), (fn.__name__, error_of(fn, **kwargs))
    # Nothing of the refused requests was applied.
    assert iam.list_role_tags(RoleName="tagged-role")["Tags"] == []
    assert error_of(iam.get_account_password_policy)[0] == "NoSuchEntity"


@check("ValidationError: STS still shows the value (sts_invalid_parameters / invalid-session-name)")
def _():
    sts = raw_client("sts")
    role = f"arn:aws:iam::{ACCOUNT}:role/tagged-role"
    assert error_of(sts.assume_role, RoleArn=role, RoleSessionName="Session1:2") == (
        "ValidationError", "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", 400)
    assert error_of(sts.assume_role, RoleArn=role, RoleSessionName="s" * 65) == (
        "ValidationError", "1 validation error detected: Value '" + "s" * 65 + "' at 'roleSessionName' failed to "
        "satisfy constraint: Member must have length less than or equal to 64", 400)


SAML_METADATA = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/saml">\n'
    '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
    '    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\n'
    f'      <ds:X509Certificate>{base64.b64encode(bytes(range(256)) * 3).decode()}</ds:X509Certificate>\n'
    '    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
    '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.example.com/sso"/>\n'
    '  </md:IDPSSODescriptor>\n'
    '</md:EntityDescriptor>\n')


def paginated_calls():
    """(name, method, arguments) of every paginated operation iamd serves, on entities made here."""
    iam = client("iam")
    iam.create_user(UserName="pager")
    iam.create_group(GroupName="pagers")
    policy = iam.create_policy(PolicyName="pager-policy", PolicyDocument=POLICY_DOC)["Policy"]["Arn"]
    iam.create_instance_profile(InstanceProfileName="pager-profile")
    oidc = iam.create_open_id_connect_provider(Url="https://pager.example.com",
                                               ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    saml = iam.create_saml_provider(Name="pager-saml", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="pager-mfa")["VirtualMFADevice"]["SerialNumber"]
    user, group, role = dict(UserName="pager"), dict(GroupName="pagers"), dict(RoleName="tagged-role")
    return [
        ("ListUsers", iam.list_users, {}),
        ("ListGroups", iam.list_groups, {}),
        ("ListRoles", iam.list_roles, {}),
        ("ListPolicies", iam.list_policies, {}),
        ("ListInstanceProfiles", iam.list_instance_profiles, {}),
        ("ListServerCertificates", iam.list_server_certificates, {}),
        ("ListVirtualMFADevices", iam.list_virtual_mfa_devices, {}),
        ("ListAccountAliases", iam.list_account_aliases, {}),
        ("GetAccountAuthorizationDetails", iam.get_account_authorization_details, {}),
        ("ListAccessKeys", iam.list_access_keys, user),
        ("ListGroupsForUser", iam.list_groups_for_user, user),
        ("ListUserPolicies", iam.list_user_policies, user),
        ("ListAttachedUserPolicies", iam.list_attached_user_policies, user),
        ("ListUserTags", iam.list_user_tags, user),
        ("ListMFADevices", iam.list_mfa_devices, user),
        ("ListSSHPublicKeys", iam.list_ssh_public_keys, user),
        ("ListSigningCertificates", iam.list_signing_certificates, user),
        ("GetGroup", iam.get_group, group),
        ("ListGroupPolicies", iam.list_group_policies, group),
        ("ListAttachedGroupPolicies", iam.list_attached_group_policies, group),
        ("ListRolePolicies", iam.list_role_policies, role),
        ("ListAttachedRolePolicies", iam.list_attached_role_policies, role),
        ("ListRoleTags", iam.list_role_tags, role),
        ("ListInstanceProfilesForRole", iam.list_instance_profiles_for_role, role),
        ("ListPolicyVersions", iam.list_policy_versions, dict(PolicyArn=policy)),
        ("ListEntitiesForPolicy", iam.list_entities_for_policy, dict(PolicyArn=policy)),
        ("ListPolicyTags", iam.list_policy_tags, dict(PolicyArn=policy)),
        ("ListInstanceProfileTags", iam.list_instance_profile_tags, dict(InstanceProfileName="pager-profile")),
        ("ListOpenIDConnectProviderTags", iam.list_open_id_connect_provider_tags,
         dict(OpenIDConnectProviderArn=oidc)),
        ("ListSAMLProviderTags", iam.list_saml_provider_tags, dict(SAMLProviderArn=saml)),
        ("ListMFADeviceTags", iam.list_mfa_device_tags, dict(SerialNumber=mfa)),
        ("SimulateCustomPolicy", iam.simulate_custom_policy, dict(PolicyInputList=[POLICY_DOC],
                                                                  ActionNames=["s3:GetObject"])),
        ("SimulatePrincipalPolicy", iam.simulate_principal_policy,
         dict(PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/pager", ActionNames=["s3:GetObject"])),
    ]


CALLS = paginated_calls()


@check("every paginated answer carries IsTruncated (false when complete)")
def _():
    for name, fn, kwargs in CALLS:
        r = fn(**kwargs)
        # ListPolicies lists the AWS managed policies too: the one answer with more to come.
        assert r.get("IsTruncated") is (name == "ListPolicies"), (name, r.get("IsTruncated"))


@check("an invalid Marker is ValidationError 'Invalid Marker.' (400) on every paginated operation")
def _():
    failed = []
    for name, fn, kwargs in CALLS:
        try:
            answer = error_of(fn, Marker="invalid-marker-value", **kwargs)
        except AssertionError:
            answer = "the call succeeded"
        if answer != ("ValidationError", "Invalid Marker.", 400):
            failed.append((name, answer))
    assert not failed, failed


@check("ListAccessKeys and ListAccountAliases page with MaxItems and Marker")
def _():
    iam = client("iam")
    ids = [iam.create_access_key(UserName="pager")["AccessKey"]["AccessKeyId"] for _ in range(2)]
    first = iam.list_access_keys(UserName="pager", MaxItems=1)
    assert first["IsTruncated"] is True and len(first["AccessKeyMetadata"]) == 1 and first["Marker"], first
    rest = iam.list_access_keys(UserName="pager", Marker=first["Marker"])
    assert rest["IsTruncated"] is False and "Marker" not in rest, rest
    assert sorted(k["AccessKeyId"] for k in first["AccessKeyMetadata"] + rest["AccessKeyMetadata"]) == sorted(ids)
    iam.create_account_alias(AccountAlias="pager-alias")
    page = iam.list_account_aliases(MaxItems=1)
    assert page["AccountAliases"] == ["pager-alias"] and page["IsTruncated"] is False, page


@check("tags come back sorted by key (AWS's List*Tags order), whatever order they were given in")
def _():
    iam = client("iam")
    given = [{"Key": k, "Value": k.lower()} for k in ("team", "Cost", "app", "Zone")]
    ordered = sorted(given, key=lambda t: t["Key"])  # byte order: upper case first
    assert [t["Key"] for t in ordered] == ["Cost", "Zone", "app", "team"]
    iam.create_user(UserName="sorted-user", Tags=given[:2])
    iam.tag_user(UserName="sorted-user", Tags=given[2:])
    assert iam.list_user_tags(UserName="sorted-user")["Tags"] == ordered
    assert iam.get_user(UserName="sorted-user")["User"]["Tags"] == ordered
    page = iam.list_user_tags(UserName="sorted-user", MaxItems=3)
    rest = iam.list_user_tags(UserName="sorted-user", Marker=page["Marker"])
    assert page["Tags"] + rest["Tags"] == ordered, (page, rest)
    iam.create_role(RoleName="sorted-role", AssumeRolePolicyDocument=TRUST, Tags=given)
    assert iam.list_role_tags(RoleName="sorted-role")["Tags"] == ordered
    assert iam.get_role(RoleName="sorted-role")["Role"]["Tags"] == ordered
    policy = iam.create_policy(PolicyName="sorted-policy", PolicyDocument=POLICY_DOC, Tags=given)["Policy"]["Arn"]
    assert iam.list_policy_tags(PolicyArn=policy)["Tags"] == ordered
    assert iam.get_policy(PolicyArn=policy)["Policy"]["Tags"] == ordered
    iam.create_instance_profile(InstanceProfileName="sorted-profile", Tags=given)
    assert iam.list_instance_profile_tags(InstanceProfileName="sorted-profile")["Tags"] == ordered
    oidc = iam.create_open_id_connect_provider(Url="https://sorted.example.com", ThumbprintList=["c" * 40],
                                               Tags=given)["OpenIDConnectProviderArn"]
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=oidc)["Tags"] == ordered
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)["Tags"] == ordered
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="sorted-mfa", Tags=given)["VirtualMFADevice"]
    assert iam.list_mfa_device_tags(SerialNumber=mfa["SerialNumber"])["Tags"] == ordered


@check("empty lists: Tags [] on GetPolicy, GetInstanceProfile, GetOpenIDConnectProvider (and ClientIDList), "
       "GetSAMLProvider; absent on Create*, GetRole, GetUser")
def _():
    iam = client("iam")
    created = iam.create_policy(PolicyName="bare-policy", PolicyDocument=POLICY_DOC)["Policy"]
    assert "Tags" not in created, created
    assert iam.get_policy(PolicyArn=created["Arn"])["Policy"]["Tags"] == []
    profile = iam.create_instance_profile(InstanceProfileName="bare-profile")["InstanceProfile"]
    assert "Tags" not in profile, profile
    assert iam.get_instance_profile(InstanceProfileName="bare-profile")["InstanceProfile"]["Tags"] == []
    oidc = iam.create_open_id_connect_provider(Url="https://bare.example.com", ThumbprintList=["b" * 40])
    assert "Tags" not in oidc, oidc
    g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc["OpenIDConnectProviderArn"])
    assert g["ClientIDList"] == [] and g["Tags"] == [], g
    saml = iam.create_saml_provider(Name="bare-saml", SAMLMetadataDocument=SAML_METADATA)
    assert "Tags" not in saml, saml
    assert iam.get_saml_provider(SAMLProviderArn=saml["SAMLProviderArn"])["Tags"] == []
    assert "Tags" not in iam.create_user(UserName="bare-user")["User"]
    assert "Tags" not in iam.get_user(UserName="bare-user")["User"]
    assert "Tags" not in iam.create_role(RoleName="bare-role", AssumeRolePolicyDocument=TRUST)["Role"]
    assert "Tags" not in iam.get_role(RoleName="bare-role")["Role"]


@check("GetSAMLProvider sends an empty PrivateKeyList, as AWS's current model has it (models/overlay.json)")
def _():
    iam = client("iam")
    bodies = []
    # Debian's boto3 (botocore 1.29) predates the member and drops it when parsing: read the XML.
    iam.meta.events.register("after-call.iam.GetSAMLProvider",
                             lambda http_response, **kw: bodies.append(http_response.content.decode()))
    saml = iam.create_saml_provider(Name="keys-saml", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
    iam.get_saml_provider(SAMLProviderArn=saml)
    assert "<PrivateKeyList/>" in bodies[0], bodies
    assert bodies[0].index("<Tags/>") < bodies[0].index("<PrivateKeyList/>"), bodies  # model order


finish(tmp)
