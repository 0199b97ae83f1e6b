#!/usr/bin/python3
"""End-to-end tests of AWS Organizations with boto3's `organizations` client (AWS JSON 1.1):
the organization, its root and OUs, CreateAccount with OrganizationAccountAccessRole,
invitations of a standalone account, paginated lists, control policies (validation, attachment
rules), and their enforcement: an SCP denies an action to a member account's root user and to
a role session in a member account but never to the management account, and detaching it
lifts the denial at once; an RCP denies assuming a member account's role. Run by ctest as
e2e_organizations:
    tests/e2e/organizations_test.py PATH/TO/iamd
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

INVITED = "222222222222"

server, tmp = start_server("organizations")

# A standalone account with its root key, to be invited (the server must be stopped).
server.stop()
made = subprocess.run([IAMD, "account", "create", "--data", server.data, "--account-id", INVITED],
                      capture_output=True, text=True)
assert made.returncode == 0, made.stderr
INVITED_KEY = (re.search(r"aws_access_key_id\s+= (\S+)", made.stdout).group(1),
               re.search(r"aws_secret_access_key = (\S+)", made.stdout).group(1))
server.start()

org = client("organizations")
state = {}
# The management account's administrator (a root user may not assume roles [AWS]).
ADMIN_KEY = user_with_key("admin", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])


def session_client(service, creds):
    return boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                                          aws_access_key_id=creds["AccessKeyId"],
                                          aws_secret_access_key=creds["SecretAccessKey"],
                                          aws_session_token=creds["SessionToken"])


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@check("before CreateOrganization every call answers AWSOrganizationsNotInUseException")
def _():
    code, message, status = error_of(org.describe_organization)
    assert (code, status) == ("AWSOrganizationsNotInUseException", 400), (code, status)
    assert message == "Your account is not a member of an organization.", message
    assert error_of(org.list_accounts)[0] == "AWSOrganizationsNotInUseException"


@check("CreateOrganization: the caller's account manages it; a second one is refused")
def _():
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    assert re.fullmatch(r"o-[a-z0-9]{10}", o["Id"]), o
    assert o["Arn"] == f"arn:aws:organizations::{ACCOUNT}:organization/{o['Id']}", o
    assert o["MasterAccountId"] == ACCOUNT and o["FeatureSet"] == "ALL", o
    assert o["MasterAccountArn"] == f"arn:aws:organizations::{ACCOUNT}:account/{o['Id']}/{ACCOUNT}", o
    assert org.describe_organization()["Organization"]["Id"] == o["Id"]
    assert error_of(org.create_organization)[0] == "AlreadyInOrganizationException"
    roots = org.list_roots()["Roots"]
    assert len(roots) == 1 and roots[0]["Name"] == "Root" and roots[0]["PolicyTypes"] == [], roots
    assert re.fullmatch(r"r-[a-z0-9]{4}", roots[0]["Id"]), roots
    state["org"] = o["Id"]
    state["root"] = roots[0]["Id"]
    accounts = org.list_accounts()["Accounts"]
    assert [a["Id"] for a in accounts] == [ACCOUNT], accounts
    assert accounts[0]["Status"] == "ACTIVE" and accounts[0]["JoinedMethod"] == "INVITED", accounts


@check("organizational units: create, describe, rename, list, duplicates and missing parents")
def _():
    root = state["root"]
    dev = org.create_organizational_unit(ParentId=root, Name="Dev")["OrganizationalUnit"]
    assert re.fullmatch(r"ou-" + root[2:] + r"-[a-z0-9]{8}", dev["Id"]), dev
    assert dev["Arn"] == f"arn:aws:organizations::{ACCOUNT}:ou/{state['org']}/{dev['Id']}", dev
    code, message, _ = error_of(org.create_organizational_unit, ParentId=root, Name="Dev")
    assert code == "DuplicateOrganizationalUnitException", code
    assert error_of(org.create_organizational_unit, ParentId="ou-zzzz-zzzzzzzz", Name="X")[0] == \
        "ParentNotFoundException"
    prod = org.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]
    renamed = org.update_organizational_unit(OrganizationalUnitId=prod["Id"], Name="Production")
    assert renamed["OrganizationalUnit"]["Name"] == "Production"
    assert org.describe_organizational_unit(OrganizationalUnitId=prod["Id"])["OrganizationalUnit"]["Name"] == \
        "Production"
    names = sorted(u["Name"] for u in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"])
    assert names == ["Dev", "Production"], names
    org.delete_organizational_unit(OrganizationalUnitId=prod["Id"])
    assert error_of(org.describe_organizational_unit, OrganizationalUnitId=prod["Id"])[0] == \
        "OrganizationalUnitNotFoundException"
    state["dev"] = dev["Id"]


@check("CreateAccount: a member account with OrganizationAccountAccessRole the management account assumes")
def _():
    status = org.create_account(Email="dev@example.com", AccountName="dev",
                                Tags=[{"Key": "team", "Value": "a"}])["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED" and re.fullmatch(r"\d{12}", status["AccountId"]), status
    assert re.fullmatch(r"car-[a-z0-9]{8,32}", status["Id"]), status
    again = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert again["AccountId"] == status["AccountId"], again
    member = status["AccountId"]
    account = org.describe_account(AccountId=member)["Account"]
    assert account["Email"] == "dev@example.com" and account["Name"] == "dev", account
    assert account["JoinedMethod"] == "CREATED" and account["Status"] == "ACTIVE", account
    assert org.list_tags_for_resource(ResourceId=member)["Tags"] == [{"Key": "team", "Value": "a"}]
    # The same address fails the request, as AWS reports it.
    taken = org.create_account(Email="DEV@example.com", AccountName="again")["CreateAccountStatus"]
    assert taken["State"] == "FAILED" and taken["FailureReason"] == "EMAIL_ALREADY_EXISTS", taken
    failed = org.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
    assert [s["Id"] for s in failed] == [taken["Id"]], failed
    # The management account's administrator assumes the role and administers the new account.
    role_arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    creds = client("sts", *ADMIN_KEY).assume_role(RoleArn=role_arn, RoleSessionName="admin")["Credentials"]
    me = session_client("sts", creds).get_caller_identity()
    assert me["Account"] == member and me["Arn"] == \
        f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/admin", me
    iam = session_client("iam", creds)
    iam.create_user(UserName="made-by-admin")
    trust = iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(urllib.parse.unquote(trust))
    assert trust["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, trust
    assert iam.list_role_policies(RoleName="OrganizationAccountAccessRole")["PolicyNames"] == ["AdministratorAccess"]
    # Its parent, a move into an OU, and the children of each.
    assert org.list_parents(ChildId=member)["Parents"] == [{"Id": state["root"], "Type": "ROOT"}]
    org.move_account(AccountId=member, SourceParentId=state["root"], DestinationParentId=state["dev"])
    assert org.list_parents(ChildId=member)["Parents"] == [{"Id": state["dev"], "Type": "ORGANIZATIONAL_UNIT"}]
    children = org.list_children(ParentId=state["dev"], ChildType="ACCOUNT")["Children"]
    assert children == [{"Id": member, "Type": "ACCOUNT"}], children
    assert error_of(org.move_account, AccountId=member, SourceParentId=state["dev"],
                    DestinationParentId=state["dev"])[0] == "DuplicateAccountException"
    state["member"] = member
    state["member_role"] = role_arn


@check("the aws CLI: organizations describe-organization and list-accounts")
def _():
    home = os.path.join(tmp, "cli-home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "AWS_ACCESS_KEY_ID": ROOT_KEY,
           "AWS_SECRET_ACCESS_KEY": ROOT_SECRET, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}

    def cli(*args):
        out = subprocess.run([AWS, "organizations", *args, "--endpoint-url", server.endpoint, "--output", "json"],
                             env=env, capture_output=True, text=True)
        return out.returncode, out.stdout, out.stderr
    rc, out, err = cli("describe-organization")
    assert rc == 0 and json.loads(out)["Organization"]["Id"] == state["org"], (rc, out, err)
    rc, out, err = cli("list-accounts", "--page-size", "1")
    assert rc == 0, err
    assert sorted(a["Id"] for a in json.loads(out)["Accounts"]) == sorted([ACCOUNT, state["member"]]), out
    rc, out, err = cli("describe-account", "--account-id", "999999999999")
    assert rc != 0 and "AccountNotFoundException" in err, (rc, err)


@check("InviteAccountToOrganization: a standalone account accepts and joins under the root")
def _():
    h = org.invite_account_to_organization(Target={"Id": INVITED, "Type": "ACCOUNT"}, Notes="welcome")["Handshake"]
    assert re.fullmatch(r"h-[a-z0-9]{10,32}", h["Id"]) and h["State"] == "OPEN" and h["Action"] == "INVITE", h
    invited = client("organizations", *INVITED_KEY)
    mine = invited.list_handshakes_for_account()["Handshakes"]
    assert [x["Id"] for x in mine] == [h["Id"]], mine
    # Not a member yet: its own organization calls fail.
    assert error_of(invited.describe_organization)[0] == "AWSOrganizationsNotInUseException"
    accepted = invited.accept_handshake(HandshakeId=h["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED", accepted
    assert invited.describe_organization()["Organization"]["MasterAccountId"] == ACCOUNT
    # A member account may describe the organization, not list its accounts.
    code, message, _ = error_of(invited.list_accounts)
    assert code == "AccessDeniedException", (code, message)
    assert INVITED in [a["Id"] for a in org.list_accounts()["Accounts"]]


@check("ListAccounts and ListPolicies page with NextToken (boto3 paginators); a bad token is InvalidInputException")
def _():
    pages = list(org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1}))
    assert len(pages) == 3 and all(len(p["Accounts"]) == 1 for p in pages), pages
    ids = [p["Accounts"][0]["Id"] for p in pages]
    assert sorted(ids) == sorted([ACCOUNT, state["member"], INVITED]), ids
    code, message, _ = error_of(org.list_accounts, NextToken="garbage")
    assert code == "InvalidInputException", (code, message)


@check("control policies: validated with Organizations' rules; attached only once the type is enabled")
def _():
    code, message, _ = error_of(org.create_policy, Name="bad", Description="", Type="SERVICE_CONTROL_POLICY",
                                Content=doc({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}))
    assert code == "MalformedPolicyDocumentException", (code, message)
    code, message, _ = error_of(org.create_policy, Name="big", Description="", Type="SERVICE_CONTROL_POLICY",
                                Content=doc({"Sid": "x" * 5200, "Effect": "Deny", "Action": "*", "Resource": "*"}))
    assert code == "ConstraintViolationException", (code, message)
    p = org.create_policy(Name="no-groups", Description="no groups", Type="SERVICE_CONTROL_POLICY",
                          Content=doc({"Effect": "Deny", "Action": "iam:CreateGroup", "Resource": "*"}))["Policy"]
    summary = p["PolicySummary"]
    assert re.fullmatch(r"p-[a-z0-9]{8}", summary["Id"]) and summary["AwsManaged"] is False, summary
    assert summary["Arn"] == \
        f"arn:aws:organizations::{ACCOUNT}:policy/{state['org']}/service_control_policy/{summary['Id']}", summary
    assert error_of(org.attach_policy, PolicyId=summary["Id"], TargetId=state["root"])[0] == \
        "PolicyTypeNotEnabledException"
    root = org.enable_policy_type(RootId=state["root"], PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert root["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}], root
    names = [x["Name"] for x in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]]
    assert names == ["FullAWSAccess", "no-groups"], names
    on_member = org.list_policies_for_target(TargetId=state["member"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [x["Id"] for x in on_member] == ["p-FullAWSAccess"], on_member
    state["scp"] = summary["Id"]


@check("an SCP denies a member account's root and its admin role session, never the management account")
def _():
    member_root = client("iam", *INVITED_KEY)
    admin = session_client("iam", client("sts", *ADMIN_KEY).assume_role(RoleArn=state["member_role"],
                                                            RoleSessionName="admin")["Credentials"])
    member_root.create_group(GroupName="before")  # allowed before the SCP
    org.attach_policy(PolicyId=state["scp"], TargetId=state["root"])
    targets = [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=state["scp"])["Targets"]]
    assert targets == [state["root"]], targets
    for who, iam in (("member root", member_root), ("member admin role", admin)):
        code, message, status = error_of(iam.create_group, GroupName="denied")
        assert (code, status) == ("AccessDenied", 403), (who, code, status)
        assert "with an explicit deny in a service control policy" in message, (who, message)
    # The simulator includes the member account's SCPs.
    member_root.create_user(UserName="simulated")
    member_root.attach_user_policy(UserName="simulated", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    results = member_root.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{INVITED}:user/simulated",
        ActionNames=["iam:CreateGroup", "iam:ListUsers"])["EvaluationResults"]
    decided = {r["EvalActionName"]: (r["EvalDecision"], r.get("OrganizationsDecisionDetail")) for r in results}
    assert decided == {"iam:CreateGroup": ("explicitDeny", {"AllowedByOrganizations": False}),
                       "iam:ListUsers": ("allowed", {"AllowedByOrganizations": True})}, decided
    client("iam").create_group(GroupName="management-may")  # the management account is never limited
    # Other actions stay allowed (FullAWSAccess at every level).
    member_root.create_user(UserName="still-allowed")
    # Detached: lifted at once.
    org.detach_policy(PolicyId=state["scp"], TargetId=state["root"])
    member_root.create_group(GroupName="after")
    admin.create_group(GroupName="after")


@check("an SCP on an OU applies to the accounts below it only; FullAWSAccess cannot be the last one detached")
def _():
    admin = session_client("iam", client("sts", *ADMIN_KEY).assume_role(RoleArn=state["member_role"],
                                                            RoleSessionName="admin2")["Credentials"])
    org.attach_policy(PolicyId=state["scp"], TargetId=state["dev"])
    assert error_of(admin.create_group, GroupName="in-dev")[0] == "AccessDenied"
    client("iam", *INVITED_KEY).create_group(GroupName="under-root")  # the invited account is not in Dev
    code, message, _ = error_of(org.detach_policy, PolicyId="p-FullAWSAccess", TargetId=state["member"])
    assert code == "ConstraintViolationException", (code, message)
    assert error_of(org.delete_policy, PolicyId=state["scp"])[0] == "PolicyInUseException"
    org.detach_policy(PolicyId=state["scp"], TargetId=state["dev"])
    admin.create_group(GroupName="in-dev")


@check("an RCP denies assuming a member account's role; SCPs and RCPs go with DisablePolicyType")
def _():
    org.enable_policy_type(RootId=state["root"], PolicyType="RESOURCE_CONTROL_POLICY")
    rcp = org.create_policy(Name="no-assume", Description="", Type="RESOURCE_CONTROL_POLICY",
                            Content=doc({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                                         "Resource": "*"}))["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=rcp["Id"], TargetId=state["member"])
    code, message, _ = error_of(client("sts", *ADMIN_KEY).assume_role, RoleArn=state["member_role"], RoleSessionName="rcp-check")
    assert code == "AccessDenied", (code, message)
    org.disable_policy_type(RootId=state["root"], PolicyType="RESOURCE_CONTROL_POLICY")
    client("sts", *ADMIN_KEY).assume_role(RoleArn=state["member_role"], RoleSessionName="rcp-check")
    root = org.disable_policy_type(RootId=state["root"], PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert root["PolicyTypes"] == [], root
    org.delete_policy(PolicyId=state["scp"])


@check("IAM's Organizations access reports: the services the SCPs allow, last accessed by the accounts' principals")
def _():
    iam = client("iam")
    path = f"{state['org']}/{state['root']}/{state['dev']}/{state['member']}"
    job = iam.generate_organizations_access_report(EntityPath=path)["JobId"]
    report = iam.get_organizations_access_report(JobId=job, SortKey="LAST_AUTHENTICATED_TIME_DESCENDING")
    assert report["JobStatus"] == "COMPLETED", report
    details = report["AccessDetails"]
    # No SCP type enabled any more: every service is allowed; the member's admin role used IAM.
    assert report["NumberOfServicesAccessible"] > 100, report["NumberOfServicesAccessible"]
    assert details[0]["ServiceNamespace"] in ("iam", "sts"), details[0]
    used = {d["ServiceNamespace"]: d for d in details if "LastAuthenticatedTime" in d}
    assert used["iam"]["EntityPath"] == path and used["iam"]["TotalAuthenticatedEntities"] >= 1, used
    assert report["NumberOfServicesNotAccessed"] == report["NumberOfServicesAccessible"] - len(used), report
    # With one policy: only what it allows.
    only_iam = org.create_policy(Name="iam-only", Description="", Type="SERVICE_CONTROL_POLICY",
                                 Content=doc({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}))
    job = iam.generate_organizations_access_report(
        EntityPath=f"{state['org']}/{state['root']}",
        OrganizationsPolicyId=only_iam["Policy"]["PolicySummary"]["Id"])["JobId"]
    report = iam.get_organizations_access_report(JobId=job)
    assert [d["ServiceNamespace"] for d in report["AccessDetails"]] == ["iam"], report["AccessDetails"]
    assert report["NumberOfServicesAccessible"] == 1 and report["NumberOfServicesNotAccessed"] == 0, report
    # Only the management account, and only paths of its organization.
    assert error_of(client("iam", *INVITED_KEY).generate_organizations_access_report,
                    EntityPath=path)[0] == "AccessDenied"
    code, message, status = error_of(iam.generate_organizations_access_report,
                                     EntityPath=f"{state['org']}/{state['root']}/ou-zzzz-zzzzzzzz")
    assert (code, status) == ("InvalidInput", 400), (code, message)
    assert error_of(iam.get_organizations_access_report, JobId="0" * 36)[0] == "NoSuchEntity"


@check("Organizations calls are authorized: an IAM user without permissions gets AccessDeniedException")
def _():
    key = user_with_key("no-org-rights")
    code, message, status = error_of(client("organizations", *key).list_accounts)
    assert (code, status) == ("AccessDeniedException", 400), (code, status)
    assert f"arn:aws:iam::{ACCOUNT}:user/no-org-rights is not authorized to perform: organizations:ListAccounts" \
        in message, message
    allowed = user_with_key("org-reader", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "organizations:List*", "Resource": "*"}]})
    assert len(client("organizations", *allowed).list_accounts()["Accounts"]) == 3


@check("aws:PrincipalOrgID: a role trusting the whole organization; a member that leaves loses it")
def _():
    admin = session_client("iam", client("sts", *ADMIN_KEY).assume_role(RoleArn=state["member_role"],
                                                                        RoleSessionName="orgwide")["Credentials"])
    admin.create_role(RoleName="org-wide", AssumeRolePolicyDocument=doc({
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": state["org"]}}}))
    role = f"arn:aws:iam::{state['member']}:role/org-wide"
    invited_iam = client("iam", *INVITED_KEY)
    invited_iam.create_user(UserName="caller")
    invited_iam.put_user_policy(UserName="caller", PolicyName="assume", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    k = invited_iam.create_access_key(UserName="caller")["AccessKey"]
    state["invited_caller"] = (k["AccessKeyId"], k["SecretAccessKey"])
    state["org_wide"] = role
    client("sts", *ADMIN_KEY).assume_role(RoleArn=role, RoleSessionName="from-management")
    client("sts", *state["invited_caller"]).assume_role(RoleArn=role, RoleSessionName="from-member")


@check("trusted access and delegated administrators: a delegated administrator may read the organization")
def _():
    principal = "securityhub.amazonaws.com"
    member_org = session_client("organizations", client("sts", *ADMIN_KEY).assume_role(
        RoleArn=state["member_role"], RoleSessionName="delegated")["Credentials"])
    assert error_of(member_org.list_accounts)[0] == "AccessDeniedException"
    code, message, _ = error_of(org.register_delegated_administrator, AccountId=state["member"],
                                ServicePrincipal=principal)
    assert code == "ConstraintViolationException" and "EnableAWSServiceAccess" in message, (code, message)
    org.enable_aws_service_access(ServicePrincipal=principal)
    enabled = org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [e["ServicePrincipal"] for e in enabled] == [principal], enabled
    assert error_of(org.register_delegated_administrator, AccountId=ACCOUNT, ServicePrincipal=principal)[0] == \
        "ConstraintViolationException"
    org.register_delegated_administrator(AccountId=state["member"], ServicePrincipal=principal)
    assert error_of(org.register_delegated_administrator, AccountId=state["member"],
                    ServicePrincipal=principal)[0] == "AccountAlreadyRegisteredException"
    admins = org.list_delegated_administrators(ServicePrincipal=principal)["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [state["member"]], admins
    services = org.list_delegated_services_for_account(AccountId=state["member"])["DelegatedServices"]
    assert [x["ServicePrincipal"] for x in services] == [principal], services
    # It reads the organization; it changes nothing.
    assert len(member_org.list_accounts()["Accounts"]) == 3
    assert error_of(member_org.create_organizational_unit, ParentId=state["root"], Name="x")[0] == \
        "AccessDeniedException"
    assert error_of(org.remove_account_from_organization, AccountId=state["member"])[0] == \
        "ConstraintViolationException"
    org.deregister_delegated_administrator(AccountId=state["member"], ServicePrincipal=principal)
    assert error_of(member_org.list_accounts)[0] == "AccessDeniedException"
    assert error_of(org.list_delegated_services_for_account, AccountId=state["member"])[0] == \
        "AccountNotRegisteredException"
    org.disable_aws_service_access(ServicePrincipal=principal)
    assert org.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []


@check("leaving and deleting: a member leaves, the organization is deleted only when empty")
def _():
    assert error_of(org.delete_organization)[0] == "OrganizationNotEmptyException"
    client("organizations", *INVITED_KEY).leave_organization()
    # Out of the organization: aws:PrincipalOrgID no longer matches.
    assert error_of(client("sts", *state["invited_caller"]).assume_role, RoleArn=state["org_wide"],
                    RoleSessionName="from-outside")[0] == "AccessDenied"
    assert error_of(client("organizations", *INVITED_KEY).describe_organization)[0] == \
        "AWSOrganizationsNotInUseException"
    assert error_of(org.remove_account_from_organization, AccountId=ACCOUNT)[0] == \
        "MasterCannotLeaveOrganizationException"
    org.remove_account_from_organization(AccountId=state["member"])
    org.delete_organization()
    assert error_of(org.describe_organization)[0] == "AWSOrganizationsNotInUseException"


finish(tmp)
