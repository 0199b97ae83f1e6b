#!/usr/bin/python3
"""End-to-end tests of OpenID Connect and SAML identity providers against `iamd serve`, with
boto3 and the aws CLI.

Covers every provider operation, AWS's error codes, messages and HTTP statuses (URL and
thumbprint checks, metadata that is no SAML 2.0 metadata, malformed and unknown ARNs),
EntityAlreadyExists, LimitExceeded (client IDs, tags, providers per account), tags with
pagination, ValidUntil, GetAccountSummary's Providers, authorization with the provider ARN
and aws:ResourceTag, and a restart. Prints one line per check and a closing
"N passed, N failed". Run by ctest as e2e_providers:
    tests/e2e/providers_test.py PATH/TO/iamd
"""
import base64
import datetime
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
CERT = base64.b64encode(bytes(range(256)) * 3).decode()  # stands in for an X.509 certificate


def metadata(entity="https://idp.example.com/saml", valid_until=None, root="md:EntityDescriptor",
             descriptor="md:IDPSSODescriptor", ns=MD, extra=""):
    """SAML 2.0 IdP metadata (over 1,000 characters, as the API requires)."""
    valid = f' validUntil="{valid_until}"' if valid_until else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{root} xmlns:md="{ns}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}"{valid}>\n'
            f'  <{descriptor} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
            f'    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\n'
            f'      <ds:X509Certificate>{CERT}</ds:X509Certificate>\n'
            f'    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
            f'    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="https://idp.example.com/sso"/>\n'
            f'  </{descriptor}>{extra}\n'
            f'</{root}>\n')


def oidc_arn(rest):
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{rest}"


def saml_arn(name):
    return f"arn:aws:iam::{ACCOUNT}:saml-provider/{name}"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


A40, B40, C40 = "a" * 40, "b" * 40, "c" * 40


server, tmp = start_server("providers")


def raw_client():
    """An IAM client without boto3's own parameter checks, so the server's are seen."""
    import botocore.config
    return boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=ROOT_KEY,
        aws_secret_access_key=ROOT_SECRET, config=botocore.config.Config(parameter_validation=False))


# ---- OpenID Connect providers ----

