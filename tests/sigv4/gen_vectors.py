#!/usr/bin/python3
"""Generates tests/sigv4/vectors.txt: SigV4 known-answer vectors signed by Debian's botocore.

Run with /usr/bin/python3 (python3-botocore). The time is fixed by patching the datetime that
botocore.auth uses, so the output is deterministic. The test reads the data file; it never
runs this script.

Format: blocks separated by a blank line; each line is `key value`, the value escaped with
\\\\, \\n, \\r, \\t and \\xHH for any other byte outside printable ASCII. `header` repeats,
one per header as sent on the wire, as `name: value`.
"""
import datetime as _dt
import hashlib
import sys
import types
from urllib.parse import urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedDateTime(_dt.datetime):
    @classmethod
    def utcnow(cls):
        return cls(2015, 8, 30, 12, 36, 0)


botocore.auth.datetime = types.SimpleNamespace(datetime=FixedDateTime)

SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
FORM = 'application/x-www-form-urlencoded; charset=utf-8'


class Capture:
    """Mixin recording the canonical request and string to sign botocore computed."""

    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.captured = (canonical_request, sts)
        return sts


class HeaderAuth(Capture, botocore.auth.SigV4Auth):
    pass


class QueryAuth(Capture, botocore.auth.SigV4QueryAuth):
    pass


def escape(value):
    if isinstance(value, str):
        value = value.encode('utf-8')
    out = []
    for b in value:
        c = chr(b)
        if c == '\\':
            out.append('\\\\')
        elif c == '\n':
            out.append('\\n')
        elif c == '\r':
            out.append('\\r')
        elif c == '\t':
            out.append('\\t')
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append('\\x%02x' % b)
    return ''.join(out)


def vector(name, method, url, *, service, region='us-east-1', akid='AKIDEXAMPLE', token=None,
           headers=(), params=None, body=None, presign_expires=None, context=None):
    creds = Credentials(akid, SECRET, token)
    if presign_expires is not None:
        auth = QueryAuth(creds, service, region, expires=presign_expires)
    else:
        auth = HeaderAuth(creds, service, region)
    req = AWSRequest(method=method, url=url, data=body, params=params or {})
    for k, v in headers:
        req.headers[k] = v
    if context:
        req.context.update(context)
    auth.add_auth(req)
    prepared = req.prepare()
    parts = urlsplit(prepared.url)
    # req.headers keeps repeated headers (the prepared copy keeps only the last one).
    wire_headers = list(req.headers.items())
    names = {k.lower() for k, _ in wire_headers}
    if 'Content-Length' in prepared.headers and 'content-length' not in names:
        wire_headers.append(('Content-Length', prepared.headers['Content-Length']))
    if 'host' not in names:
        wire_headers.insert(0, ('Host', botocore.auth._host_from_url(prepared.url)))
    # Every real client sends a User-Agent; botocore never signs it.
    wire_headers.append(('User-Agent', 'aws-cli/2 botocore/%s' % botocore.__version__))
    canonical, sts = auth.captured
    if presign_expires is not None:
        signature = parts.query.rsplit('X-Amz-Signature=', 1)[1]
    else:
        signature = dict(prepared.headers)['Authorization'].rsplit('Signature=', 1)[1]
    pbody = prepared.body or b''
    lines = [
        ('name', name),
        ('kind', 'presign' if presign_expires is not None else 'header'),
        ('access_key_id', akid),
        ('secret', SECRET),
        ('session_token', token or ''),
        ('region', region),
        ('service', service),
        ('time', '20150830T123600Z'),
        ('expires', str(presign_expires or 0)),
        ('method', prepared.method),
        ('path', parts.path),
        ('query', parts.query),
    ]
    lines += [('header', '%s: %s' % (k, v)) for k, v in wire_headers]
    lines += [
        ('body', pbody),
        ('canonical_request', canonical),
        ('string_to_sign', sts),
        ('signature', signature),
    ]
    return '\n'.join('%s %s' % (k, escape(v)) for k, v in lines) + '\n'


