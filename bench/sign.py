"""SigV4 signing of AWS Query requests with the standard library (botocore's header form),
for the benchmark drivers: pre-signed requests that wrk replays."""
import datetime
import hashlib
import hmac
import urllib.parse

CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


class Signer:
    def __init__(self, endpoint, key, secret, service="iam", region="us-east-1", when=None, token=None):
        """`token`: the session token of temporary credentials, signed as X-Amz-Security-Token."""
        self.host = urllib.parse.urlparse(endpoint).netloc
        self.key, self.service, self.region, self.token = key, service, region, token
        t = when or datetime.datetime.now(datetime.timezone.utc)
        self.amzdate, day = t.strftime("%Y%m%dT%H%M%SZ"), t.strftime("%Y%m%d")
        k = ("AWS4" + secret).encode()
        for part in (day, region, service, "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        self.signing_key = k
        self.scope = f"{day}/{region}/{service}/aws4_request"

    def sign(self, params):
        """Returns (Authorization header, form body) for a POST / with Content-Type, Host and
        X-Amz-Date (self.amzdate) signed, and X-Amz-Security-Token (self.token) when set."""
        body = urllib.parse.urlencode(params)
        ph = hashlib.sha256(body.encode()).hexdigest()
        headers = f"content-type:{CONTENT_TYPE}\nhost:{self.host}\nx-amz-date:{self.amzdate}\n"
        signed = "content-type;host;x-amz-date"
        if self.token:
            headers += f"x-amz-security-token:{self.token}\n"
            signed += ";x-amz-security-token"
        canon = f"POST\n/\n\n{headers}\n{signed}\n{ph}"
        sts = f"AWS4-HMAC-SHA256\n{self.amzdate}\n{self.scope}\n{hashlib.sha256(canon.encode()).hexdigest()}"
        sig = hmac.new(self.signing_key, sts.encode(), hashlib.sha256).hexdigest()
        auth = (f"AWS4-HMAC-SHA256 Credential={self.key}/{self.scope}, "
                f"SignedHeaders={signed}, Signature={sig}")
        return auth, body


def write_tsv(path, signer, requests):
    """The request file bench/write_replay.lua reads: the date (and the session token, when the
    signer has one), then one request a line."""
    with open(path, "w") as f:
        f.write(f"X-Amz-Date\t{signer.amzdate}" + (f"\t{signer.token}" if signer.token else "") + "\n")
        for auth, body in requests:
            f.write(f"{auth}\t{body}\n")