@check("CreateOpenIDConnectProvider: ARN without https://, Tags echoed; Get returns the URL without scheme")
def _():
    iam = client("iam")
    r = iam.create_open_id_connect_provider(Url="https://token.example.com", ThumbprintList=[A40],
                                            ClientIDList=["sts.amazonaws.com", "app"],
                                            Tags=[{"Key": "team", "Value": "core"}])
    assert r["OpenIDConnectProviderArn"] == oidc_arn("token.example.com"), r
    assert r["Tags"] == [{"Key": "team", "Value": "core"}], r
    g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc_arn("token.example.com"))
    assert g["Url"] == "token.example.com", g
    assert g["ClientIDList"] == ["sts.amazonaws.com", "app"] and g["ThumbprintList"] == [A40], g
    assert g["Tags"] == [{"Key": "team", "Value": "core"}], g
    assert abs((g["CreateDate"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 120, g
    # With a path, no client IDs and (as AWS now accepts) no thumbprint.
    r = iam.create_open_id_connect_provider(Url="https://login.example.org/tenant/v2.0", ThumbprintList=[])
    assert r["OpenIDConnectProviderArn"] == oidc_arn("login.example.org/tenant/v2.0"), r
    # Without tags the Create answer has no Tags at all; Get sends its empty lists (models/empty_lists.txt).
    assert "Tags" not in r, r
    g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=r["OpenIDConnectProviderArn"])
    assert g["Url"] == "login.example.org/tenant/v2.0" and g["ClientIDList"] == [] and g["ThumbprintList"] == [], g
    assert "Tags" in g and g["Tags"] == [], g


@check("CreateOpenIDConnectProvider: a URL again is EntityAlreadyExists with AWS's message")
def _():
    iam = client("iam")
    assert error_of(iam.create_open_id_connect_provider, Url="https://token.example.com", ThumbprintList=[B40]) == \
        ("EntityAlreadyExists", "Provider with url https://token.example.com already exists.", 409)


@check("CreateOpenIDConnectProvider: URL checks (ValidationError without scheme or host, InvalidInput otherwise)")
def _():
    iam = client("iam")
    cases = [
        ("example.org", ("ValidationError", "Invalid Open ID Connect Provider URL", 400)),
        ("https://", ("ValidationError", "Invalid Open ID Connect Provider URL", 400)),
        ("http://example.com", ("InvalidInput",
                                "Invalid Open ID Connect Provider URL. The URL must begin with https://.", 400)),
        ("https://example.com?x=1", ("InvalidInput", "Invalid Open ID Connect Provider URL.", 400)),
        ("https://example.com:8443", ("InvalidInput", "Invalid Open ID Connect Provider URL.", 400)),
        ("https://user@example.com", ("InvalidInput", "Invalid Open ID Connect Provider URL.", 400)),
        ("https://exa_mple.com", ("InvalidInput", "Invalid Open ID Connect Provider URL.", 400)),
    ]
    for url, expected in cases:
        assert error_of(iam.create_open_id_connect_provider, Url=url, ThumbprintList=[A40]) == expected, url
    code, message, status = error_of(raw_client().create_open_id_connect_provider, Url="https://x" + "y" * 250,
                                      ThumbprintList=[A40])
    assert (code, status) == ("ValidationError", 400) and "'url'" in message, message


@check("CreateOpenIDConnectProvider: thumbprints (at most 5, 40 characters, lowercased) and client IDs (100)")
def _():
    iam = client("iam")
    six = [c * 40 for c in "abcdef"]
    assert error_of(iam.create_open_id_connect_provider, Url="https://six.example.com", ThumbprintList=six) == \
        ("InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)
    code, message, status = error_of(raw_client().create_open_id_connect_provider, Url="https://short.example.com",
                                     ThumbprintList=["a" * 39])
    assert (code, status) == ("ValidationError", 400) and "thumbprintList" in message, message
    assert error_of(iam.create_open_id_connect_provider, Url="https://many.example.com", ThumbprintList=[A40],
                    ClientIDList=[str(i) for i in range(101)]) == \
        ("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409)
    arn = iam.create_open_id_connect_provider(Url="https://five.example.com", ThumbprintList=six[:4] + ["F" * 40],
                                              ClientIDList=[str(i) for i in range(100)])["OpenIDConnectProviderArn"]
    g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert g["ThumbprintList"] == six[:4] + ["f" * 40] and len(g["ClientIDList"]) == 100, g
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


@check("ListOpenIDConnectProviders: every provider's ARN, by URL")
def _():
    iam = client("iam")
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arns == [oidc_arn("login.example.org/tenant/v2.0"), oidc_arn("token.example.com")], arns


@check("Add/RemoveClientIDToOpenIDConnectProvider: idempotent, in order, LimitExceeded at 100")
def _():
    iam = client("iam")
    arn = oidc_arn("token.example.com")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="third")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="app")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == \
        ["sts.amazonaws.com", "app", "third"]
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="app")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="never-added")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == \
        ["sts.amazonaws.com", "third"]
    full = iam.create_open_id_connect_provider(Url="https://full.example.com", ThumbprintList=[A40],
                                               ClientIDList=[str(i) for i in range(100)])["OpenIDConnectProviderArn"]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=full, ClientID="7")  # present: no-op
    assert error_of(iam.add_client_id_to_open_id_connect_provider, OpenIDConnectProviderArn=full,
                    ClientID="one-more") == \
        ("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=full)


@check("UpdateOpenIDConnectProviderThumbprint: replaces the list; more than five is InvalidInput")
def _():
    iam = client("iam")
    arn = oidc_arn("token.example.com")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=[C40, B40])
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == [C40, B40]
    assert error_of(iam.update_open_id_connect_provider_thumbprint, OpenIDConnectProviderArn=arn,
                    ThumbprintList=[c * 40 for c in "abcdef"]) == \
        ("InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)


@check("OIDC tags: Tag (case-sensitive keys, replaces), Untag, ListOpenIDConnectProviderTags paginated, limits")
def _():
    iam = client("iam")
    arn = oidc_arn("token.example.com")
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[
        {"Key": "Team", "Value": "upper"}, {"Key": "team", "Value": "lower"}, {"Key": "env", "Value": ""}])
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    # Sorted by key (byte order), AWS's order (protocol_test.py).
    assert tags["Tags"] == [{"Key": "Team", "Value": "upper"}, {"Key": "env", "Value": ""},
                            {"Key": "team", "Value": "lower"}] and tags["IsTruncated"] is False, tags
    page = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, MaxItems=2)
    assert page["IsTruncated"] is True and len(page["Tags"]) == 2, page
    rest = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, Marker=page["Marker"])
    assert rest["Tags"] == [{"Key": "team", "Value": "lower"}] and rest["IsTruncated"] is False, rest
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["Team", "env", "absent"])
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"] == [{"Key": "team", "Value": "lower"}]
    assert error_of(iam.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                    Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]) == \
        ("InvalidInput", "Duplicate tag keys found.", 400)
    assert error_of(iam.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                    Tags=[{"Key": f"k{i:02d}", "Value": "v"} for i in range(50)]) == \
        ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    assert len(iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"]) == 1


@check("OIDC: an unknown provider is NoSuchEntity with AWS's messages; text that is no ARN is InvalidInput")
def _():
    iam = client("iam")
    missing = oidc_arn("missing.example.com")
    expected = ("NoSuchEntity", f"OpenIDConnect Provider not found for arn {missing}", 404)
    assert error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=missing) == expected
    assert error_of(iam.add_client_id_to_open_id_connect_provider, OpenIDConnectProviderArn=missing,
                    ClientID="x") == expected
    assert error_of(iam.list_open_id_connect_provider_tags, OpenIDConnectProviderArn=missing) == expected
    assert error_of(iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=missing) == \
        ("NoSuchEntity", f"OpenId connect Provider {missing} cannot be found.", 404)
    # A SAML provider's ARN names no OIDC provider.
    assert error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=saml_arn("x"))[0] == "NoSuchEntity"
    bad = "not-an-arn-at-all-xyz"
    assert error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=bad) == \
        ("InvalidInput", f"ARN {bad} is not valid.", 400)
    assert error_of(iam.tag_open_id_connect_provider, OpenIDConnectProviderArn=bad,
                    Tags=[{"Key": "a", "Value": "b"}]) == ("InvalidInput", f"ARN {bad} is not valid.", 400)
    code, _, status = error_of(raw_client().get_open_id_connect_provider, OpenIDConnectProviderArn="arn:short")
    assert (code, status) == ("ValidationError", 400), code