def main():
    out = []
    out.append(vector('iam-listusers-post-form', 'POST', 'https://iam.amazonaws.com/', service='iam',
                      headers=[('Content-Type', FORM)], body='Action=ListUsers&Version=2010-05-08'))
    out.append(vector('sts-getcalleridentity-post-session-token', 'POST', 'https://sts.amazonaws.com/',
                      service='sts', akid='ASIAEXAMPLEKEYID1234', token='FQoGZXIvYXdzEXAMPLETOKEN',
                      headers=[('Content-Type', FORM)], body='Action=GetCallerIdentity&Version=2011-06-15'))
    out.append(vector('sts-regional-post-form', 'POST', 'https://sts.eu-west-1.amazonaws.com/', service='sts',
                      region='eu-west-1', headers=[('Content-Type', FORM)],
                      body='Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo'
                           '&RoleSessionName=s%40x&Version=2011-06-15'))
    out.append(vector('iam-get-with-query', 'GET', 'https://iam.amazonaws.com/', service='iam',
                      params={'Action': 'ListUsers', 'Version': '2010-05-08', 'PathPrefix': '/division_abc/',
                              'MaxItems': '10'}))
    out.append(vector('iam-get-odd-query-values', 'GET', 'https://iam.amazonaws.com/', service='iam',
                      params={'Action': 'ListUsers', 'Version': '2010-05-08', 'Marker': 'a b+c/d=e&f~g*h!\'()',
                              'PathPrefix': '/\u00fcn\u00efc\u00f6d\u00e9/\u65e5\u672c/', 'Empty': '',
                              'Tilde~Key': 'x.y_z-w', 'b': '2', 'a': '1'}))
    out.append(vector('get-odd-path', 'GET',
                      'https://example.amazonaws.com/foo%20bar/b%C3%A4z/a+b/c=d~e/%2Fslash/!$\'()*,;:@',
                      service='iam', params={'Param': 'value'}))
    out.append(vector('get-path-dot-segments', 'GET', 'https://example.amazonaws.com/a/./b/../c//d/', service='iam'))
    out.append(vector('post-date-header', 'POST', 'https://iam.amazonaws.com/', service='iam',
                      headers=[('Content-Type', FORM), ('Date', 'placeholder')],
                      body='Action=GetUser&Version=2010-05-08'))
    out.append(vector('post-header-whitespace-duplicates', 'POST', 'https://iam.amazonaws.com/', service='iam',
                      headers=[('Content-Type', FORM), ('X-Custom', '  a   b\t c  '), ('x-custom', 'second  value'),
                               ('X-Amz-Meta-Empty', '')],
                      body='Action=ListRoles&Version=2010-05-08'))
    out.append(vector('post-content-sha256-header', 'POST', 'https://iam.amazonaws.com/', service='iam',
                      headers=[('Content-Type', FORM),
                               ('X-Amz-Content-SHA256',
                                hashlib.sha256(b'Action=ListGroups&Version=2010-05-08').hexdigest())],
                      body='Action=ListGroups&Version=2010-05-08'))
    out.append(vector('post-unsigned-payload', 'POST', 'https://iam.amazonaws.com/', service='iam',
                      headers=[('Content-Type', FORM)], body='Action=ListPolicies&Version=2010-05-08',
                      context={'payload_signing_enabled': False}))
    out.append(vector('sts-presigned-get', 'GET', 'https://sts.amazonaws.com/', service='sts',
                      params={'Action': 'GetCallerIdentity', 'Version': '2011-06-15'}, presign_expires=60))
    out.append(vector('sts-presigned-get-session-token', 'GET', 'https://sts.amazonaws.com/', service='sts',
                      akid='ASIAEXAMPLEKEYID1234', token='FQoGZXIvYXdzEXAMPLETOKEN/+=',
                      headers=[('x-k8s-aws-id', 'my-cluster')],
                      params={'Action': 'GetCallerIdentity', 'Version': '2011-06-15'}, presign_expires=900))
    out.append(vector('iam-presigned-get-odd-values', 'GET', 'https://iam.amazonaws.com/', service='iam',
                      params={'Action': 'GetUser', 'UserName': 'a b+c=d', 'Version': '2010-05-08'},
                      presign_expires=604800))
    sys.stdout.write('# Generated by gen_vectors.py with botocore %s. Do not edit by hand.\n\n' % botocore.__version__)
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()
