#!/usr/bin/python3
"""End-to-end tests of last accessed information against `iamd serve`, with boto3 and the aws
CLI: a user and a role session call IAM and STS; GenerateServiceLastAccessedDetails on the
user, a group, the role and a managed policy; GetServiceLastAccessedDetails (every service the
policies allow, accessed or not; ACTION_LEVEL tracked actions) and
GetServiceLastAccessedDetailsWithEntities; the accesses survive a restart;
ListPoliciesGrantingServiceAccess; SetSecurityTokenServicePreferences and GetAccountSummary;
a crash after `--last-accessed-interval` keeps what was noted.
Prints one line per check and a closing "N passed, N failed":
    tests/e2e/last_accessed_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
GROUP_ARN = f"arn:aws:iam::{ACCOUNT}:group/devs"
POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/iam-all"

server, tmp = start_server("last-accessed")
root = client("iam")

# alice: an inline policy (IAM reads, S3 GetObject, AssumeRole), the managed iam-all (attached
# to the role too) and the group devs (EC2 Describe*). The role app: iam-all.
root.create_policy(PolicyName="iam-all", PolicyDocument=doc(allow("iam:*")))
ALICE = user_with_key("alice", inline={"Version": "2012-10-17", "Statement": [
    allow(["iam:Get*", "iam:List*", "s3:GetObject", "sts:AssumeRole"]),
    {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]})
CAROL = user_with_key("carol", inline={"Version": "2012-10-17", "Statement": [allow("iam:Get*")]})
root.create_group(GroupName="devs")
root.add_user_to_group(GroupName="devs", UserName="alice")
root.put_group_policy(GroupName="devs", PolicyName="ec2", PolicyDocument=doc(allow("ec2:Describe*")))
root.create_role(RoleName="app", AssumeRolePolicyDocument=doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
root.attach_role_policy(RoleName="app", PolicyArn=POLICY_ARN)
root.attach_user_policy(UserName="alice", PolicyArn=POLICY_ARN)


def services_of(job_id, iam=None):
    out = {}
    marker = None
    while True:
        kwargs = {"JobId": job_id, "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = (iam or root).get_service_last_accessed_details(**kwargs)
        assert page["JobStatus"] == "COMPLETED", page
        for s in page["ServicesLastAccessed"]:
            out[s["ServiceNamespace"]] = s
        if not page["IsTruncated"]:
            return page, out
        marker = page["Marker"]


@check("the user and its role session call IAM and STS (one call denied)")
def _():
    iam = client("iam", *ALICE)
    iam.get_user(UserName="alice")
    iam.list_users()
    assert error_of(iam.create_user, UserName="bob")[0] == "AccessDenied"
    sts = client("sts", *ALICE)
    sts.get_caller_identity()
    c = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1")["Credentials"]
    session = boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="eu-west-1", aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    session.list_roles()


@check("GetServiceLastAccessedDetails on the user: every service its policies allow, used or not")
def _():
    job = root.generate_service_last_accessed_details(Arn=USER_ARN)["JobId"]
    assert len(job) == 36, job
    page, services = services_of(job)
    assert page["JobType"] == "SERVICE_LEVEL", page
    assert page["JobCompletionDate"] >= page["JobCreationDate"], page
    # iam, sts (inline), s3 (inline), ec2 (the group's), and nothing else
    assert set(services) == {"iam", "sts", "s3", "ec2"}, sorted(services)
    i = services["iam"]
    assert i["ServiceName"] == "AWS Identity and Access Management", i
    assert i["LastAuthenticatedEntity"] == USER_ARN and i["LastAuthenticatedRegion"] == "us-east-1", i
    assert i["TotalAuthenticatedEntities"] == 1 and "LastAuthenticated" in i, i
    assert "TrackedActionsLastAccessed" not in i or not i["TrackedActionsLastAccessed"], i
    assert services["sts"]["LastAuthenticatedEntity"] == USER_ARN, services["sts"]
    for unused in ("s3", "ec2"):
        s = services[unused]
        assert "LastAuthenticated" not in s and "LastAuthenticatedEntity" not in s, s
        assert s["TotalAuthenticatedEntities"] == 0, s
    assert services["s3"]["ServiceName"] == "Amazon Simple Storage Service", services["s3"]


@check("ACTION_LEVEL: IAM's tracked (management) actions, the denied attempt included")
def _():
    job = root.generate_service_last_accessed_details(Arn=USER_ARN, Granularity="ACTION_LEVEL")["JobId"]
    page, services = services_of(job)
    assert page["JobType"] == "ACTION_LEVEL", page
    tracked = {a["ActionName"]: a for a in services["iam"].get("TrackedActionsLastAccessed", [])}
    assert set(tracked) == {"CreateUser"}, tracked
    a = tracked["CreateUser"]
    assert a["LastAccessedEntity"] == USER_ARN and a["LastAccessedRegion"] == "us-east-1" and a["LastAccessedTime"], a
    assert not services["sts"].get("TrackedActionsLastAccessed"), services["sts"]


@check("the role's report: its session's calls count for the role")
def _():
    job = root.generate_service_last_accessed_details(Arn=ROLE_ARN)["JobId"]
    _, services = services_of(job)
    assert set(services) == {"iam"}, sorted(services)
    assert services["iam"]["LastAuthenticatedEntity"] == ROLE_ARN, services["iam"]
    assert services["iam"]["LastAuthenticatedRegion"] == "eu-west-1", services["iam"]


@check("a policy's report: the entities it is attached to, and WithEntities lists them")
def _():
    job = root.generate_service_last_accessed_details(Arn=POLICY_ARN)["JobId"]
    _, services = services_of(job)
    assert set(services) == {"iam"}, sorted(services)
    assert services["iam"]["TotalAuthenticatedEntities"] == 2, services["iam"]
    assert services["iam"]["LastAuthenticatedEntity"] == ROLE_ARN, services["iam"]  # the latest
    r = root.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    assert r["JobStatus"] == "COMPLETED", r
    got = [(e["EntityInfo"]["Type"], e["EntityInfo"]["Name"], "LastAuthenticated" in e) for e in r["EntityDetailsList"]]
    assert got == [("ROLE", "app", True), ("USER", "alice", True)], got
    info = r["EntityDetailsList"][1]["EntityInfo"]
    assert info["Arn"] == USER_ARN and info["Id"].startswith("AIDA") and info["Path"] == "/", info


@check("a group's report: its policies' services and its members' accesses")
def _():
    job = root.generate_service_last_accessed_details(Arn=GROUP_ARN)["JobId"]
    _, services = services_of(job)
    assert set(services) == {"ec2"}, sorted(services)
    assert "LastAuthenticated" not in services["ec2"], services["ec2"]
    r = root.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    got = [(e["EntityInfo"]["Type"], e["EntityInfo"]["Name"], "LastAuthenticated" in e) for e in r["EntityDetailsList"]]
    assert got == [("USER", "alice", True)], got


@check("an AWS managed policy: Action * lists every service iamd knows")
def _():
    job = root.generate_service_last_accessed_details(Arn="arn:aws:iam::aws:policy/AdministratorAccess")["JobId"]
    _, services = services_of(job)
    assert len(services) > 250 and {"iam", "sts", "s3", "lambda"} <= set(services), len(services)


@check("errors: invalid ARN, missing entity, unknown job, another caller's job, bad Granularity")
def _():
    code, msg, status = error_of(root.generate_service_last_accessed_details, Arn="arn:aws:iam::123456789012:thing/x")
    assert (code, status) == ("InvalidInput", 400), (code, msg)
    code, msg, status = error_of(root.generate_service_last_accessed_details, Arn=f"arn:aws:iam::{ACCOUNT}:user/nobody")
    assert (code, status) == ("NoSuchEntity", 404) and "nobody" in msg, (code, msg)
    code, _, status = error_of(root.get_service_last_accessed_details, JobId="0" * 8 + "-0000-0000-0000-" + "0" * 12)
    assert (code, status) == ("NoSuchEntity", 404), code
    job = root.generate_service_last_accessed_details(Arn=USER_ARN)["JobId"]
    carol = client("iam", *CAROL)  # allowed iam:Get*, but the job is the root user's
    assert error_of(carol.get_service_last_accessed_details, JobId=job)[0] == "NoSuchEntity"
    code, _, status = error_of(root.generate_service_last_accessed_details, Arn=USER_ARN, Granularity="EVERYTHING")
    assert (code, status) == ("ValidationError", 400), code


@check("partitions: ARNs of the request's partition, in and out (aws-cn through cn-north-1)")
def _():
    cn = boto3.session.Session().client("iam", endpoint_url=server.endpoint, region_name="cn-north-1",
                                        aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
    cn_user = USER_ARN.replace("arn:aws:", "arn:aws-cn:")
    job = cn.generate_service_last_accessed_details(Arn=cn_user)["JobId"]
    _, services = services_of(job, cn)
    assert services["iam"]["LastAuthenticatedEntity"] == cn_user, services["iam"]
    # an aws-cn ARN through a Region of the aws partition names nothing
    assert error_of(root.generate_service_last_accessed_details, Arn=cn_user)[0] == "NoSuchEntity"


@check("authorization: iam:GenerateServiceLastAccessedDetails on the entity's ARN")
def _():
    carol = client("iam", *CAROL)
    code, msg, status = error_of(carol.generate_service_last_accessed_details, Arn=USER_ARN)
    assert (code, status) == ("AccessDenied", 403), (code, msg)
    assert "iam:GenerateServiceLastAccessedDetails" in msg and USER_ARN in msg, msg


@check("aws CLI: generate-service-last-accessed-details and get-service-last-accessed-details")
def _():
    job = aws_cli("generate-service-last-accessed-details", "--arn", USER_ARN)["JobId"]
    out = aws_cli("get-service-last-accessed-details", "--job-id", job)
    names = [s["ServiceNamespace"] for s in out["ServicesLastAccessed"]]
    assert names == sorted(names) and "iam" in names, names


@check("ListPoliciesGrantingServiceAccess: the user's own and its groups' policies per namespace")
def _():
    r = root.list_policies_granting_service_access(Arn=USER_ARN, ServiceNamespaces=["iam", "ec2", "lambda"])
    assert r["IsTruncated"] is False, r
    by_ns = {e["ServiceNamespace"]: e["Policies"] for e in r["PoliciesGrantingServiceAccess"]}
    assert list(by_ns) == ["iam", "ec2", "lambda"], by_ns
    assert by_ns["iam"] == [{"PolicyName": "inline", "PolicyType": "INLINE", "EntityType": "USER", "EntityName": "alice"},
                            {"PolicyName": "iam-all", "PolicyType": "MANAGED", "PolicyArn": POLICY_ARN}], by_ns
    assert by_ns["ec2"] == [{"PolicyName": "ec2", "PolicyType": "INLINE", "EntityType": "GROUP", "EntityName": "devs"}], by_ns
    assert by_ns["lambda"] == [], by_ns
    r = root.list_policies_granting_service_access(Arn=ROLE_ARN, ServiceNamespaces=["iam"])
    assert r["PoliciesGrantingServiceAccess"][0]["Policies"] == [
        {"PolicyName": "iam-all", "PolicyType": "MANAGED", "PolicyArn": POLICY_ARN}], r
    code, _, _ = error_of(root.list_policies_granting_service_access, Arn=POLICY_ARN, ServiceNamespaces=["iam"])
    assert code == "InvalidInput", code
    code, _, _ = error_of(root.list_policies_granting_service_access, Arn=f"arn:aws:iam::{ACCOUNT}:role/none",
                          ServiceNamespaces=["iam"])
    assert code == "NoSuchEntity", code


@check("SetSecurityTokenServicePreferences: GetAccountSummary's GlobalEndpointTokenVersion")
def _():
    assert root.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    root.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert root.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    root.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    assert root.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    code, _, _ = error_of(root.set_security_token_service_preferences, GlobalEndpointTokenVersion="v3Token")
    assert code == "ValidationError", code
    carol = client("iam", *CAROL)
    assert error_of(carol.set_security_token_service_preferences, GlobalEndpointTokenVersion="v2Token")[0] == \
        "AccessDenied"


@check("the accesses survive a restart (written at shutdown), the preference too")
def _():
    global root
    root.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    server.stop()
    server.start()
    root = client("iam")
    job = root.generate_service_last_accessed_details(Arn=USER_ARN, Granularity="ACTION_LEVEL")["JobId"]
    _, services = services_of(job)
    assert services["iam"]["LastAuthenticatedEntity"] == USER_ARN, services["iam"]
    assert services["sts"]["LastAuthenticatedEntity"] == USER_ARN, services["sts"]
    tracked = [a["ActionName"] for a in services["iam"]["TrackedActionsLastAccessed"]]
    assert tracked == ["CreateUser"], tracked
    summary = root.get_account_summary()["SummaryMap"]
    assert summary["GlobalEndpointTokenVersion"] == 2, summary


@check("serve --last-accessed-interval 1: what was noted is written within the interval, so a crash keeps it")
def _():
    global root
    server.stop()
    server.args = ["--last-accessed-interval", "1"]
    server.start()
    iam = client("iam", *ALICE)
    iam.get_user(UserName="alice")  # the first note writes at once
    iam.create_group(GroupName="after-restart")  # waits for the next write (the interval's)
    time.sleep(2.5)
    server.stop(signal.SIGKILL)
    server.args = []
    server.start()
    root = client("iam")
    job = root.generate_service_last_accessed_details(Arn=USER_ARN, Granularity="ACTION_LEVEL")["JobId"]
    _, services = services_of(job)
    tracked = sorted(a["ActionName"] for a in services["iam"]["TrackedActionsLastAccessed"])
    assert tracked == ["CreateGroup", "CreateUser"], tracked


finish(tmp)