@check("DeleteOpenIDConnectProvider: gone from Get and List; a second delete is NoSuchEntity")
def _():
    iam = client("iam")
    arn = iam.create_open_id_connect_provider(Url="https://gone.example.com", ThumbprintList=[A40])[
        "OpenIDConnectProviderArn"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)[0] == "NoSuchEntity"
    assert arn not in [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert error_of(iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn)[0] == "NoSuchEntity"


# ---- SAML providers ----

@check("CreateSAMLProvider: ARN, Tags; GetSAMLProvider: the document, CreateDate, ValidUntil from the metadata")
def _():
    iam = client("iam")
    m = metadata(valid_until="2031-05-06T07:08:09Z")
    r = iam.create_saml_provider(Name="Okta_corp.1-x", SAMLMetadataDocument=m, Tags=[{"Key": "k", "Value": "v"}])
    assert r["SAMLProviderArn"] == saml_arn("Okta_corp.1-x") and r["Tags"] == [{"Key": "k", "Value": "v"}], r
    g = iam.get_saml_provider(SAMLProviderArn=saml_arn("Okta_corp.1-x"))
    assert g["SAMLMetadataDocument"] == m, g["SAMLMetadataDocument"][:80]
    assert g["ValidUntil"] == datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc), g
    assert g["Tags"] == [{"Key": "k", "Value": "v"}], g
    assert abs((g["CreateDate"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 120, g


@check("CreateSAMLProvider: without validUntil, ValidUntil is a hundred years ahead; EntitiesDescriptor accepted")
def _():
    iam = client("iam")
    r = iam.create_saml_provider(Name="NoExpiry", SAMLMetadataDocument=metadata())
    g = iam.get_saml_provider(SAMLProviderArn=saml_arn("NoExpiry"))
    # Untagged: Create leaves Tags out, Get sends "Tags": [] (models/empty_lists.txt).
    assert "Tags" not in r and "Tags" in g and g["Tags"] == [], (r, g)
    years = (g["ValidUntil"] - g["CreateDate"]).days / 365.2425
    assert 99.9 < years < 100.1, g
    wrapped = (f'<md:EntitiesDescriptor xmlns:md="{MD}" validUntil="2030-01-01T00:00:00Z">'
               + metadata().split("?>\n", 1)[1] + "</md:EntitiesDescriptor>")
    iam.create_saml_provider(Name="Federation", SAMLMetadataDocument=wrapped)
    g = iam.get_saml_provider(SAMLProviderArn=saml_arn("Federation"))
    assert g["ValidUntil"] == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc), g


@check("CreateSAMLProvider: anything but SAML 2.0 IdP metadata is InvalidInput 'Could not parse metadata'")
def _():
    iam = client("iam")
    bad = {
        "not XML": "x" * 1200,
        "unclosed": metadata()[:-30],
        "SP metadata only": metadata(descriptor="md:SPSSODescriptor"),
        "other namespace": metadata(ns="urn:example:not-saml"),
        "other root": metadata(root="md:Organization"),
        "no entityID": metadata(entity=""),
        "bad validUntil": metadata(valid_until="next tuesday"),
        "a DOCTYPE with entities": ('<?xml version="1.0"?><!DOCTYPE md:EntityDescriptor [<!ENTITY a "aaaaaaaaaa">'
                                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                                    + metadata().split("?>\n", 1)[1].replace("https://idp.example.com/sso", "&b;")),
        "deep nesting": metadata(extra="<x>" * 200 + "</x>" * 200),
    }
    for why, document in bad.items():
        assert error_of(iam.create_saml_provider, Name="Bad", SAMLMetadataDocument=document) == \
            ("InvalidInput", "Could not parse metadata", 400), why
    code, message, status = error_of(raw_client().create_saml_provider, Name="Short", SAMLMetadataDocument="<a/>")
    assert (code, status) == ("ValidationError", 400) and "sAMLMetadataDocument" in message, message
    code, message, status = error_of(raw_client().create_saml_provider, Name="bad name!",
                                     SAMLMetadataDocument=metadata())
    assert (code, status) == ("ValidationError", 400) and "name" in message, message
    assert "Bad" not in str(iam.list_saml_providers())


@check("CreateSAMLProvider: a name again (any case) is EntityAlreadyExists")
def _():
    iam = client("iam")
    assert error_of(iam.create_saml_provider, Name="NoExpiry", SAMLMetadataDocument=metadata()) == \
        ("EntityAlreadyExists", "Provider with name NoExpiry already exists.", 409)
    assert error_of(iam.create_saml_provider, Name="noexpiry", SAMLMetadataDocument=metadata())[0] == \
        "EntityAlreadyExists"


@check("ListSAMLProviders: Arn, ValidUntil and CreateDate of each, by name")
def _():
    iam = client("iam")
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [p["Arn"] for p in listed] == [saml_arn("Federation"), saml_arn("NoExpiry"), saml_arn("Okta_corp.1-x")], \
        listed
    assert all(set(p) == {"Arn", "ValidUntil", "CreateDate"} for p in listed), listed
    assert listed[2]["ValidUntil"] == datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)


@check("UpdateSAMLProvider: new metadata and ValidUntil; bad metadata InvalidInput; unknown NoSuchEntity")
def _():
    iam = client("iam")
    arn = saml_arn("Okta_corp.1-x")
    m = metadata(entity="https://idp2.example.com", valid_until="2040-12-31T23:59:59Z")
    assert iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=m)["SAMLProviderArn"] == arn
    g = iam.get_saml_provider(SAMLProviderArn=arn)
    assert g["SAMLMetadataDocument"] == m and g["ValidUntil"].year == 2040, g["ValidUntil"]
    assert error_of(iam.update_saml_provider, SAMLProviderArn=arn, SAMLMetadataDocument="<x>" + " " * 1000 + "</x>") == \
        ("InvalidInput", "Could not parse metadata", 400)
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == m
    missing = saml_arn("Missing")
    assert error_of(iam.update_saml_provider, SAMLProviderArn=missing, SAMLMetadataDocument=m) == \
        ("NoSuchEntity", f"Manifest not found for arn {missing}", 404)


@check("SAML tags: Tag, Untag, ListSAMLProviderTags paginated, duplicate keys and the limit of 50")
def _():
    iam = client("iam")
    arn = saml_arn("NoExpiry")
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(5)])
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "k0", "Value": "zero"}])
    first = iam.list_saml_provider_tags(SAMLProviderArn=arn, MaxItems=3)
    assert first["IsTruncated"] is True and first["Tags"][0] == {"Key": "k0", "Value": "zero"}, first
    second = iam.list_saml_provider_tags(SAMLProviderArn=arn, Marker=first["Marker"], MaxItems=3)
    assert [t["Key"] for t in second["Tags"]] == ["k3", "k4"] and second["IsTruncated"] is False, second
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["k1", "k2", "k3"])
    assert [t["Key"] for t in iam.get_saml_provider(SAMLProviderArn=arn)["Tags"]] == ["k0", "k4"]
    assert error_of(iam.tag_saml_provider, SAMLProviderArn=arn,
                    Tags=[{"Key": f"n{i}", "Value": ""} for i in range(49)]) == \
        ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    missing = saml_arn("Missing")
    assert error_of(iam.list_saml_provider_tags, SAMLProviderArn=missing) == \
        ("NoSuchEntity", f"Manifest not found for arn {missing}", 404)


@check("DeleteSAMLProvider: gone; again NoSuchEntity 'Manifest not found for arn ...'; bad ARN InvalidInput")
def _():
    iam = client("iam")
    arn = saml_arn("Federation")
    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert error_of(iam.get_saml_provider, SAMLProviderArn=arn) == \
        ("NoSuchEntity", f"Manifest not found for arn {arn}", 404)
    assert error_of(iam.delete_saml_provider, SAMLProviderArn=arn) == \
        ("NoSuchEntity", f"Manifest not found for arn {arn}", 404)
    assert error_of(iam.get_saml_provider, SAMLProviderArn="saml-provider/NoExpiry") == \
        ("InvalidInput", "ARN saml-provider/NoExpiry is not valid.", 400)


# ---- Account, quotas, authorization, CLI, restart ----

@check("GetAccountSummary: Providers counts OIDC and SAML providers")
def _():
    iam = client("iam")
    n = len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]) + \
        len(iam.list_saml_providers()["SAMLProviderList"])
    assert n == 4 and iam.get_account_summary()["SummaryMap"]["Providers"] == n, n


@check("LimitExceeded: 100 OIDC providers per account")
def _():
    iam = client("iam")
    have = len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    created = []
    for i in range(100 - have):
        created.append(iam.create_open_id_connect_provider(Url=f"https://q{i}.example.com", ThumbprintList=[])[
            "OpenIDConnectProviderArn"])
    code, message, status = error_of(iam.create_open_id_connect_provider, Url="https://one-more.example.com",
                                     ThumbprintList=[])
    assert (code, status) == ("LimitExceeded", 409) and message.endswith(": 100"), message
    for arn in created:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]) == have


@check("authorization: the provider ARN (Create: the ARN it will have), '*' for the lists, AWS's messages")
def _():
    key, secret = user_with_key("idp-reader", inline=json.loads(doc(
        allow(["iam:GetOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider"],
              oidc_arn("token.example.com")),
        allow("iam:GetSAMLProvider", f"arn:aws:iam::{ACCOUNT}:saml-provider/No*"),
        allow("iam:ListSAMLProviders"))))
    c = client("iam", key, secret)
    assert c.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc_arn("token.example.com"))["Url"] == \
        "token.example.com"
    user = f"arn:aws:iam::{ACCOUNT}:user/idp-reader"
    other = oidc_arn("login.example.org/tenant/v2.0")
    assert error_of(c.get_open_id_connect_provider, OpenIDConnectProviderArn=other) == (
        "AccessDenied", f"User: {user} is not authorized to perform: iam:GetOpenIDConnectProvider on resource: {other} "
        "because no identity-based policy allows the iam:GetOpenIDConnectProvider action", 403)
    assert error_of(c.create_open_id_connect_provider, Url="https://new.example.com", ThumbprintList=[]) == (
        "AccessDenied", f"User: {user} is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: "
        f"{oidc_arn('new.example.com')} because no identity-based policy allows the "
        "iam:CreateOpenIDConnectProvider action", 403)
    # Allowed on its ARN, the create then fails on the domain's own check.
    assert error_of(c.create_open_id_connect_provider, Url="https://token.example.com", ThumbprintList=[])[0] == \
        "EntityAlreadyExists"
    assert error_of(c.list_open_id_connect_providers) == (
        "AccessDenied", f"User: {user} is not authorized to perform: iam:ListOpenIDConnectProviders because no "
        "identity-based policy allows the iam:ListOpenIDConnectProviders action", 403)
    assert [p["Arn"] for p in c.list_saml_providers()["SAMLProviderList"]][0] == saml_arn("NoExpiry")
    assert c.get_saml_provider(SAMLProviderArn=saml_arn("NoExpiry"))["Tags"]
    code, message, _ = error_of(c.get_saml_provider, SAMLProviderArn=saml_arn("Okta_corp.1-x"))
    assert code == "AccessDenied" and f"on resource: {saml_arn('Okta_corp.1-x')} " in message, message
    # A missing provider is denied on its ARN, not reported as missing.
    code, message, _ = error_of(c.delete_saml_provider, SAMLProviderArn=saml_arn("Missing"))
    assert code == "AccessDenied" and f"iam:DeleteSAMLProvider on resource: {saml_arn('Missing')} " in message


@check("authorization: aws:ResourceTag of the provider, aws:RequestTag and aws:TagKeys when tagging")
def _():
    iam = client("iam")
    iam.tag_saml_provider(SAMLProviderArn=saml_arn("Okta_corp.1-x"), Tags=[{"Key": "owner", "Value": "ops"}])
    key, secret = user_with_key("idp-tagger", inline=json.loads(doc(
        allow(["iam:GetSAMLProvider", "iam:GetOpenIDConnectProvider"], "*",
              Condition={"StringEquals": {"aws:ResourceTag/owner": "ops"}}),
        allow("iam:TagOpenIDConnectProvider", "*",
              Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["stage"]},
                         "StringEquals": {"aws:RequestTag/stage": "dev"}}))))
    c = client("iam", key, secret)
    assert c.get_saml_provider(SAMLProviderArn=saml_arn("Okta_corp.1-x"))["ValidUntil"].year == 2040
    assert error_of(c.get_saml_provider, SAMLProviderArn=saml_arn("NoExpiry"))[0] == "AccessDenied"
    assert error_of(c.get_open_id_connect_provider, OpenIDConnectProviderArn=oidc_arn("token.example.com"))[0] == \
        "AccessDenied"
    arn = oidc_arn("token.example.com")
    c.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    assert error_of(c.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                    Tags=[{"Key": "stage", "Value": "prod"}])[0] == "AccessDenied"
    assert error_of(c.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                    Tags=[{"Key": "owner", "Value": "dev"}])[0] == "AccessDenied"


@check("aws CLI: create-open-id-connect-provider, create-saml-provider from a file, list and get")
def _():
    aws = aws_cli

    r = aws("create-open-id-connect-provider", "--url", "https://cli.example.com", "--thumbprint-list", A40,
            "--client-id-list", "cli-app")
    assert r["OpenIDConnectProviderArn"] == oidc_arn("cli.example.com"), r
    g = aws("get-open-id-connect-provider", "--open-id-connect-provider-arn", oidc_arn("cli.example.com"))
    assert g["Url"] == "cli.example.com" and g["ClientIDList"] == ["cli-app"], g
    path = os.path.join(tmp, "metadata.xml")
    with open(path, "w") as f:
        f.write(metadata(valid_until="2035-01-01T00:00:00Z"))
    r = aws("create-saml-provider", "--name", "cli-idp", "--saml-metadata-document", f"file://{path}")
    assert r["SAMLProviderArn"] == saml_arn("cli-idp"), r
    listed = aws("list-saml-providers")["SAMLProviderList"]
    assert [p for p in listed if p["Arn"] == saml_arn("cli-idp")][0]["ValidUntil"].startswith("2035-01-01T00:00:00")


@check("providers survive a restart")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    iam = client("iam")
    g = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc_arn("token.example.com"))
    assert g["ClientIDList"] == ["sts.amazonaws.com", "third"] and g["ThumbprintList"] == [C40, B40], g
    s = iam.get_saml_provider(SAMLProviderArn=saml_arn("Okta_corp.1-x"))
    assert s["ValidUntil"].year == 2040 and {"Key": "owner", "Value": "ops"} in s["Tags"], s
    assert iam.get_account_summary()["SummaryMap"]["Providers"] == 6


finish(tmp)
